"""Short forms resolved by the document's cast and the knowledge base's relations, on tiny fixtures.

A tmp models folder holds the project's rules and a knowledge base of our
own: two households that share given names (the prominent Petrovs, the
minor Orlovs) and an unrelated, more prominent Ivan Smirnov. Entities are
set by hand as the recogniser would (``test_link_tiny.linked``); no model is loaded.
"""

from __future__ import annotations

import shutil
import uuid

import pytest
import yaml
from test_link_tiny import linked, linker_nlp, links

from pipeline.resources import DEFAULT_MODELS_DIR

PERSONS = [
    {"id": "ivan-petrov", "canonical": "Ivan Petrov", "sex": "M", "given": "Ivan", "surname": "Petrov",
     "diminutives": ["Vanya"], "related": {"spouse": ["maria-petrova"], "child": ["vera-petrova"]},
     "prominence": 40},
    {"id": "maria-petrova", "canonical": "Maria Petrova", "sex": "F", "given": "Maria", "surname": "Petrova",
     "related": {"child": ["vera-petrova"]}, "prominence": 20},
    {"id": "vera-petrova", "canonical": "Vera Petrova", "sex": "F", "given": "Vera", "surname": "Petrova",
     "prominence": 30},
    {"id": "ivan-orlov", "canonical": "Ivan Orlov", "sex": "M", "given": "Ivan", "surname": "Orlov",
     "related": {"spouse": ["olga-orlova"], "child": ["vera-orlova"]}, "prominence": 5},
    {"id": "olga-orlova", "canonical": "Olga Orlova", "sex": "F", "given": "Olga", "surname": ["Orlova", "Petrova"],
     "related": {"child": ["vera-orlova"]}, "prominence": 4},
    {"id": "vera-orlova", "canonical": "Vera Orlova", "sex": "F", "given": "Vera", "surname": "Orlova",
     "prominence": 3},
    {"id": "ivan-smirnov", "canonical": "Ivan Smirnov", "sex": "M", "given": "Ivan", "surname": "Smirnov",
     "prominence": 80},
    {"id": "anton-belov", "canonical": "Anton Belov", "sex": "M", "given": "Anton", "surname": "Belov"},
    {"id": "pavel-sokolov", "canonical": "Pavel Sokolov", "sex": "M", "given": "Pavel", "surname": "Sokolov",
     "born": 1880, "died": 1941, "prominence": 20},
    {"id": "pavel-sokolov-the-younger", "canonical": "Pavel Sokolov", "sex": "M", "given": "Pavel",
     "surname": "Sokolov", "born": 1912},
]  # fmt: skip
IVANS = ["ivan-orlov", "ivan-petrov", "ivan-smirnov"]


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    folder = tmp_path_factory.mktemp("related") / "models"
    shutil.copytree(DEFAULT_MODELS_DIR / "rules", folder / "rules")
    (folder / "kb").mkdir()
    text = f"# {uuid.uuid4()}\n" + yaml.safe_dump(PERSONS)  # this folder's own cache entry
    (folder / "kb" / "persons.yaml").write_text(text, encoding="utf-8")
    return linker_nlp(folder)


def link_of(doc, text: str, occurrence: int = -1) -> tuple:
    """(entity_id, method, reason) of the ``occurrence``-th entity whose text is ``text``."""
    ents = [e for e in doc.ents if e.text == text]
    link = ents[occurrence]._.namelink_link
    return link["entity_id"], link["method"], link.get("reason", "")


# -- the cast and the relations ----------------------------------------------------------------


def test_a_bare_given_name_prefers_the_candidate_related_to_the_cast(nlp):
    doc = linked(nlp, "Olga Orlova opened the door. Ivan came in.", "Olga Orlova", "Ivan")
    assert link_of(doc, "Ivan") == ("ivan-orlov", "context-related", "spouse of olga-orlova")
    doc = linked(nlp, "Maria Petrova opened the door. Ivan came in.", "Maria Petrova", "Ivan")
    assert link_of(doc, "Ivan") == ("ivan-petrov", "context-related", "spouse of maria-petrova")


def test_the_unrelated_outsider_loses_whatever_its_prominence(nlp):
    doc = linked(nlp, "Vera Orlova wrote. Ivan answered.", "Vera Orlova", "Ivan")
    assert link_of(doc, "Ivan")[0] == "ivan-orlov"  # not Ivan Smirnov (80) nor Ivan Petrov (40)


def test_without_a_cast_the_prominence_prior_decides(nlp):
    assert links(linked(nlp, "Ivan came in.", "Ivan"))[0][1:3] == ("ivan-smirnov", "kb-prior")


def test_a_cast_related_to_no_candidate_leaves_the_prior(nlp):
    doc = linked(nlp, "Anton Belov opened the door. Ivan came in.", "Anton Belov", "Ivan")
    assert link_of(doc, "Ivan") == ("ivan-smirnov", "kb-prior", "")


def test_among_candidates_related_alike_the_prominence_prior_decides(nlp):
    doc = linked(nlp, "Maria Petrova and Olga Orlova met. Vera came too.", "Maria Petrova", "Olga Orlova", "Vera")
    assert link_of(doc, "Vera")[:2] == ("vera-petrova", "context-related")  # both daughters; 30 over 3


def test_the_reason_and_the_candidates_stay_on_the_span(nlp):
    doc = linked(nlp, "Olga Orlova opened the door. Ivan came in.", "Olga Orlova", "Ivan")
    ivan = doc.ents[1]
    assert ivan._.namelink_link["reason"] == "spouse of olga-orlova"
    assert sorted(c[0] for c in ivan._.namelink_candidates) == IVANS
    assert "reason" not in doc.ents[0]._.namelink_link  # an exact full name needs none


def test_a_named_candidate_still_wins_over_a_related_one(nlp):
    doc = linked(nlp, "Ivan Smirnov and Maria Petrova met. Ivan spoke.", "Ivan Smirnov", "Maria Petrova", "Ivan")
    assert link_of(doc, "Ivan")[:2] == ("ivan-smirnov", "context")


# -- kinship words -------------------------------------------------------------------------------


def test_a_kinship_word_names_the_kin_of_the_nearest_named_individual(nlp):
    text = "Maria Petrova stayed home. Olga Orlova came with her daughter Vera."
    doc = linked(nlp, text, "Maria Petrova", "Olga Orlova", "Vera")
    assert link_of(doc, "Vera") == ("vera-orlova", "context-kin", "'daughter': child of olga-orlova")


def test_a_kinship_word_may_stand_a_few_words_before_the_name(nlp):
    text = "Maria Petrova stayed home. Olga Orlova came with her daughter, also named Vera."
    doc = linked(nlp, text, "Maria Petrova", "Olga Orlova", "Vera")
    assert link_of(doc, "Vera")[:2] == ("vera-orlova", "context-kin")


@pytest.mark.parametrize(
    "text",
    [
        "Maria Petrova stayed home. Olga Orlova spoke of the daughter of Vera.",  # of: Vera governs it
        "Maria Petrova stayed home. Olga Orlova has a daughter. Vera came.",  # another sentence
        "Maria Petrova stayed home. Olga Orlova came with her daughter and Vera.",  # coordinated
        "Maria Petrova stayed home. Olga Orlova came with her daughter, the small quiet neighbour Vera.",  # too far
    ],
)
def test_a_kinship_word_that_does_not_reach_the_name_is_no_cue(nlp, text):
    doc = linked(nlp, text, "Maria Petrova", "Olga Orlova", "Vera")
    assert link_of(doc, "Vera")[:2] == ("vera-petrova", "context-related")  # the prior among the related


def test_a_kinship_word_no_candidate_fits_leaves_the_other_context(nlp):
    doc = linked(nlp, "Anton Belov came with his son Ivan.", "Anton Belov", "Ivan")
    assert link_of(doc, "Ivan")[:2] == ("ivan-smirnov", "kb-prior")


def test_a_kinship_word_before_a_name_of_one_candidate_changes_nothing(nlp):
    doc = linked(nlp, "Ivan Orlov came with his wife Olga.", "Ivan Orlov", "Olga")
    assert link_of(doc, "Olga")[:2] == ("olga-orlova", "kb-prior")


# -- same-person markers -----------------------------------------------------------------------


def test_a_maiden_name_after_nee_belongs_to_the_person_just_named(nlp):
    doc = linked(nlp, "Olga Orlova (née Petrova) came.", "Olga Orlova", "Petrova")
    assert link_of(doc, "Petrova") == ("olga-orlova", "context-same", "after 'née': olga-orlova")


def test_a_marker_after_a_person_who_does_not_bear_the_name_is_no_cue(nlp):
    doc = linked(nlp, "Maria Petrova (née Orlova) came.", "Maria Petrova", "Orlova")
    assert link_of(doc, "Orlova")[1] != "context-same"


def test_the_same_name_without_a_marker_is_no_cue(nlp):
    doc = linked(nlp, "Olga Orlova met Petrova.", "Olga Orlova", "Petrova")
    assert link_of(doc, "Petrova")[1] != "context-same"


# -- a title before the surname of the other sex -----------------------------------------------


def test_mrs_before_a_surname_only_a_man_bears_names_his_wife(nlp):
    doc = linked(nlp, "Mrs. Orlov came in.", "Orlov")
    assert doc.ents[0]._.namelink_candidates == [["olga-orlova", "title", 1.0]]
    assert link_of(doc, "Orlov")[0] == "olga-orlova"


def test_a_title_of_the_bearers_sex_or_no_wife_known_changes_nothing(nlp):
    assert link_of(linked(nlp, "Mr. Orlov came in.", "Orlov"), "Orlov")[0] == "ivan-orlov"
    assert link_of(linked(nlp, "Mrs. Smirnov came in.", "Smirnov"), "Smirnov")[0] == "nil:smirnov"
    assert link_of(linked(nlp, "Mrs. Ivan Orlov came in.", "Ivan Orlov"), "Ivan Orlov")[0] != "olga-orlova"


# -- distance to any mention of a named individual ---------------------------------------------

FILLER = "Nothing happened that week. " * 20


def test_a_short_form_joins_the_named_individual_mentioned_nearest_in_any_form(nlp):
    text = "Ivan Petrov spoke. Ivan Orlov replied. " + FILLER + "Vanya laughed. Then Ivan left."
    doc = linked(nlp, text, "Ivan Petrov", "Ivan Orlov", "Vanya", "Ivan")
    assert link_of(doc, "Vanya")[0] == "ivan-petrov"
    assert link_of(doc, "Ivan")[:2] == ("ivan-petrov", "context")  # Vanya is Ivan Petrov, just before


def test_without_a_nearer_mention_the_nearest_full_name_decides(nlp):
    text = "Ivan Petrov spoke. Ivan Orlov replied. " + FILLER + "Then Ivan left."
    doc = linked(nlp, text, "Ivan Petrov", "Ivan Orlov", "Ivan")
    assert link_of(doc, "Ivan")[:2] == ("ivan-orlov", "context")


def test_a_repeated_bare_form_keeps_naming_the_individual_it_named(nlp):
    text = "Ivan Petrov spoke. Ivan smiled. Ivan sat. Ivan read. " + FILLER + "Ivan Orlov came. Then Ivan left."
    doc = linked(nlp, text, "Ivan Petrov", "Ivan Orlov", "Ivan")
    assert [e._.namelink_link["entity_id"] for e in doc.ents if e.text == "Ivan"] == ["ivan-petrov"] * 4


def test_a_bare_form_said_once_goes_to_the_nearest_full_name(nlp):
    text = "Ivan Petrov spoke. " + FILLER + "Ivan Orlov came. Then Ivan left."
    assert link_of(linked(nlp, text, "Ivan Petrov", "Ivan Orlov", "Ivan"), "Ivan")[0] == "ivan-orlov"


def test_forms_of_one_candidate_are_linked_first_and_place_their_individual(nlp):
    text = "Ivan Petrov and Ivan Orlov arrived. " + FILLER + "Ivan, Vanya to his friends, left."
    doc = linked(nlp, text, "Ivan Petrov", "Ivan Orlov", "Vanya", "Ivan")
    assert link_of(doc, "Ivan")[0] == "ivan-petrov"  # Vanya, just after, is Ivan Petrov
    text = "Ivan Petrov and Ivan Orlov arrived. " + FILLER + "Ivan, a friend of all, left."
    assert link_of(linked(nlp, text, "Ivan Petrov", "Ivan Orlov", "Ivan"), "Ivan")[0] == "ivan-orlov"


# -- namesakes by the years of their lives -------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Sokolov, Pavel, the younger (b. 1912), an engineer.", "pavel-sokolov-the-younger"),
        ("Pavel Sokolov, born in 1912, became an engineer.", "pavel-sokolov-the-younger"),
        ("Pavel Sokolov (1880-1941) was a printer.", "pavel-sokolov"),
        ("| Pavel Sokolov |\n\n| 1880 | 1941 |", "pavel-sokolov"),  # table cells, paragraphs once cleaned
    ],
)
def test_a_year_just_after_a_shared_full_name_picks_the_namesake_it_fits(nlp, text, expected):
    name = "Sokolov, Pavel" if text.startswith("Sokolov") else "Pavel Sokolov"
    doc = linked(nlp, text, name)
    assert link_of(doc, name)[0] == expected
    assert doc.ents[0]._.namelink_link["score"] == 1.0  # no longer a guess among namesakes
    assert link_of(doc, name)[2].startswith("life years ")


@pytest.mark.parametrize(
    "text",
    [
        "Pavel Sokolov was a printer.",  # no year
        "Pavel Sokolov came in 1925 to Kiev.",  # a year neither lived or died in
        "Pavel Sokolov met Ivan Petrov, born 1912.",  # the year after the next name is that person's
    ],
)
def test_without_a_fitting_year_the_shared_full_name_keeps_the_prior(nlp, text):
    doc = linked(nlp, text, "Pavel Sokolov", "Ivan Petrov")
    assert link_of(doc, "Pavel Sokolov") == ("pavel-sokolov", "kb-exact", "")
    assert doc.ents[0]._.namelink_link["score"] == 0.7  # the ambiguous factor
