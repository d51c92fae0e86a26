"""Checks on reviewed spans and stored corrections: what `review import` stores and `train` learns.

A reviewed task comes back from a tool, or from a hand edit, and is not
trusted: every span of it must sit inside the task's text (integer offsets,
``0 <= start < end <= len(text)``), its text, where the task gives one, must be
the text at its offsets, it must neither cut a word (a word's genitive ending
after it is no cut: ``Trotzki|s``, ``rules/recognise.yaml: genitive_endings``)
nor start or end with white space, its label must be one namelink knows
(``rules/labels.yaml``) and its id one the knowledge base knows or an explicitly
new one, a NIL id ``nil:<slug>`` (:data:`pipeline.records.NIL_PREFIX`).

:func:`span_problems` checks a span against the task's text;
:class:`Vocabulary` the labels and ids; :func:`check_stored` a stored
correction, where only the span's own text is left (``train`` reads them
again: a hand-edited corrections file is checked as much as it can be).
Problems are strings; :class:`LineError` puts one line's problems behind
``FILE:LINE:``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from pipeline.io import read
from pipeline.io.read import InputError
from pipeline.records import NIL_PREFIX

#: A NIL id: the prefix and a slug (:func:`pipeline.records.slug`'s shape).
_NIL_ID = re.compile(re.escape(NIL_PREFIX) + r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: JSON type names for messages about a line that is not an object.
_JSON_TYPES = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean"}


class TaskError(ValueError):
    """One line of a task or corrections file that is refused; the message says why."""


@dataclass(frozen=True)
class LineError:
    """A refused line: ``FILE:LINE: reason``.

    path (str): The file as the user named it.
    line (int): The line number, from 1, blank lines counted.
    reason (str): Why the line was refused (all its problems, ``; ``-separated).
    """

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


class UnusableFileError(ValueError):
    """A file that cannot be read at all: missing, unreadable, not a regular file, too large."""


def open_regular(path: str | Path, max_bytes: int | None = None) -> BinaryIO:
    """:func:`pipeline.io.read.open_regular` (a regular file, opened without blocking and checked
    on the open descriptor), its refusal as :class:`UnusableFileError`; the caller closes the file."""
    try:
        return read.open_regular(path, max_bytes)
    except InputError as err:
        raise UnusableFileError(str(err)) from None


def numbered_lines(handle: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """(line number, line) of every non-blank line of a binary file handle, numbered as an editor does.

    handle (Iterable[bytes]): An open binary file (read one line at a time).
    YIELDS (tuple): The number from 1 (blank lines counted) and the line's bytes.
    """
    for number, line in enumerate(handle, 1):
        if line.strip():
            yield number, line


def json_object(line: bytes) -> dict[str, Any]:
    """One JSON Lines line that must be an object.

    line (bytes): The line's bytes.
    RETURNS (dict): The parsed object.
    RAISES (TaskError): The line is not valid JSON, or not an object.
    """
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError as err:
        raise TaskError(f"not valid JSON ({err})") from None
    if not isinstance(value, dict):
        kind = "null" if value is None else _JSON_TYPES.get(type(value), type(value).__name__)
        raise TaskError(f"not a JSON object ({kind})")
    return value


def span_problems(
    text: str, start: Any, end: Any, claimed: str | None = None, endings: Iterable[str] = ()
) -> list[str]:
    """What is wrong with the span ``start:end`` of ``text`` (nothing: an empty list).

    text (str): The text the offsets index (a task's text).
    start (Any): The span's start as given (must be an int).
    end (Any): The span's end.
    claimed (str | None): The span's text as the task gives it, if it does.
    endings (Iterable[str]): Word endings a span may stop before (genitive endings).
    RETURNS (list): One message per problem, each naming the span.
    """
    problems = _offset_problems(start, end)
    if problems:
        return problems
    where = f"span {start}:{end}"
    if end > len(text):
        return [f"{where}: beyond the end of the task's text ({len(text)} characters)"]
    found = text[start:end]
    problems = []
    if claimed is not None and claimed != found:
        problems.append(f"{where}: {claimed!r} is not the text at its offsets ({found!r})")
    if found != found.strip():
        problems.append(f"{where}: {found!r} starts or ends with white space")
    elif _cuts_word(text, start, end, tuple(endings)):
        problems.append(f"{where}: {found!r} cuts a word ({_word_around(text, start, end)!r})")
    elif not any(c.isalpha() for c in found):
        problems.append(f"{where}: {found!r} has no letter")
    return problems


def _offset_problems(start: Any, end: Any) -> list[str]:
    """Offsets that are no integers (bools and floats included), negative, or not in order."""
    bad = [f"{name} {value!r} is not an integer" for name, value in (("start", start), ("end", end)) if not _int(value)]
    if bad:
        return bad
    if start < 0 or end < 0:
        return [f"span {start}:{end}: negative offset"]
    if start >= end:
        return [f"span {start}:{end}: start {start} is not before end {end}"]
    return []


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _cuts_word(text: str, start: int, end: int, endings: tuple[str, ...]) -> bool:
    """Does the span start inside a word, or end inside one before anything but a listed ending?"""
    if start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        return True
    if end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        rest = re.match(r"\w*", text[end:]).group()  # type: ignore[union-attr]
        return rest not in endings
    return False


def _word_around(text: str, start: int, end: int) -> str:
    left = re.search(r"\w*$", text[:start]).group()  # type: ignore[union-attr]
    right = re.match(r"\w*", text[end:]).group()  # type: ignore[union-attr]
    return left + text[start:end] + right


@dataclass(frozen=True)
class Vocabulary:
    """The labels and ids a correction may name.

    labels (frozenset): Labels namelink knows (:meth:`pipeline.resources.LabelRules.known`).
    entity_ids (frozenset): Ids of the knowledge base, its learned persons included.
    endings (tuple): Word endings a span may stop before (``rules/recognise.yaml: genitive_endings``).
    """

    labels: frozenset[str]
    entity_ids: frozenset[str]
    endings: tuple[str, ...]

    @classmethod
    def load(cls, models: str | Path | None = None) -> Vocabulary:
        """The vocabulary of a models folder (knowledge base with ``learned/``, label and recogniser rules).

        models (str | Path | None): The models folder; None for the project's ``models/``.
        RETURNS (Vocabulary): Its labels, ids and genitive endings.
        RAISES (KnowledgeBaseError | RulesError | FileNotFoundError): The folder's data cannot be read.
        """
        from pipeline.kb import KnowledgeBase

        return cls.with_ids(models, KnowledgeBase.load(models).entities)

    @classmethod
    def with_ids(cls, models: str | Path | None, entity_ids: Iterable[str]) -> Vocabulary:
        """The labels and endings of a models folder, with the ids given (a knowledge base loaded already).

        models (str | Path | None): The models folder.
        entity_ids (Iterable[str]): The ids a correction may name besides NIL ids.
        RETURNS (Vocabulary): The vocabulary.
        """
        from pipeline.resources import LabelRules, RecogniseRules

        endings = tuple(RecogniseRules.load(models).genitive_endings)
        return cls(LabelRules.load(models).known(), frozenset(entity_ids), endings)

    def label_problems(self, label: Any) -> list[str]:
        """``["unknown label 'X' ..."]`` unless ``label`` is a known label."""
        if label in self.labels:
            return []
        return [f"unknown label {label!r} (known: {', '.join(sorted(self.labels))})"]

    def id_problems(self, entity_id: Any) -> list[str]:
        """``["unknown entity id 'x' ..."]`` unless ``entity_id`` is None, a knowledge-base id or a NIL id."""
        if entity_id is None or entity_id in self.entity_ids:
            return []
        if isinstance(entity_id, str) and _NIL_ID.fullmatch(entity_id):
            return []
        return [f"unknown entity id {entity_id!r} (not in the knowledge base; a new person is {NIL_PREFIX}<slug>)"]


# -- stored corrections ------------------------------------------------------------------------


def check_stored(row: dict[str, Any], vocabulary: Vocabulary, fields: Iterable[str], actions: Iterable[str]) -> None:
    """Check a stored correction as :func:`pipeline.review.importing.import_corrections` wrote it.

    The document text is not stored, so only what a row holds is checked: its keys, its action, a
    non-empty string text with no white space at its ends and as long as its offsets say, integer
    offsets with ``0 <= start < end``, a known label, known or NIL ids.

    row (dict): One parsed line of a corrections file.
    vocabulary (Vocabulary): The labels and ids of the models folder.
    fields (Iterable[str]): The keys a row may have (:data:`pipeline.review.corrections.FIELDS`).
    actions (Iterable[str]): The known actions.
    RAISES (TaskError): With every problem of the row.
    """
    problems = [f"unknown key {key!r}" for key in row if key not in set(fields)]
    if row.get("action") not in set(actions):
        problems.append(f"unknown action {row.get('action')!r}")
    problems += _stored_span_problems(row.get("text"), row.get("start"), row.get("end"))
    problems += vocabulary.label_problems(row.get("label"))
    for key in ("entity_id", "previous_entity_id"):
        problems += vocabulary.id_problems(row.get(key))
    if problems:
        raise TaskError("; ".join(problems))


def _stored_span_problems(text: Any, start: Any, end: Any) -> list[str]:
    """A stored span's own checks: no document text is stored beside it, so its text against its offsets."""
    if not isinstance(text, str):
        return [f"text {text!r} is not a string"]
    problems = _offset_problems(start, end)
    if problems:
        return problems
    if len(text) != end - start:
        return [
            f"span {start}:{end}: {text!r} is {len(text)} characters but its offsets span {end - start}"
        ]
    if text != text.strip():
        return [f"span {start}:{end}: {text!r} starts or ends with white space"]
    if not any(c.isalpha() for c in text):
        return [f"span {start}:{end}: {text!r} has no letter"]
    return []
