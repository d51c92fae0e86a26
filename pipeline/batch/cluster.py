"""``--engine dask``: batches of documents processed on a Dask cluster, the output as a local run's.

:class:`DaskEngine` connects to the scheduler named (``--scheduler``) or
starts a ``LocalCluster`` of ``workers`` processes of one thread each,
registers :class:`~pipeline.batch.dask_worker.NamelinkPlugin` (each worker
loads the pipeline once, from its own installation) and refuses to go on
unless every worker's run fingerprint is the client's
(:class:`~pipeline.batch.dask_worker.ClusterMismatchError`).

:meth:`DaskEngine.imap` then works as a local pool does for
:func:`~pipeline.batch.run.run_batch`: the client reads each file's bytes
(:func:`ship`: workers need no shared filesystem) and submits a batch per
task, at most :attr:`DaskEngine.in_flight` batches ahead of the one it
waits for (backpressure: the client holds a few batches, never the corpus or
all results), and yields the results in input order, so the output, the
checkpoint journal and the incremental reuse are a local run's.

Failures: Dask retries a task whose worker died on another worker (the
scheduler's ``allowed-failures``, 3 by default) and a task that raised
(:data:`RETRIES`). A batch that still fails is sent again one document per
task, so that only the document that kills workers, or breaks its batch
every time, gets an error record; the run goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from pipeline.io import InputError, InputFile
from pipeline.io.collections import Unreadable
from pipeline.io.read import Fetched, read_bytes
from pipeline.output.build import document_record
from pipeline.records import DocumentRecord

log = logging.getLogger(__name__)

#: Times Dask runs a task again after it raised (a worker's death is the scheduler's count).
RETRIES = 2
#: Batches in flight per worker thread: enough that no worker waits for the client.
IN_FLIGHT_PER_THREAD = 4
#: Seconds to wait for a scheduler to answer.
CONNECT_TIMEOUT = "20s"
#: Dask settings of the local cluster namelink starts (docs/cluster.md gives them for other clusters):
#: the workers' statistical profiler, which samples every thread's stack every 10 ms, and the event
#: loops' monitors (ticks every 20 ms, memory every 100 ms) take the GIL from the document being
#: processed. Measured on this machine, 2 MB corpus, interleaved runs: with them off, --workers 2
#: went from 0.84x and 0.93x of --jobs 2's throughput to 0.98x and 0.95x.
LEAN_LOCAL_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
}

Item = TypeVar("Item")
Started = TypeVar("Started")
Result = tuple[list[DocumentRecord], dict[str, float]]


class ClusterError(RuntimeError):
    """The cluster cannot run the batch: no scheduler there, no workers, or workers that differ."""


class ClusterMismatchError(ClusterError):
    """A worker's namelink, models or spaCy pipelines are not the client's (or do not load there)."""


@dataclass(frozen=True)
class WorkerSettings:
    """What a worker needs to load the run's pipeline and check it is the client's.

    ``models`` the folder the client reads (absolute); ``languages`` language -> spaCy pipeline;
    ``reading`` the input options' fingerprint; ``fingerprint`` the client's run fingerprint.
    """

    model: str
    models: str
    span_style: str
    languages: dict[str, str] = field(default_factory=dict)
    max_bytes: int = 0
    reading: str | None = None
    fingerprint: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]


def ship(file: InputFile, max_bytes: int) -> InputFile:
    """``file`` with its bytes read here (or why they cannot be: an error record, as a local run's)."""
    if file.given is not None:  # a collection's row, standard input: read already
        return file
    try:
        data = read_bytes(file.path, max_bytes)
    except InputError as err:
        return file._replace(given=Unreadable(str(file.path), str(err), getattr(err, "sha256", None)))
    return file._replace(given=Fetched(str(file.path), data))


class DaskEngine:
    """A Dask client for one run (see the module). ``scheduler`` an address (None: a LocalCluster of
    ``workers`` processes); ``announce`` prints a line for the user (the dashboard's link)."""

    def __init__(
        self,
        settings: WorkerSettings,
        scheduler: str | None = None,
        workers: int = 1,
        announce: Callable[[str], None] | None = None,
    ) -> None:
        try:
            import dask
            from distributed import Client, LocalCluster

            from pipeline.batch import dask_worker
        except ImportError as err:
            raise ClusterError("--engine dask needs Dask: pip install 'namelink[dask]'") from err
        self._worker = dask_worker
        self.settings = settings
        self.cluster: Any = None
        try:
            if scheduler is None:
                with dask.config.set(LEAN_LOCAL_CLUSTER):  # the nannies hand it to their workers
                    self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True)
                self.client = Client(self.cluster)
            else:
                self.client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except OSError as err:
            self.close()
            raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from err
        where = scheduler or f"a local cluster of {workers} worker processes"
        if announce is not None:
            announce(f"Dask: {where}; dashboard {self.client.dashboard_link}")
        log.info("Dask: %s; dashboard %s", where, self.client.dashboard_link)
        try:
            self._check_workers()
        except BaseException:
            self.close()
            raise

    def _check_workers(self) -> None:
        """Load the pipeline on every worker and compare fingerprints before any work is sent."""
        self.client.register_plugin(self._worker.NamelinkPlugin(self.settings))
        statuses: dict[str, dict[str, Any]] = self.client.run(self._worker.worker_status, self.settings)
        if not statuses:
            raise ClusterError("the Dask cluster has no workers")
        problems = [f"{address}: {s['problem']}" for address, s in sorted(statuses.items()) if s["problem"]]
        if problems:
            raise ClusterMismatchError(
                "the Dask workers cannot run this batch as the client would:\n  " + "\n  ".join(problems)
            )
        self.pipe_names: list[str] = next(iter(statuses.values()))["pipe_names"]
        self.load_seconds = max(float(s["load_seconds"]) for s in statuses.values())
        self.threads = sum(self.client.nthreads().values())
        self.in_flight = IN_FLIGHT_PER_THREAD * self.threads

    def imap(self, items: Iterable[Item], todo: Callable[[Item], list[InputFile]]) -> Iterator[tuple[Item, Result]]:
        """(item, (records, stage seconds)) per item, in order; ``todo`` the files of an item to
        process (none: nothing is sent)."""

        def start(item: Item) -> tuple[list[InputFile], Any]:
            files = [ship(f, self.settings.max_bytes) for f in todo(item)]
            return files, self._submit(files) if files else None

        def finish(started: tuple[list[InputFile], Any]) -> Result:
            files, future = started
            return self._result(files, future) if future is not None else ([], {})

        return in_order(items, start, finish, _ready, self.in_flight)

    def _submit(self, files: list[InputFile]) -> Any:
        return self.client.submit(self._worker.process_batch, files, self.settings, retries=RETRIES, pure=False)

    def _result(self, files: list[InputFile], future: Any) -> Result:
        """The batch's result; a batch that failed, document by document (see the module)."""
        try:
            return future.result()
        except ClusterMismatchError:
            raise
        except Exception as err:
            if len(files) == 1:
                return [_failed(files[0], err)], {}
            log.warning("a batch of %d documents failed (%s); sending them one by one", len(files), err)
        records: list[DocumentRecord] = []
        spent: dict[str, float] = {}
        singles = [self._submit([f]) for f in files]
        for file, single in zip(files, singles, strict=True):
            found, seconds = self._result([file], single)
            records += found
            for k, v in seconds.items():
                spent[k] = spent.get(k, 0.0) + v
        return records, spent

    def close(self, abort: bool = False) -> None:
        """Let go of the client and, if this engine started it, the local cluster."""
        client, cluster = getattr(self, "client", None), self.cluster
        self.cluster = None
        for part in (client, cluster):
            if part is not None:
                try:
                    part.close()
                except Exception as err:  # a cluster already gone: nothing left to stop
                    log.debug("closing %s: %s", part, err)


def in_order(
    items: Iterable[Item],
    start: Callable[[Item], Started],
    finish: Callable[[Started], Result],
    ready: Callable[[Started], bool],
    limit: int,
) -> Iterator[tuple[Item, Result]]:
    """(item, ``finish(start(item))``) per item, in order, with at most ``limit`` items started and
    not yet finished: an item is started as soon as there is room, finished (waited for) when it
    is the oldest and either the window is full or ``ready`` says it is done."""
    window: deque[tuple[Item, Started]] = deque()
    for item in items:
        while window and (len(window) >= limit or ready(window[0][1])):
            done, started = window.popleft()
            yield done, finish(started)
        window.append((item, start(item)))
    while window:
        done, started = window.popleft()
        yield done, finish(started)


def _ready(started: tuple[list[InputFile], Any]) -> bool:
    future = started[1]
    return future is None or future.done()


def _failed(file: InputFile, err: BaseException) -> DocumentRecord:
    """The error record of a document whose task failed every time (killed its workers)."""
    from distributed import KilledWorker

    if isinstance(err, KilledWorker):
        why = "it stopped every Dask worker that processed it (killed, or out of memory)"
    else:
        why = f"{type(err).__name__}: {err}"
    record = document_record(None, doc_id=file.doc_id, source=file.source, error=f"{file.source}: {why}")
    given = file.given
    data = given.data if isinstance(given, Fetched) else None
    if data is not None:
        record["sha256"] = hashlib.sha256(data).hexdigest()
    return record
