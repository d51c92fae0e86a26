"""Prodigy's ``spans`` format (``spans.manual``, ``ner.manual``, ``rel``-style span tasks).

A task has ``text``, ``tokens`` (``text``, ``start``, ``end``, ``id``, ``ws``),
``spans`` (``start``, ``end``, ``token_start``, ``token_end``, ``label`` and
the span's ``kb_id``, ``score``, ``method``), ``meta``, ``_input_hash`` and
``_task_hash``. The export carries no ``answer``: Prodigy sets it when a person
reviews the task, so a task without one was not reviewed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from pipeline.review.formats.base import UNSET, ReviewedSpan, hash32, reviewed_span
from pipeline.review.formats.registry import register_format
from pipeline.review.nlp import sentencizer


@register_format
class Prodigy:
    """Tasks for Prodigy (``prodigy db-in``), read back from ``prodigy db-out``."""

    name: ClassVar[str] = "prodigy"
    title: ClassVar[str] = "Prodigy"
    hint: ClassVar[str] = "spans"

    def detect(self, task: dict[str, Any]) -> bool:
        """True for a task with ``spans``, ``tokens`` or an ``_input_hash``."""
        return "spans" in task or "tokens" in task or "_input_hash" in task

    def build_task(self, text: str, spans: list[dict[str, Any]], meta: dict[str, Any]) -> dict[str, Any]:
        """A Prodigy task: tokens cut at every span edge, the spans on them, and stable hashes."""
        tokens = tokenize(text, [b for s in spans for b in (s["start"], s["end"])])
        shown = _token_spans(spans, tokens)
        input_hash = hash32({"text": text, "doc_id": meta["doc_id"], "offset": meta["offset"]})
        edges = [[s["start"], s["end"], s["label"], s["kb_id"]] for s in shown]
        view = {"doc_id": meta["doc_id"], **({"sentence": meta["sentence"]} if "sentence" in meta else {})}
        return {
            "text": text,
            "tokens": tokens,
            "spans": shown,
            "meta": view,
            "_input_hash": input_hash,
            "_task_hash": hash32({"input": input_hash, "spans": edges}),
        }

    def reviewed_spans(self, task: dict[str, Any]) -> list[ReviewedSpan]:
        """The task's ``spans``; the id is the span's ``kb_id`` (or ``entity_id``), a span may carry ``answer``
        and ``text``."""
        out = []
        for span in task.get("spans") or []:
            entity_id = span.get("kb_id", span.get("entity_id", UNSET))
            fields = (span.get("start"), span.get("end"), span.get("label", ""), entity_id, span.get("answer"))
            out.append(reviewed_span(*fields, span.get("text")))
        return out

    def answer(self, task: dict[str, Any]) -> str | None:
        """The task's ``answer``; None (not reviewed) when Prodigy set none."""
        return task.get("answer")


def _token_spans(spans: list[dict[str, Any]], tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The spans as Prodigy shows them: with the ids of their first and last token."""
    starts = {t["start"]: t["id"] for t in tokens}
    ends = {t["end"]: t["id"] for t in tokens}
    return [
        {
            "start": s["start"],
            "end": s["end"],
            "token_start": starts[s["start"]],
            "token_end": ends[s["end"]],
            "label": s["label"],
            "kb_id": s["kb_id"],
            "score": s["score"],
            "method": s["method"],
        }
        for s in spans
    ]


def tokenize(text: str, boundaries: Iterable[int] = ()) -> list[dict[str, Any]]:
    """Prodigy tokens of ``text``, split further at ``boundaries`` so every span starts and ends on a token edge.

    text (str): The task's text.
    boundaries (Iterable[int]): Offsets that must fall on a token edge (the spans' starts and ends).
    RETURNS (list): Tokens of spaCy's English tokenizer (whitespace tokens included, as Prodigy makes
        them) as dicts with ``text``, ``start``, ``end``, ``id`` and ``ws``.
    """
    cuts = sorted(set(boundaries))
    out: list[dict[str, Any]] = []
    for token in sentencizer().make_doc(text):
        start, end = token.idx, token.idx + len(token.text)
        edges = [start] + [c for c in cuts if start < c < end] + [end]
        for a, b in zip(edges, edges[1:], strict=False):
            ws = b == end and bool(token.whitespace_)
            out.append({"text": text[a:b], "start": a, "end": b, "id": len(out), "ws": ws})
    return out
