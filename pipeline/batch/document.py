"""Running the stages over documents: the library entry point of a batch.

>>> from pipeline.batch.document import Pipeline
>>> pipe = Pipeline()                                  # doctest: +SKIP
>>> record = pipe.process_text("Lev Davidovich Bronstein, later Leon Trotsky.", "demo")  # doctest: +SKIP
>>> [(e["text"], e["entity_id"]) for e in record["entities"]]  # doctest: +SKIP
[('Lev Davidovich Bronstein', 'leon-trotsky'), ('Leon Trotsky', 'leon-trotsky')]

Documents go through the model in batches (each component's ``pipe`` over
the batch, as ``nlp.pipe`` does), a document longer than the model's
``max_length`` in pieces cut at paragraph breaks and joined again before
linking, so that the linker sees the whole document. :func:`run_batch` streams:
it holds one batch of documents at a time, whatever the corpus size.
"""

from __future__ import annotations

import multiprocessing
import platform
import re
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy

from pipeline import __version__
from pipeline.batch.incremental import PreviousRun, model_meta, run_fingerprint
from pipeline.batch.nlp import DEFAULT_MODEL, build_nlp
from pipeline.clean import Cleaner, CleanText
from pipeline.io import InputError, RawDocument, iter_input_files, read_document
from pipeline.output.jsonl import (
    DOCUMENTS,
    ENTITIES,
    MANIFEST,
    EntityTable,
    atomic_writer,
    document_record,
    dumps,
    write_json,
)

#: Longest piece of clean text given to the model at once (never more than the
#: model's ``max_length``); longer documents are cut at paragraph boundaries.
CHUNK_CHARS = 100_000
#: Raw characters per batch of documents: the model's batching pays off well
#: below this, and memory stays bounded by it.
BATCH_CHARS = 300_000
_LINKER = "namelink_linker"
_WORDS = re.compile(r"\S+")
_NO_TENSOR = numpy.zeros((0, 0), dtype="float32")


@dataclass
class RunSummary:
    documents: int = 0
    errors: int = 0
    mentions: int = 0
    entities: int = 0
    words: int = 0
    reused: int = 0
    jobs: int = 1
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


class Pipeline:
    """Clean, recognise and link documents with one loaded model."""

    def __init__(self, model: str = DEFAULT_MODEL, models: str | Path | None = None) -> None:
        self.model_name = model
        self.models = models
        self.nlp = build_nlp(model, models)
        linker = self.nlp.get_pipe(_LINKER)
        self.kb = linker.kb
        self.cleaner = Cleaner.for_names(self.kb.name_words(), linker.keys.skeleton, models)
        self.chunk_chars = min(CHUNK_CHARS, self.nlp.max_length)
        self.stage_seconds: dict[str, float] = defaultdict(float)

    # -- analysis ------------------------------------------------------------

    def analyse(self, raw_text: str) -> tuple[CleanText, Any]:
        """Clean one text and run recognition and linking on it: (clean text, spaCy Doc)."""
        return self.analyse_many([raw_text])[0]

    def analyse_many(self, raw_texts: list[str]) -> list[tuple[CleanText, Any]]:
        """:meth:`analyse` for a batch of texts, each model component run once over the batch."""
        with self._timed("clean"):
            cleaned = [self.cleaner.clean(text) for text in raw_texts]
        with self._timed("tokenizer"):
            pieces, owners = [], []
            for number, clean in enumerate(cleaned):
                for piece in self._pieces(clean):
                    pieces.append(piece)
                    owners.append(number)
        done = []
        for group in _groups(pieces, BATCH_CHARS):  # bounds the model's working memory
            for name, component in self.nlp.pipeline:
                if name == _LINKER:
                    continue
                with self._timed(name):
                    if hasattr(component, "pipe"):
                        group = list(component.pipe(group, batch_size=len(group)))
                    else:
                        group = [component(doc) for doc in group]
            for doc in group:
                doc.tensor = _NO_TENSOR  # tok2vec output: 384 bytes a token, unused from here on
            done.extend(group)
        pieces = done
        linker = self.nlp.get_pipe(_LINKER)
        results = []
        for number, clean in enumerate(cleaned):
            with self._timed(_LINKER):
                doc = linker(_join([p for p, owner in zip(pieces, owners, strict=True) if owner == number], clean))
            results.append((clean, doc))
        return results

    def _pieces(self, clean: CleanText) -> Iterator[Any]:
        offset = 0
        for text in split_paragraphs(clean.text, self.chunk_chars):
            doc = self.nlp.make_doc(text)
            end = offset + len(text)
            doc._.namelink_emphasis = [(a - offset, b - offset) for a, b in clean.emphasis if offset <= a and b <= end]
            offset = end
            yield doc

    class _Timer:
        def __init__(self, seconds: dict[str, float], name: str) -> None:
            self.seconds, self.name = seconds, name

        def __enter__(self) -> None:
            self.started = time.perf_counter()

        def __exit__(self, *exc: object) -> None:
            self.seconds[self.name] += time.perf_counter() - self.started

    def _timed(self, name: str) -> Pipeline._Timer:
        return Pipeline._Timer(self.stage_seconds, name)

    # -- records -------------------------------------------------------------

    def process_text(self, raw_text: str, doc_id: str, source: str = "<text>") -> dict[str, Any]:
        raw = RawDocument(doc_id, source, raw_text, "utf-8", "")
        clean, doc = self.analyse(raw_text)
        return document_record(raw, doc_id=doc_id, source=source, clean=clean, doc=doc)

    def process_file(self, path: str | Path) -> dict[str, Any]:
        """The ``documents.jsonl`` record of one file; never raises for bad input."""
        return self.process_files([Path(path)])[0]

    def process_files(self, paths: list[Path]) -> list[dict[str, Any]]:
        """Records of a batch of files, in order; a bad file gives an error record, never an exception."""
        records: list[dict[str, Any] | None] = []
        readable: list[tuple[int, RawDocument]] = []
        for path in paths:
            with self._timed("read"):
                try:
                    raw = read_document(path)
                except InputError as err:
                    record = document_record(None, doc_id=path.stem, source=str(path), error=str(err))
                    records.append({**record, "sha256": err.sha256})
                    continue
            readable.append((len(records), raw))
            records.append(None)
        for position, record in self._analyse_records([raw for _, raw in readable]):
            records[readable[position][0]] = record
        return [r for r in records if r is not None]

    def _analyse_records(self, raws: list[RawDocument]) -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            analysed = self.analyse_many([raw.text for raw in raws])
        except Exception:
            if len(raws) == 1:
                raise
            analysed = None  # find the document that broke the batch: one at a time
        for position, raw in enumerate(raws):
            try:
                clean, doc = analysed[position] if analysed else self.analyse(raw.text)
            except Exception as err:  # one broken document must not stop the batch
                error = f"{type(err).__name__}: {err}"
                yield position, document_record(raw, doc_id=raw.doc_id, source=raw.source, error=error)
                continue
            yield position, document_record(raw, doc_id=raw.doc_id, source=raw.source, clean=clean, doc=doc)


def _groups(docs: list[Any], limit: int) -> Iterator[list[Any]]:
    """Consecutive groups of docs of at most ``limit`` characters (a longer doc goes alone)."""
    group: list[Any] = []
    size = 0
    for doc in docs:
        if group and size + len(doc.text) > limit:
            yield group
            group, size = [], 0
        group.append(doc)
        size += len(doc.text)
    if group:
        yield group


def _join(pieces: list[Any], clean: CleanText) -> Any:
    if len(pieces) == 1:
        return pieces[0]
    from spacy.tokens import Doc

    for piece in pieces:  # per-piece offsets would be wrong on the joined Doc
        piece.user_data.pop(("._.", "namelink_emphasis", None, None), None)
    doc = Doc.from_docs(pieces, ensure_whitespace=False)
    doc._.namelink_emphasis = list(clean.emphasis)
    return doc


def split_paragraphs(text: str, limit: int) -> list[str]:
    """Cut text into pieces of at most ``limit`` characters at paragraph breaks
    (then line breaks, then spaces); the pieces join back to ``text``."""
    if len(text) <= limit:
        return [text]
    pieces, start = [], 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n") if "\n\n" not in window else -1)
        if cut <= 0:
            cut = window.rfind(" ")
        cut = start + (cut + 1 if cut > 0 else limit)
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


# -- batches -------------------------------------------------------------------


def batches(files: Iterable[Path], limit: int = BATCH_CHARS) -> Iterator[list[Path]]:
    """Consecutive groups of files of about ``limit`` bytes (a bigger file goes alone)."""
    batch: list[Path] = []
    size = 0
    for path in files:
        try:
            length = path.stat().st_size
        except OSError:
            length = 0
        if batch and size + length > limit:
            yield batch
            batch, size = [], 0
        batch.append(path)
        size += length
    if batch:
        yield batch


_WORKER: Pipeline | None = None
#: A batch of input files and, per file, the previous run's line (None: process it).
_Planned = tuple[list[Path], list[bytes | None]]


def _todo(item: _Planned) -> list[Path]:
    return [path for path, line in zip(*item, strict=True) if line is None]


def _init_worker(model: str, models: str | Path | None) -> None:
    global _WORKER
    if _WORKER is None:  # inherited when the pool forks; loaded here otherwise
        _WORKER = Pipeline(model, models)


def _work(paths: list[Path]) -> tuple[list[dict[str, Any]], dict[str, float]]:
    if not paths:
        return [], {}
    assert _WORKER is not None
    before = dict(_WORKER.stage_seconds)
    records = _WORKER.process_files(paths)
    spent = {k: v - before.get(k, 0.0) for k, v in _WORKER.stage_seconds.items()}
    return records, spent


def run_batch(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    model: str = DEFAULT_MODEL,
    models: str | Path | None = None,
    progress: bool = True,
    pipeline: Pipeline | None = None,
    jobs: int = 1,
    incremental: bool = True,
) -> RunSummary:
    """Process every input file and write documents, entities and manifest to ``out_dir``.

    ``jobs`` > 1 runs documents in that many worker processes; the output is
    the same, byte for byte, as with one. With ``incremental``, a document whose
    raw bytes, model, models/ data and namelink code are unchanged since the
    last run into ``out_dir`` is not processed again: its line is copied.
    """
    from tqdm import tqdm

    out_dir = Path(out_dir)
    files = list(iter_input_files(paths))
    started_at = datetime.now(timezone.utc)
    fingerprint = run_fingerprint(pipeline.model_name if pipeline else model, pipeline.models if pipeline else models)
    previous = PreviousRun(out_dir, fingerprint) if incremental else None
    runner = _Runner(model, models, pipeline, jobs)
    summary = RunSummary(jobs=jobs)
    table: EntityTable | None = None
    run_started = time.perf_counter()
    bar = tqdm(total=len(files), desc="namelink", unit="doc", disable=not progress, file=sys.stderr)
    try:
        with atomic_writer(out_dir / DOCUMENTS) as handle:
            for line, record, reused in runner.lines(files, previous):
                table = table or EntityTable(runner.kb())
                handle.write(line)
                table.add(record)
                _count(summary, record, reused)
                bar.update(1)
    finally:
        bar.close()
        runner.close()
        if previous:
            previous.close()
    summary.seconds = time.perf_counter() - run_started
    summary.stage_seconds = runner.stage_seconds
    table = table or EntityTable(runner.kb())
    with atomic_writer(out_dir / ENTITIES) as handle:
        for row in table.records():
            handle.write(dumps(row))
            summary.entities += 1
    pipe_names = runner.pipeline.nlp.pipe_names if runner.pipeline else previous and previous.pipe_names
    write_json(out_dir / MANIFEST, _manifest(runner, summary, files, started_at, fingerprint, pipe_names))
    return summary


def _count(summary: RunSummary, record: dict[str, Any], reused: bool) -> None:
    summary.documents += 1
    summary.reused += reused
    summary.errors += record["status"] == "error"
    summary.mentions += len(record["entities"])
    summary.words += len(_WORDS.findall(record["text"] or ""))


class _Runner:
    """Turns input files into output lines: copied from the previous run, or processed
    in this process or a pool of workers. The model loads only if something needs it."""

    def __init__(self, model: str, models: str | Path | None, pipeline: Pipeline | None, jobs: int) -> None:
        self.model, self.models, self.pipeline, self.jobs = model, models, pipeline, max(jobs, 1)
        self.load_seconds = 0.0
        self.stage_seconds: dict[str, float] = defaultdict(float)
        self._pool: Any = None
        self._kb: Any = None

    def kb(self) -> Any:
        if self.pipeline is not None:
            return self.pipeline.kb
        if self._kb is None:
            from pipeline.kb.base import KnowledgeBase

            self._kb = KnowledgeBase.load(self.models)
        return self._kb

    def _pipe(self) -> Pipeline:
        if self.pipeline is None:
            started = time.perf_counter()
            self.pipeline = Pipeline(self.model, self.models)
            self.load_seconds = time.perf_counter() - started
        return self.pipeline

    def lines(self, files: list[Path], previous: PreviousRun | None) -> Iterator[tuple[bytes, dict[str, Any], bool]]:
        """(line, record, reused) per file, in input order."""
        import orjson

        # Several batches per worker and round, so that no worker idles long at the end.
        limit = BATCH_CHARS if self.jobs == 1 else BATCH_CHARS // (4 * self.jobs)
        planned = (
            (batch, [previous.reusable(p) if previous else None for p in batch]) for batch in batches(files, limit)
        )
        for (_, kept), records in self._process(planned):
            fresh = iter(records)
            for line in kept:
                if line is not None:
                    yield line, orjson.loads(line), True
                else:
                    record = next(fresh)
                    yield dumps(record), record, False

    def _process(self, planned: Iterator[_Planned]) -> Iterator[tuple[_Planned, list[dict[str, Any]]]]:
        """Each planned batch with the records of its files that were not reused, in order."""
        if self.jobs == 1:
            for item in planned:
                yield item, self._in_process(_todo(item))
            return
        # Workers take batches as they finish (no waiting on the slowest of a round);
        # a semaphore bounds how far the feeder runs ahead, so memory stays bounded.
        ahead, window = deque(), threading.BoundedSemaphore(4 * self.jobs)

        def tasks() -> Iterator[list[Path]]:
            for item in planned:
                window.acquire()
                ahead.append(item)
                yield _todo(item)

        for records, spent in self._workers().imap(_work, tasks()):
            item = ahead.popleft()
            window.release()
            for k, v in spent.items():
                self.stage_seconds[k] += v
            yield item, records

    def _in_process(self, todo: list[Path]) -> list[dict[str, Any]]:
        if not todo:
            return []
        pipe = self._pipe()
        before = dict(pipe.stage_seconds)
        records = pipe.process_files(todo)
        for k, v in pipe.stage_seconds.items():
            self.stage_seconds[k] += v - before.get(k, 0.0)
        return records

    def _workers(self) -> Any:
        if self._pool is None:
            global _WORKER
            methods = multiprocessing.get_all_start_methods()
            if "fork" in methods:  # workers share the loaded model copy-on-write
                _WORKER = self._pipe()
                context = multiprocessing.get_context("fork")
            else:
                context = multiprocessing.get_context("spawn")
            self._pool = context.Pool(self.jobs, initializer=_init_worker, initargs=(self.model, self.models))
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None


def _manifest(
    runner: _Runner,
    summary: RunSummary,
    files: list[Path],
    started_at: datetime,
    fingerprint: dict[str, str],
    pipe_names: list[str] | None,
) -> dict:
    import spacy

    kb = runner.kb()
    meta = model_meta(runner.model)
    return {
        "namelink_version": __version__,
        "python": platform.python_version(),
        "spacy_version": spacy.__version__,
        "model": {"name": runner.model, "package": meta.get("name"), "version": meta.get("version")},
        "pipeline": pipe_names,
        "knowledge_base": {"version": kb.version, "entities": len(kb.entities)},
        "fingerprint": fingerprint,
        "inputs": [str(p) for p in files],
        "started": started_at.isoformat(timespec="seconds"),
        "counts": {
            "documents": summary.documents,
            "errors": summary.errors,
            "mentions": summary.mentions,
            "entities": summary.entities,
            "words": summary.words,
        },
        "incremental": {"reused": summary.reused, "processed": summary.documents - summary.reused},
        "timings": {
            "jobs": summary.jobs,
            "load_seconds": round(runner.load_seconds, 3),
            "run_seconds": round(summary.seconds, 3),
            "words_per_second": round(summary.words_per_second, 1),
            "stage_seconds": {k: round(v, 3) for k, v in sorted(summary.stage_seconds.items())},
        },
    }
