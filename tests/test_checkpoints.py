"""A run's output as one set, and runs that resume (issue 10): kills between renames, kills
mid-run, full disks, busy folders and the temporary files a killed run leaves."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from conftest import OWN_FILES, ROOT

from pipeline.batch import run_batch
from pipeline.batch.journal import JOURNAL_NAME, Journal
from pipeline.batch.run import OutputError
from pipeline.cli import cli
from pipeline.output import files as output_files
from pipeline.output.files import FolderLock
from pipeline.records import DOCUMENTS, ENTITIES, MANIFEST, IncompleteOutputError, check_output_set

OUTPUTS = (DOCUMENTS, ENTITIES)


def _corpus(folder: Path, copies: int = 1) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(copies):
        for path in OWN_FILES:
            shutil.copy(path, folder / f"{k:02d}_{path.name}")
    return folder


def _files(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


@pytest.fixture(scope="module")
def reference(pipe, tmp_path_factory):
    """An uninterrupted run over a small corpus: (input folder, its output folder)."""
    root = tmp_path_factory.mktemp("checkpoints")
    inputs = _corpus(root / "in")
    run_batch([inputs], root / "reference", progress=False, pipeline=pipe)
    return inputs, root / "reference"


# -- the set is one run's ----------------------------------------------------------------------------


def test_the_manifest_names_the_checksum_of_every_other_file(reference):
    _, out = reference
    check_output_set(out)  # the files are the set the manifest names
    listed = orjson.loads((out / MANIFEST).read_bytes())["files"]
    assert sorted(listed) == sorted(OUTPUTS)


def test_a_kill_between_the_renames_is_told_and_the_next_run_repairs_it(pipe, reference, tmp_path, monkeypatch):
    inputs, ref = reference
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    (inputs / "zz_new.txt").write_text("Natalia Sedova wrote to Lev Sedov.\n", encoding="utf-8")
    real_replace, renamed = os.replace, []

    def killed_after_the_first(src, dst):
        if renamed:
            raise KeyboardInterrupt  # the run dies here: documents.jsonl new, the rest old
        renamed.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(output_files.os, "replace", killed_after_the_first)
    try:
        with pytest.raises(KeyboardInterrupt):
            run_batch([inputs], out, progress=False, pipeline=pipe)
        monkeypatch.setattr(output_files.os, "replace", real_replace)
        with pytest.raises(IncompleteOutputError, match="not one run's"):
            check_output_set(out)
        result = CliRunner().invoke(cli, ["inspect", str(out)])
        assert result.exit_code == 2 and "not one run's" in result.output and "Traceback" not in result.output
        summary = run_batch([inputs], out, progress=False, pipeline=pipe)
        check_output_set(out)
        assert summary.resumed == summary.reused == summary.documents == 9  # nothing processed twice
        assert not (out / JOURNAL_NAME).exists()
    finally:
        (inputs / "zz_new.txt").unlink()


def test_a_hand_edited_documents_file_is_not_trusted_by_the_incremental_run(pipe, reference, tmp_path):
    inputs, ref = reference
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    lines = (out / DOCUMENTS).read_bytes().splitlines(keepends=True)
    lines[0] = lines[0].replace(b'"status":"ok"', b'"status":"ok","note":"edited"')
    (out / DOCUMENTS).write_bytes(b"".join(lines))
    summary = run_batch([inputs], out, progress=False, pipeline=pipe)
    assert summary.reused == 0
    assert _files(out) == _files(ref)


def test_temporary_files_a_killed_run_left_are_removed_by_the_next(pipe, reference, tmp_path):
    inputs, ref = reference
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    stale = [out / ".documents.jsonl.namelink-run-k2x9ab_c.tmp", out / ".entities.jsonl.namelink-run-0a1b2c3d.tmp"]
    for path in stale:
        path.write_bytes(b"x" * 1000)
    kept = [out / "notes.tmp", out / ".my_notes.backup.tmp", out / ".tasks.jsonl.x_f728br.tmp"]  # user's, export's
    for path in kept:
        path.write_text("not a killed run's")
    run_batch([inputs], out, progress=False, pipeline=pipe)
    assert not any(path.exists() for path in stale)
    assert all(path.exists() for path in kept)


# -- a disk that fills, a folder another run holds ------------------------------------------------------


def test_a_full_disk_is_a_clear_error_and_the_previous_output_stays(pipe, reference, tmp_path, monkeypatch):
    inputs, ref = reference
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    budget = {"left": 2000}

    def write(self, data: bytes) -> int:  # a disk with 2,000 bytes free
        budget["left"] -= len(data)
        if budget["left"] < 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self.handle.write(data)

    monkeypatch.setattr(output_files._HashingFile, "write", write)
    with pytest.raises(OutputError, match="No space left on device"):
        run_batch([inputs], out, progress=False, pipeline=pipe, incremental=False)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.name != JOURNAL_NAME}  # kept to resume
    assert after == before  # no temporary file, nothing replaced


def test_a_full_disk_through_the_cli_exits_2_without_a_traceback(reference, tmp_path, monkeypatch):
    inputs, _ = reference

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output_files.tempfile, "mkstemp", no_space)
    result = CliRunner().invoke(cli, ["run", str(inputs), "--out", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.output and "previous output" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_different_max_bytes_reads_the_files_again(pipe, reference, tmp_path):
    inputs, ref = reference
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    smallest = min(path.stat().st_size for path in inputs.iterdir())
    summary = run_batch([inputs], out, progress=False, pipeline=pipe, max_bytes=smallest - 1)
    assert summary.reused == 0 and summary.errors == summary.documents  # not the old lines: the limit changed


def test_a_folder_another_run_is_writing_is_refused(pipe, reference, tmp_path):
    inputs, _ = reference
    out = tmp_path / "out"
    out.mkdir()
    lock = FolderLock(out)
    lock.acquire()
    try:
        with pytest.raises(OutputError, match="another namelink run"):
            run_batch([inputs], out, progress=False, pipeline=pipe)
    finally:
        lock.release()


# -- the journal --------------------------------------------------------------------------------------


def test_a_journal_entry_altered_is_ignored_and_a_torn_tail_swallows_no_later_entry(tmp_path):
    fingerprint = {"code": "x"}
    sources = [tmp_path / f"{k}.txt" for k in range(3)]
    lines = []
    for k, source in enumerate(sources):
        source.write_text(f"Lev Sedov {k}.\n")
        sha = hashlib.sha256(source.read_bytes()).hexdigest()
        lines.append(orjson.dumps({"doc_id": str(k), "source": str(source), "sha256": sha}) + b"\n")
    journal = Journal(tmp_path, fingerprint)
    journal.open()
    journal.add(lines[0])
    journal.add(lines[1])
    journal.close()
    data = (tmp_path / JOURNAL_NAME).read_bytes()
    altered = data.replace(b'"doc_id":"0"', b'"doc_id":"9"')  # the checksum no longer holds
    (tmp_path / JOURNAL_NAME).write_bytes(altered[:-7])  # and the last entry torn by a kill
    resumed = Journal(tmp_path, fingerprint)
    assert resumed.load() == 0
    resumed.open()
    resumed.add(lines[2])
    resumed.close()
    again = Journal(tmp_path, fingerprint)
    assert again.load() == 1 and again.reusable(sources[2], "2") == lines[2]
    again.close()


def test_a_journal_entry_cut_short_or_altered_is_ignored(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("Lev Sedov.\n")
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    fingerprint = {"code": "x"}
    journal = Journal(tmp_path, fingerprint)
    journal.open()
    line = orjson.dumps({"doc_id": "a", "source": str(source), "sha256": sha, "status": "ok"}) + b"\n"
    journal.add(line)
    journal.close()
    resumed = Journal(tmp_path, fingerprint)
    assert resumed.load() == 1 and resumed.reusable(source, "a") == line
    assert resumed.reusable(source, "b") is None  # another id
    resumed.close()
    data = (tmp_path / JOURNAL_NAME).read_bytes()
    (tmp_path / JOURNAL_NAME).write_bytes(data[:-5])  # the kill came mid-line
    assert Journal(tmp_path, fingerprint).load() == 0
    assert Journal(tmp_path, {"code": "changed"}).load() == 0


# -- real kills of a real run ---------------------------------------------------------------------------


def _namelink(*args: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "pipeline", *args]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _entries(out: Path) -> int:
    try:
        return max(len((out / JOURNAL_NAME).read_bytes().splitlines()) - 1, 0)
    except OSError:
        return 0


def _first_checkpoint(run: subprocess.Popen, out: Path, seconds: float = 240) -> None:
    """Wait until the run has checkpointed its first batch (or ended)."""
    deadline = time.monotonic() + seconds
    while _entries(out) == 0 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)


def _rerun_gives_the_uninterrupted_output(pipe, inputs: Path, out: Path, reference: Path) -> None:
    """The same command again resumes, and its output is an uninterrupted run's, byte for byte."""
    rerun = _namelink("run", str(inputs), "--out", str(out), "--jobs", "2")
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0 and "resumed from an interrupted run" in err and "Traceback" not in err, err
    run_batch([inputs], reference, progress=False, pipeline=pipe)
    assert _files(out) == _files(reference)
    assert not (out / JOURNAL_NAME).exists() and not list(out.glob(".*.tmp"))


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _gone(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to watch the workers")
def test_kill_9_mid_run_then_rerun_gives_the_uninterrupted_output_and_no_orphan(pipe, tmp_path):
    inputs = _corpus(tmp_path / "in", copies=6)
    out = tmp_path / "out"
    run = _namelink("run", str(inputs), "--out", str(out), "--jobs", "2", "--quiet")
    _first_checkpoint(run, out)
    workers = _children(run.pid)
    run.send_signal(signal.SIGKILL)
    run.wait(30)
    assert 0 < _entries(out) < 48, "the kill should come part way"
    assert not (out / DOCUMENTS).exists()  # nothing published
    time.sleep(3)
    assert workers and all(_gone(pid) for pid in workers), "workers outlived their parent"
    _rerun_gives_the_uninterrupted_output(pipe, inputs, out, tmp_path / "reference")


@pytest.mark.slow
def test_sigterm_stops_the_run_cleanly_and_it_resumes(pipe, tmp_path):
    inputs = _corpus(tmp_path / "in", copies=6)
    out = tmp_path / "out"
    run = _namelink("run", str(inputs), "--out", str(out), "--quiet", "--jobs", "2")
    _first_checkpoint(run, out)
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130, err
    assert "Interrupted" in err and "Traceback" not in err
    assert not list(out.glob(".*.tmp")) and not (out / DOCUMENTS).exists()
    assert 0 < _entries(out) < 48
    _rerun_gives_the_uninterrupted_output(pipe, inputs, out, tmp_path / "reference")


def test_evaluate_refuses_to_score_a_set_that_is_not_one_run(reference, tmp_path):
    _, ref = reference
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    (out / ENTITIES).write_bytes((out / ENTITIES).read_bytes()[:-10])  # cut short
    gold = ROOT / "tests" / "gold" / "own.jsonl"
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold), "--pred", str(out / DOCUMENTS)])
    assert result.exit_code == 2 and "not one run's" in result.output, result.output


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the workers")
def test_a_worker_killed_mid_run_stops_the_run_with_a_message_and_the_rerun_completes(pipe, tmp_path):
    inputs = _corpus(tmp_path / "in", copies=6)
    out = tmp_path / "out"
    run = _namelink("run", str(inputs), "--out", str(out), "--jobs", "2", "--quiet")
    _first_checkpoint(run, out)
    workers = _children(run.pid)
    assert workers, "no worker to kill"
    os.kill(workers[0], signal.SIGKILL)  # what the out-of-memory killer does
    _, err = run.communicate(timeout=60)  # it used to hang for ever
    assert run.returncode == 2, err
    assert "worker process died" in err and "Traceback" not in err
    _rerun_gives_the_uninterrupted_output(pipe, inputs, out, tmp_path / "reference")


def test_review_import_refuses_a_run_that_is_not_one_set(reference, tmp_path):
    _, ref = reference
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    (out / ENTITIES).write_bytes((out / ENTITIES).read_bytes()[:-10])
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text("\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", "import", str(tasks), "--run", str(out)])
    assert result.exit_code == 2 and "not one run's" in result.output, result.output
