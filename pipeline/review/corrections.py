"""The corrections store: one JSONL file per import under ``models/corrections/``.

File names start with the import time (UTC), so sorting them sorts the
imports oldest first; :func:`read_corrections` gives every row in that order
for :mod:`pipeline.review.train`, each checked again (a corrections file may
have been edited by hand since the import wrote it): a bad row raises
:class:`CorrectionsError` naming every bad ``FILE:LINE``. Each row is one span's verdict
(:data:`ACCEPTED`, :data:`REJECTED`, :data:`RELINKED`, :data:`ADDED`) with its
provenance, its keys in the order of :data:`FIELDS`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.output.files import atomic_writer
from pipeline.records import dumps, read_records
from pipeline.resources import models_dir
from pipeline.review.validate import (
    LineError,
    TaskError,
    Vocabulary,
    check_stored,
    json_object,
    numbered_lines,
    open_regular,
)

CORRECTIONS_DIR = "corrections"
ACCEPTED, REJECTED, ADDED, RELINKED = "accepted", "rejected", "added", "relinked"
ACTIONS = (ACCEPTED, REJECTED, ADDED, RELINKED)
#: The keys of a stored correction, in the order they are written.
FIELDS = (
    "action text label entity_id previous_entity_id doc_id start end raw_start raw_end score "
    "source_file line imported format task_hash input_hash"
).split()


def ordered(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with exactly the keys of :data:`FIELDS`, in that order (missing ones None).

    row (dict): A correction being built.
    RETURNS (dict): The row as it is stored.
    """
    return {key: row.get(key) for key in FIELDS}


def corrections_dir(models: str | Path | None = None) -> Path:
    """The folder of stored corrections.

    models (str | Path | None): The models folder; None for the project's ``models/``.
    RETURNS (Path): ``<models>/corrections`` (it may not exist yet).
    """
    return models_dir(models) / CORRECTIONS_DIR


def store_corrections(rows: list[dict[str, Any]], models: str | Path | None, name: str) -> tuple[Path, bool]:
    """Write ``rows`` as a new corrections file, unless a stored file holds the same corrections already.

    rows (list): Ordered corrections (see :func:`ordered`).
    models (str | Path | None): The models folder.
    name (str): The new file's stem; ``-2``, ``-3``... is appended if it is taken.
    RETURNS (tuple): ``(path, already_imported)``: the file written, or the earlier file with the same
        rows (compared without their ``imported`` time) and True.
    """
    folder = corrections_dir(models)
    for path in sorted(folder.glob("*.jsonl")):
        if _undated(read_records(path)) == _undated(rows):
            return path, True
    path, number = folder / f"{name}.jsonl", 1
    while path.exists():
        number += 1
        path = folder / f"{name}-{number}.jsonl"
    with atomic_writer(path) as handle:
        handle.write(b"".join(dumps(row) for row in rows))
    return path, False


def _undated(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "imported"} for row in rows]


class CorrectionsError(ValueError):
    """Stored corrections that would not pass the import's checks: nothing may be learned from them.

    errors (list): One :class:`~pipeline.review.validate.LineError` per bad line, in file order.
    """

    def __init__(self, errors: list[LineError]) -> None:
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


def read_corrections(models: str | Path | None = None, vocabulary: Vocabulary | None = None) -> list[dict[str, Any]]:
    """Every stored correction, oldest file first, each checked as the import checks what it stores.

    models (str | Path | None): The models folder; None for the project's ``models/``.
    vocabulary (Vocabulary | None): The labels and ids rows may name; None for the models folder's own.
    RETURNS (list): The rows of every ``corrections/*.jsonl``, each with ``file`` (its file's name) set.
    RAISES (CorrectionsError): Any line is not a correction the import could have stored (every such
        line named); a corrections file that is no regular file is one such line (line 0).
    """
    vocabulary = vocabulary or Vocabulary.load(models)
    rows: list[dict[str, Any]] = []
    errors: list[LineError] = []
    for path in sorted(corrections_dir(models).glob("*.jsonl")):
        try:
            handle = open_regular(path)
        except ValueError as err:
            errors.append(LineError(str(path), 0, str(err)))
            continue
        with handle:
            for number, line in numbered_lines(handle):
                try:
                    row = json_object(line)
                    check_stored(row, vocabulary, FIELDS, ACTIONS)
                except TaskError as err:
                    errors.append(LineError(str(path), number, str(err)))
                    continue
                row.setdefault("file", path.name)
                rows.append(row)
    if errors:
        raise CorrectionsError(errors)
    return rows
