"""The worker side of ``namelink run --engine dask``: one pipeline per worker process, checked first.

A Dask worker runs namelink from its own installation: its namelink code, its
spaCy pipelines, its models folder (``$NAMELINK_MODELS`` in the worker's
environment, else the folder the client reads if the worker has it at the same
path, else its installation's ``models/``). :class:`NamelinkPlugin`, registered
by the client on every worker (and on any worker that joins later), loads the
:class:`~pipeline.batch.document.Pipeline` once per process, in a thread so
the worker keeps answering its scheduler, after comparing the worker's run
fingerprint (:func:`~pipeline.batch.incremental.run_fingerprint`: code, model
versions, the models folder's hash) with the client's. :func:`worker_status`
tells the client the outcome before any document is sent;
:func:`process_batch`, the task, refuses to work on a worker whose fingerprint
differs (:class:`ClusterMismatchError`), so a worker that joins later with
other data never writes a line either.

Everything a worker keeps lives in this module's :data:`_LOADED` of that
process, keyed by the run's settings, never on an object the client holds.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import os
import socket
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from distributed.diagnostics.plugin import WorkerPlugin

from pipeline.batch.cluster import ClusterMismatchError, WorkerSettings
from pipeline.batch.document import Pipeline
from pipeline.batch.incremental import PACKAGE_DIR, run_fingerprint
from pipeline.io import InputFile
from pipeline.records import DocumentRecord
from pipeline.resources import hash_tree, models_dir


@dataclass
class Loaded:
    """One worker process's pipeline for a run (``problem``: why it has none)."""

    pipeline: Pipeline | None
    problem: str | None
    pipe_names: list[str]
    lock: threading.Lock = field(default_factory=threading.Lock)  # one batch at a time per pipeline


#: glibc's mallopt(3) parameters, and the thresholds a worker gets back (glibc's dynamic maximum
#: for the mmap threshold on 64-bit, and twice that for trimming).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD_BYTES, _TRIM_THRESHOLD_BYTES = 32 << 20, 64 << 20

#: The hash of namelink's code as this process imported it (a checkout updated under a running
#: worker would otherwise show the new code's hash while the old code runs).
_IMPORTED_CODE = hash_tree(PACKAGE_DIR, "*.py")

#: Settings key -> what this worker process loaded for them.
_LOADED: dict[str, Loaded] = {}
_LOADING = threading.Lock()


def worker_models(settings: WorkerSettings) -> Path:
    """The models folder this worker reads (see the module)."""
    if not os.environ.get("NAMELINK_MODELS") and Path(settings.models).is_dir():
        return Path(settings.models)
    return models_dir(None)  # $NAMELINK_MODELS, else the installation's


def load(settings: WorkerSettings) -> Loaded:
    """This process's pipeline for ``settings``, loaded on first call (never raises: a failure is
    the :attr:`Loaded.problem`)."""
    with _LOADING:
        if settings.key not in _LOADED:
            _LOADED[settings.key] = _load(settings)
        return _LOADED[settings.key]


def _untrimmed_malloc() -> None:
    """Undo the ``MALLOC_TRIM_THRESHOLD_`` a Dask nanny starts its workers with (65,536 bytes, to
    give memory back to the system): set, it also freezes glibc's mmap threshold at 128 KB, so
    every larger array the model allocates is mapped and unmapped again. Measured on this machine:
    29% more seconds per document in a worker (22.5 s of stages without it, 29.0 s with it)."""
    if not (os.environ.get("MALLOC_TRIM_THRESHOLD_") and sys.platform.startswith("linux")):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_BYTES)
        libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD_BYTES)
    except (OSError, AttributeError):  # another C library: nothing to undo
        pass


def _load(settings: WorkerSettings) -> Loaded:
    _untrimmed_malloc()
    where = f"worker {socket.gethostname()} (pid {os.getpid()})"
    models = worker_models(settings)
    try:
        own = run_fingerprint(
            settings.model, models, settings.span_style, settings.languages, settings.max_bytes, settings.reading
        )
    except Exception as err:  # a model the worker does not have, a models folder it cannot read
        return Loaded(None, f"{where}: {err}", [])
    own["code"] = _IMPORTED_CODE
    differ = sorted(k for k in own.keys() | settings.fingerprint.keys() if own.get(k) != settings.fingerprint.get(k))
    if differ:
        parts = "; ".join(f"{k}: {own.get(k)!r} here, {settings.fingerprint.get(k)!r} on the client" for k in differ)
        return Loaded(None, f"{where} reads {models} and differs from the client in {parts}", [])
    try:
        pipe = Pipeline(settings.model, models, settings.span_style, settings.languages)
        names = list(pipe.nlp.pipe_names)
    except Exception as err:
        return Loaded(None, f"{where}: cannot load the pipeline: {err}", [])
    return Loaded(pipe, None, names)


class NamelinkPlugin(WorkerPlugin):
    """Loads the run's pipeline on a worker as it starts (or as the plugin is registered)."""

    def __init__(self, settings: WorkerSettings) -> None:
        self.settings = settings
        self.name = f"namelink-{settings.key}"

    async def setup(self, worker: object) -> None:
        await asyncio.to_thread(load, self.settings)  # minutes for a large knowledge base's first build

    def teardown(self, worker: object) -> None:
        """The run is over (the client unregistered the plugin): let the pipeline go."""
        with _LOADING:
            _LOADED.pop(self.settings.key, None)


async def worker_status(settings: WorkerSettings) -> dict[str, object]:
    """What the client checks before sending work: the problem and the pipe names (in a thread: a
    load still under way must not stop the worker's event loop)."""
    loaded = await asyncio.to_thread(load, settings)
    return {"problem": loaded.problem, "pipe_names": loaded.pipe_names}


def process_batch(files: list[InputFile], settings: WorkerSettings) -> tuple[list[DocumentRecord], dict[str, float]]:
    """The task: records of a batch of shipped files, and the seconds spent per stage on them.
    RAISES (ClusterMismatchError): this worker's installation is not the client's."""
    loaded = load(settings)
    if loaded.pipeline is None:
        raise ClusterMismatchError(loaded.problem)
    with loaded.lock:  # a worker started with several threads still runs one batch per pipeline
        return loaded.pipeline.process_inputs_timed(files, settings.max_bytes)
