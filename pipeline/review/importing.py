"""Import: reviewed tasks back in, compared with what was exported, stored as corrections.

:func:`import_corrections` reads a task file, detects each task's format (or
takes the one given), and stores one correction per span under
``models/corrections/<date>_<file stem>.jsonl``: ``accepted`` (kept as is),
``rejected`` (deleted, or the whole task rejected), ``relinked`` (kept, with
another ``kb_id``), ``added`` (new). An id is given by the span's ``kb_id``
(Prodigy) or by a label written ``LABEL:id`` (``PERSON:lev-sedov``, any
tool); an added span without one takes the id of the exported span it
overlaps. Tasks without an answer are skipped as not reviewed. Each
correction keeps its provenance: task file, import date, task hash, document
id, clean and raw offsets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pipeline.records import read_records
from pipeline.review.corrections import ACCEPTED, ADDED, REJECTED, RELINKED, ordered, store_corrections
from pipeline.review.export import task_meta
from pipeline.review.formats import UNSET, ReviewedSpan, detect_format, get_format, hash32

#: (action, reviewed span, exported span, entity id) for one span of a task.
_Verdict = tuple[str, ReviewedSpan | None, dict[str, Any] | None, str | None]


@dataclass
class ImportSummary:
    """What :func:`import_corrections` read and stored.

    path (Path | None): The corrections file written (or the earlier one with the same rows); None if no rows.
    tasks (int): Reviewed tasks read.
    skipped (int): Tasks nobody reviewed.
    actions (Counter): Corrections per action.
    already_imported (bool): A stored file held the same corrections; nothing was written.
    unmapped (int): Added spans whose raw offsets could not be recovered.
    """

    path: Path | None
    tasks: int = 0
    skipped: int = 0
    actions: Counter = field(default_factory=Counter)
    already_imported: bool = False
    unmapped: int = 0


def import_corrections(
    task_file: str | Path,
    models: str | Path | None = None,
    fmt: str = "auto",
    raw_dir: str | Path | None = None,
    now: datetime | None = None,
) -> ImportSummary:
    """Read reviewed tasks and store their corrections as a new file in ``models/corrections/``.

    task_file (str | Path): The tool's export of the reviewed tasks (JSONL).
    models (str | Path | None): The models folder; None for the project's ``models/``.
    fmt (str): A registered format's name, or ``"auto"`` to detect each task's format.
    raw_dir (str | Path | None): Folder with ``<doc_id>.txt`` raw files, if not at their source path
        (for the raw offsets of added spans).
    now (datetime | None): The import time (default: now), in the file name and each row's ``imported``.
    RETURNS (ImportSummary): What was read and where it was stored.
    RAISES (ValueError): A task no format recognises, or an unknown ``fmt``.
    """
    task_file = Path(task_file)
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    provenance = {"source_file": task_file.name, "imported": stamp.strftime("%Y-%m-%dT%H:%M:%SZ")}
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
            row.update(provenance, line=number, format=kind)
            _add_raw_offsets(row, task, mapper, summary)
            summary.actions[row["action"]] += 1
            rows.append(ordered(row))
    if rows:
        name = f"{stamp:%Y-%m-%dT%H%M%SZ}_{task_file.stem}"
        summary.path, summary.already_imported = store_corrections(rows, models, name)
    return summary


def _add_raw_offsets(row: dict[str, Any], task: dict[str, Any], mapper: _RawMapper, summary: ImportSummary) -> None:
    """Raw offsets for a span the export did not carry (an added or moved span), counted when not found."""
    if row["raw_start"] is None:
        row["raw_start"], row["raw_end"] = mapper.raw_span(task, row["start"], row["end"])
        summary.unmapped += row["raw_start"] is None


def corrections_from_task(task: dict[str, Any], fmt: str) -> list[dict[str, Any]] | None:
    """One correction per span of a reviewed task.

    task (dict): A reviewed task, as the tool exported it.
    fmt (str): The task's format (a registered name).
    RETURNS (list | None): Corrections (without provenance: file, line, import time, format);
        None for a task nobody reviewed.
    """
    review_format = get_format(fmt)
    answer = review_format.answer(task)
    if answer not in ("accept", "reject"):
        return None
    meta = task_meta(task)
    originals = meta.get("spans") or []
    reviewed = [] if answer == "reject" else review_format.reviewed_spans(task)
    text = task.get("text", "")
    return [_correction(*verdict, text, meta, task) for verdict in _compare(originals, reviewed)]


def _compare(originals: list[dict[str, Any]], reviewed: list[ReviewedSpan]) -> Iterator[_Verdict]:
    """A verdict for every span of one task: each reviewed span, then each exported span not kept."""
    by_offsets = {(o["start"], o["end"]): o for o in originals}
    kept: set[tuple[int, int]] = set()
    for span in reviewed:
        if span.rejected:
            continue  # a span marked reject counts as deleted
        original = by_offsets.get((span.start, span.end))
        if original is not None and original["label"] == span.label:
            kept.add((span.start, span.end))
            yield _kept(span, original)
        else:
            yield ADDED, span, None, _added_id(span, originals)
    for original in originals:
        if (original["start"], original["end"]) not in kept:
            yield REJECTED, None, original, original["kb_id"]


def _kept(span: ReviewedSpan, original: dict[str, Any]) -> _Verdict:
    """An exported span the reviewer kept: accepted, or relinked if given another id."""
    entity_id = original["kb_id"] if span.entity_id is UNSET else (span.entity_id or None)
    return (ACCEPTED if entity_id == original["kb_id"] else RELINKED), span, original, entity_id


def _added_id(span: ReviewedSpan, originals: list[dict[str, Any]]) -> str | None:
    """The id of an added span: the reviewer's, else the link of the exported span it replaces (overlaps)."""
    entity_id = span.entity_id
    if entity_id is UNSET:  # a corrected boundary keeps the link of the span it replaces
        entity_id = next((o["kb_id"] for o in originals if o["label"] == span.label and _overlap(o, span)), None)
    return entity_id or None


def _overlap(original: dict[str, Any], span: ReviewedSpan) -> bool:
    return original["start"] < span.end and span.start < original["end"]


def _correction(
    action: str,
    span: ReviewedSpan | None,
    original: dict[str, Any] | None,
    entity_id: str | None,
    text: str,
    meta: dict[str, Any],
    task: dict[str, Any],
) -> dict[str, Any]:
    """One correction row (document offsets; raw offsets only when the span is the exported one)."""
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


class _RawMapper:
    """Raw offsets of spans a reviewer added: the document is found again (its source path or
    ``raw_dir/<doc_id>.txt``, same hash), cleaned again, and the clean offsets mapped back."""

    def __init__(self, models: str | Path | None, raw_dir: str | Path | None) -> None:
        self.models = models
        self.raw_dir = Path(raw_dir) if raw_dir else None
        self._cleaner: Any = None
        self._cache: dict[str, Any] = {}

    def raw_span(self, task: dict[str, Any], start: int, end: int) -> tuple[int | None, int | None]:
        """Raw offsets of the span ``start:end`` of ``task``'s text; (None, None) if the raw file is not found."""
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
        from pipeline.io.read import InputError, read_document

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
            from pipeline.clean import name_aware_cleaner

            self._cleaner = name_aware_cleaner(self.models)
        return self._cleaner
