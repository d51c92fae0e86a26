"""Collections: a JSONL, CSV or Parquet file of many documents, one per line or row.

An archive's export is a table: each row (a JSONL line, a CSV record, a Parquet
row) is a document whose text is the field ``--text-field`` (default ``text``)
and whose id is ``FILE/ID``: ``FILE`` the collection file's own id
(:mod:`pipeline.io.ids`), ``ID`` the row's ``--id-field`` or, without one, its
line number (JSONL: counted as an editor does, blank lines too; CSV: the line
after the previous record, where this one starts unless blank lines come
between) or row number (Parquet, from 1). A row's ``source`` is ``PATH:LINE`` (the
key of the incremental cache and the journal), its ``sha256`` that of its text:
an unchanged row of a changed file is not processed again. Its raw offsets
index the text field's value.

A bad row (not a JSON object, no text field, a text that is no string, an empty
text, no id where ``--id-field`` asks for one) is an :class:`Unreadable` naming
the file and line; the other rows go on. A file that cannot be read at all (no
regular file, over ``--max-bytes``, a CSV without the text column, no Parquet)
is one. The rows of a file are read when the run lists its inputs, and their
texts are held until processed: a collection is at most ``--max-bytes``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from pipeline.io.read import InputError, RawDocument, decode, open_regular, read_bytes


@dataclass(frozen=True)
class Unreadable:
    """A row or file that gives an error record: its ``source`` and the message (``FILE:LINE: why``)."""

    source: str
    error: str
    sha256: str | None = None


#: One row: (line or row number, its id field or None, the document or why it is unreadable).
Row = tuple[int, str | None, RawDocument | Unreadable]


def collection_rows(path: Path, fmt: str, text_field: str, id_field: str | None, max_bytes: int) -> Iterator[Row]:
    """The rows of a collection file, in order (see the module); ``doc_id`` of each document is
    left empty for :func:`pipeline.io.ids.input_files` to give.
    RAISES (InputError): the file as a whole cannot be read."""
    if fmt == "parquet":
        records = _parquet(path, text_field, id_field, max_bytes)
    else:
        data = read_bytes(path, max_bytes)
        records = _jsonl(path, data) if fmt == "jsonl" else _csv(path, data, text_field)
    for line, record in records:
        yield line, *_row(path, line, record, text_field, id_field)


def _row(
    path: Path, line: int, record: Any, text_field: str, id_field: str | None
) -> tuple[str | None, RawDocument | Unreadable]:
    source = f"{path}:{line}"
    if isinstance(record, Unreadable):
        return None, record
    if not isinstance(record, dict):
        return None, Unreadable(source, f"{source}: not an object with fields but {type(record).__name__}")
    text = record.get(text_field)
    if text is None:
        fields = ", ".join(map(str, list(record)[:8]))
        return None, Unreadable(source, f"{source}: no {text_field!r} field (--text-field; it has {fields})")
    if not isinstance(text, str):
        return None, Unreadable(source, f"{source}: the {text_field!r} field is {type(text).__name__}, not text")
    if not text.strip():
        return None, Unreadable(source, f"{source}: the {text_field!r} field is empty")
    ident = None
    if id_field is not None:
        value = record.get(id_field)
        if value is None or str(value).strip() == "" or isinstance(value, (dict, list)):
            return None, Unreadable(source, f"{source}: no {id_field!r} field to name it by (--id-field)")
        ident = str(value).strip()
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return ident, RawDocument("", source, text, "utf-8", digest)


def _jsonl(path: Path, data: bytes) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, orjson.loads(line)
        except orjson.JSONDecodeError as err:
            yield number, Unreadable(f"{path}:{number}", f"{path}:{number}: not a JSON line ({err})")


def _csv(path: Path, data: bytes, text_field: str) -> Iterator[tuple[int, Any]]:
    text, _ = decode(data, path)
    dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""), dialect=dialect)
    try:
        columns = reader.fieldnames or []
    except csv.Error as err:
        raise InputError(f"{path}: not a CSV file ({err})") from err
    if text_field not in columns:
        raise InputError(f"{path}: no column {text_field!r} (--text-field; the columns are {', '.join(columns)})")
    while True:
        line = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield line, Unreadable(f"{path}:{line}", f"{path}:{line}: not a CSV record ({err})")
            return  # the reader cannot go on past a broken quote
        if None in record:
            yield line, Unreadable(f"{path}:{line}", f"{path}:{line}: more fields than the header has columns")
            continue
        yield line, record


def _parquet(path: Path, text_field: str, id_field: str | None, max_bytes: int) -> Iterator[tuple[int, Any]]:
    try:
        import pyarrow.parquet as parquet
        from pyarrow import ArrowException
    except ImportError as err:  # pragma: no cover - pyarrow is a dependency
        raise InputError(f"{path}: reading Parquet needs pyarrow (pip install pyarrow)") from err
    handle = open_regular(path, max_bytes)
    try:
        table = parquet.ParquetFile(handle)
        names = table.schema_arrow.names
        if text_field not in names:
            raise InputError(f"{path}: no column {text_field!r} (--text-field; the columns are {', '.join(names)})")
        columns = [text_field] + ([id_field] if id_field in names else [])
        number = 0
        for batch in table.iter_batches(batch_size=1024, columns=columns):
            for record in batch.to_pylist():
                number += 1
                yield number, record
    except ArrowException as err:
        raise InputError(f"{path}: not a readable Parquet file ({err})") from err
    finally:
        handle.close()
