"""The linker on tiny fixtures: a blank English pipeline with only ``namelink_linker``.

A tmp models folder holds the project's rules and a three-person knowledge
base (two Levs and Trotsky, who is Lev too); the tests set ``doc.ents`` by
hand as the recogniser would, so no model is loaded. Scores are read from the
tmp ``linking.yaml``, whose values the tests set themselves.
"""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import pytest
import spacy
import yaml
from spacy.tokens import Doc

from pipeline.resources import DEFAULT_MODELS_DIR

PERSONS = [
    {"id": "lev-sedov", "canonical": "Lev Sedov", "sex": "M", "given": "Lev", "surname": "Sedov"},
    {"id": "lev-kamenev", "canonical": "Lev Kamenev", "sex": "M", "given": "Lev", "surname": "Kamenev"},
    {"id": "leon-trotsky", "canonical": "Leon Trotsky", "sex": "M", "given": ["Lev", "Leon"],
     "patronymic": "Davidovich", "surname": "Trotsky", "prominence": 3},
]  # fmt: skip
LINKING = yaml.safe_load((DEFAULT_MODELS_DIR / "rules" / "linking.yaml").read_text(encoding="utf-8"))
SCORES = {
    "method_scores": {
        "exact": 1.0,
        "variant": 0.9,
        "pet": 0.8,
        "ocr": 0.85,
        "fuzzy": 0.9,
        "partial": 0.7,
        "title": 0.7,
    },
    "ambiguous_factor": 0.7,
    "context_scores": {"candidate": 0.85, "other": 0.75, "linked": 0.75},
    "prior_scale": 0.9,
    "prior_share_weight": 0.5,
    "nil_scores": {"anchor": 0.5, "short": 0.4, "part": 0.45},
    "context_chars": 3000,
}
#: Spelling rules the variant test depends on: Kamenyev -> kameniev -> kamenev.
SKELETON = [["[jy]", "i"], ["ie(?=v$|va$)", "e"]]
NAMES = yaml.safe_load((DEFAULT_MODELS_DIR / "rules" / "names.yaml").read_text(encoding="utf-8"))
PERSON = "PERSON"


def write_models(folder: Path, **linking) -> Path:
    """The project's rules with the scores and spelling rules above (and ``linking`` overrides), and the persons."""
    shutil.copytree(DEFAULT_MODELS_DIR / "rules", folder / "rules")
    data = {**LINKING, **SCORES, **linking}
    (folder / "rules" / "linking.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    labels = yaml.safe_load((folder / "rules" / "labels.yaml").read_text(encoding="utf-8"))
    labels.update(person=PERSON, places=["GPE"], linked=[PERSON, "GPE"])
    (folder / "rules" / "labels.yaml").write_text(yaml.safe_dump(labels), encoding="utf-8")
    names = {**NAMES, "skeleton_rules": SKELETON}
    (folder / "rules" / "names.yaml").write_text(yaml.safe_dump(names, allow_unicode=True), encoding="utf-8")
    (folder / "kb").mkdir()
    text = f"# {uuid.uuid4()}\n" + yaml.safe_dump(PERSONS)  # this folder's own cache entry
    (folder / "kb" / "persons.yaml").write_text(text, encoding="utf-8")
    return folder


def linker_nlp(folder: Path):
    nlp = spacy.blank("en")
    nlp.add_pipe("namelink_linker", config={"models": str(folder)})
    return nlp


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    return linker_nlp(write_models(tmp_path_factory.mktemp("link") / "models"))


def linked(nlp, text: str, *names: str, labels: dict[str, str] | None = None) -> Doc:
    """``text`` with every occurrence of each of ``names`` as an entity (PERSON unless ``labels``
    says otherwise), through the linker."""
    doc = nlp.make_doc(text)
    spans = []
    for name in names:
        for match in re.finditer(rf"\b{re.escape(name)}\b", text):
            span = doc.char_span(match.start(), match.end(), label=(labels or {}).get(name, PERSON))
            assert span is not None, name
            spans.append(span)
    overlapping = [s for s in spans if any(o is not s and o.start <= s.start and s.end <= o.end for o in spans)]
    doc.ents = sorted((s for s in spans if s not in overlapping), key=lambda s: s.start)
    return nlp.get_pipe("namelink_linker")(doc)


def links(doc: Doc) -> list[tuple[str, str | None, str | None, float | None]]:
    out = []
    for e in doc.ents:
        link = e._.namelink_link or {}
        out.append((e.text, link.get("entity_id"), link.get("method"), link.get("score")))
    return out


# -- names that stand alone --------------------------------------------------------------------


def test_a_full_name_links_exactly(nlp):
    doc = linked(nlp, "Then Lev Kamenev spoke.", "Lev Kamenev")
    (ent,) = doc.ents
    assert ent._.namelink_link == {
        "entity_id": "lev-kamenev",
        "canonical": "Lev Kamenev",
        "score": 1.0,
        "method": "kb-exact",
    }
    assert ent.kb_id_ == "lev-kamenev"


def test_the_link_is_a_plain_dict_and_the_candidates_plain_lists(nlp):
    doc = linked(nlp, "Lev Kamenev and Lev.", "Lev Kamenev", "Lev")
    full, short = doc.ents
    assert type(full._.namelink_link) is dict
    assert full._.namelink_candidates == [["lev-kamenev", "exact", 1.0]]
    assert sorted(c[0] for c in short._.namelink_candidates) == ["leon-trotsky", "lev-kamenev", "lev-sedov"]
    assert all(type(c) is list and c[1:] == ["exact", 1.0] for c in short._.namelink_candidates)


def test_the_links_survive_doc_serialisation(nlp):
    doc = linked(nlp, "Lev Kamenev and Lev.", "Lev Kamenev", "Lev")
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert links(again) == links(doc)
    assert again._.namelink_links == doc._.namelink_links
    assert again._.namelink_links[(0, 11)]["entity_id"] == "lev-kamenev"


def test_a_patronymic_form_links_exactly(nlp):
    doc = linked(nlp, "Lev Davidovich wrote.", "Lev Davidovich")
    assert links(doc) == [("Lev Davidovich", "leon-trotsky", "kb-exact", 1.0)]


def test_an_unseen_romanisation_links_as_a_variant(nlp):
    doc = linked(nlp, "Lev Kamenyev wrote.", "Lev Kamenyev")
    assert links(doc) == [("Lev Kamenyev", "lev-kamenev", "kb-variant", 0.9)]


def test_a_full_name_two_people_bear_is_scored_as_ambiguous(tmp_path):
    folder = write_models(tmp_path / "models")
    persons = yaml.safe_load((folder / "kb" / "persons.yaml").read_text(encoding="utf-8"))
    persons.append({"id": "lev-sedov-2", "canonical": "Lev Sedov", "given": "Lev", "surname": "Sedov", "prominence": 2})
    (folder / "kb" / "persons.yaml").write_text(yaml.safe_dump(persons), encoding="utf-8")
    doc = linked(linker_nlp(folder), "Lev Sedov wrote.", "Lev Sedov")
    assert links(doc) == [("Lev Sedov", "lev-sedov-2", "kb-exact", 0.7)]  # the more prominent, times 0.7


# -- short forms by context --------------------------------------------------------------------


def test_a_bare_given_name_after_a_full_name_links_to_it(nlp):
    doc = linked(nlp, "Lev Kamenev arrived. Later Lev left.", "Lev Kamenev", "Lev")
    assert links(doc)[1] == ("Lev", "lev-kamenev", "context", 0.85)
    doc = linked(nlp, "Lev Sedov arrived. Later Lev left.", "Lev Sedov", "Lev")
    assert links(doc)[1] == ("Lev", "lev-sedov", "context", 0.85)


def test_a_bare_given_name_links_to_the_nearest_full_name(nlp):
    text = "Lev Sedov came first. " + "Filler words here. " * 20 + "Lev Kamenev came next. Then Lev left."
    doc = linked(nlp, text, "Lev Sedov", "Lev Kamenev", "Lev")
    assert [link[1] for link in links(doc)] == ["lev-sedov", "lev-kamenev", "lev-kamenev"]


def test_a_surname_after_the_full_name_links_to_it(nlp):
    doc = linked(nlp, "Leon Trotsky wrote. Trotsky left.", "Leon Trotsky", "Trotsky")
    assert links(doc) == [
        ("Leon Trotsky", "leon-trotsky", "kb-exact", 1.0),
        ("Trotsky", "leon-trotsky", "context", 0.85),
    ]


def test_the_same_short_form_links_by_each_documents_own_context(nlp):
    first = linked(nlp, "Lev Kamenev arrived. Lev left.", "Lev Kamenev", "Lev")
    second = linked(nlp, "Lev Sedov arrived. Lev left.", "Lev Sedov", "Lev")
    assert links(first)[1][1] == "lev-kamenev" and links(second)[1][1] == "lev-sedov"


# -- no context: the prior ---------------------------------------------------------------------


def test_a_bare_short_form_of_one_person_without_context_gets_the_prior(nlp):
    # prior_scale * exact * ((1 - w) + w * share) = 0.9 * 1.0 * (0.5 + 0.5 * 1)
    assert links(linked(nlp, "Kamenev left.", "Kamenev")) == [("Kamenev", "lev-kamenev", "kb-prior", 0.9)]


def test_a_shared_given_name_without_context_goes_to_the_most_prominent(nlp):
    # Trotsky's prominence 3 of 1 + 1 + 3: 0.9 * (0.5 + 0.5 * 3 / 5)
    assert links(linked(nlp, "Lev left.", "Lev")) == [("Lev", "leon-trotsky", "kb-prior", 0.72)]


# -- unknown people ----------------------------------------------------------------------------


def test_an_unknown_full_name_gets_a_nil_id(nlp):
    doc = linked(nlp, "Volina Nevelson arrived.", "Volina Nevelson")
    (ent,) = doc.ents
    assert ent._.namelink_link == {
        "entity_id": "nil:volina-nevelson",
        "canonical": "Volina Nevelson",
        "score": 0.5,
        "method": "nil",
    }
    assert ent.kb_id_ == "nil:volina-nevelson"
    assert ent._.namelink_candidates == []


def test_a_later_part_of_an_unknown_name_joins_it(nlp):
    doc = linked(nlp, "Manuel Arriaga Luna arrived. Then Manuel Arriaga left.", "Manuel Arriaga Luna", "Manuel Arriaga")
    assert links(doc) == [
        ("Manuel Arriaga Luna", "nil:manuel-arriaga-luna", "nil", 0.5),
        ("Manuel Arriaga", "nil:manuel-arriaga-luna", "nil-context", 0.45),
    ]
    assert doc.ents[1]._.namelink_link["canonical"] == "Manuel Arriaga Luna"


def test_a_bare_unknown_word_joins_the_unknown_name_containing_it(nlp):
    doc = linked(nlp, "Volina Nevelson arrived. Nevelson left.", "Volina Nevelson", "Nevelson")
    assert links(doc)[1] == ("Nevelson", "nil:volina-nevelson", "context", 0.75)


def test_a_bare_unknown_word_alone_is_its_own_nil(nlp):
    assert links(linked(nlp, "Nevelson left.", "Nevelson")) == [("Nevelson", "nil:nevelson", "nil", 0.4)]


# -- other labels ------------------------------------------------------------------------------


def test_labels_the_knowledge_base_does_not_list_stay_unlinked(nlp):
    doc = linked(
        nlp, "Lev Kamenev left Moscow in May.", "Lev Kamenev", "Moscow", "May", labels={"Moscow": "GPE", "May": "DATE"}
    )
    assert links(doc) == [
        ("Lev Kamenev", "lev-kamenev", "kb-exact", 1.0),
        ("Moscow", None, None, None),
        ("May", None, None, None),
    ]
    assert [e.kb_id_ for e in doc.ents] == ["lev-kamenev", "", ""]


# -- scores are data ---------------------------------------------------------------------------


def test_the_scores_come_from_linking_yaml(tmp_path):
    folder = write_models(tmp_path / "models", method_scores={**SCORES["method_scores"], "exact": 0.8})
    nlp = linker_nlp(folder)
    assert links(linked(nlp, "Lev Kamenev spoke.", "Lev Kamenev")) == [("Lev Kamenev", "lev-kamenev", "kb-exact", 0.8)]
    assert links(linked(nlp, "Kamenev left.", "Kamenev")) == [("Kamenev", "lev-kamenev", "kb-prior", 0.72)]


def test_the_context_scores_come_from_linking_yaml(tmp_path):
    nlp = linker_nlp(write_models(tmp_path / "models", context_scores={"candidate": 0.6, "other": 0.5, "linked": 0.4}))
    doc = linked(nlp, "Lev Kamenev arrived. Later Lev left.", "Lev Kamenev", "Lev")
    assert links(doc)[1] == ("Lev", "lev-kamenev", "context", 0.6)
