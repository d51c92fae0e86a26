"""The output contract: the records ``namelink run`` writes, typed, and JSONL read/write.

Everything that reads or writes ``documents.jsonl`` and ``entities.jsonl``
goes through these types, so the contract is written down once. This module
imports no spaCy: ``python -c "import pipeline.records"`` and reading a run's
output with :func:`read_documents` stay fast and light.

- :class:`EntityRecord`: one mention in a document (clean and raw offsets,
  label, link);
- :class:`DocumentRecord`: one line of ``documents.jsonl``;
- :class:`EntityRow`: one line of ``entities.jsonl``.

NIL ids (``nil:<slug>``) name individuals the knowledge base does not know;
:func:`nil_id` makes them, :func:`is_nil` tells them apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TypedDict

import orjson
from anyascii import anyascii

DOCUMENTS = "documents.jsonl"
ENTITIES = "entities.jsonl"
MANIFEST = "manifest.json"
NIL_PREFIX = "nil:"


class _Placed(TypedDict, total=False):
    """Where a mention of an OCR layout (ALTO, hOCR, PAGE) is on the page image; absent elsewhere."""

    page: int  # the page's number in the file, from 1
    box: list[float]  # [x, y, w, h] in the file's coordinates: the union of its words' boxes


class EntityRecord(_Placed):
    """A mention: ``text == document text[start:end]``; ``raw_start``/``raw_end`` index
    the raw file (``ANNOTATION.md``; for HTML, XML and layouts, the file as written, tags and
    references included; for a collection's row, its text field); the link fields are None for
    an unlinked mention; ``reason`` says why when a cue or a relation of the document decided
    the link (``"'daughter': child of zinaida-volkova"``), else None; ``page`` and ``box`` only
    for an OCR layout's mention."""

    start: int
    end: int
    raw_start: int
    raw_end: int
    text: str
    label: str
    entity_id: str | None
    canonical: str | None
    score: float | None
    method: str | None
    reason: str | None


class DroppedSpan(TypedDict):
    """A raw span cleaning deleted as not being the document's text: ``raw[raw_start:raw_end]``,
    and why, as ``step:rule`` (``boilerplate:breadcrumb``, ``boilerplate:footer``,
    ``boilerplate:teaser``, ``boilerplate:social``, ``boilerplate:link``, ``markdown:image``)."""

    raw_start: int
    raw_end: int
    reason: str


class DocumentRecord(TypedDict):
    """One line of ``documents.jsonl``; ``text`` is None and ``entities`` and ``dropped`` empty on error.

    dropped: every raw span the cleaning deleted as boilerplate (or a markdown image), in raw order.
    language: the language the document was read as (ISO 639-1, ``rules/languages.yaml``); None
    when it could not be read.
    """

    doc_id: str
    source: str
    sha256: str | None
    encoding: str | None
    language: str | None
    status: Literal["ok", "error"]
    error: str | None
    text: str | None
    entities: list[EntityRecord]
    dropped: list[DroppedSpan]


class EntityRow(TypedDict):
    """One line of ``entities.jsonl``: every mention linked to one id, over all documents."""

    entity_id: str
    canonical: str
    label: str
    in_kb: bool
    wikidata: str | None
    mentions: int
    documents: list[str]
    surface_forms: dict[str, int]


def slug(name: str) -> str:
    """``'Volina Nevelson'`` -> ``'volina-nevelson'`` (case and accents folded)."""
    return re.sub(r"[^a-z0-9]+", "-", anyascii(name).lower()).strip("-") or "unnamed"


def nil_id(name: str) -> str:
    """The id of an individual the knowledge base does not know, from its name."""
    return NIL_PREFIX + slug(name)


def is_nil(entity_id: str | None) -> bool:
    """Is ``entity_id`` a NIL id (an individual the knowledge base does not know)?"""
    return bool(entity_id) and entity_id.startswith(NIL_PREFIX)


def window(text: str, start: int, end: int, width: int = 40) -> tuple[str, str, str]:
    """(left, mention, right): ``width`` characters either side of ``text[start:end]``,
    their whitespace (newlines too) collapsed, so a mention shows on one line."""
    left = " ".join(text[max(0, start - width) : start].split())
    right = " ".join(text[end : end + width].split())
    return left, text[start:end], right


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The ``manifest.json`` of an output folder; empty if it is missing or unreadable."""
    try:
        manifest = orjson.loads((Path(folder) / MANIFEST).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


class IncompleteOutputError(ValueError):
    """An output folder whose files are not one run's set (a run cut short while it put them
    in place, or a file edited since)."""


def output_set_problems(folder: str | Path) -> list[str]:
    """What makes the files of an output folder not the set its manifest names (empty: they are,
    or the manifest predates the checksums). Reads every listed file once."""
    from pipeline.output.files import file_digest

    folder = Path(folder)
    listed = read_manifest(folder).get("files")
    if not isinstance(listed, dict):
        return []
    problems = []
    for name, expected in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif not isinstance(expected, dict) or file_digest(path) != expected.get("sha256"):
            problems.append(f"{name} is not the file manifest.json names (its sha256 differs)")
    return problems


def check_output_set(folder: str | Path) -> None:
    """Raise :class:`IncompleteOutputError` when the folder's files are not one run's set."""
    problems = output_set_problems(folder)
    if problems:
        raise IncompleteOutputError(
            f"{folder}: the output is not one run's: {'; '.join(problems)}. A run was cut short while "
            "it put its files in place, or a file was edited since; run `namelink run` into it again."
        )


def dumps(record: Any) -> bytes:
    """One JSON Lines line (orjson: compact, keys in insertion order, UTF-8)."""
    return orjson.dumps(record) + b"\n"


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """Every non-blank line of a JSON Lines file, parsed."""
    return [orjson.loads(line) for line in Path(path).read_bytes().splitlines() if line.strip()]


def iter_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """The lines of a JSON Lines file one at a time (for files too big to hold)."""
    with open(path, "rb") as handle:
        for line in handle:
            if line.strip():
                yield orjson.loads(line)


def read_documents(path: str | Path) -> list[DocumentRecord]:
    """The records of a ``documents.jsonl`` (or of the one in an output folder)."""
    path = Path(path)
    return read_records(path / DOCUMENTS if path.is_dir() else path)  # type: ignore[return-value]
