"""Import: reviewed tasks back in, checked, compared with what was exported, stored as corrections.

:func:`import_corrections` reads a task file line by line, detects each task's
format (or takes the one given), checks it (:mod:`pipeline.review.validate`)
and stores one correction per span under
``models/corrections/<date>_<file stem>.jsonl``: ``accepted`` (kept as is),
``rejected`` (deleted, or the whole task rejected), ``relinked`` (kept, with
another ``kb_id``), ``added`` (new). An id is given by the span's ``kb_id``
(Prodigy) or by a label written ``LABEL:id`` (``PERSON:lev-sedov``, any
tool); an added span without one takes the id of the exported span it
overlaps. Tasks without an answer are skipped as not reviewed. Each
correction keeps its provenance: task file, line, import date, task hash,
document id, clean and raw offsets.

A line is refused as a whole (:class:`~pipeline.review.validate.LineError`,
``FILE:LINE: reason``) when it is not a JSON object, no format reads it, or any
of its spans (reviewed or exported) fails the checks against the task's text;
the other lines are stored. The text checked against is the task's own, which
must be the text it was exported with (``text_sha256``) and, given the run
(``run``), the text of the run's ``documents.jsonl`` at the task's offset.
No path named in a task (``source``) is ever opened: the raw offsets of an
added span come from ``raw_dir/<doc_id>.txt`` only, a regular file with the
exported ``sha256``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.records import DOCUMENTS, IncompleteOutputError, check_output_set, iter_records
from pipeline.review.corrections import ACCEPTED, ADDED, REJECTED, RELINKED, ordered, store_corrections
from pipeline.review.export import task_meta
from pipeline.review.formats import UNSET, ReviewedSpan, detect_format, get_format, hash32
from pipeline.review.validate import (
    LineError,
    TaskError,
    UnusableFileError,
    Vocabulary,
    json_object,
    numbered_lines,
    open_regular,
    span_problems,
)

#: (action, reviewed span, exported span, entity id) for one span of a task.
_Verdict = tuple[str, ReviewedSpan | None, dict[str, Any] | None, str | None]
#: Largest raw file read for the raw offsets of added spans (a mechanism's bound, not data).
RAW_FILE_MAX_BYTES = 256 * 2**20
#: Errors a format's reading of a malformed task raises (a key missing, a list where a dict belongs).
_MALFORMED = (KeyError, IndexError, TypeError, AttributeError, ValueError)


@dataclass
class ImportSummary:
    """What :func:`import_corrections` read and stored.

    path (Path | None): The corrections file written (or the earlier one with the same rows); None if no rows.
    tasks (int): Reviewed tasks stored.
    skipped (int): Tasks nobody reviewed.
    actions (Counter): Corrections per action.
    already_imported (bool): A stored file held the same corrections; nothing was written.
    unmapped (int): Added spans whose raw offsets could not be recovered.
    rejected (list): The refused lines (:class:`~pipeline.review.validate.LineError`), in file order.
    """

    path: Path | None
    tasks: int = 0
    skipped: int = 0
    actions: Counter = field(default_factory=Counter)
    already_imported: bool = False
    unmapped: int = 0
    rejected: list[LineError] = field(default_factory=list)


def import_corrections(
    task_file: str | Path,
    models: str | Path | None = None,
    fmt: str = "auto",
    raw_dir: str | Path | None = None,
    now: datetime | None = None,
    run: str | Path | None = None,
) -> ImportSummary:
    """Read reviewed tasks, check them, and store the good ones' corrections in ``models/corrections/``.

    task_file (str | Path): The tool's export of the reviewed tasks (JSONL).
    models (str | Path | None): The models folder; None for the project's ``models/``.
    fmt (str): A registered format's name, or ``"auto"`` to detect each task's format.
    raw_dir (str | Path | None): Folder with the ``<doc_id>.txt`` raw files, for the raw offsets of
        added spans (without it they are None).
    now (datetime | None): The import time (default: now), in the file name and each row's ``imported``.
    run (str | Path | None): The run the tasks were exported from (its folder or ``documents.jsonl``):
        each task's text must be that document's text at the task's offset.
    RETURNS (ImportSummary): What was stored, where, and every refused line.
    RAISES (UnusableFileError): ``task_file`` or ``run`` cannot be read at all (not a regular file...).
    RAISES (ValueError): An unknown ``fmt``; a models folder without knowledge base or rules.
    """
    task_file = Path(task_file)
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    provenance = {"source_file": task_file.name, "imported": stamp.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if fmt != "auto":
        get_format(fmt)
    documents = RunTexts.load(run) if run is not None else None
    vocabulary = Vocabulary.load(models)
    mapper = _RawMapper(models, raw_dir)
    summary = ImportSummary(None)
    rows: list[dict[str, Any]] = []
    with open_regular(task_file) as handle:
        for number, line in numbered_lines(handle):
            try:
                task, kind, found = _read_task(line, fmt, vocabulary, documents)
            except TaskError as err:
                summary.rejected.append(LineError(str(task_file), number, str(err)))
                continue
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


def _read_task(
    line: bytes, fmt: str, vocabulary: Vocabulary, documents: RunTexts | None
) -> tuple[dict[str, Any], str, list[dict[str, Any]] | None]:
    """(task, format, corrections or None if not reviewed) of one line; TaskError if it is refused."""
    task = json_object(line)
    try:
        kind = detect_format(task) if fmt == "auto" else fmt
    except ValueError as err:
        raise TaskError(str(err)) from None
    found = corrections_from_task(task, kind, vocabulary)
    if found is not None:
        check_task_text(task, documents)
    return task, kind, found


def _add_raw_offsets(row: dict[str, Any], task: dict[str, Any], mapper: _RawMapper, summary: ImportSummary) -> None:
    """Raw offsets for a span the export did not carry (an added or moved span), counted when not found."""
    if row["raw_start"] is None:
        row["raw_start"], row["raw_end"] = mapper.raw_span(task, row["start"], row["end"])
        summary.unmapped += row["raw_start"] is None


def corrections_from_task(
    task: dict[str, Any], fmt: str, vocabulary: Vocabulary | None = None
) -> list[dict[str, Any]] | None:
    """One correction per span of a reviewed task, every span checked against the task's text.

    task (dict): A reviewed task, as the tool exported it.
    fmt (str): The task's format (a registered name).
    vocabulary (Vocabulary | None): Labels and ids to check the spans' against; None to check only the
        offsets, texts and the task's own shape.
    RETURNS (list | None): Corrections (without provenance: file, line, import time, format);
        None for a task nobody reviewed.
    RAISES (TaskError): The task is malformed or a span fails a check (all problems in the message).
    """
    review_format = get_format(fmt)
    answer = review_format.answer(task)
    if answer not in ("accept", "reject"):
        return None
    meta, text = _meta_and_text(task)
    originals = _originals(meta)
    try:
        reviewed = [] if answer == "reject" else review_format.reviewed_spans(task)
        verdicts = list(_compare(originals, reviewed))
    except TaskError:
        raise
    except _MALFORMED as err:
        raise TaskError(f"malformed {review_format.title} task ({type(err).__name__}: {err})") from None
    problems = [p for verdict in verdicts for p in _verdict_problems(*verdict, text, vocabulary)]
    if problems:
        raise TaskError("; ".join(problems))
    return [_correction(*verdict, text, meta, task) for verdict in verdicts]


def _meta_and_text(task: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The task's ``namelink`` key and text, checked for the keys the import needs."""
    meta = task_meta(task)
    text = task.get("text")
    if not isinstance(meta, dict) or not meta:
        raise TaskError("no namelink key: not a task `namelink review export` wrote")
    if not isinstance(text, str) or not text:
        raise TaskError("the task has no text")
    doc_id, offset = meta.get("doc_id"), meta.get("offset", 0)
    if not _document_name(doc_id):
        raise TaskError(f"doc_id {doc_id!r} is not a document name")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise TaskError(f"offset {offset!r} is not an offset in the document")
    return meta, text


def _document_name(doc_id: Any) -> bool:
    """A doc id that names a file below a folder: a relative path without ``..``, ``.`` or empty parts."""
    if not isinstance(doc_id, str) or not doc_id or "\\" in doc_id or "\0" in doc_id:
        return False
    path = PurePosixPath(doc_id)
    return not path.is_absolute() and all(part not in ("", ".", "..") for part in doc_id.split("/"))


def _originals(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """The exported spans of the ``namelink`` key (read back from the file: checked like the others)."""
    originals = meta.get("spans") or []
    if not isinstance(originals, list) or not all(isinstance(o, dict) for o in originals):
        raise TaskError("the namelink key's spans are not a list of objects")
    return originals


def _verdict_problems(
    action: str,
    span: ReviewedSpan | None,
    original: dict[str, Any] | None,
    entity_id: Any,
    text: str,
    vocabulary: Vocabulary | None,
) -> list[str]:
    """The problems of one verdict's span: offsets and text against the task's text, label and ids."""
    if span is not None:
        start, end, label, claimed = span.start, span.end, span.label, span.text
    else:
        start, end, label, claimed = original["start"], original["end"], original.get("label"), original.get("text")
    if claimed is not None and not isinstance(claimed, str):
        claimed = repr(claimed)
    problems = span_problems(text, start, end, claimed, vocabulary.endings if vocabulary else ())
    if vocabulary is not None:
        problems += [f"span {start}:{end}: {p}" for p in vocabulary.label_problems(label)]
        previous = original.get("kb_id") if original and action == RELINKED else None
        for value in (entity_id, previous):
            problems += [f"span {start}:{end}: {p}" for p in vocabulary.id_problems(value)]
    return problems


def check_task_text(task: dict[str, Any], documents: RunTexts | None) -> None:
    """The task's text is the one it was exported with, and (given the run) the run's text at its offset.

    task (dict): A reviewed task (its ``namelink`` key already checked by :func:`corrections_from_task`).
    documents (RunTexts | None): The run's texts, if known.
    RAISES (TaskError): The text was changed after the export, or the task is not of this run.
    """
    meta, text = task_meta(task), task["text"]
    expected = meta.get("text_sha256")
    if expected is not None and hashlib.sha256(text.encode("utf-8")).hexdigest() != expected:
        raise TaskError("the task's text is not the text it was exported with (its text_sha256 differs)")
    if documents is not None:
        documents.check(meta["doc_id"], meta.get("sha256"), meta.get("offset", 0), text)


class RunTexts:
    """The texts of a run's documents, to check that a task is of that run (:meth:`check`)."""

    def __init__(self, label: str, records: dict[str, dict[str, Any]]) -> None:
        self.label = label
        self.records = records

    @classmethod
    def load(cls, run: str | Path) -> RunTexts:
        """The run in folder ``run`` (or its ``documents.jsonl``).

        run (str | Path): An output folder of ``namelink run``, or its ``documents.jsonl``.
        RETURNS (RunTexts): Its documents by id (the text and hash of each).
        RAISES (UnusableFileError): No readable ``documents.jsonl`` there.
        """
        run = Path(run)
        path = run / DOCUMENTS if run.is_dir() else run
        if not path.is_file():
            raise UnusableFileError(f"no {DOCUMENTS} in {run}: name the output folder of the run the tasks came from")
        open_regular(path).close()
        if path.name == DOCUMENTS:
            try:
                check_output_set(path.parent)  # a set a kill cut short, or edited since, is no run
            except IncompleteOutputError as err:
                raise UnusableFileError(str(err)) from None
        try:
            records = {r["doc_id"]: {"text": r.get("text"), "sha256": r.get("sha256")} for r in iter_records(path)}
        except (ValueError, KeyError, TypeError) as err:
            raise UnusableFileError(f"{path}: not a run's {DOCUMENTS} ({err})") from None
        return cls(str(run), records)

    def check(self, doc_id: str, sha256: Any, offset: int, text: str) -> None:
        """Raise :class:`TaskError` unless ``text`` is document ``doc_id``'s text at ``offset`` in this run."""
        record = self.records.get(doc_id)
        if record is None:
            raise TaskError(f"document {doc_id!r} is not in {self.label}")
        if sha256 is not None and sha256 != record["sha256"]:
            raise TaskError(
                f"exported from another version of document {doc_id!r} (sha256 {str(sha256)[:12]}..., "
                f"the run's {str(record['sha256'])[:12]}...)"
            )
        document = record["text"] or ""
        if document[offset : offset + len(text)] != text:
            raise TaskError(
                f"the task's text is not the text of document {doc_id!r} at offset {offset} in {self.label}"
            )


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
    """Do the two spans overlap? False when an offset is no integer (the checks report it)."""
    offsets = (original["start"], original["end"], span.start, span.end)
    if not all(isinstance(k, int) and not isinstance(k, bool) for k in offsets):
        return False
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
    """Raw offsets of spans a reviewer added: the document is found again in ``raw_dir/<doc_id>.txt``
    (a regular file with the exported ``sha256``; never at the task's ``source``), cleaned again,
    and the clean offsets mapped back."""

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
        """The cleaned document of ``raw_dir/<doc_id>.txt`` if it has the exported hash, else None."""
        from pipeline.io.read import InputError, decode

        if self.raw_dir is None or not meta.get("sha256"):
            return None
        path = self.raw_dir / f"{meta['doc_id']}.txt"  # a document name: checked by _meta_and_text
        try:
            with open_regular(path, RAW_FILE_MAX_BYTES) as handle:
                data = handle.read(RAW_FILE_MAX_BYTES + 1)
        except (UnusableFileError, OSError):
            return None
        if hashlib.sha256(data).hexdigest() != meta["sha256"]:
            return None
        try:
            text, _ = decode(data, path)
        except InputError:
            return None
        return self._get_cleaner().clean(text)

    def _get_cleaner(self) -> Any:
        if self._cleaner is None:
            from pipeline.clean import name_aware_cleaner

            self._cleaner = name_aware_cleaner(self.models)
        return self._cleaner
