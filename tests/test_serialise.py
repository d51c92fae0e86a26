"""spaCy conventions: a saved pipeline is self-contained, links survive Doc serialisation and n_process."""

from __future__ import annotations

import shutil

import pytest
import spacy
from conftest import ROOT
from spacy.tokens import Doc, DocBin

from pipeline.batch import build_nlp

TEXT = (
    "Lev Davidovich Bronstein, later Leon Trotsky, married Natalia Sedova. "
    "In Coyoacán, Jacques Mornard, whose real name was Ramón Mercader, killed Trotsky. "
    "Their son Lev Sedov lived in Paris; Liova wrote to his father often."
)


def ents(doc: Doc) -> list[tuple[str, str, str, object]]:
    return [(e.text, e.label_, e.kb_id_, e._.namelink_link) for e in doc.ents]


@pytest.fixture(scope="module")
def own_models(tmp_path_factory):
    """A private copy of models/, so the test can take it away after saving."""
    folder = tmp_path_factory.mktemp("models") / "models"
    shutil.copytree(ROOT / "models", folder, ignore=shutil.ignore_patterns("corrections"))
    return folder


@pytest.fixture(scope="module")
def nlp(own_models):
    return build_nlp(models=own_models)


def test_links_are_plain_data_on_the_span(nlp):
    doc = nlp(TEXT)
    trotsky = [e for e in doc.ents if e.text == "Leon Trotsky"][0]
    assert trotsky._.namelink_link == {
        "entity_id": "leon-trotsky",
        "canonical": "Leon Trotsky",
        "score": 1.0,
        "method": "kb-exact",
    }
    assert trotsky._.namelink_candidates[0][:2] == ["leon-trotsky", "exact"]
    assert doc._.namelink_links[(trotsky.start_char, trotsky.end_char)] == trotsky._.namelink_link


def test_to_disk_then_spacy_load_is_self_contained(nlp, own_models, tmp_path):
    expected = ents(nlp(TEXT))
    assert ("Jacques Mornard", "PERSON", "ramon-mercader") in [e[:3] for e in expected]
    saved = tmp_path / "pipeline"
    nlp.to_disk(saved)
    assert (saved / "namelink_linker" / "models" / "kb" / "persons.yaml").is_file()
    moved = own_models.with_name("moved-away")
    own_models.rename(moved)  # the models folder the pipeline was built from is gone
    try:
        loaded = spacy.load(saved)
        assert loaded.pipe_names == nlp.pipe_names
        assert ents(loaded(TEXT)) == expected
    finally:
        moved.rename(own_models)


def test_doc_bytes_and_docbin_keep_the_links(nlp):
    doc = nlp(TEXT)
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert ents(again) == ents(doc)
    store = DocBin(store_user_data=True)
    store.add(doc)
    (restored,) = DocBin().from_bytes(store.to_bytes()).get_docs(nlp.vocab)
    assert ents(restored) == ents(doc)
    assert [e._.namelink_source for e in restored.ents] == [e._.namelink_source for e in doc.ents]


def test_nlp_pipe_in_two_processes_gives_the_same_links(nlp):
    texts = [TEXT, TEXT.replace("Paris", "Berlin"), "Natalia Sedova wrote to Alfred Rosmer."]
    one = [ents(doc) for doc in nlp.pipe(texts)]
    two = [ents(doc) for doc in nlp.pipe(texts, n_process=2, batch_size=1)]
    assert two == one
    assert any(e[2] == "natalia-sedova" for e in one[2])
