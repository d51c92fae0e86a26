"""pipeline.kb (fold, skeleton keys, knowledge base, name forms) and pipeline.link.candidates."""

from __future__ import annotations

from collections import Counter

import pytest
import spacy
from conftest import ROOT

from pipeline.kb import (
    ALIAS,
    FULL,
    SHORT,
    AliasIndex,
    KnowledgeBase,
    KnowledgeBaseError,
)
from pipeline.kb.forms import person_forms
from pipeline.kb.keys import NameKeys, fold
from pipeline.link.candidates import CandidateGenerator
from pipeline.resources import LabelRules, LinkingRules, NameRules, load_yaml

#: The project's own rules, which these tests of the real knowledge base follow.
RULES = {"names": NameRules.load(), "labels": LabelRules.load()}
GENERATOR_RULES = {"linking": LinkingRules.load(), "names": NameRules.load()}


@pytest.fixture(scope="module")
def keys():
    return NameKeys()


@pytest.fixture(scope="module")
def kb_loaded():
    return KnowledgeBase.load()


@pytest.fixture(scope="module")
def index(kb_loaded, keys):
    tokenizer = spacy.blank("en").tokenizer
    return AliasIndex(kb_loaded, lambda text: [t.text for t in tokenizer(text)], keys)


@pytest.fixture(scope="module")
def people(index):
    return CandidateGenerator(index, "PERSON", **GENERATOR_RULES)


# -- names ----------------------------------------------------------------------------


def test_fold_removes_case_and_accents():
    assert fold("León") == "leon"
    assert fold("Ramón Mercader del Río") == "ramon mercader del rio"
    assert fold("TROTSKY") == "trotsky"


@pytest.mark.parametrize(
    "a, b",
    [
        ("Trotsky", "Trotzki"),
        ("Trotsky", "Trotskii"),
        ("Trotzki", "Trotskii"),
        ("Sokolovskaya", "Sokolovskaja"),
        ("Sokolovskaya", "Sokolovskaia"),
        ("Zinoviev", "Zinovieff"),
        ("Zinoviev", "Sinowjew"),
        ("Sedova", "Sedowa"),
        ("Sedov", "Sedow"),
        ("Alexandra", "Aleksandra"),
        ("Bronstein", "Bronshtein"),
        ("León", "Leon"),
    ],
)
def test_skeleton_merges_romanisation_variants(keys, a, b):
    assert keys.skeleton(a) == keys.skeleton(b)


@pytest.mark.parametrize(
    "a, b",
    [("Sedov", "Sedova"), ("Sedow", "Sedowa"), ("Trotsky", "Trotskaya"), ("Lev", "Leon"), ("Kamenev", "Kameneva")],
)
def test_skeleton_keeps_different_names_apart(keys, a, b):
    assert keys.skeleton(a) != keys.skeleton(b)


def test_phrase_drops_words_that_fold_to_nothing(keys):
    assert keys.phrase(["L.", "D.", "Trotsky"]) == ("l", "d", keys.skeleton("Trotsky"))
    assert keys.phrase(["'", "Trotsky"]) == (keys.skeleton("Trotsky"),)


# -- person_forms -----------------------------------------------------------------------


TEST_ENTRY = {
    "id": "test-trotsky",
    "canonical": "Leon Trotsky",
    "given": ["Lev", "Leon"],
    "patronymic": ["Davidovich"],
    "surname": ["Trotsky", "Bronstein"],
    "diminutives": ["Liova"],
    "aliases": ["Starik", "Antid Oto"],
}


def test_person_forms_generates_patronymic_and_initials():
    forms = {f.text: f for f in person_forms(TEST_ENTRY)}
    assert forms["Lev Davidovich"].kind == FULL
    assert forms["Lev Davidovich Bronstein"].kind == FULL
    assert forms["L. D."].kind == SHORT and forms["L. D."].part == "initials"
    assert forms["L.D."].kind == SHORT
    assert forms["L. D. Trotsky"].kind == FULL
    assert forms["Lev Bronstein"].kind == FULL
    assert forms["Leon Trotsky"].kind == FULL
    assert forms["Starik"].kind == ALIAS
    assert forms["Antid Oto"].kind == FULL  # a multi-word alias names one individual
    assert (forms["Bronstein"].kind, forms["Bronstein"].part) == (SHORT, "surname")
    assert (forms["Lev"].kind, forms["Lev"].part) == (SHORT, "given")
    assert (forms["Liova"].kind, forms["Liova"].part) == (SHORT, "diminutive")
    assert all(f.entity_id == "test-trotsky" for f in forms.values())


def test_person_forms_are_unique_by_folded_text():
    entry = dict(TEST_ENTRY, aliases=["Leon Trotsky", "LEON TROTSKY", "Léon Trotsky"])
    folded = Counter(fold(f.text) for f in person_forms(entry))
    assert folded["leon trotsky"] == 1
    assert all(n == 1 for n in folded.values())


def test_person_forms_of_an_entry_with_only_a_canonical_name():
    forms = person_forms({"id": "x", "canonical": "Koba"})
    assert [(f.text, f.kind) for f in forms] == [("Koba", FULL)]


def test_from_records_rejects_duplicate_ids_and_missing_fields():
    entry = {"id": "a", "canonical": "A Person"}
    with pytest.raises(KnowledgeBaseError, match="duplicate"):
        KnowledgeBase.from_records([(entry, True), (dict(entry), True)], **RULES)
    with pytest.raises(KnowledgeBaseError, match="canonical"):
        KnowledgeBase.from_records([({"id": "b"}, True)], **RULES)
    with pytest.raises(KnowledgeBaseError, match="label"):
        KnowledgeBase.from_records([({"id": "c", "canonical": "C", "label": "WORK_OF_ART"}, False)], **RULES)


def test_load_of_an_empty_models_folder_fails_clearly(tmp_path):
    (tmp_path / "kb").mkdir()
    with pytest.raises(KnowledgeBaseError, match="no knowledge base files"):
        KnowledgeBase.load(tmp_path)


# -- the shipped knowledge base -----------------------------------------------------------


def test_kb_files_have_unique_ids():
    ids = []
    for name in ("persons.yaml", "places.yaml", "organisations.yaml"):
        ids += [entry["id"] for entry in load_yaml(ROOT / "models" / "kb" / name)]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates
    assert len(ids) > 100


def test_kb_loads_with_the_key_people(kb_loaded):
    assert kb_loaded.version and len(kb_loaded.version) == 16
    trotsky = kb_loaded.entities["leon-trotsky"]
    mercader = kb_loaded.entities["ramon-mercader"]
    assert trotsky.label == mercader.label == "PERSON"
    assert trotsky.sex == mercader.sex == "M"
    assert kb_loaded.entities["natalia-sedova"].sex == "F"
    assert kb_loaded.entities["lev-sedov"].sex == "M"
    trotsky_forms = {f.text for f in kb_loaded.forms_of("leon-trotsky")}
    assert {"Leon Trotsky", "Lev Davidovich", "L. D.", "Lev Bronstein", "Bronstein"} <= trotsky_forms
    mercader_forms = {fold(f.text) for f in kb_loaded.forms_of("ramon-mercader")}
    assert {"jacson", "jacques mornard", "mercader", "ramon mercader"} <= mercader_forms


def test_kb_ids_are_slugs_and_every_form_belongs_to_an_entity(kb_loaded):
    import re

    for entity_id, entity in kb_loaded.entities.items():
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", entity_id), entity_id
        assert entity.canonical.strip()
        assert kb_loaded.forms_of(entity_id), entity_id
        assert entity.prominence > 0
    assert {f.entity_id for f in kb_loaded.forms} == set(kb_loaded.entities)


def test_person_entries_have_a_known_sex(kb_loaded):
    sexes = {e.sex for e in kb_loaded.entities.values() if e.label == "PERSON"}
    assert sexes <= {"M", "F", None}


def test_name_words_are_person_words_only(kb_loaded):
    words = kb_loaded.name_words()
    assert {"Trotsky", "Sokolovskaya", "Mercader", "Jacson"} <= words
    assert all(w.isalpha() for w in words)
    assert "Moscow" not in words  # a place, not a person


# -- alias index and candidates ----------------------------------------------------------------


def test_alias_index_matches_variant_spellings(index):
    assert "leon-trotsky" in {f.entity_id for f in index.lookup(["Trotzki"])}
    assert "aleksandra-sokolovskaya" in {f.entity_id for f in index.lookup(["Sokolovskaja"])}
    assert "grigory-zinoviev" in {f.entity_id for f in index.lookup(["Sinowjew"])}
    assert index.lookup(["Nonexistentname"]) == []


def test_candidates_exact_variant_and_fuzzy(people):
    exact = people(["León", "Trotsky"])
    assert exact[0].entity_id == "leon-trotsky" and exact[0].method == "exact"
    assert exact[0].similarity == 1.0

    variant = people(["Lew", "Trotzki"])
    assert variant and variant[0].entity_id == "leon-trotsky"
    assert variant[0].method == "variant"

    damaged = people(["Ratnon", "del", "Rio"])
    assert damaged and damaged[0].entity_id == "ramon-mercader"
    assert damaged[0].method not in ("exact", "variant")
    assert 0 < damaged[0].similarity < 1


def test_candidates_are_best_first_and_one_per_entity(people):
    found = people(["Trotsky"])
    ids = [c.entity_id for c in found]
    assert "leon-trotsky" in ids
    assert len(ids) == len(set(ids))
    assert all(c.is_short for c in found if c.entity_id == "leon-trotsky")


def test_feminine_surname_never_gets_a_male_candidate(people, kb_loaded):
    for words in (["Sedova"], ["Sedowa"], ["Natalia", "Sedova"], ["Kameneva"], ["Sokolovskaya"]):
        found = people(words)
        assert found, words
        assert all(kb_loaded.entities[c.entity_id].sex != "M" for c in found), (words, found)


def test_masculine_surname_never_gets_a_female_candidate(people, kb_loaded):
    for words in (["Sedov"], ["Sedow"], ["Lev", "Sedov"], ["Kamenev"]):
        found = people(words)
        assert found, words
        assert all(kb_loaded.entities[c.entity_id].sex != "F" for c in found), (words, found)


def test_fuzzy_matching_respects_sex_and_length(people):
    # an OCR-like misspelling of a feminine name does not reach the masculine one
    assert all(c.entity_id != "lev-sedov" for c in people(["Sedovva"]))
    # short words are never fuzzy-matched
    assert people(["Lenn"]) == []


def test_place_candidates_are_kept_apart_from_people(index):
    places = CandidateGenerator(index, "GPE", **GENERATOR_RULES)
    assert places(["Coyoacán"]) and all(index.kb.entities[c.entity_id].label == "GPE" for c in places(["Coyoacán"]))
    assert not CandidateGenerator(index, "PERSON", **GENERATOR_RULES)(["Coyoacán"], fuzzy=False)
