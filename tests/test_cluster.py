"""``namelink run --engine dask``: a real LocalCluster of worker processes gives a local run's bytes,
survives a killed worker, turns a document that kills every worker into an error record, and
refuses workers whose models differ from the client's (issue 14)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import OWN_FILES, RAW_FILES, read_jsonl

from pipeline.batch import run_batch
from pipeline.batch.cluster import ClusterMismatchError, in_order, ship
from pipeline.batch.journal import JOURNAL_NAME
from pipeline.cli import cli
from pipeline.io import InputError, InputFile
from pipeline.io.collections import Unreadable
from pipeline.io.formats import read_input
from pipeline.io.read import Fetched
from pipeline.resources import DEFAULT_MODELS_DIR

distributed = pytest.importorskip("distributed")
OUTPUTS = ("documents.jsonl", "entities.jsonl")
KILL_MARK = "KILL-THIS-WORKER"


# -- mechanisms, no cluster --------------------------------------------------------------------


def test_a_shipped_file_reads_as_the_file_itself(tmp_path):
    path = tmp_path / "letter.html"
    path.write_text("<p>Dear <i>Lev</i> Davidovich,</p>", encoding="utf-8")
    file = InputFile(path, "letter", "html")
    expected = read_input(file)
    shipped = ship(file, 1_000)
    path.unlink()  # a worker need not see the file: its bytes travel with the task
    assert isinstance(shipped.given, Fetched) and shipped.source == str(path)
    assert shipped.size == len(shipped.given.data) == len(expected.text.encode()) + 14
    assert read_input(shipped) == expected


def test_a_file_that_cannot_be_read_ships_as_its_local_error(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("x" * 50, encoding="utf-8")
    shipped = ship(InputFile(path, "big"), 10)
    assert isinstance(shipped.given, Unreadable) and shipped.source == str(path)
    with pytest.raises(InputError) as local:
        read_input(InputFile(path, "big"), 10)
    with pytest.raises(InputError) as remote:
        read_input(shipped, 10)
    assert str(remote.value) == str(local.value) and "larger than" in str(local.value)


class _Future:
    def __init__(self, log: list[str], name: str) -> None:
        self.log, self.name, self.finished = log, name, False

    def done(self) -> bool:
        return self.finished


def test_in_order_keeps_at_most_the_limit_in_flight_and_the_input_order():
    log: list[str] = []
    started: list[_Future] = []

    def start(item: str) -> _Future:
        log.append(f"start {item}")
        future = _Future(log, item)
        started.append(future)
        if item in ("b", "c"):  # finished early, out of order
            future.finished = True
        return future

    def finish(future: _Future):
        log.append(f"finish {future.name}")
        return [future.name], {}

    out = [item for item, _ in in_order("abcdefg", start, finish, lambda f: f.done(), limit=3)]
    assert out == list("abcdefg")
    in_flight = peak = 0
    for entry in log:
        in_flight += 1 if entry.startswith("start") else -1
        peak = max(peak, in_flight)
    assert peak == 3  # never more than the limit started and not finished
    assert log[:4] == ["start a", "start b", "start c", "finish a"]  # a window full: the oldest waited for


def test_only_what_the_task_did_becomes_an_error_line_never_a_lost_connection():
    from distributed import KilledWorker
    from distributed.client import ClosedClientError, FutureCancelledError

    from pipeline.batch.cluster import ClusterError, _failed_in_task, _stopped

    assert _failed_in_task(KilledWorker("k", "tcp://w", 3)) and _failed_in_task(ValueError("broke"))
    for lost in (FutureCancelledError("k", "scheduler-connection-lost"), ClosedClientError(), OSError("reset")):
        assert not _failed_in_task(lost)
        stopped = _stopped(lost)
        assert isinstance(stopped, ClusterError) and "checkpointed" in str(stopped)
    assert not _failed_in_task(ClusterMismatchError("worker x differs"))


# -- a real cluster ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Seed and own texts, a dangling link (an error line) and a collection with a bad row."""
    folder = tmp_path_factory.mktemp("cluster_corpus")
    for path in RAW_FILES + OWN_FILES:
        shutil.copyfile(path, folder / path.name)
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    rows = [{"id": "a", "text": "Natalia Sedova wrote to Lev Sedov."}, {"id": "b", "body": "no text field"}]
    (folder / "letters.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def local_out(pipe, corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cluster_local")
    run_batch([corpus], out, progress=False, pipeline=pipe)
    return out


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as running:
        yield running


def _same_output(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_the_cli_on_a_local_dask_cluster_writes_a_local_run_s_bytes(corpus, local_out, tmp_path):
    out = tmp_path / "dask"
    args = ["run", str(corpus), "-o", str(out), "--engine", "dask", "--workers", "2"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output  # the dangling link and the bad row are error lines
    assert "Dask: a local cluster of 2 worker processes; dashboard http" in result.output
    assert "15 documents (15 processed" in result.output
    _same_output(out, local_out)
    timings = json.loads((out / "manifest.json").read_text())["timings"]
    assert timings["engine"] == "dask" and timings["jobs"] == 2
    assert {"ner", "namelink_linker"} <= timings["stage_seconds"].keys()  # the workers' seconds, summed

    again = CliRunner().invoke(cli, args)  # incremental: only the two error lines are made again
    assert "15 documents (2 processed, 13 unchanged since the last run)" in again.output
    _same_output(out, local_out)


def test_a_killed_worker_s_batches_are_retried_and_the_run_completes(cluster, corpus, local_out, tmp_path):
    from distributed import Client

    out = tmp_path / "killed"
    with Client(cluster) as client:
        before = client.run(os.getpid)
        outcome: dict[str, object] = {}

        def run() -> None:
            try:
                outcome["summary"] = run_batch(
                    [corpus], out, progress=False, engine="dask", scheduler=cluster.scheduler_address
                )
            except BaseException as err:  # reported below
                outcome["error"] = err

        thread = threading.Thread(target=run)
        thread.start()
        journal = out / JOURNAL_NAME
        deadline = time.monotonic() + 300
        while thread.is_alive() and time.monotonic() < deadline:
            if journal.is_file() and journal.read_bytes().count(b"\n") >= 3:  # header and two documents
                break
            time.sleep(0.05)
        busy = [address for address, keys in client.processing().items() if keys]
        assert thread.is_alive() and busy, "the run ended before a worker could be killed"
        victim = before[busy[0]]  # a worker with a batch of ours running
        os.kill(victim, signal.SIGKILL)
        thread.join(600)
        assert "error" not in outcome, outcome.get("error")
        after = client.run(os.getpid)
        held = client.run(_pipelines_held)
    assert victim not in after.values() and len(after) == 2  # the nanny started a new worker
    assert set(held.values()) == {0}  # the run over, its plugin unregistered: no pipeline kept on the cluster
    assert outcome["summary"].documents == 15
    _same_output(out, local_out)


#: On a worker: how many pipelines it keeps (a lambda, which cloudpickle sends by value).
_pipelines_held = lambda: len(__import__("pipeline.batch.dask_worker", fromlist=["_LOADED"])._LOADED)  # noqa: E731


class _Killer(distributed.WorkerPlugin):
    """In every worker (and every restarted one): a document holding KILL_MARK ends the process."""

    def setup(self, worker) -> None:
        import pipeline.batch.document as document

        reader = document.read_input

        def read_or_die(file, max_bytes):
            if isinstance(file.given, Fetched) and KILL_MARK.encode() in file.given.data:
                os._exit(1)
            return reader(file, max_bytes)

        document.read_input = read_or_die


def test_a_document_that_kills_every_worker_becomes_an_error_record(pipe, tmp_path):
    import cloudpickle
    import dask
    import test_cluster
    from distributed import Client, LocalCluster

    folder = tmp_path / "in"
    folder.mkdir()
    for path in OWN_FILES[:3]:
        shutil.copyfile(path, folder / path.name)
    # in the middle of one batch with its neighbours, on the one worker they all share
    (folder / "own_02_poison.txt").write_text(f"Leon Trotsky. {KILL_MARK}\n", encoding="utf-8")
    local = tmp_path / "local"
    run_batch([folder], local, progress=False, pipeline=pipe)
    cloudpickle.register_pickle_by_value(test_cluster)  # the workers cannot import this test module
    out = tmp_path / "dask"
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as running,
        Client(running) as client,
    ):
        client.register_plugin(_Killer())
        summary = run_batch([folder], out, progress=False, engine="dask", scheduler=running.scheduler_address)
    assert summary.documents == 4 and summary.errors == 1
    got, expected = read_jsonl(out / "documents.jsonl"), read_jsonl(local / "documents.jsonl")
    assert [r["doc_id"] for r in got] == [r["doc_id"] for r in expected]
    poison = next(r for r in got if r["doc_id"] == "own_02_poison")
    assert poison["status"] == "error" and "stopped every Dask worker" in poison["error"]
    assert poison["sha256"] is None  # so the next run tries it again
    assert [r for r in got if r is not poison] == [r for r in expected if r["doc_id"] != "own_02_poison"]


def test_workers_with_other_models_are_refused_before_any_work(corpus, tmp_path, monkeypatch):
    from distributed import LocalCluster

    theirs = tmp_path / "their-models"
    shutil.copytree(DEFAULT_MODELS_DIR, theirs, ignore=shutil.ignore_patterns("__pycache__"))
    names = theirs / "rules" / "names.yaml"
    names.write_text(names.read_text(encoding="utf-8") + "\n# edited on the workers only\n", encoding="utf-8")
    monkeypatch.setenv("NAMELINK_MODELS", str(theirs))  # the workers' environment, not the client's
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as running:
        monkeypatch.delenv("NAMELINK_MODELS")
        out = tmp_path / "out"
        with pytest.raises(ClusterMismatchError) as refused:
            run_batch([corpus], out, progress=False, engine="dask", scheduler=running.scheduler_address)
    message = str(refused.value)
    assert "models:" in message and str(theirs) in message and message.count("differs from the client") == 2
    assert not out.exists()  # nothing written, not even a folder


def test_cluster_options_without_the_engine_are_usage_errors(tmp_path):
    (tmp_path / "a.txt").write_text("Leon Trotsky.", encoding="utf-8")
    for extra in (["--workers", "2"], ["--scheduler", "tcp://127.0.0.1:8786"]):  # without --engine dask
        result = CliRunner().invoke(cli, ["run", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), *extra])
        assert result.exit_code == 2 and "go with --engine dask" in result.output
    for sized in (["--workers", "2"], ["--jobs", "2"]):
        both = ["--engine", "dask", *sized, "--scheduler", "tcp://127.0.0.1:8786"]
        result = CliRunner().invoke(cli, ["run", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), *both])
        assert result.exit_code == 2 and "has its own workers" in result.output
    assert not (tmp_path / "out").exists()


def test_a_scheduler_that_does_not_answer_is_a_clear_error(tmp_path, monkeypatch):
    import socket

    from pipeline.batch import cluster

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "2s")
    (tmp_path / "a.txt").write_text("Leon Trotsky.", encoding="utf-8")
    args = ["run", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), "--engine", "dask"]
    result = CliRunner().invoke(cli, [*args, "--scheduler", f"tcp://127.0.0.1:{port}"])
    assert result.exit_code == 2 and f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in result.output
    assert not (tmp_path / "out").exists()


def test_the_client_and_its_local_cluster_keep_a_bounded_log_of_the_batches_sent(tmp_path, monkeypatch):
    from pipeline.batch import cluster, run

    limit = cluster.BOUNDED_LOGS["distributed.admin.low-level-log-length"]
    for n in range(limit + 30):
        (tmp_path / f"{n:03d}.txt").write_text(f"Leon Trotsky wrote letter {n}.", encoding="utf-8")
    monkeypatch.setattr(run, "BATCH_CHARS", 4)  # one document per task: more tasks than the bound
    logs: dict[str, tuple[int, int | None]] = {}
    close = cluster.DaskEngine.close

    def look_then_close(engine, abort=False):
        if engine.client is not None:
            streams = {"client": engine.client.scheduler_comm}
            streams |= {f"scheduler to {w}": s for w, s in engine.cluster.scheduler.stream_comms.items()}
            logs.update({name: (len(s.recent_message_log), s.recent_message_log.maxlen) for name, s in streams.items()})
        close(engine, abort)

    monkeypatch.setattr(cluster.DaskEngine, "close", look_then_close)
    summary = run_batch([tmp_path], tmp_path / "out", progress=False, engine="dask", workers=1)
    assert summary.documents == limit + 30
    assert len(logs) == 2 and all(maxlen == limit for _, maxlen in logs.values())
    assert logs["client"][0] == limit  # the client sent more batches than it kept (Dask's default keeps 1,000)


def test_a_batch_that_finishes_as_the_wait_for_it_runs_out_is_its_result():
    from pipeline.batch.cluster import DaskEngine

    class JustFinished:  # the poll timed out, and the task finished before the next look
        def result(self, timeout=None):
            if timeout is not None:
                raise TimeoutError(f"timed out after {timeout} s.")
            return (["records"], {"ner": 1.0})

        def done(self):
            return True

    engine = DaskEngine.__new__(DaskEngine)  # no cluster: a finished future asks none
    assert engine._wait(JustFinished()) == (["records"], {"ner": 1.0})
