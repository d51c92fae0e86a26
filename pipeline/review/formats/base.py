"""The interface every review format implements, and the span type its import returns.

A format turns one exported unit of a run (a document or a sentence: its text
and the spans to review) into a task of an annotation tool, and reads a task
back once a person has reviewed it. Everything else (which spans are exported,
how a reviewed task is compared with what was exported, where corrections are
stored) is shared by all formats and lives in :mod:`pipeline.review.export`
and :mod:`pipeline.review.importing`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, runtime_checkable

import orjson

#: ``ReviewedSpan.entity_id`` when the reviewer gave no id (None would mean "no link").
UNSET: Any = object()


@dataclass
class ReviewedSpan:
    """One span of a reviewed task, in the task's offsets.

    start (int): Character offset of the span's start in the task's text (as the tool wrote it if that
        was no integer: the import refuses the task, :mod:`pipeline.review.validate`).
    end (int): Character offset of the span's end.
    label (str): The span's label, without any ``:id`` suffix.
    entity_id (Any): The id the reviewer gave, or :data:`UNSET`.
    rejected (bool): The reviewer marked this span (not the task) as rejected.
    text (str | None): The span's text as the tool wrote it beside the offsets, if it did.
    """

    start: int
    end: int
    label: str
    entity_id: Any = UNSET
    rejected: bool = False
    text: str | None = None


def reviewed_span(
    start: Any, end: Any, label: Any, entity_id: Any = UNSET, answer: Any = None, text: Any = None
) -> ReviewedSpan:
    """A :class:`ReviewedSpan` from a tool's raw fields; a label written ``LABEL:id`` gives the id (either tool).

    start (Any): The span's start as the tool wrote it (an int or a string of digits).
    end (Any): The span's end.
    label (Any): The label as the tool wrote it, e.g. ``"PERSON"`` or ``"PERSON:lev-sedov"``.
    entity_id (Any): The id the tool stored on the span, or :data:`UNSET`.
    answer (Any): The span's own answer (Prodigy); ``"reject"`` marks it rejected.
    text (Any): The span's text, if the tool wrote one.
    RETURNS (ReviewedSpan): The span with int offsets (anything else kept as given) and a plain label.
    """
    label = str(label)
    if ":" in label:  # PERSON:lev-sedov gives the id in the label
        label, entity_id = label.split(":", 1)
    return ReviewedSpan(_offset(start), _offset(end), label, entity_id, answer == "reject", text)


def _offset(value: Any) -> Any:
    """A string of digits as an int (doccano may write offsets as strings); anything else as it is."""
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]+\s*", value):
        return int(value)
    return value


def hash32(data: Any) -> int:
    """A stable signed 32-bit hash of JSON data, the range Prodigy's hashes use.

    data (Any): JSON-serialisable data; dict keys are sorted before hashing.
    RETURNS (int): A blake2b digest of 4 bytes as a signed integer.
    """
    digest = hashlib.blake2b(orjson.dumps(data, option=orjson.OPT_SORT_KEYS), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


@runtime_checkable
class ReviewFormat(Protocol):
    """A review tool's task format, registered by name with :func:`pipeline.review.formats.register_format`.

    name (str): The name given to ``--format`` and stored in each correction's ``format``.
    title (str): The tool's name in messages, e.g. ``"Prodigy"``.
    hint (str): The keys that identify its tasks, for the message when no format detects a task.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    hint: ClassVar[str]

    def detect(self, task: dict[str, Any]) -> bool:
        """Whether ``task`` (one parsed line of a task file) is in this format.

        task (dict): A task as read back from the tool.
        RETURNS (bool): True if this format should read it.
        """
        ...

    def build_task(self, text: str, spans: list[dict[str, Any]], meta: dict[str, Any]) -> dict[str, Any]:
        """The tool's task for one exported unit; the exporter adds the ``namelink`` key after it.

        text (str): The unit's clean text.
        spans (list): The spans to review, offsets relative to ``text``, with ``label``, ``kb_id``,
            ``score``, ``method``, ``text``, ``raw_start`` and ``raw_end``.
        meta (dict): ``doc_id``, ``source``, ``sha256``, ``offset`` (of ``text`` in the document),
            ``text_sha256`` (of ``text``) and, for sentence tasks, ``sentence``.
        RETURNS (dict): The task as the tool reads it. Its text must be under ``"text"``: the import
            reads it there to compare offsets and find the raw ones of added spans.
        """
        ...

    def reviewed_spans(self, task: dict[str, Any]) -> list[ReviewedSpan]:
        """The spans a reviewer left in an accepted task.

        task (dict): A reviewed task.
        RETURNS (list): One :class:`ReviewedSpan` per span in the task.
        """
        ...

    def answer(self, task: dict[str, Any]) -> str | None:
        """The reviewer's verdict on the whole task.

        task (dict): A task as read back from the tool.
        RETURNS (str | None): ``"accept"``, ``"reject"``, or anything else (None) for a task nobody reviewed.
        """
        ...
