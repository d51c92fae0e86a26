"""Unknown people introduced by a role noun in apposition (pipeline/recognise/appositions.py):
the one capitalised word beside the role noun is a person, and so is the same word elsewhere in
the document, with one id; places, dates, common words and titles are not. Through the real
pipeline; every sentence is our own."""

from __future__ import annotations

import pytest

from tests.conftest import persons


def _persons(pipe, text: str) -> list[dict]:
    return persons(pipe.process_text(text, "appositions"))


def _texts(pipe, text: str) -> list[str]:
    return [e["text"] for e in _persons(pipe, text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("At the harbour an old Albanian boatman, Dhimitraq, rowed us across.", "Dhimitraq"),
        ("Our driver, Ximena, knew every road in the valley.", "Ximena"),
        ("He argued with the porter, a certain Zhumabekov, who counted every parcel twice.", "Zhumabekov"),
        ("The stout cook they had hired in the spring, Oyelaran, made soup every day.", "Oyelaran"),
        ("Ximena, our driver, knew every road in the valley.", "Ximena"),
        ("Dhimitraq, the old boatman who rowed us across, refused payment.", "Dhimitraq"),
        ("Monsieur Pelletier, the concierge, kept the keys.", "Pelletier"),
    ],
)
def test_name_in_apposition_with_a_role_noun(pipe, text: str, name: str) -> None:
    assert name in _texts(pipe, text)


def test_index_gloss_with_a_role_noun(pipe) -> None:
    assert "Dhimitraq" in _texts(pipe, "Dhimitraq, Albanian boatman at Durrës, 44–6, 101\n")


def test_the_same_word_elsewhere_is_the_same_person(pipe) -> None:
    text = (
        "Our guide, Ximena, showed us the courtyard. We ate lunch in the square. "
        "Afterwards Ximena drove us back, and Ximena's brother waved from the gate."
    )
    found = [e for e in _persons(pipe, text) if e["text"] == "Ximena"]
    assert len(found) == 3
    assert len({e["entity_id"] for e in found}) == 1


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("We waited for the guide, London, and the ferry was late.", "London"),
        ("We met the cook, Monday, and the house was cold.", "Monday"),
        ("Our driver, Ford, took us home.", "Ford"),  # a common English word: stays as the model reads it
        ("The secretary, General Assembly delegates said, resigned.", "General"),
        ("In Tlacotalpan, our guide showed us the river.", "Tlacotalpan"),
        ("Downstairs, the maid was waiting with the keys.", "Downstairs"),
        ("Sadly, the doctor could do nothing for him.", "Sadly"),
    ],
)
def test_places_dates_common_words_and_adverbs_are_no_persons(pipe, text: str, word: str) -> None:
    assert not any(word in t for t in _texts(pipe, text))


def test_a_later_word_inside_a_longer_name_is_left_alone(pipe) -> None:
    text = "Our guide, Ximena, took us to Ximena Street, where the market is held on Sundays."
    found = [e for e in _persons(pipe, text) if "Ximena" in e["text"]]
    assert len(found) == 1


def test_a_later_place_after_a_locative_preposition_stays_a_place(pipe) -> None:
    # Florence is a given name: in apposition with "driver" a person, after "in" the town.
    record = pipe.process_text("Our driver, Florence, took us to the station. Later we lived in Florence.", "x")
    found = [e for e in record["entities"] if e["text"] == "Florence"]
    assert [e["label"] for e in found] == ["PERSON", "GPE"]
