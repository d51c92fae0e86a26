"""The knowledge base's mechanisms on a three-person knowledge base built in memory.

``KnowledgeBase.from_records`` with rule views built from small dicts (the
real ``names.yaml`` with the values these tests depend on set here), never
the real ``models/kb``.
"""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from pipeline.kb import ALIAS, FULL, SHORT, KnowledgeBase, KnowledgeBaseError, NameForm
from pipeline.kb.forms import person_forms, translations
from pipeline.resources import DEFAULT_MODELS_DIR, LabelRules, NameRules

NAMES = NameRules.from_dict(
    dict(
        yaml.safe_load((DEFAULT_MODELS_DIR / "rules" / "names.yaml").read_text(encoding="utf-8")),
        given_name_equivalents=[["Lev", "Leo", "Leon"], ["Natalia", "Natalya"]],
        patronymic_suffixes=["ovich", "evich", "ovna", "evna"],
    )
)
LABELS = LabelRules.from_dict(
    {
        "person": "HUMAN",  # not PERSON: the knowledge base must read the label from the view
        "model_labels": {"PER": "HUMAN"},
        "linked": ["HUMAN", "GPE", "ORG"],
        "places": ["GPE"],
        "groups": ["ORG"],
        "never_people": [],
        "kb_default": "ORG",
    }
)

TROTSKY = {"id": "leon-trotsky", "canonical": "Leon Trotsky", "sex": "M", "given": ["Lev"],
           "patronymic": "Davidovich", "surname": ["Bronstein", "Trotsky"], "diminutives": ["Lyova"],
           "prominence": 5}  # fmt: skip
SEDOVA = {"id": "natalia-sedova", "canonical": "Natalia Sedova", "sex": "F", "given": "Natalia",
          "patronymic": ["Ivanovna"], "surname": "Sedova",
          "aliases": ["Natalia Trotsky", "Natalia Ivanovna", "Natasha"]}  # fmt: skip
MERCADER = {"id": "ramon-mercader", "canonical": "Ramon Mercader", "sex": "M",
            "aliases": ["Jacques Mornard", "Frank Jacson", "Jacques Roy", "Jacques mornardo"]}  # fmt: skip
MEXICO = {"id": "mexico", "canonical": "Mexico", "label": "GPE", "aliases": ["Mexico City"]}
BOLSHEVIKS = {"id": "bolsheviks", "canonical": "Bolsheviks"}  # no label: kb_default (ORG)

PERSONS = [TROTSKY, SEDOVA, MERCADER]


def build(persons=PERSONS, others=(MEXICO, BOLSHEVIKS), equivalents=None) -> KnowledgeBase:
    records = [(p, True) for p in persons] + [(o, False) for o in others]
    return KnowledgeBase.from_records(records, "v-test", equivalents=equivalents, names=NAMES, labels=LABELS)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return build()


def forms(kb: KnowledgeBase, entity_id: str) -> dict[str, tuple[str, str]]:
    return {f.text: (f.kind, f.part) for f in kb.forms_of(entity_id)}


# -- entries -----------------------------------------------------------------------------------


def test_entities_read_their_fields_and_labels(kb):
    trotsky = kb.entities["leon-trotsky"]
    assert (trotsky.canonical, trotsky.label, trotsky.sex, trotsky.prominence) == ("Leon Trotsky", "HUMAN", "M", 5.0)
    assert trotsky.given == ("Lev",) and trotsky.surname == ("Bronstein", "Trotsky")
    assert kb.entities["natalia-sedova"].surname == ("Sedova",)  # one string is a list of one
    assert kb.entities["ramon-mercader"].prominence == 1.0
    assert kb.entities["mexico"].label == "GPE"
    assert kb.entities["bolsheviks"].label == "ORG"
    assert (kb.version, kb.person_label) == ("v-test", "HUMAN")


def test_a_person_entry_is_a_person_whatever_label_it_states():
    kb = build([{**TROTSKY, "label": "ORG"}], others=())
    assert kb.entities["leon-trotsky"].label == "HUMAN"


def test_is_person(kb):
    assert kb.is_person("leon-trotsky") and kb.is_person("ramon-mercader")
    assert not kb.is_person("mexico") and not kb.is_person("bolsheviks")


def test_duplicate_id_is_an_error():
    with pytest.raises(KnowledgeBaseError, match="duplicate knowledge base id: leon-trotsky"):
        build([TROTSKY, {**SEDOVA, "id": "leon-trotsky"}], others=())


def test_duplicate_id_across_persons_and_others_is_an_error():
    with pytest.raises(KnowledgeBaseError, match="duplicate knowledge base id: mexico"):
        build([{"id": "mexico", "canonical": "Mexico Smith"}], others=(MEXICO,))


def test_unknown_label_is_an_error():
    with pytest.raises(KnowledgeBaseError, match="moon: unknown label SATELLITE"):
        build(others=({"id": "moon", "canonical": "Moon", "label": "SATELLITE"},))


def test_a_label_known_to_the_model_but_not_linked_is_unknown():
    with pytest.raises(KnowledgeBaseError, match="unknown label PERSON"):  # PERSON is not this view's person
        build(others=({"id": "someone", "canonical": "Someone", "label": "PERSON"},))


@pytest.mark.parametrize("missing", ["id", "canonical"])
def test_entry_without_id_or_canonical_is_an_error(missing):
    entry = {k: v for k, v in SEDOVA.items() if k != missing}
    with pytest.raises(KnowledgeBaseError, match=f"without {missing}"):
        build([entry], others=())


# -- forms -------------------------------------------------------------------------------------


def test_full_names_from_given_names_diminutives_and_surnames(kb):
    got = forms(kb, "leon-trotsky")
    for text in ("Leon Trotsky", "Lev Trotsky", "Lev Bronstein", "Lyova Trotsky", "L. Trotsky", "L. Bronstein"):
        assert got[text] == (FULL, ""), text


def test_patronymic_forms_and_initials(kb):
    got = forms(kb, "leon-trotsky")
    assert got["Lev Davidovich"] == (FULL, "")
    assert got["Lev Davidovich Trotsky"] == got["Lev Davidovich Bronstein"] == (FULL, "")
    assert got["L. D. Trotsky"] == got["L.D. Trotsky"] == got["L. D. Bronstein"] == (FULL, "")
    assert got["L. D."] == got["L.D."] == (SHORT, "initials")


def test_short_forms_by_part(kb):
    got = forms(kb, "leon-trotsky")
    assert got["Lev"] == (SHORT, "given")
    assert got["Trotsky"] == got["Bronstein"] == (SHORT, "surname")
    assert got["Lyova"] == (SHORT, "diminutive")


def test_aliases_are_full_with_a_space_and_alias_without(kb):
    got = forms(kb, "natalia-sedova")
    assert got["Natalia Trotsky"] == (FULL, "")
    assert got["Natasha"] == (ALIAS, "")


def test_translations_of_the_given_name_make_full_names(kb):
    got = forms(kb, "leon-trotsky")
    assert got["Leo Trotsky"] == got["Leo Bronstein"] == (FULL, "")
    assert "Leo" not in got  # a translation makes full names only, no bare short form
    assert "Leo Davidovich" not in got  # nor patronymic forms
    assert forms(kb, "natalia-sedova")["Natalya Sedova"] == (FULL, "")


def test_equivalents_override_the_name_rules():
    none = build(equivalents=[])
    assert "Leo Trotsky" not in forms(none, "leon-trotsky")
    other = build(equivalents=[["Lev", "Lew"]])
    assert "Lew Trotsky" in forms(other, "leon-trotsky") and "Leo Trotsky" not in forms(other, "leon-trotsky")


def test_a_translation_that_is_the_entrys_own_given_name_is_not_repeated():
    kb = build([{**TROTSKY, "given": ["Lev", "Leon"]}], others=())
    texts = [f.text for f in kb.forms_of("leon-trotsky")]
    assert texts.count("Leon Trotsky") == 1 and "Leo Trotsky" in texts


def test_forms_of_lists_the_forms_of_one_entity(kb):
    assert {f.entity_id for f in kb.forms_of("leon-trotsky")} == {"leon-trotsky"}
    assert sum(len(kb.forms_of(e)) for e in kb.entities) == len(kb.forms)
    assert kb.forms_of("nobody") == []


def test_person_forms_are_unique_per_folded_text():
    texts = [f.text.casefold() for f in person_forms(TROTSKY, translations(NAMES.given_name_equivalents))]
    assert len(texts) == len(set(texts))


def test_kb_forms_hold_each_form_once(kb):
    for entity_id in kb.entities:
        keys = [f.text.casefold() for f in kb.forms_of(entity_id)]
        assert len(keys) == len(set(keys)), entity_id


def test_forms_of_places_and_organisations(kb):
    assert forms(kb, "mexico") == {"Mexico": (ALIAS, ""), "Mexico City": (ALIAS, "")}  # no plural: not a group
    labelled = build([], others=({**BOLSHEVIKS, "label": "ORG"},))
    assert forms(labelled, "bolsheviks") == {"Bolsheviks": (ALIAS, ""), "Bolshevik": (ALIAS, "")}


def test_an_organisation_labelled_by_default_gets_its_plural_forms(kb):
    assert kb.entities["bolsheviks"].label in LABELS.groups
    assert "Bolshevik" in forms(kb, "bolsheviks")


# -- alias surnames ----------------------------------------------------------------------------


def test_the_last_word_of_a_pseudonym_becomes_a_short_surname(kb):
    got = forms(kb, "ramon-mercader")
    assert got["Mornard"] == got["Jacson"] == (SHORT, "surname")
    assert got["J. Mornard"] == got["F. Jacson"] == (FULL, "")


def test_the_last_word_of_a_canonical_name_without_parts_is_a_surname(kb):
    assert forms(kb, "ramon-mercader")["Mercader"] == (SHORT, "surname")


def test_no_alias_surname_when_another_person_bears_it(kb):
    got = forms(kb, "natalia-sedova")
    assert "Trotsky" not in got  # Leon Trotsky's surname
    assert "N. Trotsky" not in got
    assert {f.entity_id for f in kb.forms if f.text == "Trotsky"} == {"leon-trotsky"}


def test_without_the_other_bearer_the_alias_surname_is_made():
    alone = build([SEDOVA], others=())
    assert forms(alone, "natalia-sedova")["Trotsky"] == (SHORT, "surname")


def test_no_alias_surname_from_a_patronymic_a_short_word_or_a_lower_case_word(kb):
    assert "Ivanovna" not in forms(kb, "natalia-sedova")  # patronymic_suffixes: ovna
    got = forms(kb, "ramon-mercader")
    assert "Roy" not in got  # shorter than five letters
    assert "mornardo" not in got  # not capitalised


def test_alias_surnames_follow_the_patronymic_suffixes_of_the_rules():
    names = dataclasses.replace(NAMES, patronymic_suffixes=())
    kb = KnowledgeBase.from_records([(SEDOVA, True)], names=names, labels=LABELS)
    assert forms(kb, "natalia-sedova")["Ivanovna"] == (SHORT, "surname")


def test_no_alias_surname_for_places_and_organisations(kb):
    assert "City" not in forms(kb, "mexico")


# -- name words --------------------------------------------------------------------------------


def test_name_words_are_the_alphabetic_words_of_person_forms(kb):
    words = kb.name_words()
    assert {"Lev", "Leon", "Leo", "Trotsky", "Bronstein", "Davidovich", "Lyova", "Natasha", "Mornard"} <= words
    assert not {"L.", "L.D.", "D.", "J."} & words  # initials are not words
    assert not {"Mexico", "City", "Bolsheviks", "Bolshevik"} & words  # not people


def test_name_words_split_hyphenated_names():
    kb = build([{"id": "x", "canonical": "Anna Rimsky-Korsakova"}], others=())
    assert {"Anna", "Rimsky", "Korsakova"} <= kb.name_words()
    assert "Rimsky-Korsakova" not in kb.name_words()


def test_a_form_is_a_name_form():
    kb = build([TROTSKY], others=())
    assert NameForm("leon-trotsky", "Lev", SHORT, "given") in kb.forms
