"""spaCy conventions: a saved pipeline is self-contained, links survive Doc serialisation and n_process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
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


# Run in a fresh process: nothing of this test's process (its loaded knowledge base) can help it.
_LOAD_SAVED = """
import json, sys
import spacy
nlp = spacy.load(sys.argv[1])
doc = nlp(sys.argv[2])
ents = [[e.text, e.label_, e.kb_id_, e._.namelink_link] for e in doc.ents]
print(json.dumps({"pipe_names": nlp.pipe_names, "ents": ents}))
"""


def test_to_disk_then_spacy_load_is_self_contained(nlp, own_models, tmp_path):
    expected = [list(e) for e in ents(nlp(TEXT))]
    assert ["Jacques Mornard", "PERSON", "ramon-mercader"] in [e[:3] for e in expected]
    saved = tmp_path / "pipeline"
    nlp.to_disk(saved)
    assert (saved / "namelink_linker" / "models" / "kb" / "persons.yaml").is_file()
    assert (saved / "namelink_person_rules" / "models" / "rules" / "names.yaml").is_file()
    moved = own_models.with_name("moved-away")
    own_models.rename(moved)  # the models folder the pipeline was built from is gone
    try:
        result = subprocess.run(
            [sys.executable, "-c", _LOAD_SAVED, str(saved), TEXT], capture_output=True, text=True, timeout=300
        )
    finally:
        moved.rename(own_models)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["pipe_names"] == nlp.pipe_names
    assert out["ents"] == expected


def test_saving_again_after_the_models_folder_changed_is_refused(nlp, own_models, tmp_path):
    nlp(TEXT)  # loaded
    extra = own_models / "kb" / "persons.yaml"
    original = extra.read_text(encoding="utf-8")
    extra.write_text(original + "\n# edited\n", encoding="utf-8")
    try:
        with pytest.raises(RuntimeError, match="has changed since it was loaded"):
            nlp.to_disk(tmp_path / "again")
    finally:
        extra.write_text(original, encoding="utf-8")


def test_doc_bytes_and_docbin_keep_the_links(nlp):
    doc = nlp(TEXT)
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert ents(again) == ents(doc)
    store = DocBin(store_user_data=True)
    store.add(doc)
    (restored,) = DocBin().from_bytes(store.to_bytes()).get_docs(nlp.vocab)
    assert ents(restored) == ents(doc)
    assert [e._.namelink_source for e in restored.ents] == [e._.namelink_source for e in doc.ents]


_SPAWNED = """
import json, multiprocessing, sys
multiprocessing.set_start_method("spawn", force=True)
from pipeline.batch import build_nlp
if __name__ == "__main__":
    nlp = build_nlp(models=sys.argv[1])
    texts = json.loads(sys.argv[2])
    one = [[[e.text, e.kb_id_] for e in doc.ents] for doc in nlp.pipe(texts)]  # the components have run
    two = [[[e.text, e.kb_id_] for e in doc.ents] for doc in nlp.pipe(texts, n_process=2, batch_size=1)]
    print(json.dumps({"one": one, "two": two}))
"""


def test_nlp_pipe_with_spawned_processes_gives_the_same_links(own_models, tmp_path):
    """macOS and Windows start processes by spawn: the components are pickled, their data loads again."""
    script = tmp_path / "spawned.py"
    script.write_text(_SPAWNED, encoding="utf-8")
    texts = [TEXT, "Natalia Sedova wrote to Alfred Rosmer."]
    result = subprocess.run(
        [sys.executable, str(script), str(own_models), json.dumps(texts)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.splitlines()[-1])
    assert out["two"] == out["one"]
    assert ["Natalia Sedova", "natalia-sedova"] in out["one"][1]


def test_nlp_pipe_in_two_processes_gives_the_same_links(nlp):
    texts = [TEXT, TEXT.replace("Paris", "Berlin"), "Natalia Sedova wrote to Alfred Rosmer."]
    one = [ents(doc) for doc in nlp.pipe(texts)]
    two = [ents(doc) for doc in nlp.pipe(texts, n_process=2, batch_size=1)]
    assert two == one
    assert any(e[2] == "natalia-sedova" for e in one[2])
