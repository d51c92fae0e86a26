"""An output format plugged in through the writer registry, end to end on a seed text."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from conftest import RAW_FILES, persons

from pipeline.batch import run_batch
from pipeline.cli import cli
from pipeline.output import OUTPUT_WRITERS, OutputWriter, atomic_writer, output_writer
from pipeline.records import DOCUMENTS, MANIFEST


@pytest.fixture
def mentions_tsv():
    """A toy format: one TSV row per person mention, nothing else."""

    @output_writer("mentions-tsv")
    class MentionsTsv(OutputWriter):
        def open(self) -> None:
            self.rows: list[list[str]] = []

        def add(self, line, record) -> None:
            self.rows += [[record["doc_id"], e["text"], e["entity_id"]] for e in persons(record)]

        def finish(self) -> int:
            with atomic_writer(self.out_dir / "mentions.tsv") as handle:
                handle.write("".join("\t".join(row) + "\n" for row in self.rows).encode())
            return len({row[2] for row in self.rows})

        def abort(self) -> None:
            self.rows = []

    yield MentionsTsv
    OUTPUT_WRITERS.pop("mentions-tsv")


def test_a_registered_writer_gets_every_record(pipe, mentions_tsv, tmp_path):
    summary = run_batch(RAW_FILES[:1], tmp_path, progress=False, pipeline=pipe, output_format="mentions-tsv")
    with open(tmp_path / "mentions.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    assert rows and all(doc_id == RAW_FILES[0].stem for doc_id, _, _ in rows)
    assert ["Leon Trotsky", "leon-trotsky"] in [row[1:] for row in rows]
    assert summary.entities == len({row[2] for row in rows})
    assert (tmp_path / MANIFEST).is_file()  # every format gets the manifest
    assert not (tmp_path / DOCUMENTS).exists()  # and only what it writes


def test_unknown_output_format_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["run", str(RAW_FILES[0]), "--out", str(tmp_path), "--output-format", "xml"])
    assert result.exit_code == 2
    assert "unknown output format 'xml' (known: jsonl" in result.output


def test_a_failing_writer_with_workers_ends_the_run_instead_of_hanging(pipe, tmp_path):
    """More batches than the workers may run ahead: the feeder must stop and the pool end."""
    import threading

    @output_writer("fails-at-once")
    class FailsAtOnce(OutputWriter):
        def open(self) -> None:
            pass

        def add(self, line, record) -> None:
            raise OSError("disk full")

        def finish(self) -> int:
            return 0

    inputs = tmp_path / "in"
    inputs.mkdir()
    text = (RAW_FILES[0].read_text(encoding="utf-8") * 3)[:40_000]
    for number in range(12):  # 12 batches of one file each: more than the 8 the feeder may run ahead
        (inputs / f"doc{number:02d}.txt").write_text(text, encoding="utf-8")
    errors: list[BaseException] = []

    def run() -> None:
        try:
            run_batch([inputs], tmp_path / "out", progress=False, pipeline=pipe, jobs=2, output_format="fails-at-once")
        except BaseException as err:  # noqa: BLE001 - the test looks at what came out
            errors.append(err)

    try:
        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(timeout=180)
        assert not worker.is_alive(), "run_batch hung after its writer failed"
        assert len(errors) == 1 and isinstance(errors[0], OSError)
    finally:
        OUTPUT_WRITERS.pop("fails-at-once")
    assert not (tmp_path / "out" / MANIFEST).exists()  # nothing of the failed run is left in place
