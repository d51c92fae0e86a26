"""pipeline.output's mechanisms on hand-written records: the writer registry, atomic files, the entity table.

A toy writer registered for one test stands for a new output format; the
knowledge base is two people built in memory, not ``models/kb``.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from pipeline.kb import KnowledgeBase
from pipeline.output import (
    OUTPUT_WRITERS,
    EntityTable,
    JsonlWriter,
    OutputWriter,
    atomic_writer,
    output_writer,
    write_json,
    writer_for,
)
from pipeline.records import DOCUMENTS, ENTITIES, MANIFEST, dumps, read_records
from pipeline.resources import DEFAULT_MODELS_DIR, LabelRules, NameRules

PERSONS = [
    {"id": "leon-trotsky", "canonical": "Leon Trotsky", "wikidata": "Q33391", "given": "Leon", "surname": "Trotsky"},
    {"id": "lev-sedov", "canonical": "Lev Sedov", "given": "Lev", "surname": "Sedov"},
]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    names, labels = NameRules.load(DEFAULT_MODELS_DIR), LabelRules.load(DEFAULT_MODELS_DIR)
    return KnowledgeBase.from_records([(p, True) for p in PERSONS], "kb-test", names=names, labels=labels)


def mention(text: str, entity_id: str | None, canonical: str | None = None, start: int = 0) -> dict:
    linked = entity_id is not None
    return {"start": start, "end": start + len(text), "raw_start": start, "raw_end": start + len(text),
            "text": text, "label": "PERSON", "entity_id": entity_id, "canonical": canonical or text,
            "score": 1.0 if linked else None, "method": "kb-exact" if linked else None}  # fmt: skip


def record(doc_id: str, *entities: dict) -> dict:
    return {"doc_id": doc_id, "source": f"raw/{doc_id}.txt", "sha256": None, "encoding": "utf-8", "status": "ok",
            "error": None, "text": "...", "entities": list(entities)}  # fmt: skip


D1 = record(
    "d1",
    mention("Trotsky", "leon-trotsky", "Trotsky"),
    mention("Arriaga", "nil:manuel-arriaga-luna", "Arriaga"),
    mention("Leon Trotsky", "leon-trotsky"),
    mention("Someone", None),
    mention("Trotsky", "leon-trotsky"),
    mention("Manuel Arriaga Luna", "nil:manuel-arriaga-luna"),
)
D2 = record(
    "d2",
    mention("Trotsky", "leon-trotsky"),
    mention("Manuel Arriaga", "nil:manuel-arriaga-luna", "Manuel Arriaga"),
    mention("Lev Sedov", "lev-sedov"),
)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- the registry ------------------------------------------------------------------------------


@pytest.fixture
def tsv_writer():
    """A toy ``tsv-test`` format: one line per linked mention; unregistered after the test."""

    @output_writer("tsv-test")
    class TsvWriter(OutputWriter):
        def open(self) -> None:
            self.rows: list[str] = []
            self.aborted = False

        def add(self, line: bytes, record: dict) -> None:
            self.rows += [f"{record['doc_id']}\t{e['text']}\t{e['entity_id']}\n" for e in record["entities"]]

        def finish(self) -> int:
            with atomic_writer(self.out_dir / "mentions.tsv") as handle:
                handle.write("".join(self.rows).encode())
            known = self.kb().entities
            return len({row.split("\t")[2].strip() for row in self.rows if row.split("\t")[2].strip() in known})

        def abort(self) -> None:
            self.aborted = True

    yield TsvWriter
    OUTPUT_WRITERS.pop("tsv-test", None)


def test_a_registered_writer_is_found_by_name(tsv_writer):
    assert writer_for("tsv-test") is tsv_writer
    assert tsv_writer.name == "tsv-test"
    assert writer_for("jsonl") is JsonlWriter and JsonlWriter.name == "jsonl"


def test_the_toy_writer_driven_directly_writes_its_files(tsv_writer, kb, tmp_path):
    out = tmp_path / "out" / "run"  # created on entering
    writer = writer_for("tsv-test")(out, lambda: kb)
    with writer:
        for rec in (D1, D2):
            writer.add(dumps(rec), rec)
        count = writer.finish()
        writer.write_manifest({"format": "tsv-test", "documents": 2})
    lines = (out / "mentions.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "d1\tTrotsky\tleon-trotsky" and lines[-1] == "d2\tLev Sedov\tlev-sedov"
    assert len(lines) == len(D1["entities"]) + len(D2["entities"])
    assert count == 2
    assert orjson.loads((out / MANIFEST).read_bytes()) == {"documents": 2, "format": "tsv-test", "files": {}}
    assert not writer.aborted and leftovers(out) == []


def test_an_error_inside_the_writer_aborts_it_and_propagates(tsv_writer, kb, tmp_path):
    writer = tsv_writer(tmp_path, lambda: kb)
    with pytest.raises(RuntimeError, match="boom"):
        with writer:
            writer.add(dumps(D1), D1)
            raise RuntimeError("boom")
    assert writer.aborted
    assert not (tmp_path / "mentions.tsv").exists()


def test_a_format_is_registered_once(tsv_writer):
    with pytest.raises(ValueError, match="'tsv-test' is registered already"):
        output_writer("tsv-test")(tsv_writer)
    assert OUTPUT_WRITERS["tsv-test"] is tsv_writer


def test_an_unknown_format_lists_the_known_ones(tsv_writer):
    with pytest.raises(ValueError, match=r"unknown output format 'nope' \(known: .*jsonl.*tsv-test") as raised:
        writer_for("nope")
    assert raised.value.__cause__ is None


def test_the_toy_format_is_gone_after_its_test():
    assert "tsv-test" not in OUTPUT_WRITERS
    with pytest.raises(ValueError, match="known: jsonl"):
        writer_for("tsv-test")


# -- the JSON Lines writer and atomic files ----------------------------------------------------


def test_jsonl_writer_writes_documents_and_entities(kb, tmp_path):
    with JsonlWriter(tmp_path, lambda: kb) as writer:
        for rec in (D1, D2):
            writer.add(dumps(rec), rec)
        assert not (tmp_path / DOCUMENTS).exists()  # renamed into place only when complete
        assert writer.finish() == 3
    assert read_records(tmp_path / DOCUMENTS) == [D1, D2]
    assert [row["entity_id"] for row in read_records(tmp_path / ENTITIES)] == [
        "leon-trotsky",
        "nil:manuel-arriaga-luna",
        "lev-sedov",
    ]
    assert leftovers(tmp_path) == []
    assert (tmp_path / DOCUMENTS).stat().st_mode & 0o777 == 0o666 & ~current_umask()


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_jsonl_writer_asks_for_the_knowledge_base_only_when_needed(kb, tmp_path):
    calls = []
    with JsonlWriter(tmp_path, lambda: calls.append(1) or kb) as writer:
        assert calls == []
        writer.add(dumps(D1), D1)
        writer.add(dumps(D2), D2)
        writer.finish()
    assert calls == [1]


@pytest.fixture
def previous_run(tmp_path) -> dict[str, bytes]:
    files = {DOCUMENTS: b'{"doc_id":"old"}\n', ENTITIES: b'{"entity_id":"old"}\n', MANIFEST: b"{}\n"}
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    return files


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_jsonl_writer_failing_midway_leaves_the_previous_run(kb, tmp_path, previous_run):
    with pytest.raises(RuntimeError, match="broken document"):
        with JsonlWriter(tmp_path, lambda: kb) as writer:
            writer.add(dumps(D1), D1)
            raise RuntimeError("broken document")
    assert contents(tmp_path) == previous_run  # unchanged, and no temporary file left


def test_jsonl_writer_failing_before_any_line_leaves_the_previous_run(kb, tmp_path, previous_run):
    with pytest.raises(KeyboardInterrupt):
        with JsonlWriter(tmp_path, lambda: kb):
            raise KeyboardInterrupt
    assert contents(tmp_path) == previous_run


def test_jsonl_writer_failing_after_finish_leaves_the_previous_run(kb, tmp_path, previous_run):
    with pytest.raises(RuntimeError):
        with JsonlWriter(tmp_path, lambda: kb) as writer:
            writer.add(dumps(D1), D1)
            writer.finish()
            raise RuntimeError("manifest could not be built")
    assert contents(tmp_path) == previous_run


def test_atomic_writer_replaces_only_on_success(tmp_path):
    target = tmp_path / "sub" / "file.json"
    write_json(target, {"b": 1, "a": [1, 2]})
    assert target.read_text(encoding="utf-8") == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}\n'
    with pytest.raises(ValueError):
        with atomic_writer(target) as handle:
            handle.write(b"half")
            raise ValueError
    assert orjson.loads(target.read_bytes()) == {"a": [1, 2], "b": 1}
    assert leftovers(target.parent) == [] and sorted(os.listdir(target.parent)) == ["file.json"]


# -- the entity table --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rows(kb) -> dict[str, dict]:
    table = EntityTable(kb)
    table.add(D1)
    table.add(D2)
    return {row["entity_id"]: row for row in table.records()}


def test_entity_rows_most_mentioned_first_and_unlinked_mentions_left_out(kb):
    table = EntityTable(kb)
    table.add(D1)
    table.add(D2)
    assert [row["entity_id"] for row in table.records()] == ["leon-trotsky", "nil:manuel-arriaga-luna", "lev-sedov"]


def test_entity_row_counts_mentions_and_documents_in_order(rows):
    assert rows["leon-trotsky"]["mentions"] == 4
    assert rows["leon-trotsky"]["documents"] == ["d1", "d2"]
    assert rows["lev-sedov"]["mentions"] == 1 and rows["lev-sedov"]["documents"] == ["d2"]


def test_surface_forms_most_frequent_first(rows):
    forms = rows["leon-trotsky"]["surface_forms"]
    assert forms == {"Trotsky": 3, "Leon Trotsky": 1}
    assert list(forms) == ["Trotsky", "Leon Trotsky"]
    nil_forms = rows["nil:manuel-arriaga-luna"]["surface_forms"]
    assert list(nil_forms) == ["Arriaga", "Manuel Arriaga Luna", "Manuel Arriaga"]  # ties in order of first use


def test_a_known_entity_row_is_the_knowledge_bases(rows, kb):
    row = rows["leon-trotsky"]
    assert (row["canonical"], row["in_kb"], row["wikidata"]) == ("Leon Trotsky", True, "Q33391")
    assert row["label"] == kb.person_label


def test_a_nil_row_takes_the_longest_canonical(rows):
    row = rows["nil:manuel-arriaga-luna"]
    assert row["canonical"] == "Manuel Arriaga Luna"
    assert (row["in_kb"], row["wikidata"], row["label"]) == (False, None, "PERSON")  # the mentions' label
    assert row["documents"] == ["d1", "d2"]


def test_rows_are_plain_json(rows):
    for row in rows.values():
        assert orjson.loads(dumps(row)) == row
