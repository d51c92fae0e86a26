"""Things named after people are no person mentions (docs/annotation.md; issue 9, pipeline/recognise/eponyms.py).

Towns made from a person's name (Kamenevsk, Stalinabad), ships, prizes,
plants and cocktails, streets, renamed towns, works after their cue. Negative
cases show that the person stays a person after the same cue words
(``the Kirov murder``, ``wrote to Molotov``, ``the young Sverdlov``, ``Skryabin
became Molotov``). The sentences are written for these tests, not taken from
the gold sets.
"""

from __future__ import annotations

import pytest


def people(pipe, text: str) -> list[str]:
    """The PERSON texts of ``text`` through the whole pipeline, in order."""
    record = pipe.process_text(text, "eponyms")
    return [e["text"] for e in record["entities"] if e["label"] == "PERSON"]


@pytest.fixture(scope="module")
def context(pipe):
    return pipe.nlp.get_pipe("namelink_person_rules").families.shapes.context


# -- towns made from a person's name ------------------------------------------------------------


@pytest.mark.parametrize(
    "word, stem",
    [
        ("kamenevsk", "kamenev"),
        ("molotovsk", "molotov"),
        ("stalinabad", "stalin"),
        ("leninakan", "lenin"),
        ("kirovograd", "kirov"),
        ("dzerzhinsk", "dzerzhinsky"),  # the adjective ending -y dropped
        ("stalino", "stalin"),  # -o after a surname-shaped stem
        ("ivanovo", "ivan"),
    ],
)
def test_a_town_made_from_a_known_name(context, word, stem):
    assert context.derived_place(word) == stem


@pytest.mark.parametrize(
    "word", ["kamenev", "molotov", "trotsky", "pushkin", "marko", "gustavo", "moscow", "bronstein"]
)
def test_a_name_or_an_ordinary_word_is_no_town(context, word):
    # the name itself is ambiguous (decided by context), a given name + o is no town
    assert context.derived_place(word) is None


def test_towns_made_from_names_are_not_people(pipe):
    text = "The delegates travelled from Kamenevsk to Stalinabad and on to Dzerzhinsk. Kamenev stayed in Moscow."
    assert people(pipe, text) == ["Kamenev"]


# -- the name of a thing ------------------------------------------------------------------------


def test_cocktails_and_plants_named_after_people(pipe):
    text = "The waiters served a Bukharin cocktail, and the band played at the Dzerzhinsky Plant."
    assert people(pipe, text) == []


def test_an_event_after_the_name_keeps_the_person(pipe):
    text = "Bukharin ordered a cocktail. After the Kirov murder, Zinoviev was arrested."
    assert people(pipe, text) == ["Bukharin", "Kirov", "Zinoviev"]


def test_a_ship_word_before_the_name(pipe):
    text = "In 1931 the Soviet freighter Kamenev docked at Odessa; Kamenev himself was in Moscow."
    found = pipe.process_text(text, "ship")["entities"]
    assert [(e["text"], e["start"]) for e in found if e["label"] == "PERSON"] == [("Kamenev", text.rindex("Kamenev"))]


def test_the_and_a_bare_name_before_a_verb_or_a_full_stop_is_a_thing(pipe):
    assert people(pipe, "Nobody boarded the Sverdlov that winter. In March the Sverdlov was towed away.") == []


def test_an_adjective_or_of_after_the_article_keeps_the_person(pipe):
    text = "The young Sverdlov was arrested in 1906, and the Trotsky of 1917 was another man."
    assert people(pipe, text) == ["Sverdlov", "Trotsky"]


def test_an_index_gloss_makes_the_entry_a_ship(pipe):
    text = "Sverdlov, icebreaker, 212–14\nSverdlov, Yakov (1885–1919), 40\n"
    assert people(pipe, text) == ["Sverdlov, Yakov"]


def test_an_apposition_of_a_place_noun_makes_a_town_and_of_a_role_keeps_the_person(pipe):
    text = "Kirov, the town, lies north of Kazan, and Kirov, the Leningrad party chief, never saw it."
    found = pipe.process_text(text, "apposition")["entities"]
    assert [(e["text"], e["start"]) for e in found if e["label"] == "PERSON"] == [("Kirov", text.rindex("Kirov"))]


def test_streets_and_a_house_museum_named_after_people(pipe):
    text = "The procession went down Avenida Lenin and ended at the Casa de Leon Trotsky."
    assert people(pipe, text) == []


def test_a_work_after_its_cue_is_no_person(pipe):
    text = (
        'Volkov appeared in a film called Trotsky\'s Grandson and in a series called "Lenin Lives". Lenin died in 1924.'
    )
    assert people(pipe, text) == ["Volkov", "Lenin"]


# -- renamed towns ------------------------------------------------------------------------------


def test_a_renaming_with_a_place_subject_makes_a_town_there_and_after_in(pipe):
    text = (
        "The city was called Kuibyshev from 1935 to 1991, and the factories in Kuibyshev worked day and "
        "night. Kuibyshev himself died in 1935."
    )
    found = pipe.process_text(text, "renamed")["entities"]
    persons = [(e["text"], e["start"]) for e in found if e["label"] == "PERSON"]
    assert persons == [("Kuibyshev", text.index("Kuibyshev himself"))]


def test_born_in_makes_a_town_while_wrote_to_keeps_the_person(pipe):
    text = "Her grandmother was born in Molotov. She wrote to Molotov twice, and Molotov never answered."
    assert people(pipe, text) == ["Molotov", "Molotov"]


def test_a_person_subject_keeps_the_person_after_became_and_was(pipe):
    text = "Skryabin became Molotov in 1912. Stalin was Dzhugashvili, and Moscow was Lenin's capital."
    assert people(pipe, text) == ["Skryabin", "Molotov", "Stalin", "Dzhugashvili", "Lenin"]


def test_a_possessive_keeps_the_person_in_a_town_of_that_name(pipe):
    text = "The town was renamed Kirov in 1934. Kirov's murder came first, and in Kirov's honour the plant was named."
    assert people(pipe, text) == ["Kirov", "Kirov"]


def test_an_active_called_and_a_street_name_keep_the_person(pipe):
    # only the passive renames (Perm was called X), and a street makes no town of its name
    text = "Moscow called Trotsky a traitor. The marchers walked down Avenida Lenin; they believed in Lenin."
    assert people(pipe, text) == ["Trotsky", "Lenin"]


def test_the_subject_of_a_renaming_into_a_town_is_the_old_town(pipe):
    text = "In 1923 Yekaterinodar was renamed Kalininsk, and Kalinin was pleased."
    assert people(pipe, text) == ["Kalinin"]


# -- places opened by a place word, counties, small ships ----------------------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        ("The packet sailed from Port Mahon with wine and oil for the garrison.", "Mahon"),
        ("Storms kept the fleet at Cape Pemberton for a week in March.", "Pemberton"),
        ("The sheriff of Wayne County arrested two men on the road.", "Wayne"),
        ("News came by the brig Sally Ann, three weeks out of Lisbon.", "Sally Ann"),
    ],
)
def test_places_counties_and_brigs_named_after_people_are_no_persons(pipe, text: str, name: str):
    assert not any(name in t for t in people(pipe, text)), people(pipe, text)


def test_a_surname_that_is_a_place_word_stays_a_person(pipe):
    texts = people(pipe, "The essayist Charles Fort wrote to Mr. Mount about the lights over Lake Erie.")
    assert "Charles Fort" in texts and "Mount" in texts, texts
