"""Review: annotation tasks out of a finished run, reviewers' corrections back in.

**Export** (:func:`export_tasks`) turns ``documents.jsonl`` into tasks for the
annotation tools people already use, one task per document or per sentence of
the clean text:

- ``prodigy``: Prodigy's ``spans`` format: ``text``, ``tokens`` (``text``,
  ``start``, ``end``, ``id``, ``ws``), ``spans`` (``start``, ``end``,
  ``token_start``, ``token_end``, ``label``; the span's metadata ``kb_id``,
  ``score``, ``method``), ``meta``, ``_input_hash`` and ``_task_hash``. The
  export carries no ``answer``: the tool sets it when a person reviews the task;
- ``doccano``: JSONL with ``text`` and ``label: [[start, end, label]]``; the
  ids and scores travel in the metadata.

Every task also carries a ``namelink`` key: the document id, the source file,
its hash, the task's offset in the clean text and the spans as exported (with
raw offsets), so that an import can tell what the reviewer changed.

**Import** (:func:`import_corrections`) compares each reviewed task with what
was exported and stores one correction per span under
``models/corrections/<date>_<file stem>.jsonl``: ``accepted`` (kept as is),
``rejected`` (deleted, or the whole task rejected), ``relinked`` (kept, with
another ``kb_id``), ``added`` (new). An id is given by the span's ``kb_id``
(Prodigy) or by a label written ``LABEL:id`` (``PERSON:lev-sedov``, either
tool); an added span without one takes the id of the exported span it
overlaps. Tasks without an answer (Prodigy) are skipped as not reviewed.
Each correction keeps its provenance: task file, import date, task hash,
document id, clean and raw offsets.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from pipeline.output.jsonl import atomic_writer
from pipeline.records import DOCUMENTS, dumps, read_records
from pipeline.resources import models_dir

FORMATS = ("prodigy", "doccano")
UNITS = ("doc", "sentence")
TASK_KEY = "namelink"
CORRECTIONS_DIR = "corrections"
ACCEPTED, REJECTED, ADDED, RELINKED = "accepted", "rejected", "added", "relinked"
_UNSET = object()
_PARAGRAPH = re.compile(r"\n[ \t]*\n")


# -- export ------------------------------------------------------------------------------------


@dataclass
class ExportSummary:
    tasks: int = 0
    spans: int = 0
    documents: int = 0


def export_tasks(
    output: str | Path,
    out_file: str | Path,
    fmt: str = "prodigy",
    unit: str = "doc",
    labels: Iterable[str] | None = ("PERSON",),
    max_score: float | None = None,
) -> ExportSummary:
    """Write review tasks for the run in ``output`` (a folder or its documents.jsonl) to ``out_file``."""
    path = Path(output)
    records = read_records(path / DOCUMENTS if path.is_dir() else path)
    summary = ExportSummary()
    with atomic_writer(out_file) as handle:
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
    labels: Iterable[str] | None = ("PERSON",),
    max_score: float | None = None,
) -> Iterator[dict[str, Any]]:
    """The review tasks of one ``documents.jsonl`` record (none for a failed document)."""
    if fmt not in FORMATS or unit not in UNITS:
        raise ValueError(f"unknown format {fmt!r} or unit {unit!r}")
    text = record.get("text")
    if record.get("status") != "ok" or not text:
        return
    wanted = set(labels) if labels else None
    mentions = [e for e in record["entities"] if wanted is None or e["label"] in wanted]
    if max_score is not None:
        mentions = [e for e in mentions if e["score"] is not None and e["score"] <= max_score]
    for number, (start, end) in enumerate(_units(text, mentions, unit)):
        inside = [e for e in mentions if start <= e["start"] and e["end"] <= end]
        if max_score is not None and not inside:
            continue
        meta = {"doc_id": record["doc_id"], "source": record["source"], "sha256": record["sha256"], "offset": start}
        if unit == "sentence":
            meta["sentence"] = number
        yield _task(text[start:end], inside, meta, fmt)


def _units(text: str, mentions: list[dict[str, Any]], unit: str) -> list[tuple[int, int]]:
    """(start, end) of each task's text: the whole text, or its sentences and paragraphs (never cutting a mention)."""
    if unit == "doc":
        bounds = [(0, len(text))]
    else:
        inside = {k for e in mentions for k in range(e["start"] + 1, e["end"])}
        cuts = {s.start_char for s in _sentencizer()(text).sents} | {m.end() for m in _PARAGRAPH.finditer(text)}
        starts = [0] + sorted(k for k in cuts if 0 < k < len(text) and k not in inside)
        bounds = list(zip(starts, starts[1:] + [len(text)], strict=True))
    out = []
    for start, end in bounds:
        piece = text[start:end]
        if piece.strip():
            out.append((start + len(piece) - len(piece.lstrip()), end - (len(piece) - len(piece.rstrip()))))
    return out


@lru_cache(maxsize=1)
def _sentencizer() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _task(text: str, mentions: list[dict[str, Any]], meta: dict[str, Any], fmt: str) -> dict[str, Any]:
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
    namelink = {**meta, "spans": spans}
    if fmt == "doccano":
        return {"text": text, "label": [[s["start"], s["end"], s["label"]] for s in spans], TASK_KEY: namelink}
    tokens = tokenize(text, [b for s in spans for b in (s["start"], s["end"])])
    starts = {t["start"]: t["id"] for t in tokens}
    ends = {t["end"]: t["id"] for t in tokens}
    shown = [
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
    input_hash = hash32({"text": text, "doc_id": meta["doc_id"], "offset": offset})
    task_hash = hash32({"input": input_hash, "spans": [[s["start"], s["end"], s["label"], s["kb_id"]] for s in shown]})
    view = {"doc_id": meta["doc_id"], **({"sentence": meta["sentence"]} if "sentence" in meta else {})}
    return {
        "text": text,
        "tokens": tokens,
        "spans": shown,
        "meta": view,
        "_input_hash": input_hash,
        "_task_hash": task_hash,
        TASK_KEY: namelink,
    }


def tokenize(text: str, boundaries: Iterable[int] = ()) -> list[dict[str, Any]]:
    """Prodigy tokens of ``text`` (spaCy's English tokenizer, whitespace tokens included, as
    Prodigy makes them), split further at ``boundaries`` so every span starts and ends on a token edge."""
    cuts = sorted(set(boundaries))
    out: list[dict[str, Any]] = []
    for token in _sentencizer().make_doc(text):
        start, end = token.idx, token.idx + len(token.text)
        edges = [start] + [c for c in cuts if start < c < end] + [end]
        for a, b in zip(edges, edges[1:], strict=False):
            ws = b == end and bool(token.whitespace_)
            out.append({"text": text[a:b], "start": a, "end": b, "id": len(out), "ws": ws})
    return out


def hash32(data: Any) -> int:
    """A stable signed 32-bit hash of JSON data, the range Prodigy's hashes use."""
    digest = hashlib.blake2b(orjson.dumps(data, option=orjson.OPT_SORT_KEYS), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


# -- import ------------------------------------------------------------------------------------


@dataclass
class _Reviewed:
    """One span of a reviewed task, in the task's offsets."""

    start: int
    end: int
    label: str
    entity_id: Any = _UNSET  # _UNSET: the reviewer gave no id
    rejected: bool = False


@dataclass
class ImportSummary:
    path: Path | None
    tasks: int = 0
    skipped: int = 0
    actions: Counter = field(default_factory=Counter)
    already_imported: bool = False
    unmapped: int = 0  # added spans whose raw offsets could not be recovered


def import_corrections(
    task_file: str | Path,
    models: str | Path | None = None,
    fmt: str = "auto",
    raw_dir: str | Path | None = None,
    now: datetime | None = None,
) -> ImportSummary:
    """Read reviewed tasks and store their corrections as a new file in ``models/corrections/``."""
    task_file = Path(task_file)
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    imported = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    mapper = _RawMapper(models, raw_dir)
    summary = ImportSummary(None)
    rows: list[dict[str, Any]] = []
    for number, task in enumerate(read_records(task_file), 1):
        kind = detect_format(task) if fmt == "auto" else fmt
        found = corrections_from_task(task, kind)
        if found is None:
            summary.skipped += 1
            continue
        summary.tasks += 1
        for row in found:
            row.update(source_file=task_file.name, line=number, imported=imported, format=kind)
            if row["raw_start"] is None:
                row["raw_start"], row["raw_end"] = mapper.raw_span(task, row["start"], row["end"])
                summary.unmapped += row["raw_start"] is None
            summary.actions[row["action"]] += 1
            rows.append(_ordered(row))
    if rows:
        summary.path, summary.already_imported = _store(rows, models, f"{stamp:%Y-%m-%dT%H%M%SZ}_{task_file.stem}")
    return summary


def detect_format(task: dict[str, Any]) -> str:
    if "spans" in task or "tokens" in task or "_input_hash" in task:
        return "prodigy"
    if any(key in task for key in ("label", "labels", "entities")):
        return "doccano"
    raise ValueError("neither a Prodigy nor a doccano task (no spans, label or entities)")


def corrections_from_task(task: dict[str, Any], fmt: str) -> list[dict[str, Any]] | None:
    """One correction per span of a reviewed task; None for a task nobody reviewed."""
    meta = task_meta(task)
    answer = task.get("answer") if fmt == "prodigy" else task.get("answer", "accept")
    if answer not in ("accept", "reject"):
        return None
    originals = meta.get("spans") or []
    reviewed = [] if answer == "reject" else _reviewed_spans(task, fmt)
    text = task.get("text", "")
    out = []
    for action, span, original, entity_id in _compare(originals, reviewed):
        out.append(_correction(action, span, original, entity_id, text, meta, task))
    return out


def task_meta(task: dict[str, Any]) -> dict[str, Any]:
    """The ``namelink`` key of an exported task (doccano may return it inside ``meta``)."""
    return task.get(TASK_KEY) or (task.get("meta") or {}).get(TASK_KEY) or {}


def _reviewed_spans(task: dict[str, Any], fmt: str) -> list[_Reviewed]:
    if fmt == "prodigy":
        items = [
            (s["start"], s["end"], s.get("label", ""), s.get("kb_id", s.get("entity_id", _UNSET)), s.get("answer"))
            for s in task.get("spans") or []
        ]
    else:
        raw = task.get("label", task.get("labels")) or []
        if not raw and task.get("entities"):
            raw = [(e["start_offset"], e["end_offset"], e["label"]) for e in task["entities"]]
        items = [(s[0], s[1], s[2], _UNSET, None) for s in raw]
    out = []
    for start, end, label, entity_id, answer in items:
        label = str(label)
        if ":" in label:  # PERSON:lev-sedov gives the id in the label
            label, entity_id = label.split(":", 1)
        out.append(_Reviewed(int(start), int(end), label, entity_id, answer == "reject"))
    return out


def _compare(
    originals: list[dict[str, Any]], reviewed: list[_Reviewed]
) -> Iterator[tuple[str, _Reviewed | None, dict[str, Any] | None, str | None]]:
    """(action, reviewed span, exported span, entity id) for every span of one task."""
    by_offsets = {(o["start"], o["end"]): o for o in originals}
    kept: set[tuple[int, int]] = set()
    for span in reviewed:
        original = by_offsets.get((span.start, span.end))
        if span.rejected:
            continue  # a span marked reject counts as deleted
        if original is not None and original["label"] == span.label:
            kept.add((span.start, span.end))
            entity_id = original["kb_id"] if span.entity_id is _UNSET else (span.entity_id or None)
            yield (ACCEPTED if entity_id == original["kb_id"] else RELINKED), span, original, entity_id
            continue
        entity_id = span.entity_id
        if entity_id is _UNSET:  # a corrected boundary keeps the link of the span it replaces
            entity_id = next(
                (o["kb_id"] for o in originals if o["label"] == span.label and _overlap(o, span)),
                None,
            )
        yield ADDED, span, None, entity_id or None
    for original in originals:
        if (original["start"], original["end"]) not in kept:
            yield REJECTED, None, original, original["kb_id"]


def _overlap(original: dict[str, Any], span: _Reviewed) -> bool:
    return original["start"] < span.end and span.start < original["end"]


def _correction(
    action: str,
    span: _Reviewed | None,
    original: dict[str, Any] | None,
    entity_id: str | None,
    text: str,
    meta: dict[str, Any],
    task: dict[str, Any],
) -> dict[str, Any]:
    offset = meta.get("offset", 0)
    start, end = (span.start, span.end) if span else (original["start"], original["end"])
    same = original is not None and (original["start"], original["end"]) == (start, end)
    return {
        "action": action,
        "doc_id": meta.get("doc_id"),
        "text": text[start:end] if span else original.get("text", text[start:end]),
        "label": span.label if span else original["label"],
        "entity_id": entity_id,
        "previous_entity_id": original["kb_id"] if action == RELINKED else None,
        "score": original.get("score") if original else None,
        "start": start + offset,
        "end": end + offset,
        "raw_start": original.get("raw_start") if same else None,
        "raw_end": original.get("raw_end") if same else None,
        "task_hash": task.get("_task_hash", hash32(task.get("text", ""))),
        "input_hash": task.get("_input_hash"),
    }


_FIELDS = (
    "action text label entity_id previous_entity_id doc_id start end raw_start raw_end score "
    "source_file line imported format task_hash input_hash"
).split()


def _ordered(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row.get(key) for key in _FIELDS}


def corrections_dir(models: str | Path | None = None) -> Path:
    return models_dir(models) / CORRECTIONS_DIR


def _store(rows: list[dict[str, Any]], models: str | Path | None, name: str) -> tuple[Path, bool]:
    """Write the rows as a new corrections file; (path, True) if a file holds the same corrections already."""
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


def read_corrections(models: str | Path | None = None) -> list[dict[str, Any]]:
    """Every stored correction, oldest file first (file names start with the import time, UTC)."""
    rows = []
    for path in sorted(corrections_dir(models).glob("*.jsonl")):
        for row in read_records(path):
            row.setdefault("file", path.name)
            rows.append(row)
    return rows


class _RawMapper:
    """Raw offsets of spans a reviewer added: the document is found again (its source path or
    ``raw_dir/<doc_id>.txt``, same hash), cleaned again, and the clean offsets mapped back."""

    def __init__(self, models: str | Path | None, raw_dir: str | Path | None) -> None:
        self.models = models
        self.raw_dir = Path(raw_dir) if raw_dir else None
        self._cleaner: Any = None
        self._cache: dict[str, Any] = {}

    def raw_span(self, task: dict[str, Any], start: int, end: int) -> tuple[int | None, int | None]:
        meta = task_meta(task)
        clean = self._clean(meta)
        offset = meta.get("offset", 0)
        text = task.get("text", "")
        if clean is None or clean.text[offset : offset + len(text)] != text:
            return None, None
        return clean.raw_span(start, end)

    def _clean(self, meta: dict[str, Any]) -> Any:
        doc_id = meta.get("doc_id")
        if doc_id not in self._cache:
            self._cache[doc_id] = self._load(meta)
        return self._cache[doc_id]

    def _load(self, meta: dict[str, Any]) -> Any:
        from pipeline.io import InputError, read_document

        places = [self.raw_dir / f"{meta.get('doc_id')}.txt"] if self.raw_dir else []
        places += [Path(meta["source"])] if meta.get("source") else []
        for path in places:
            try:
                raw = read_document(path)
            except (InputError, OSError):
                continue
            if raw.sha256 == meta.get("sha256"):
                return self._get_cleaner().clean(raw.text)
        return None

    def _get_cleaner(self) -> Any:
        if self._cleaner is None:
            from pipeline.clean import Cleaner
            from pipeline.kb.base import KnowledgeBase
            from pipeline.kb.keys import NameKeys

            kb, keys = KnowledgeBase.load(self.models), NameKeys(self.models)
            self._cleaner = Cleaner.for_names(kb.name_words(), keys.skeleton, self.models)
        return self._cleaner
