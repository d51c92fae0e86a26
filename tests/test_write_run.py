"""Stage 4, write, and run_batch: the output contract and bad input.

Contract (pipeline/output/): documents.jsonl has one line per input file,
entities.jsonl one line per entity id, manifest.json versions, model,
knowledge-base hash, counts and timings; all three are written atomically.
Raw offsets follow docs/annotation.md: code-point indices into the raw
file as read with ``open(path, encoding="utf-8", newline="")`` (for a file in
another encoding: into its decoded text, pipeline/io/read.py).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import spacy
from conftest import OUTPUT_FILES, ROOT, BatchRun, persons, read_jsonl, read_raw

import pipeline
from pipeline.batch.model import DEFAULT_MODEL
from pipeline.kb import KnowledgeBase
from pipeline.output import atomic_writer, write_json
from pipeline.records import NIL_PREFIX

DOCUMENT_KEYS = {"doc_id", "source", "sha256", "encoding", "language", "status", "error", "text", "entities", "dropped"}
ENTITY_KEYS = {
    "start", "end", "raw_start", "raw_end", "text", "label", "entity_id", "canonical", "score", "method", "reason"
}  # fmt: skip
ROW_KEYS = {"entity_id", "canonical", "label", "in_kb", "wikidata", "mentions", "documents", "surface_forms"}

#: What cleaning removes inside a name: soft hyphens and zero-width characters,
#: a hyphen (or the OCR "¬") that breaks a word across a line end, and whitespace.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_LINE_END_HYPHEN = re.compile(r"[-¬][ \t]*\r?\n[ \t]*")
_SPACE = re.compile(r"\s+")
_TOUCHED_BY_CLEANING = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\u00a0\u2000-\u200a\u202f\t\r\n¬]| {2}")


def letters(text: str) -> str:
    """A span's characters as a reader sees them: NFC, without invisible characters,
    line-end hyphenation or whitespace."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _LINE_END_HYPHEN.sub("", text)
    return _SPACE.sub("", text)


def assert_offsets(record: dict, raw: str) -> int:
    """Every entity of one documents.jsonl record agrees with its clean text and its raw file."""
    text = record["text"]
    for ent in record["entities"]:
        assert 0 <= ent["start"] < ent["end"] <= len(text), ent
        assert text[ent["start"] : ent["end"]] == ent["text"], ent
        assert 0 <= ent["raw_start"] < ent["raw_end"] <= len(raw), ent
        raw_slice = raw[ent["raw_start"] : ent["raw_end"]]
        # the raw slice spells the same letters, and nothing more (no quote, title, possessive ...)
        assert letters(raw_slice) == letters(ent["text"]), (record["doc_id"], ent, raw_slice)
        # a name cleaning did not touch (no line break, no invisible character, no glued word) is identical
        untouched = (
            not _TOUCHED_BY_CLEANING.search(raw_slice)
            and raw_slice.count(" ") == ent["text"].count(" ")
            and unicodedata.is_normalized("NFC", raw_slice)
        )
        if untouched:
            assert raw_slice == ent["text"], (record["doc_id"], ent, raw_slice)
    return len(record["entities"])


# -- offsets over the real texts ---------------------------------------------------------------------


@pytest.mark.parametrize("which", ["raw_run", "own_run"])
def test_every_entity_maps_back_to_its_clean_and_raw_text(request, which):
    run: BatchRun = request.getfixturevalue(which)
    total = 0
    for doc_id, record in run.records.items():
        total += assert_offsets(record, run.raw_texts[doc_id])
    assert total > 500


def test_offsets_through_hyphenation_and_glued_words_are_exact(both_runs):
    # names broken across lines and glued to other words in the seed and own texts
    expected = {
        ("own_01_ocr_newspaper", "Trotsky"): "Trot-\nsky",
        ("own_01_ocr_newspaper", "Sylvia Ageloff"): "Sylvia Age¬\nloff",
        ("own_01_ocr_newspaper", "Mornard"): "Mor-\nnard",
        ("000_e5c80eea1864f996", "Zinaida Volkova"): "ZinaidaVolkova",
        ("own_08_scraped_webpage", "Manuel Arriaga"): "ManuelArriaga",
    }
    seen = set()
    for run in both_runs:
        for doc_id, ent in run.all_entities():
            key = (doc_id, ent["text"])
            raw_slice = run.raw_texts[doc_id][ent["raw_start"] : ent["raw_end"]]
            if key in expected and raw_slice == expected[key]:
                seen.add(key)
    assert seen == set(expected)


def test_raw_offsets_are_code_points_of_the_file_read_without_newline_translation(pipe, tmp_path):
    # written for the test: a byte-order mark (index 0), CRLF line ends, a soft hyphen, a broken word
    raw = (
        "\ufeffIn 1937 Leon Trotsky lived in Coyoacán.\r\nNatalia Sedova lived there with him.\r\n\r\n"
        "Ramón Merca\u00adder killed Leon Trot-\r\nsky.\r\n"
    )
    path = tmp_path / "bom_crlf.txt"
    path.write_bytes(raw.encode("utf-8"))
    record = pipe.process_file(path)
    assert record["status"] == "ok" and record["encoding"] == "utf-8"
    as_read = read_raw(path)
    assert as_read == raw  # the definition: no newline translation, BOM kept as character 0
    assert_offsets(record, as_read)
    spans = {e["text"]: [] for e in persons(record)}
    for e in persons(record):
        spans[e["text"]].append(as_read[e["raw_start"] : e["raw_end"]])
    assert spans["Leon Trotsky"] == ["Leon Trotsky", "Leon Trot-\r\nsky"]
    assert spans["Natalia Sedova"] == ["Natalia Sedova"]
    assert spans["Ramón Mercader"] == ["Ramón Merca\u00adder"]
    first = persons(record)[0]
    assert (first["raw_start"], first["raw_end"]) == (raw.index("Leon"), raw.index("Leon") + 12)
    assert raw.index("Leon") == 9  # the BOM counts


# -- documents.jsonl ----------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["raw_run", "own_run"])
def test_document_records_follow_the_contract(request, which):
    run: BatchRun = request.getfixturevalue(which)
    lines = read_jsonl(run.out_dir / "documents.jsonl")
    assert [r["doc_id"] for r in lines] == [p.stem for p in run.paths]  # one line per file, input order
    by_stem = {p.stem: p for p in run.paths}
    for rec in lines:
        assert set(rec) == DOCUMENT_KEYS, sorted(rec)
        path = by_stem[rec["doc_id"]]
        assert rec["source"] == str(path)
        assert rec["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert rec["encoding"] == "utf-8"
        assert rec["status"] == "ok" and rec["error"] is None
        assert isinstance(rec["text"], str) and rec["text"]
        assert rec["entities"], rec["doc_id"]
        previous = -1
        for ent in rec["entities"]:
            assert set(ent) == ENTITY_KEYS, sorted(ent)
            assert isinstance(ent["label"], str) and ent["label"].isupper()
            assert ent["start"] >= previous  # in text order, not overlapping
            previous = ent["end"]
            if ent["entity_id"] is not None:
                assert isinstance(ent["canonical"], str) and isinstance(ent["method"], str)
                assert 0.0 <= ent["score"] <= 1.0
        assert any(e["label"] == "PERSON" for e in rec["entities"])


def test_documents_text_is_clean_text(raw_run):
    rec = raw_run.records["000_e5c80eea1864f996"]
    assert "Trotskyconsideredescaping" in raw_run.raw_texts["000_e5c80eea1864f996"]
    assert "Trotsky considered escaping" in rec["text"]
    assert not re.search(r"\[\d+\]", rec["text"])  # citation markers are gone


# -- entities.jsonl --------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["raw_run", "own_run"])
def test_entity_rows_are_consistent_with_documents(request, which, kb):
    run: BatchRun = request.getfixturevalue(which)
    rows = run.entity_rows
    assert rows and len({r["entity_id"] for r in rows}) == len(rows)
    mentions: Counter = Counter()
    documents: dict[str, list[str]] = defaultdict(list)
    forms: dict[str, Counter] = defaultdict(Counter)
    labels: dict[str, set] = defaultdict(set)
    for doc_id, rec in run.records.items():
        for ent in rec["entities"]:
            if ent["entity_id"] is None:
                continue
            mentions[ent["entity_id"]] += 1
            forms[ent["entity_id"]][ent["text"]] += 1
            labels[ent["entity_id"]].add(ent["label"])
            if doc_id not in documents[ent["entity_id"]]:
                documents[ent["entity_id"]].append(doc_id)
    assert {r["entity_id"] for r in rows} == set(mentions)
    assert sum(r["mentions"] for r in rows) == sum(mentions.values())
    order = [p.stem for p in run.paths]
    for row in rows:
        ident = row["entity_id"]
        assert set(row) == ROW_KEYS, sorted(row)
        assert row["mentions"] == mentions[ident]
        assert row["documents"] == sorted(documents[ident], key=order.index)
        assert row["surface_forms"] == dict(forms[ident])
        assert sum(row["surface_forms"].values()) == row["mentions"]
        assert row["label"] in labels[ident]
        entity = kb.entities.get(ident)
        assert row["in_kb"] is (entity is not None)
        assert row["in_kb"] is not ident.startswith(NIL_PREFIX)
        if entity is not None:
            assert row["canonical"] == entity.canonical and row["wikidata"] == entity.wikidata
        else:
            assert row["canonical"] and row["wikidata"] is None
    # most mentioned first
    assert [r["mentions"] for r in rows] == sorted((r["mentions"] for r in rows), reverse=True)


def test_trotsky_is_the_most_mentioned_entity_of_the_seeds(raw_run):
    top = raw_run.entity_rows[0]
    assert (top["entity_id"], top["canonical"], top["in_kb"]) == ("leon-trotsky", "Leon Trotsky", True)
    assert top["documents"] == [p.stem for p in raw_run.paths]
    assert {"Trotsky", "Leon Trotsky", "Lev Davidovich", "L. D."} <= set(top["surface_forms"])


# -- manifest.json --------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["raw_run", "own_run"])
def test_manifest_has_versions_model_kb_counts_and_timings(request, which, pipe):
    run: BatchRun = request.getfixturevalue(which)
    import json

    manifest = json.loads((run.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["namelink_version"] == pipeline.__version__
    assert manifest["spacy_version"] == spacy.__version__
    assert manifest["python"].count(".") == 2
    assert manifest["model"]["name"] == DEFAULT_MODEL
    assert manifest["model"]["version"] == pipe.nlp.meta["version"]
    assert manifest["pipeline"] == pipe.nlp.pipe_names
    kb = manifest["knowledge_base"]
    assert kb["version"] == pipe.kb.version and re.fullmatch(r"[0-9a-f]{8,}", kb["version"])
    assert kb["entities"] == len(pipe.kb.entities)
    assert manifest["inputs"] == [str(p) for p in run.paths]
    records = list(run.records.values())
    assert manifest["counts"] == {
        "documents": len(records),
        "errors": sum(r["status"] == "error" for r in records),
        "mentions": sum(len(r["entities"]) for r in records),
        "entities": len(run.entity_rows),
        "words": sum(len(re.findall(r"\S+", r["text"] or "")) for r in records),
    }
    timings = manifest["timings"]
    assert timings["load_seconds"] >= 0 and timings["run_seconds"] > 0
    assert timings["words_per_second"] == pytest.approx(
        manifest["counts"]["words"] / run.summary.seconds, rel=0.01, abs=0.1
    )
    stages = timings["stage_seconds"]
    assert {"read", "clean", "ner", "namelink_person_rules", "namelink_linker"} <= set(stages)
    assert all(v >= 0 for v in stages.values())
    # the stages are timed inside this run (one process), even though raw_run and own_run share one Pipeline
    assert sum(stages.values()) <= timings["run_seconds"] + 0.001 * len(stages) + 0.01, timings


def test_knowledge_base_hash_changes_with_the_kb_files(tmp_path):
    copy = tmp_path / "models"
    shutil.copytree(ROOT / "models", copy)
    assert KnowledgeBase.load(copy).version == KnowledgeBase.load().version
    with open(copy / "kb" / "persons.yaml", "a", encoding="utf-8") as handle:
        handle.write("\n# an edit\n")
    assert KnowledgeBase.load(copy).version != KnowledgeBase.load().version


# -- bad input --------------------------------------------------------------------------------------------

# written for the test; encoded as Windows-1252 (curly apostrophe, accented names)
CP1252_TEXT = (
    "Ramón Mercader del Río, who called himself Jacques Mornard and Frank Jacson, struck León Trotsky in his "
    "study at Coyoacán on 20 August 1940. Trotsky died the next day. Mercader’s mother, Caridad Mercader, was "
    "waiting in a car outside with Naum Eitingon.\n"
)
GOOD_TEXT = "Leon Trotsky lived in Coyoacán with Natalia Sedova and their grandson Seva.\n"


@pytest.fixture(scope="module")
def bad_batch(pipe, tmp_path_factory) -> BatchRun:
    folder = tmp_path_factory.mktemp("bad_in")
    (folder / "a_empty.txt").write_bytes(b"")
    (folder / "b_blank.txt").write_bytes(b"  \n\n \t\n")
    (folder / "c_image.png").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" * 4
    )
    (folder / "d_cp1252.txt").write_bytes(CP1252_TEXT.encode("cp1252"))
    (folder / "e_good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / ".hidden.txt").write_text("Leon Trotsky\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("bad_out")
    from pipeline.batch import run_batch

    paths = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    summary = run_batch([folder], out, progress=False, pipeline=pipe)
    records = {r["doc_id"]: r for r in read_jsonl(out / "documents.jsonl")}
    return BatchRun(summary, out, paths, records, {})


def test_bad_files_do_not_stop_the_batch(bad_batch):
    assert list(bad_batch.records) == ["a_empty", "b_blank", "c_image", "d_cp1252", "e_good"]  # no hidden file
    status = {doc_id: r["status"] for doc_id, r in bad_batch.records.items()}
    assert status == {"a_empty": "error", "b_blank": "error", "c_image": "error", "d_cp1252": "ok", "e_good": "ok"}
    assert (bad_batch.summary.documents, bad_batch.summary.errors) == (5, 3)
    assert set(os.listdir(bad_batch.out_dir)) == OUTPUT_FILES  # no temporary file left behind


@pytest.mark.parametrize(
    "doc_id, message",
    [("a_empty", r"a_empty\.txt.*empty"), ("b_blank", r"b_blank\.txt.*empty"), ("c_image", r"c_image\.png.*binary")],
)
def test_bad_files_get_a_clear_error(bad_batch, doc_id, message):
    rec = bad_batch.records[doc_id]
    assert set(rec) == DOCUMENT_KEYS
    assert rec["status"] == "error"
    assert re.search(message, rec["error"]), rec["error"]
    assert rec["text"] is None and rec["entities"] == []
    assert rec["source"].endswith(Path(rec["source"]).name) and rec["doc_id"] == Path(rec["source"]).stem


def test_sha256_is_of_the_raw_bytes(bad_batch):
    for doc_id in ("d_cp1252", "e_good"):
        rec = bad_batch.records[doc_id]
        assert rec["sha256"] == hashlib.sha256(Path(rec["source"]).read_bytes()).hexdigest()


def test_cp1252_file_is_decoded_and_its_encoding_recorded(bad_batch):
    rec = bad_batch.records["d_cp1252"]
    data = Path(rec["source"]).read_bytes()
    assert rec["encoding"] and rec["encoding"].lower().replace("-", "") not in ("utf8", "utf8sig")
    decoded = data.decode(rec["encoding"])
    assert decoded == CP1252_TEXT  # the recorded encoding reproduces the text
    assert rec["text"].startswith("Ramón Mercader del Río, who called himself Jacques Mornard")
    # raw offsets are character offsets of the decoded text
    assert_offsets(rec, decoded)
    got = {(e["text"], decoded[e["raw_start"] : e["raw_end"]], e["entity_id"]) for e in persons(rec)}
    assert ("Ramón Mercader del Río", "Ramón Mercader del Río", "ramon-mercader") in got
    assert ("León Trotsky", "León Trotsky", "leon-trotsky") in got
    assert ("Caridad Mercader", "Caridad Mercader", "caridad-mercader") in got
    start = CP1252_TEXT.index("León Trotsky")
    assert ("León Trotsky", start, start + 12) in {(e["text"], e["raw_start"], e["raw_end"]) for e in persons(rec)}
    assert start == data.index("León Trotsky".encode("cp1252"))  # one byte a character in cp1252


def test_good_file_next_to_bad_ones_is_processed_normally(bad_batch):
    rec = bad_batch.records["e_good"]
    assert rec["error"] is None and rec["encoding"] == "utf-8"
    assert rec["text"] == GOOD_TEXT
    assert [(e["text"], e["entity_id"]) for e in persons(rec)] == [
        ("Leon Trotsky", "leon-trotsky"),
        ("Natalia Sedova", "natalia-sedova"),
        ("Seva", "esteban-volkov"),
    ]
    assert_offsets(rec, GOOD_TEXT)


def test_error_documents_add_nothing_to_entities(bad_batch):
    rows = bad_batch.entity_rows
    documents = {d for row in rows for d in row["documents"]}
    assert documents == {"d_cp1252", "e_good"}
    import json

    manifest = json.loads((bad_batch.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["documents"] == 5 and manifest["counts"]["errors"] == 3
    assert manifest["counts"]["mentions"] == sum(len(r["entities"]) for r in bad_batch.records.values())


def test_a_missing_file_is_an_error_line_not_a_crash(pipe, tmp_path):
    record = pipe.process_file(tmp_path / "gone.txt")
    assert record["status"] == "error" and "gone.txt" in record["error"]
    assert record["doc_id"] == "gone" and record["sha256"] is None and record["entities"] == []


# -- atomic writes ----------------------------------------------------------------------------------------


def test_atomic_writer_replaces_the_file_on_success(tmp_path):
    target = tmp_path / "documents.jsonl"
    target.write_bytes(b"old\n")
    with atomic_writer(target) as handle:
        handle.write(b"new 1\n")
        assert target.read_bytes() == b"old\n"  # not visible before the block ends
        handle.write(b"new 2\n")
    assert target.read_bytes() == b"new 1\nnew 2\n"
    assert os.listdir(tmp_path) == ["documents.jsonl"]
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def test_atomic_writer_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "documents.jsonl"
    target.write_bytes(b'{"doc_id": "old"}\n')

    class Crash(Exception):
        pass

    with pytest.raises(Crash):
        with atomic_writer(target) as handle:
            handle.write(b'{"doc_id": "half')
            raise Crash("disk full")
    assert target.read_bytes() == b'{"doc_id": "old"}\n'
    assert os.listdir(tmp_path) == ["documents.jsonl"]  # the temporary file is gone


def test_atomic_writer_leaves_nothing_when_there_was_no_file(tmp_path):
    out = tmp_path / "new_folder"
    with pytest.raises(KeyboardInterrupt):
        with atomic_writer(out / "manifest.json") as handle:
            handle.write(b"{")
            raise KeyboardInterrupt
    assert out.is_dir() and os.listdir(out) == []


def test_write_json_is_sorted_indented_and_atomic(tmp_path):
    target = tmp_path / "manifest.json"
    write_json(target, {"b": 1, "a": [1, 2]})
    assert target.read_text(encoding="utf-8") == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}\n'
    with pytest.raises(TypeError):
        write_json(target, {"a": object()})  # not serialisable: fails before anything is replaced
    assert target.read_text(encoding="utf-8").startswith('{\n  "a"')
    assert os.listdir(tmp_path) == ["manifest.json"]


@pytest.mark.parametrize("which", ["raw_run", "own_run"])
def test_no_temporary_files_in_the_output_folders(request, which):
    run: BatchRun = request.getfixturevalue(which)
    assert set(os.listdir(run.out_dir)) == OUTPUT_FILES


def test_a_link_decided_by_a_kinship_cue_says_why_in_the_record(pipe):
    # written for the test: "her daughter" picks Zinaida's daughter among the KB's Alexandras
    text = "In 1931 Zinaida Volkova left Moscow for Prinkipo, leaving her daughter Alexandra with her mother."
    record = pipe.process_text(text, "kin")
    people = {e["text"]: e for e in record["entities"] if e["label"] == "PERSON"}
    assert people["Alexandra"]["entity_id"] == "alexandra-moglina"
    assert people["Alexandra"]["reason"] == "'daughter': child of zinaida-volkova"
    assert people["Zinaida Volkova"]["reason"] is None  # a full name decides on its own
