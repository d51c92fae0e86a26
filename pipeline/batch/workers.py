"""Worker processes: batches of files processed by a pool, each worker with one loaded pipeline.

With the ``fork`` start method the workers inherit the parent's loaded
pipeline copy-on-write (no second load); otherwise each loads its own. The
pipeline a worker uses lives in that worker process only (:data:`_IN_WORKER`,
set by the pool's initializer), never in the parent's objects.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pipeline.batch.document import Pipeline
from pipeline.io import InputFile
from pipeline.records import DocumentRecord

#: Seconds between checks that every worker is alive while waiting for a batch.
_POLL_SECONDS = 1.0
#: Seconds the pool's own teardown may take after its workers were killed.
_TEARDOWN_SECONDS = 5.0
#: prctl(2) option: the signal a process gets when its parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1
#: The pipeline of this worker process (None in a process that is no worker).
_IN_WORKER: dict[str, Pipeline] = {}


def _init_worker(
    model: str,
    models: str | Path | None,
    span_style: str,
    inherited: Pipeline | None,
    parent: int,
    language_models: dict[str, str],
) -> None:
    _die_with_parent(parent)
    pipe = inherited if inherited is not None else Pipeline(model, models, span_style, language_models)
    _IN_WORKER["pipeline"] = pipe


def _die_with_parent(parent: int) -> None:
    """A worker ends with the run, quietly: Ctrl-C is the parent's to handle (it stops the pool),
    SIGTERM ends a worker at once without a traceback, and on Linux the kernel sends it SIGTERM
    when the parent dies, even by ``kill -9`` (no orphan left writing to a closed pipe)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _work(task: tuple[list[InputFile], int]) -> tuple[list[DocumentRecord], dict[str, float]]:
    """Records of a batch of files (each read up to ``max_bytes``), and the seconds spent per stage on them."""
    files, max_bytes = task
    if not files:
        return [], {}
    return _IN_WORKER["pipeline"].process_inputs_timed(files, max_bytes)


class WorkerPool:
    """``jobs`` processes that turn batches of files into records, in order."""

    def __init__(
        self,
        jobs: int,
        model: str,
        models: str | Path | None,
        loaded: Callable[[], Pipeline],
        span_style: str,
        language_models: dict[str, str] | None = None,
    ) -> None:
        forking = "fork" in multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if forking else "spawn")
        # Forked workers share the loaded model copy-on-write; spawned ones load their own.
        inherited = loaded() if forking else None
        initargs = (model, models, span_style, inherited, os.getpid(), dict(language_models or {}))
        self._pool = context.Pool(jobs, initializer=_init_worker, initargs=initargs)
        self._workers = self._pids()

    def imap(
        self, batches: Iterable[list[InputFile]], max_bytes: int
    ) -> Iterator[tuple[list[DocumentRecord], dict[str, float]]]:
        """(records, stage seconds) per batch, in the order the batches were given.
        RAISES (WorkerDiedError): a worker process died (the pool would wait for its batch for ever)."""
        results = self._pool.imap(_work, ((batch, max_bytes) for batch in batches))
        while True:
            try:
                yield results.next(timeout=_POLL_SECONDS)
            except multiprocessing.TimeoutError:
                if self._pids() != self._workers:  # the pool replaced a worker that died
                    raise WorkerDiedError(
                        "a worker process died (killed by the system, perhaps for lack of memory); the "
                        "documents finished so far are checkpointed: run the same command again to go on"
                    ) from None
            except StopIteration:
                return

    def _pids(self) -> frozenset[int]:
        return frozenset(process.pid for process in self._pool._pool)  # type: ignore[attr-defined]

    def close(self, abort: bool = False) -> None:
        """Wait for the workers to finish, or (``abort``) end them at once: a failed run never hangs,
        not even when a dead worker left the pool's queue locked (the workers are killed first, and
        the pool's own teardown gets ``_TEARDOWN_SECONDS``)."""
        if not abort:
            self._pool.close()
            self._pool.join()
            return
        for process in list(self._pool._pool):  # type: ignore[attr-defined]
            process.kill()
        teardown = threading.Thread(target=self._terminate, daemon=True)
        teardown.start()
        teardown.join(_TEARDOWN_SECONDS)

    def _terminate(self) -> None:
        self._pool.terminate()
        self._pool.join()


class WorkerDiedError(RuntimeError):
    """A ``--jobs`` worker process died; the run stops (its finished documents are checkpointed)."""
