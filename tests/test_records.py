"""pipeline.records, the output contract: spaCy-free, NIL ids and slugs, JSON Lines reading."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.records import (
    DOCUMENTS,
    NIL_PREFIX,
    dumps,
    is_nil,
    iter_records,
    nil_id,
    read_documents,
    read_records,
    slug,
)

ROOT = Path(__file__).resolve().parent.parent

RECORD = {
    "doc_id": "a",
    "source": "raw/a.txt",
    "sha256": "0" * 64,
    "encoding": "utf-8",
    "status": "ok",
    "error": None,
    "text": "Lev Sedov wrote.",
    "entities": [
        {"start": 0, "end": 9, "raw_start": 0, "raw_end": 9, "text": "Lev Sedov", "label": "PERSON",
         "entity_id": "lev-sedov", "canonical": "Lev Sedov", "score": 1.0, "method": "kb-exact"},
    ],
}  # fmt: skip


def run_python(code: str) -> str:
    """Run ``code`` in a fresh interpreter from the repository root; its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_importing_records_does_not_import_spacy():
    assert run_python('import sys, pipeline.records; print("spacy" in sys.modules)') == "False"


@pytest.mark.parametrize("target", ["file", "folder"])
def test_reading_documents_does_not_import_spacy(tmp_path, target):
    (tmp_path / DOCUMENTS).write_bytes(dumps(RECORD) + dumps({**RECORD, "doc_id": "b"}))
    path = tmp_path / DOCUMENTS if target == "file" else tmp_path
    out = run_python(f"""
        import sys
        from pipeline.records import read_documents
        docs = read_documents({str(path)!r})
        print([d["doc_id"] for d in docs], docs[0]["entities"][0]["entity_id"], "spacy" in sys.modules)
    """)
    assert out == "['a', 'b'] lev-sedov False"


def test_read_documents_reads_a_file_or_the_one_in_a_folder(tmp_path):
    (tmp_path / DOCUMENTS).write_bytes(dumps(RECORD))
    assert read_documents(tmp_path) == read_documents(tmp_path / DOCUMENTS) == [RECORD]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Volina Nevelson", "volina-nevelson"),
        ("León Trotsky", "leon-trotsky"),
        ("Ramón Mercader del Río", "ramon-mercader-del-rio"),
        ("L. D. Trotsky", "l-d-trotsky"),
        ("  O'Brien--Smith!  ", "o-brien-smith"),
        ("Лев Троцкий", "lev-trotskiy"),
        ("", "unnamed"),
        ("...", "unnamed"),
    ],
)
def test_slug_folds_case_accents_and_punctuation(name, expected):
    assert slug(name) == expected


def test_nil_id_is_the_prefix_and_the_slug():
    assert nil_id("Volina Nevelson") == "nil:volina-nevelson"
    assert nil_id("Volína  NEVELSON") == nil_id("Volina Nevelson")
    assert nil_id("") == NIL_PREFIX + "unnamed"


@pytest.mark.parametrize(
    "entity_id, expected",
    [("nil:volina-nevelson", True), (nil_id("?"), True), ("leon-trotsky", False), ("", False), (None, False)],
)
def test_is_nil(entity_id, expected):
    assert is_nil(entity_id) is expected


def test_dumps_is_one_compact_utf8_line_in_insertion_order():
    line = dumps({"b": "Троцкий", "a": 1})
    assert line == '{"b":"Троцкий","a":1}\n'.encode()


def test_iter_records_and_read_records_skip_blank_lines(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"n":1}\n\n   \n{"n":2}\r\n\t\n{"n":3}')
    assert [r["n"] for r in iter_records(path)] == [1, 2, 3]
    assert read_records(path) == list(iter_records(path))


def test_iter_records_is_lazy(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"n":1}\nnot json\n')
    records = iter_records(path)
    assert next(records) == {"n": 1}
    with pytest.raises(ValueError):
        next(records)
