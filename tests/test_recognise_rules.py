"""The recogniser's rule families one by one, on tiny documents and a tiny knowledge base.

``spacy.blank("en")`` tokenises; the tests set ``token.pos_`` where a rule
reads it and ``doc.ents`` by hand to stand for the model.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import spacy
import yaml
from conftest import tiny_knowledge
from spacy.tokens import Doc, Span

from pipeline.kb.shared import SharedKnowledge
from pipeline.recognise import DocWords, PersonRules, Proposal, RuleFamilies, best_non_overlapping
from pipeline.resources import (
    DEFAULT_MODELS_DIR,
    LabelRules,
    models_fingerprint,
)

PERSONS = [
    {"id": "leon-trotsky", "canonical": "Leon Trotsky", "sex": "M", "given": ["Lev", "Leon"],
     "patronymic": ["Davidovich"], "surname": ["Bronstein", "Trotsky"]},
    {"id": "vladimir-lenin", "canonical": "Vladimir Lenin", "sex": "M", "given": ["Vladimir"], "surname": ["Lenin"]},
]  # fmt: skip
PERSON = LabelRules.load().person


@pytest.fixture(scope="module")
def knowledge() -> SharedKnowledge:
    """The two people above with the project's rules (read from the real models folder)."""
    return tiny_knowledge(PERSONS, {"ivan", "leon", "lev", "vladimir"}, "tiny")


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


@pytest.fixture(scope="module")
def families(nlp, knowledge) -> RuleFamilies:
    return RuleFamilies.build(knowledge, nlp.tokenizer)


def make_doc(nlp, text: str, propn: tuple[str, ...] = (), ents: tuple[tuple[int, int, str], ...] = ()) -> Doc:
    """``text`` tokenised; the words in ``propn`` tagged PROPN, ``ents`` (start, end, label) as the model's."""
    doc = nlp.make_doc(text)
    for token in doc:
        if token.text in propn:
            token.pos_ = "PROPN"
    doc.ents = [Span(doc, s, e, label=label) for s, e, label in ents]
    return doc


def texts(doc: Doc, proposals: list[Proposal]) -> list[tuple[str, str, str]]:
    return [(doc[p.start : p.end].text, p.label, p.source) for p in proposals]


# -- selection --------------------------------------------------------------------------------


def test_selection_prefers_the_longer_span():
    longer, shorter = Proposal(0, 3, PERSON, "model"), Proposal(0, 2, PERSON, "kb")
    assert best_non_overlapping([shorter, longer], PERSON) == [longer]


def test_selection_on_equal_spans_prefers_kb_then_shape_then_model():
    kb, shape, model = (Proposal(1, 3, PERSON, source) for source in ("kb", "shape", "model"))
    assert best_non_overlapping([model, shape, kb], PERSON) == [kb]
    assert best_non_overlapping([model, shape], PERSON) == [shape]


def test_selection_puts_other_model_entities_in_the_gaps_only():
    org, person = Proposal(0, 4, "ORG", "model"), Proposal(2, 3, PERSON, "kb")
    place = Proposal(5, 6, "GPE", "model")
    assert best_non_overlapping([org, place, person], PERSON) == [person, place]


# -- knowledge-base matches -------------------------------------------------------------------


def test_kb_match_is_a_person(nlp, families):
    doc = make_doc(nlp, "Later Leon Trotsky spoke.")
    found = families.kb_matches.propose(DocWords.read(doc, families.labels))
    assert texts(doc, found) == [("Leon Trotsky", PERSON, "kb")]
    assert found[0].entities == {"leon-trotsky"}


@pytest.mark.parametrize("text", ["They opened the Trotsky Museum.", "He got the Order of Lenin."])
def test_kb_match_inside_another_name_is_not_a_person(nlp, families, text):
    doc = make_doc(nlp, text, propn=("Trotsky", "Lenin"))
    assert families.kb_matches.propose(DocWords.read(doc, families.labels)) == []


def test_kb_match_of_a_generated_pet_name(nlp, families):
    # Lev has a patronymic here, so Levik is one of his pet names; Levitt is no pet name
    doc = make_doc(nlp, "Levik wrote to Levitt.", propn=("Levik", "Levitt"))
    found = families.kb_matches.propose(DocWords.read(doc, families.labels))
    assert texts(doc, found) == [("Levik", PERSON, "kb")] and found[0].entities == {"leon-trotsky"}
    lenin = make_doc(nlp, "Then Vladik spoke.", propn=("Vladik",))  # no patronymic: no pet names
    assert families.kb_matches.propose(DocWords.read(lenin, families.labels)) == []


# -- name shapes ------------------------------------------------------------------------------


def test_given_name_and_patronymic_is_a_shape(nlp, families):
    doc = make_doc(nlp, "Then Ivan Petrovich arrived.", propn=("Ivan", "Petrovich"))
    found = families.shapes.propose(DocWords.read(doc, families.labels), [])
    assert texts(doc, found) == [("Ivan Petrovich", PERSON, "shape")]


def test_capitalised_word_and_patronymic_is_a_shape(nlp, families):
    doc = make_doc(nlp, "Then Zorin Petrovich arrived.", propn=("Zorin", "Petrovich"))
    found = families.shapes.propose(DocWords.read(doc, families.labels), [])
    assert texts(doc, found) == [("Zorin Petrovich", PERSON, "shape")]


# -- the model's entities ---------------------------------------------------------------------


def test_model_person_that_is_a_derived_word_is_dropped(nlp, families):
    doc = make_doc(nlp, "Trotskyist views spread.", ents=((0, 1, PERSON),))
    assert families.model_entities.propose(DocWords.read(doc, families.labels), []) == []


def test_model_person_that_is_a_name_is_kept(nlp, families):
    doc = make_doc(nlp, "Bukharin spoke.", ents=((0, 1, PERSON),))
    found = families.model_entities.propose(DocWords.read(doc, families.labels), [])
    assert texts(doc, found) == [("Bukharin", PERSON, "model")]


@pytest.mark.parametrize("text", ["Golubchik, sleep now.", "Dushenka, do not worry."])
def test_model_person_that_is_a_term_of_endearment_is_dropped(nlp, families, text):
    doc = make_doc(nlp, text, propn=(text.split(",")[0],), ents=((0, 1, PERSON),))
    assert families.model_entities.propose(DocWords.read(doc, families.labels), []) == []


def test_model_person_that_is_an_endearment_after_a_title_is_kept(nlp, families):
    doc = make_doc(nlp, "Then Mr. Darling spoke.", ents=((2, 3, PERSON),))
    found = families.model_entities.propose(DocWords.read(doc, families.labels), [])
    assert texts(doc, found) == [("Darling", PERSON, "model")]


def test_model_per_label_is_a_person(nlp, families):
    doc = make_doc(nlp, "Bukharin spoke.", ents=((0, 1, "PER"),))
    found = families.model_entities.propose(DocWords.read(doc, families.labels), [])
    assert texts(doc, found) == [("Bukharin", PERSON, "model")]


def test_model_per_label_makes_a_bare_surname_a_person(nlp, families):
    # "trotsky" is frequent enough in English web text to need a proper-noun tag or a model person
    doc = make_doc(nlp, "Trotsky spoke.", ents=((0, 1, "PER"),))
    found = families.kb_matches.propose(DocWords.read(doc, families.labels))
    assert texts(doc, found) == [("Trotsky", PERSON, "kb")]
    untagged = make_doc(nlp, "Trotsky spoke.")
    assert families.kb_matches.propose(DocWords.read(untagged, families.labels)) == []


# -- the component ----------------------------------------------------------------------------


def component(nlp, knowledge) -> PersonRules:
    return PersonRules(nlp, shared=lambda models, lang: knowledge)


def ents(doc: Doc) -> list[tuple[str, str, str]]:
    return [(e.text, e.label_, e._.namelink_source) for e in doc.ents]


DOCS = [
    ("Leon Trotsky met Bukharin in the Trotsky Museum.", ("Leon", "Trotsky", "Bukharin"), ((3, 4, "PER"),)),
    ("Trotsky and the service of Ivan Petrovich.", ("Ivan", "Petrovich"), ((0, 1, PERSON),)),
]


def test_component_result_does_not_depend_on_the_order_of_documents(nlp, knowledge):
    first, second = component(nlp, knowledge), component(nlp, knowledge)
    forward = [ents(first(make_doc(nlp, *d))) for d in DOCS]
    backward = [ents(second(make_doc(nlp, *d))) for d in reversed(DOCS)][::-1]
    assert forward == backward
    assert forward[0] == [("Leon Trotsky", PERSON, "kb"), ("Bukharin", PERSON, "model")]
    assert forward[1] == [("Trotsky", PERSON, "kb"), ("Ivan Petrovich", PERSON, "shape")]


def test_component_drops_persons_inside_emphasis(nlp, knowledge):
    doc = make_doc(nlp, "He read Leon Trotsky twice.")
    doc._.namelink_emphasis = [(8, 20)]
    assert ents(component(nlp, knowledge)(doc)) == []


def test_component_builds_its_rules_on_first_call_only(nlp, knowledge):
    loads = []
    rules = PersonRules(nlp, shared=lambda models, lang: loads.append(models) or knowledge)
    assert loads == []
    rules(make_doc(nlp, "Leon Trotsky."))
    rules(make_doc(nlp, "Leon Trotsky."))
    assert loads == [None]


@pytest.fixture
def tiny_models(tmp_path: Path) -> Path:
    """A models folder of the two people above and the project's rules."""
    folder = tmp_path / "models"
    shutil.copytree(DEFAULT_MODELS_DIR / "rules", folder / "rules")
    (folder / "kb").mkdir()
    (folder / "kb" / "persons.yaml").write_text(yaml.safe_dump(PERSONS), encoding="utf-8")
    return folder


def test_saved_pipeline_reads_its_own_copy_of_the_data(tiny_models, tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("namelink_person_rules", config={"models": str(tiny_models)})
    assert nlp.get_pipe_config("namelink_person_rules")["shared"] == {"@misc": "namelink.shared_knowledge.v1"}
    nlp.to_disk(tmp_path / "pipe")
    saved = tmp_path / "pipe" / "namelink_person_rules" / "models"
    assert models_fingerprint(saved) == models_fingerprint(tiny_models)
    loaded = spacy.load(tmp_path / "pipe")
    rules = loaded.get_pipe("namelink_person_rules")
    assert ents(loaded("Leon Trotsky spoke.")) == [("Leon Trotsky", PERSON, "kb")]
    assert Path(rules.shared.models) == saved  # one object in memory for both copies (same content)
