"""``--engine dask``: batches of documents processed on a Dask cluster, the output as a local run's.

:class:`DaskEngine` connects to the scheduler named (``--scheduler``) or
starts a ``LocalCluster`` of ``workers`` processes of one thread each,
registers :class:`~pipeline.batch.dask_worker.NamelinkPlugin` (each worker
loads the pipeline once, from its own installation) and refuses to go on
unless every worker's run fingerprint is the client's
(:class:`ClusterMismatchError`).

:meth:`DaskEngine.imap` then works as a local pool does for
:func:`~pipeline.batch.run.run_batch`: the client reads each file's bytes
(:func:`ship`: workers need no shared filesystem) and submits a batch per
task, at most :attr:`DaskEngine.in_flight` batches ahead of the one it
waits for (backpressure: the client holds a few batches, never the corpus or
all results), and yields the results in input order, so the output, the
checkpoint journal and the incremental reuse are a local run's.

Failures: Dask retries a task whose worker died on another worker (until it
was on ``allowed-failures`` + 1 dying workers, 3 + 1 by default) and a task that
raised (:data:`RETRIES`). A batch that still fails is sent again one document
per task, one task at a time, so that only the document that kills workers
(or breaks every time) gets an error record, and the run goes on; that record
names no sha256, so the next run tries the document again. Losing the
scheduler, or a worker that joins with other data, stops the run with a
:class:`ClusterError` (the finished documents are checkpointed).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
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
#: Seconds a run waits while the cluster has no worker at all (a nanny that cannot start its worker
#: again, a cluster scaled to nothing) before it stops with its checkpoint, rather than wait for ever.
NO_WORKERS_SECONDS = 300
#: Seconds between two looks at the cluster while a batch is awaited.
_POLL_SECONDS = 5
#: Seconds to wait for a scheduler to answer.
CONNECT_TIMEOUT = "20s"
#: Dask settings of the local cluster namelink starts (docs/cluster.md gives them for other clusters):
#: the workers' statistical profiler, which samples every thread's stack every 10 ms, and the event
#: loops' monitors (ticks every 20 ms, memory every 100 ms) take the GIL from the document being
#: processed. Measured on this machine, 2 MB corpus, interleaved runs: with them off, --workers 2
#: went from 0.84x and 0.93x of --jobs 2's throughput to 0.98x and 0.95x.
#: Dask's low-level logs (the same settings of the client and of the local cluster): each batched
#: stream keeps its last ``low-level-log-length`` messages under 1 MB (Dask's default 1,000), and a
#: message that sends a task carries its documents. The client's stream to the scheduler and the
#: scheduler's to each worker so held some 1,000 batches each: in a client with a local cluster,
#: 3,000 tasks of 37.5 KB took its RSS from 60 to 259 MB with Dask's default, 80 MB with 100.
BOUNDED_LOGS = {"distributed.admin.low-level-log-length": 100}
LEAN_LOCAL_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    **BOUNDED_LOGS,
}

Item = TypeVar("Item")
Started = TypeVar("Started")
Result = tuple[list[DocumentRecord], dict[str, float]]


class ClusterError(RuntimeError):
    """The cluster cannot run the batch, or stopped running it (the scheduler lost, workers that differ)."""


class ClusterStartError(ClusterError):
    """The cluster could not start the run: no scheduler there, no workers, workers that differ.
    Nothing was processed."""


class ClusterMismatchError(ClusterStartError):
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
        """Names these settings (a worker keeps one pipeline per key)."""
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
            raise ClusterStartError("--engine dask needs Dask: pip install 'namelink[dask]'") from err
        self._worker = dask_worker
        self.settings = settings
        self.cluster: Any = None
        self.client: Any = None
        self._plugin = dask_worker.NamelinkPlugin(settings)
        try:
            if scheduler is None:
                try:
                    with dask.config.set(LEAN_LOCAL_CLUSTER):  # the nannies hand it to their workers
                        self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True)
                except Exception as err:
                    raise ClusterStartError(f"cannot start a local Dask cluster: {err}") from err
                with dask.config.set(BOUNDED_LOGS):  # read as the client opens its stream
                    self.client = Client(self.cluster)
            else:
                try:
                    with dask.config.set(BOUNDED_LOGS):
                        self.client = Client(scheduler, timeout=CONNECT_TIMEOUT)
                except (OSError, ValueError) as err:  # nobody there; an address Dask cannot read
                    raise ClusterStartError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from err
            where = scheduler or f"a local cluster of {workers} worker processes"
            line = f"Dask: {where}; dashboard {self._dashboard()}"
            if announce is not None:
                announce(line)
            log.info("%s", line)
            self._check_workers()
        except BaseException:
            self.close()
            raise

    def _dashboard(self) -> str:
        try:
            return self.client.dashboard_link
        except Exception:  # a scheduler started without one
            return "none (the scheduler serves no dashboard)"

    def _check_workers(self) -> None:
        """Load the pipeline on every worker and compare fingerprints before any work is sent."""
        try:
            self.client.register_plugin(self._plugin)
            statuses: dict[str, dict[str, Any]] = self.client.run(self._worker.worker_status, self.settings)
        except (ImportError, AttributeError, TypeError) as err:  # a worker without this namelink
            raise ClusterMismatchError(
                f"a Dask worker cannot load namelink's worker side ({type(err).__name__}: {err}): "
                "install the client's namelink on every worker"
            ) from err
        if not statuses:
            raise ClusterStartError("the Dask cluster has no workers")
        problems = [f"{address}: {s['problem']}" for address, s in sorted(statuses.items()) if s["problem"]]
        if problems:
            raise ClusterMismatchError(
                "the Dask workers cannot run this batch as the client would:\n  " + "\n  ".join(problems)
            )
        self.pipe_names: list[str] = next(iter(statuses.values()))["pipe_names"]
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
        """A task for ``files`` (Dask retries it :data:`RETRIES` times if it raises)."""
        return self.client.submit(self._worker.process_batch, files, self.settings, retries=RETRIES, pure=False)

    def _result(self, files: list[InputFile], future: Any, alone: bool = False) -> Result:
        """The batch's result; a batch that failed, document by document (see the module).
        ``alone``: the task was one document sent after its batch failed (a second failure is its own)."""
        try:
            return self._wait(future)
        except Exception as err:
            if isinstance(err, ClusterError) and not isinstance(err, ClusterMismatchError):
                raise  # no worker left: the message says so already
            if not _failed_in_task(err):
                raise _stopped(err) from err
            if alone:
                return [_failed(files[0], err)], {}
            log.warning("%d document(s) failed on Dask (%s); sending them one at a time", len(files), err)
        records: list[DocumentRecord] = []
        spent: dict[str, float] = {}
        for file in files:  # one at a time: a worker that dies then was running only this one
            try:
                single = self._submit([file])
            except Exception as err:
                raise _stopped(err) from err
            found, seconds = self._result([file], single, alone=True)
            records += found
            for k, v in seconds.items():
                spent[k] = spent.get(k, 0.0) + v
        return records, spent

    def _wait(self, future: Any) -> Result:
        """The future's result; RAISES (ClusterError) once the cluster has had no worker for
        :data:`NO_WORKERS_SECONDS`."""
        alone_since: float | None = None
        while True:
            try:
                return future.result(timeout=_POLL_SECONDS)
            except TimeoutError:
                if future.done():  # it finished as the wait ran out (or raised a TimeoutError of its own)
                    return future.result()
            if self.client.nthreads():
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            elif time.monotonic() - alone_since > NO_WORKERS_SECONDS:
                raise ClusterError(
                    f"the Dask cluster has had no worker for {NO_WORKERS_SECONDS} s; the documents finished so "
                    "far are checkpointed: run the same command again once it has workers"
                )

    def close(self, abort: bool = False) -> None:
        """Let go of the client (its tasks are released: ``abort`` changes nothing more), the
        workers' pipelines of this run and, if this engine started it, the local cluster."""
        client, cluster = self.client, self.cluster
        self.client = self.cluster = None
        if client is not None and cluster is None:  # a cluster that outlives the run: unload the pipeline
            try:
                client.unregister_worker_plugin(self._plugin.name)
            except Exception as err:  # never registered, or the scheduler gone
                log.debug("unregistering %s: %s", self._plugin.name, err)
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


def _failed_in_task(err: BaseException) -> bool:
    """Did the task itself fail (its workers died, or it raised), rather than the client's
    connection to the cluster (a cancelled future, a closed client, a lost scheduler)?"""
    from concurrent.futures import CancelledError

    from distributed import KilledWorker
    from distributed.client import ClosedClientError

    if isinstance(err, ClusterError):  # a worker with other data; no worker left
        return False
    if isinstance(err, KilledWorker):
        return True
    return not isinstance(err, (CancelledError, ClosedClientError, OSError, TimeoutError))


def _stopped(err: BaseException) -> ClusterError:
    """The error that stops a run the cluster cannot go on with."""
    if isinstance(err, ClusterMismatchError):
        return ClusterError(f"{err}\nthe documents finished so far are checkpointed: run again once the workers match")
    return ClusterError(
        f"lost the Dask cluster ({type(err).__name__}: {err}); the documents finished so far are "
        "checkpointed: run the same command again to go on"
    )


def _failed(file: InputFile, err: BaseException) -> DocumentRecord:
    """The error record of a document whose task failed every time (killed its workers). It names
    no sha256, so that the next run tries it again (a worker's death may be the cluster's doing)."""
    from distributed import KilledWorker

    if isinstance(err, KilledWorker):
        why = "it stopped every Dask worker that processed it (killed, or out of memory)"
    else:
        why = f"{type(err).__name__}: {err}"
    return document_record(None, doc_id=file.doc_id, source=file.source, error=f"{file.source}: {why}")
