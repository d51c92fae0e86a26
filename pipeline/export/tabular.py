"""Flat tables of a run: ``csv``, ``parquet`` and ``sqlite`` (one row per mention, :data:`~.rows.COLUMNS`).

- ``csv``: the standard library's writer, UTF-8, a header line; an empty field for None,
  ``box`` as a JSON array (``[x, y, w, h]``).
- ``parquet``: pyarrow, typed columns (offsets and ``page`` int64, ``score`` double, ``box``
  a list of doubles), None as null.
- ``sqlite``: the standard library's ``sqlite3``; tables ``documents`` (one row per document,
  errors included, with its clean text), ``entities`` (the ``entities.jsonl`` rows the mentions
  link to; ``documents`` and ``surface_forms`` as JSON) and ``mentions`` (the flat rows, ``box``
  as JSON), indexed on the columns one joins or filters by.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import IO, Any

from pipeline.export.base import export_format
from pipeline.export.rows import COLUMNS, ExportRun


@export_format("csv", suffix=".csv", text=True)
def write_csv(run: ExportRun, out: IO[bytes]) -> int:
    """Every mention row of ``run`` as CSV to ``out``."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    count = 0
    for row in run.rows():
        writer.writerow(["" if row[c] is None else _cell(row[c]) for c in COLUMNS])
        count += 1
    text.detach()  # leave ``out`` open: the caller closes or renames it
    return count


def _cell(value: Any) -> Any:
    """A CSV field: a list (``box``) as JSON, anything else as it is."""
    return json.dumps(value) if isinstance(value, list) else value


def _arrow_schema() -> Any:
    import pyarrow as pa

    types = {c: pa.string() for c in COLUMNS}
    types.update({c: pa.int64() for c in ("raw_start", "raw_end", "start", "end", "page")})
    types.update(score=pa.float64(), box=pa.list_(pa.float64()))
    return pa.schema([(c, types[c]) for c in COLUMNS])


@export_format("parquet", suffix=".parquet", text=False)
def write_parquet(run: ExportRun, out: IO[bytes]) -> int:
    """Every mention row of ``run`` as one Parquet table to ``out``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = list(run.rows())
    table = pa.Table.from_pylist(rows, schema=_arrow_schema())
    pq.write_table(table, out)
    return len(rows)


_SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, source TEXT, sha256 TEXT, encoding TEXT, language TEXT,
    status TEXT NOT NULL, error TEXT, text TEXT
);
CREATE TABLE entities (
    entity_id TEXT PRIMARY KEY, canonical TEXT, label TEXT, in_kb INTEGER, wikidata TEXT,
    mentions INTEGER, documents TEXT, surface_forms TEXT
);
CREATE TABLE mentions (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    raw_start INTEGER, raw_end INTEGER, start INTEGER, "end" INTEGER, text TEXT, label TEXT,
    entity_id TEXT REFERENCES entities(entity_id), canonical TEXT, wikidata TEXT, score REAL,
    method TEXT, reason TEXT, language TEXT, page INTEGER, box TEXT
);
CREATE INDEX mentions_doc_id ON mentions(doc_id);
CREATE INDEX mentions_entity_id ON mentions(entity_id);
CREATE INDEX mentions_label ON mentions(label);
CREATE INDEX mentions_wikidata ON mentions(wikidata);
CREATE INDEX entities_wikidata ON entities(wikidata);
"""

_DOCUMENT_COLUMNS = ("doc_id", "source", "sha256", "encoding", "language", "status", "error", "text")
_ENTITY_COLUMNS = ("entity_id", "canonical", "label", "in_kb", "wikidata", "mentions", "documents", "surface_forms")


@export_format("sqlite", suffix=".sqlite", text=False, to_path=True)
def write_sqlite(run: ExportRun, path: Path) -> int:
    """``run`` as a new SQLite database at ``path`` (an empty file): documents, entities, mentions."""
    connection = sqlite3.connect(path)
    try:
        connection.executescript(_SCHEMA)
        connection.executemany(
            f"INSERT INTO documents VALUES ({', '.join('?' * len(_DOCUMENT_COLUMNS))})",
            ([record.get(c) for c in _DOCUMENT_COLUMNS] for record in run.documents),
        )
        connection.executemany(
            f"INSERT INTO entities VALUES ({', '.join('?' * len(_ENTITY_COLUMNS))})",
            ([_sql(row.get(c)) for c in _ENTITY_COLUMNS] for row in run.used_entities()),
        )
        names = ", ".join(f'"{c}"' for c in COLUMNS)
        cursor = connection.executemany(
            f"INSERT INTO mentions ({names}) VALUES ({', '.join('?' * len(COLUMNS))})",
            ([_sql(row[c]) for c in COLUMNS] for row in run.rows()),
        )
        count = cursor.rowcount
        connection.commit()
    finally:
        connection.close()
    return count


def _sql(value: Any) -> Any:
    """A value SQLite stores: lists and mappings as JSON, booleans as 0/1, the rest as it is."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return int(value) if isinstance(value, bool) else value
