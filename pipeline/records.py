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

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, NotRequired, TypedDict

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
    the raw file (``docs/annotation.md``; for HTML, XML and layouts, the file as written, tags and
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


class LanguageSegment(TypedDict):
    """A run of one language of a document: ``raw[raw_start:raw_end]`` is in ``language``."""

    raw_start: int
    raw_end: int
    language: str


class DocumentRecord(TypedDict):
    """One line of ``documents.jsonl``; ``text`` is None and ``entities`` and ``dropped`` empty on error.

    dropped: every raw span the cleaning deleted as boilerplate (or a markdown image), in raw order.
    language: the language the document was read as (ISO 639-1, ``rules/languages.yaml``); None
    when it could not be read; for a document of several languages, the one most of it is in.
    segments: only in the record of a document of several languages: its runs of one language,
    each read by that language's pipeline (``rules/languages.yaml``: ``segment_chars``).
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
    segments: NotRequired[list[LanguageSegment]]


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


class JsonLinesError(ValueError):
    """A line of a JSON Lines file that cannot be read (not a JSON object, or, for a reader that
    checks more, such as :func:`pipeline.evaluation.load_gold`, not the object it must be):
    ``FILE:LINE: problem``, the line counted from 1 with blank lines, as an editor numbers them."""

    def __init__(self, path: str | Path, line: int, problem: str) -> None:
        self.path, self.line, self.problem = Path(path), line, problem
        super().__init__(f"{path}:{line}: {problem}")


def numbered_records(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) of every non-blank line of a JSON Lines file, one at a time
    (orjson; a UTF-8 byte-order mark an editor put before the first line is skipped).

    RAISES (JsonLinesError): At the first line that is not valid JSON or not an object.
    """
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if number == 1:
                line = line.removeprefix(codecs.BOM_UTF8)
            if not line.strip():
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError as err:
                raise JsonLinesError(path, number, f"not valid JSON: {err.msg} at column {err.colno}") from None
            if not isinstance(value, dict):
                raise JsonLinesError(path, number, f"not a JSON object but {_json_type(value)}")
            yield number, value


def _json_type(value: Any) -> str:
    """JSON's name of a parsed value's type (``an array``, ``a string``, ``null``)."""
    names = {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """Every non-blank line of a JSON Lines file, parsed (:class:`JsonLinesError` names a bad line)."""
    return [record for _, record in numbered_records(path)]


def iter_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """The lines of a JSON Lines file one at a time (for files too big to hold)."""
    for _, record in numbered_records(path):
        yield record


def read_documents(path: str | Path) -> list[DocumentRecord]:
    """The records of a ``documents.jsonl`` (or of the one in an output folder)."""
    path = Path(path)
    return read_records(path / DOCUMENTS if path.is_dir() else path)  # type: ignore[return-value]
