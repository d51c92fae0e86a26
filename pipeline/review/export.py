"""Export: review tasks out of a finished run's ``documents.jsonl``.

One task per document or per sentence of the clean text (:data:`UNITS`), in
any registered format (:mod:`pipeline.review.formats`). Every task also
carries a ``namelink`` key (:data:`TASK_KEY`): the document id, the source
file, its hash, the task's offset in the clean text, the hash of the task's
text (``text_sha256``) and the spans as exported (with raw offsets), so that an
import can tell what the reviewer changed, and that the text is the one exported.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pipeline.output.files import atomic_writer
from pipeline.records import DOCUMENTS, dumps, read_records
from pipeline.resources import person_label
from pipeline.review.formats import FORMATS
from pipeline.review.nlp import sentencizer

UNITS = ("doc", "sentence")
TASK_KEY = "namelink"
_PARAGRAPH = re.compile(r"\n[ \t]*\n")

#: The default of ``labels``: the person label of ``rules/labels.yaml``.
PEOPLE: tuple[str, ...] = ()


@dataclass
class ExportSummary:
    """What :func:`export_tasks` wrote.

    tasks (int): Tasks written.
    spans (int): Spans over all tasks.
    documents (int): Documents that gave at least one task.
    """

    tasks: int = 0
    spans: int = 0
    documents: int = 0


def export_tasks(
    output: str | Path,
    out_file: str | Path | BinaryIO,
    fmt: str = "prodigy",
    unit: str = "doc",
    labels: Iterable[str] | None = PEOPLE,
    max_score: float | None = None,
) -> ExportSummary:
    """Write review tasks for a run to a JSONL file.

    output (str | Path): The run's output folder, or its ``documents.jsonl``.
    out_file (str | Path | BinaryIO): The task file to write (atomically), or a binary stream to write to.
    fmt (str): A registered format's name.
    unit (str): ``"doc"`` or ``"sentence"``: one task per document or per sentence.
    labels (Iterable[str] | None): Labels to review; None for every label; empty (the default) for people.
    max_score (float | None): Only spans linked with at most this score (and only tasks with such spans).
    RETURNS (ExportSummary): The numbers of tasks, spans and documents written.
    """
    path = Path(output)
    records = read_records(path / DOCUMENTS if path.is_dir() else path)
    summary = ExportSummary()
    target = nullcontext(out_file) if hasattr(out_file, "write") else atomic_writer(out_file)
    with target as handle:
        for record in records:
            tasks = list(build_tasks(record, fmt, unit, labels, max_score))
            summary.documents += bool(tasks)
            for task in tasks:
                handle.write(dumps(task))
                summary.tasks += 1
                summary.spans += len(task[TASK_KEY]["spans"])
    return summary


def build_tasks(
    record: dict[str, Any],
    fmt: str = "prodigy",
    unit: str = "doc",
    labels: Iterable[str] | None = PEOPLE,
    max_score: float | None = None,
) -> Iterator[dict[str, Any]]:
    """The review tasks of one ``documents.jsonl`` record.

    record (dict): A :class:`pipeline.records.DocumentRecord`.
    fmt (str): A registered format's name.
    unit (str): ``"doc"`` or ``"sentence"``.
    labels (Iterable[str] | None): Labels to review; None for every label; empty (the default) for people.
    max_score (float | None): Only spans linked with at most this score, and only units with such spans.
    YIELDS (dict): One task per unit, none for a failed document.
    RAISES (ValueError): Unknown format or unit (on the first iteration).
    """
    if fmt not in FORMATS or unit not in UNITS:
        raise ValueError(f"unknown format {fmt!r} or unit {unit!r}")
    text = record.get("text")
    if record.get("status") != "ok" or not text:
        return
    mentions = _mentions(record["entities"], labels, max_score)
    for number, (start, end) in enumerate(_units(text, mentions, unit)):
        inside = [e for e in mentions if start <= e["start"] and e["end"] <= end]
        if max_score is not None and not inside:
            continue
        meta = {"doc_id": record["doc_id"], "source": record["source"], "sha256": record["sha256"], "offset": start}
        meta["text_sha256"] = hashlib.sha256(text[start:end].encode("utf-8")).hexdigest()
        if unit == "sentence":
            meta["sentence"] = number
        yield _task(text[start:end], inside, meta, fmt)


def _mentions(
    entities: list[dict[str, Any]], labels: Iterable[str] | None, max_score: float | None
) -> list[dict[str, Any]]:
    """The mentions to review: of the wanted labels, and scored at most ``max_score`` if given."""
    wanted = set(labels or ()) or (None if labels is None else {person_label()})
    mentions = [e for e in entities if wanted is None or e["label"] in wanted]
    if max_score is not None:
        mentions = [e for e in mentions if e["score"] is not None and e["score"] <= max_score]
    return mentions


def _units(text: str, mentions: list[dict[str, Any]], unit: str) -> list[tuple[int, int]]:
    """(start, end) of each task's text: the whole text, or its sentences and paragraphs (never cutting a mention)."""
    bounds = [(0, len(text))] if unit == "doc" else _sentence_bounds(text, mentions)
    out = []
    for start, end in bounds:
        piece = text[start:end]
        if piece.strip():
            out.append((start + len(piece) - len(piece.lstrip()), end - (len(piece) - len(piece.rstrip()))))
    return out


def _sentence_bounds(text: str, mentions: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Cuts at sentence starts and paragraph breaks, except inside a mention."""
    inside = {k for e in mentions for k in range(e["start"] + 1, e["end"])}
    cuts = {s.start_char for s in sentencizer()(text).sents} | {m.end() for m in _PARAGRAPH.finditer(text)}
    starts = [0] + sorted(k for k in cuts if 0 < k < len(text) and k not in inside)
    return list(zip(starts, starts[1:] + [len(text)], strict=True))


def _task(text: str, mentions: list[dict[str, Any]], meta: dict[str, Any], fmt: str) -> dict[str, Any]:
    """The format's task for one unit, with the ``namelink`` key (meta and spans as exported) last."""
    offset = meta["offset"]
    spans = [
        {
            "start": e["start"] - offset,
            "end": e["end"] - offset,
            "text": e["text"],
            "label": e["label"],
            "kb_id": e["entity_id"],
            "score": e["score"],
            "method": e["method"],
            "raw_start": e["raw_start"],
            "raw_end": e["raw_end"],
        }
        for e in mentions
    ]
    return {**FORMATS[fmt].build_task(text, spans, meta), TASK_KEY: {**meta, "spans": spans}}


def task_meta(task: dict[str, Any]) -> dict[str, Any]:
    """The ``namelink`` key of an exported task.

    task (dict): A task as read back from a tool (doccano may return the key inside ``meta``).
    RETURNS (dict): The key's value, or an empty dict.
    """
    return task.get(TASK_KEY) or (task.get("meta") or {}).get(TASK_KEY) or {}
