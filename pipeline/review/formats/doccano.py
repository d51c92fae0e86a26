"""doccano's sequence-labelling JSONL: ``text`` and ``label: [[start, end, label]]``.

doccano has no place for ids and scores on a span: they travel in the task's
``namelink`` key, and a reviewer gives an id by writing the label
``PERSON:<id>``. doccano's own export may write ``labels`` instead of
``label``, or ``entities`` with ``start_offset``/``end_offset``; all are read.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pipeline.review.formats.base import ReviewedSpan, reviewed_span
from pipeline.review.formats.registry import register_format


@register_format
class Doccano:
    """Tasks to upload to doccano, read back from its JSONL export."""

    name: ClassVar[str] = "doccano"
    title: ClassVar[str] = "doccano"
    hint: ClassVar[str] = "label or entities"

    def detect(self, task: dict[str, Any]) -> bool:
        """True for a task with ``label``, ``labels`` or ``entities``."""
        return any(key in task for key in ("label", "labels", "entities"))

    def build_task(self, text: str, spans: list[dict[str, Any]], meta: dict[str, Any]) -> dict[str, Any]:
        """A doccano task: the text and one ``[start, end, label]`` per span."""
        return {"text": text, "label": [[s["start"], s["end"], s["label"]] for s in spans]}

    def reviewed_spans(self, task: dict[str, Any]) -> list[ReviewedSpan]:
        """The task's ``label`` (or ``labels``, or ``entities``) as spans; ids only from ``LABEL:id`` labels."""
        raw = task.get("label", task.get("labels")) or []
        if not raw and task.get("entities"):
            raw = [(e["start_offset"], e["end_offset"], e["label"]) for e in task["entities"]]
        return [reviewed_span(s[0], s[1], s[2]) for s in raw]

    def answer(self, task: dict[str, Any]) -> str | None:
        """The task's ``answer``, ``"accept"`` when absent: doccano exports only what was annotated."""
        return task.get("answer", "accept")
