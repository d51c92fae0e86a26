"""Inverted names and registers' capitals through the real pipeline (issue 9, docs/annotation.md).

An inverted name of an index, register or bibliography (``Sedov, Lev
Lvovich``) is ONE person mention linked like the name in natural order; a
register's ``Given Patronymic SURNAME`` is one mention too. Running text that
puts a comma between people (``Kamenev, Zinoviev and Stalin``) stays several
mentions, and an all-capitals headline of common words names nobody.
The sentences are written for these tests, not taken from the gold sets.
"""

from __future__ import annotations

from typing import Any

import pytest


def people(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(text, entity_id) of every PERSON entity of a record."""
    return [(e["text"], e["entity_id"]) for e in record["entities"] if e["label"] == "PERSON"]


def texts(record: dict[str, Any]) -> list[str]:
    return [text for text, _ in people(record)]


# -- positives ------------------------------------------------------------------------------------


def test_an_index_line_is_one_mention_of_the_individual(pipe):
    record = pipe.process_text("Kamenev, Lev Borisovich (1883–1936), 44–50, 144\n", "index")
    assert ("Kamenev, Lev Borisovich", "lev-kamenev") in people(record)
    assert "Kamenev" not in texts(record) and "Lev Borisovich" not in texts(record)


def test_index_entries_with_glosses_cross_references_and_particles(pipe):
    text = (
        "Frankel, Jan (1906–1984), 101, 134\n"
        "Heijenoort, Jean van, see van Heijenoort, Jean\n"
        "Kameneva, Olga Davidovna, see also Kamenev, 45\n"
    )
    found = people(pipe.process_text(text, "index2"))
    assert ("Frankel, Jan", "jan-frankel") in found
    assert ("Heijenoort, Jean van", "jean-van-heijenoort") in found
    assert ("van Heijenoort, Jean", "jean-van-heijenoort") in found
    assert ("Kameneva, Olga Davidovna", "olga-kameneva") in found


def test_bibliography_entries_with_initials(pipe):
    text = (
        "Deutscher, Isaac. The Prophet Outcast. London: Verso, 2003.\n"
        "Thatcher, Ian D. A Short Life. Cambridge: Polity, 2003.\n"
    )
    found = people(pipe.process_text(text, "bib"))
    assert ("Deutscher, Isaac", "isaac-deutscher") in found
    assert ("Thatcher, Ian D.", "ian-d-thatcher") in found


def test_a_register_row_in_a_pipe_table(nlp):
    # Through the spaCy pipeline (recogniser and linker): the cleaner's handling of
    # table rows is another issue (tables kept as content).
    doc = nlp("| 12 | SEDOV, Sergei Lvovich | 1908 | 1937, Krasnoyarsk | son of 5 |\n")
    found = [(e.text, e.kb_id_) for e in doc.ents if e.label_ == "PERSON"]
    assert found == [("SEDOV, Sergei Lvovich", "sergei-sedov")]


def test_given_patronymic_and_surname_in_capitals(pipe):
    record = pipe.process_text("The ledger was signed by Irina Pavlovna KOROLEVA, clerk of the registry.", "reg")
    assert texts(record) == ["Irina Pavlovna KOROLEVA"]


def test_an_inverted_name_anchors_the_short_forms_after_it(pipe):
    text = "Sedova, Natalia Ivanovna (1882–1962), 61, 243; Natalia in Paris, 88\n"
    found = people(pipe.process_text(text, "anchor"))
    assert found[0] == ("Sedova, Natalia Ivanovna", "natalia-sedova")
    assert ("Natalia", "natalia-sedova") in found


# -- negatives ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kamenev, Zinoviev and Stalin met.", ["Kamenev", "Zinoviev", "Stalin"]),
        ("Trotsky, Natalia and Lev left for Paris.", ["Trotsky", "Natalia", "Lev"]),
        ("In 1929 Trotsky, Natalia, who was ill, and Lev left.", ["Trotsky", "Natalia", "Lev"]),
        ("Trotsky, Natalia (his wife) and Lev sailed.", ["Trotsky", "Natalia", "Lev"]),
    ],
)
def test_a_comma_between_people_in_running_text_keeps_them_apart(pipe, text, expected):
    assert texts(pipe.process_text(text, "running")) == expected


def test_given_name_then_surname_after_a_comma_is_two_people(pipe):
    record = pipe.process_text("We wrote to Zinoviev, Lev Kamenev (1883–1936) answered.", "two")
    assert "Zinoviev" in texts(record) and "Lev Kamenev" in texts(record)


def test_an_all_caps_headline_of_common_words_has_no_person(pipe):
    record = pipe.process_text("THE NEW LINE OF THE PARTY IS CLEAR\n\nThe congress met in May.", "headline")
    assert texts(record) == []


def test_an_all_caps_name_in_a_headline_stops_before_the_verb(pipe):
    record = pipe.process_text("LEON TROTSKY SPEAKS TO THE PRESS\n\nHe spoke for an hour.", "headline2")
    assert people(record)[:1] == [("LEON TROTSKY", "leon-trotsky")]


@pytest.mark.parametrize(
    "text",
    [
        "She was a nurse of Albany, N. Y., where she met him.",
        "The accused (Fritz David, Emel Lurie, N.D. Lurie and V. P. Olberg) confessed.",
    ],
)
def test_places_and_lists_of_full_names_are_no_inverted_name(pipe, text):
    assert not any("," in name for name in texts(pipe.process_text(text, "lists")))


def test_an_index_entry_with_an_english_given_name(pipe):
    # "Marjorie" and "Floyd" are given names of the census lexicon only (written for the test)
    index = "Pemberton, Marjorie, postmistress at Lewiston, 153, 157\nHargrove, Floyd (1890–1951), 12, 40\n"
    assert texts(pipe.process_text(index, "index")) == ["Pemberton, Marjorie", "Hargrove, Floyd"]


def test_a_place_and_a_census_given_name_in_running_text_stay_apart(pipe):
    text = "The boys drove from the farm at Taler Patch, Georgia to the fair, and came back at night."
    assert "Taler Patch, Georgia" not in texts(pipe.process_text(text, "prose"))


def test_a_register_row_with_a_surname_in_capitals_and_unknown_given_names(pipe):
    # written for the test: given names of no lexicon, after a surname in capitals at a line start
    rows = "SOLBAKKEN, Torvald Martin, 44, merchant, Bergen\nAASGAARD, Signe, 39, wife, Bergen\n"
    assert texts(pipe.process_text(rows, "register")) == ["SOLBAKKEN, Torvald Martin", "AASGAARD, Signe"]


def test_a_dateline_in_capitals_is_no_inverted_name(pipe):
    text = "PETROGRAD, March 3 — The workers of the Putilov plant came out on strike again this morning.\n"
    assert not any("March" in t for t in texts(pipe.process_text(text, "dateline")))
