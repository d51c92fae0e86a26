"""``run_batch``: every input file to ``documents.jsonl``, ``entities.jsonl`` and ``manifest.json``.

Streams: it holds a few batches of documents at a time, whatever the corpus
size. Each file's line is copied from the previous run when nothing it
depends on changed (:mod:`pipeline.batch.incremental`), or processed here or
by a pool of worker processes (:mod:`pipeline.batch.workers`); the lines go
to the output through an :class:`~pipeline.output.OutputWriter`.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import re
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import orjson

from pipeline.batch.chunking import groups_by_size
from pipeline.batch.cluster import ClusterStartError, DaskEngine, WorkerSettings
from pipeline.batch.document import BATCH_CHARS, Pipeline, language_pipelines
from pipeline.batch.incremental import PreviousRun, run_fingerprint
from pipeline.batch.journal import Journal
from pipeline.batch.manifest import FAILED_KEPT, RunSummary, manifest
from pipeline.batch.model import DEFAULT_MODEL, ModelNotFoundError, require_installed
from pipeline.batch.workers import WorkerPool
from pipeline.io import DEFAULT_MAX_BYTES, InputFile, input_files
from pipeline.io.formats import ReadOptions
from pipeline.kb import KnowledgeBase
from pipeline.kb.shared import load_shared
from pipeline.output import OutputWriter, writer_for
from pipeline.records import DocumentRecord, dumps
from pipeline.resources import LanguageRules, ensure_valid, models_dir

log = logging.getLogger(__name__)
_WORDS = re.compile(r"\S+")
#: A batch of input files and, per file, the previous run's line (None: process it).
_Planned = tuple[list[InputFile], list[bytes | None]]
#: Where documents may be processed: this machine (one process or ``jobs``), or a Dask cluster.
ENGINES = ("local", "dask")


@dataclass(frozen=True)
class _ClusterPlan:
    """The Dask cluster a run is to use, started (or connected to) once a document needs it."""

    settings: WorkerSettings
    scheduler: str | None
    workers: int
    announce: bool


def file_batches(files: Iterable[InputFile], limit: int = BATCH_CHARS) -> Iterator[list[InputFile]]:
    """Consecutive groups of files of about ``limit`` bytes (a bigger file goes alone)."""
    return groups_by_size(list(files), limit, _file_size)


def _file_size(file: InputFile) -> int:
    return file.size


def run_batch(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    model: str = DEFAULT_MODEL,
    models: str | Path | None = None,
    progress: bool = True,
    pipeline: Pipeline | None = None,
    jobs: int = 1,
    incremental: bool = True,
    output_format: str = "jsonl",
    span_style: str = "namelink",
    max_bytes: int = DEFAULT_MAX_BYTES,
    language_models: Mapping[str, str] | None = None,
    read_options: ReadOptions | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int = 1,
) -> RunSummary:
    """Process every input file and write the run's output to ``out_dir``.

    Each file is read by its format's reader (:mod:`pipeline.io.formats`; ``read_options``:
    ``--format``, and for collections ``--id-field`` and ``--text-field``); a collection's rows
    are documents of their own and ``-`` is standard input.

    ``jobs`` > 1 runs documents in that many worker processes; the output is
    the same, byte for byte, as with one. With ``incremental``, a document whose
    raw bytes, model, models/ data and namelink code are unchanged since the
    last run into ``out_dir`` is not processed again: its line is copied.
    ``output_format`` names a registered writer (:func:`pipeline.output.writer_for`);
    ``span_style`` how person spans are cut (:mod:`pipeline.output.spans`; ignored with ``pipeline``,
    which has its own). A file larger than ``max_bytes``, or no regular file, gets an error record;
    ``out_dir`` is never read as input, even inside a folder of ``paths``. Each document is read
    by its language's pipeline (``rules/languages.yaml``; ``language_models`` over it, ``model`` the
    default language's; ignored with ``pipeline``, which has its own). A models folder with a
    malformed or missing file raises :class:`~pipeline.resources.ModelsError` before any document
    is read or anything written.

    Every document's line is checkpointed as it is finished (:mod:`pipeline.batch.journal`): a
    run killed part way is resumed by the next run into ``out_dir`` (``resumed`` in the summary),
    whose output is byte for byte an uninterrupted run's.

    ``engine`` ``dask`` sends the documents to a Dask cluster instead (:mod:`pipeline.batch.cluster`):
    the one at ``scheduler``, or a ``LocalCluster`` of ``workers`` processes; the output is a local
    run's, byte for byte (``jobs`` is then unused, and ``pipeline`` cannot be given: each worker
    loads its own). RAISES (OutputError): the output could not be written; the previous output is
    as it was. (ClusterError): the cluster cannot be reached or its workers differ from this client.
    """
    from tqdm import tqdm

    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: one of {', '.join(ENGINES)}")
    if engine == "dask" and pipeline is not None:
        raise ValueError("engine 'dask' loads the pipeline on each worker: give model and models, not a pipeline")
    ensure_valid(pipeline.models if pipeline else models, complete=True)
    read_options = read_options or ReadOptions()
    files = input_files(paths, exclude=[out_dir], options=read_options, max_bytes=max_bytes)
    started_at = datetime.now(timezone.utc)
    model = pipeline.model_name if pipeline else model
    models = pipeline.models if pipeline else models
    span_style = pipeline.span_style if pipeline else span_style
    if pipeline is not None:
        languages = pipeline.language_models
    else:
        languages = language_pipelines(LanguageRules.load(models), model, language_models)
    for language, name in sorted(languages.items()):
        require_installed(name, language)  # a usage error now, not a batch that stops part way
    fingerprint = run_fingerprint(model, models, span_style, languages, max_bytes, read_options.fingerprint())
    out_dir = Path(out_dir)
    runner = _Runner(model, models, pipeline, jobs, span_style, max_bytes, languages)
    if engine == "dask":
        runner.cluster = _ClusterPlan(
            WorkerSettings(
                model,
                str(models_dir(models).resolve()),
                span_style,
                dict(languages),
                max_bytes,
                read_options.fingerprint(),
                fingerprint,
            ),
            scheduler,
            workers,
            progress,
        )
    summary = RunSummary(jobs=workers if engine == "dask" else jobs, engine=engine)
    writer: OutputWriter = writer_for(output_format)(out_dir, runner.kb)
    started = time.perf_counter()
    created = not out_dir.exists()
    # by bytes, not documents: the estimate holds on files of mixed sizes (a row: its text's length)
    sizes = [f.size for f in files]
    bar = tqdm(
        total=sum(sizes),
        desc="namelink",
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        disable=not progress,
        file=sys.stderr,
    )
    log.info("%d documents to read into %s (incremental: %s)", len(files), out_dir, incremental)
    failed, reuse = True, None
    try:
        with writer:  # the folder's lock: nobody else writes it, its journal or its temporary files now
            reuse = _Reuse(out_dir, fingerprint, incremental)
            writer.after_commit.append(reuse.journal.remove)  # under the lock: no other run has begun
            for size, (line, record, reused) in zip(sizes, runner.lines(files, reuse), strict=True):
                writer.add(line, record)
                reuse.checkpoint(line, record)
                _count(summary, record, reused)
                bar.update(size)
            summary.resumed = reuse.resumed
            summary.jobs = runner.worker_count() or summary.jobs
            summary.seconds = time.perf_counter() - started
            summary.stage_seconds, summary.load_seconds = dict(runner.stage_seconds), runner.load_seconds
            summary.entities = writer.finish()
            pipe_names = runner.pipe_names() or reuse.previous.pipe_names
            inputs = list(dict.fromkeys(f.path for f in files))  # a collection's rows share theirs
            writer.write_manifest(manifest(model, runner.kb(), summary, inputs, started_at, fingerprint, pipe_names))
        failed = False
    except (ModelNotFoundError, ClusterStartError):  # a usage error (no pipeline, no cluster): leave no folder behind
        if created and reuse is not None:
            reuse.journal.remove()
            with contextlib.suppress(OSError):
                out_dir.rmdir()  # only if empty: nothing but what this run made in it
        raise
    except OSError as err:
        raise OutputError(f"cannot write {out_dir}: {err.strerror or err}; the previous output is as it was") from err
    finally:
        bar.close()
        runner.close(abort=failed)
        if reuse is not None:
            reuse.close()
    return summary


class OutputError(OSError):
    """The run's output could not be written (a full disk, a folder that cannot be written, another
    run holding it); the previous output is left as it was."""


class _Reuse:
    """Where a file's line may come from without processing it: the checkpoint of an interrupted
    run into the folder (:class:`~pipeline.batch.journal.Journal`), then the previous run's output
    (:class:`~pipeline.batch.incremental.PreviousRun`). Opened under the folder's lock."""

    def __init__(self, out_dir: Path, fingerprint: dict[str, str], incremental: bool) -> None:
        self.previous = PreviousRun(out_dir, fingerprint if incremental else {"unused": "--full"})
        self.journal = Journal(out_dir, fingerprint)
        if incremental:
            self.journal.load()
        self.journal.open()
        self.resumed = 0
        self._in_journal: set[str] = set()

    def __call__(self, file: InputFile) -> bytes | None:
        digest = file.given.sha256 if file.given is not None else None  # a row's, stdin's: of its text
        if file.given is not None and digest is None:
            return None  # a bad row: its error line is made again
        line = self.journal.reusable(file.source, file.doc_id, digest)
        if line is not None:
            self.resumed += 1
            self._in_journal.add(file.source)
            return line
        return self.previous.reusable(file.source, file.doc_id, digest)

    def checkpoint(self, line: bytes, record: DocumentRecord) -> None:
        """Journal a line the journal does not hold yet: one processed, or copied from the previous
        output (which a kill between the renames of this run's output would leave untrusted)."""
        if record["source"] not in self._in_journal:
            self.journal.add(line)

    def close(self) -> None:
        """Let go of the files (a completed run's journal went already, under the folder's lock)."""
        self.journal.close()
        self.previous.close()


def _count(summary: RunSummary, record: DocumentRecord, reused: bool) -> None:
    """Add one document's line to the counts (its words to ``processed_words`` unless ``reused``)."""
    words = len(_WORDS.findall(record["text"] or ""))
    summary.documents += 1
    summary.reused += reused
    summary.mentions += len(record["entities"])
    summary.words += words
    summary.processed_words += 0 if reused else words
    if record["status"] == "error":
        summary.errors += 1
        if len(summary.failed) < FAILED_KEPT:
            summary.failed.append(record["source"])
        log.debug("failed: %s", record["error"])


class _Runner:
    """Turns input files into output lines: copied from the previous run, or processed
    in this process or a pool of workers. The model loads only if something needs it."""

    def __init__(
        self,
        model: str,
        models: str | Path | None,
        pipeline: Pipeline | None,
        jobs: int,
        span_style: str,
        max_bytes: int = DEFAULT_MAX_BYTES,
        language_models: Mapping[str, str] | None = None,
    ) -> None:
        self.model, self.models, self.pipeline, self.jobs = model, models, pipeline, max(jobs, 1)
        self.span_style, self.max_bytes = span_style, max_bytes
        self.language_models = dict(language_models or {})
        self.load_seconds = 0.0
        self.stage_seconds: dict[str, float] = defaultdict(float)
        self._pool: WorkerPool | None = None
        self.cluster: _ClusterPlan | None = None
        self._engine: DaskEngine | None = None  # once started
        self._stopping = threading.Event()
        self._kb: KnowledgeBase | None = None

    def kb(self) -> KnowledgeBase:
        if self.pipeline is not None:
            return self.pipeline.kb
        if self._kb is None:
            self._kb = load_shared(self.models).kb
        return self._kb

    def pipe_names(self) -> list[str] | None:
        """The components that processed this run's documents (None: nothing was loaded)."""
        if self._engine is not None:
            return self._engine.pipe_names
        return self.pipeline.nlp.pipe_names if self.pipeline is not None else None

    def worker_count(self) -> int | None:
        """The Dask cluster's worker threads, once it ran (None: no cluster, or none started)."""
        return self._engine.threads if self._engine is not None else None

    def _dask(self) -> DaskEngine:
        """The run's Dask engine, started on first use (a local cluster only when a document needs it)."""
        if self._engine is None:
            from tqdm import tqdm

            plan = self.cluster
            assert plan is not None, "no cluster planned for this run"
            started = time.perf_counter()
            announce = (lambda line: tqdm.write(line, file=sys.stderr)) if plan.announce else None
            self._engine = DaskEngine(plan.settings, plan.scheduler, plan.workers, announce)
            self.load_seconds = time.perf_counter() - started
        return self._engine

    def _pipe(self) -> Pipeline:
        if self.pipeline is None:
            started = time.perf_counter()
            self.pipeline = Pipeline(self.model, self.models, self.span_style, self.language_models)
            self.load_seconds = time.perf_counter() - started
            log.info("loaded %s in %.1fs", self.model, self.load_seconds)
        return self.pipeline

    def lines(
        self, files: list[InputFile], reusable: Callable[[InputFile], bytes | None]
    ) -> Iterator[tuple[bytes, DocumentRecord, bool]]:
        """(line, record, reused) per file, in input order."""
        # Several batches per worker and round, so that no worker idles long at the end.
        if self.cluster is not None and self.cluster.scheduler is not None:
            workers = self._dask().threads  # a running cluster's size is known once connected
        else:
            workers = self.cluster.workers if self.cluster is not None else self.jobs
        limit = BATCH_CHARS if workers == 1 and self.cluster is None else BATCH_CHARS // (4 * workers)
        planned = ((batch, [reusable(f) for f in batch]) for batch in file_batches(files, limit))
        for (_, kept), records in self._process(planned):
            fresh = iter(records)
            for line in kept:
                if line is not None:
                    yield line, orjson.loads(line), True
                else:
                    record = next(fresh)
                    yield dumps(record), record, False

    def _process(self, planned: Iterator[_Planned]) -> Iterator[tuple[_Planned, list[DocumentRecord]]]:
        """Each planned batch with the records of its files that were not reused, in order."""
        if self.cluster is not None:
            yield from self._on_cluster(planned)
            return
        if self.jobs == 1:
            for item in planned:
                yield item, self._in_process(_todo(item))
            return
        # Workers take batches as they finish (no waiting on the slowest of a round);
        # a semaphore bounds how far the feeder runs ahead, so memory stays bounded.
        ahead, window = deque(), threading.BoundedSemaphore(4 * self.jobs)

        def tasks() -> Iterator[list[InputFile]]:
            for item in planned:
                while not window.acquire(timeout=0.2):
                    if self._stopping.is_set():
                        return  # the run failed: feed no more, so the pool can be torn down
                ahead.append(item)
                yield _todo(item)

        if self._pool is None:
            self._pool = WorkerPool(
                self.jobs, self.model, self.models, self._pipe, self.span_style, self.language_models
            )
        for records, spent in self._pool.imap(tasks(), self.max_bytes):
            item = ahead.popleft()
            window.release()
            for k, v in spent.items():
                self.stage_seconds[k] += v
            yield item, records

    def _on_cluster(self, planned: Iterator[_Planned]) -> Iterator[tuple[_Planned, list[DocumentRecord]]]:
        """As :meth:`_process`, on the Dask cluster."""
        for item in planned:  # the cluster starts at the first batch with a document to process
            if not _todo(item):
                yield item, []
                continue
            for done, (records, spent) in self._dask().imap(itertools.chain([item], planned), _todo):
                for k, v in spent.items():
                    self.stage_seconds[k] += v
                yield done, records
            return

    def _in_process(self, todo: list[InputFile]) -> list[DocumentRecord]:
        if not todo:
            return []
        records, spent = self._pipe().process_inputs_timed(todo, self.max_bytes)
        for k, v in spent.items():
            self.stage_seconds[k] += v
        return records

    def close(self, abort: bool = False) -> None:
        """Stop the workers: let them finish, or (``abort``, the run failed) stop them now."""
        if self._pool is not None:
            self._stopping.set()
            self._pool.close(abort)
            self._pool = None
        if self._engine is not None:
            self._engine.close(abort)
            self._engine = None


def _todo(item: _Planned) -> list[InputFile]:
    return [file for file, line in zip(*item, strict=True) if line is None]
