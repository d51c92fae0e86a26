"""Review formats behind the registry: detection, a toy format's round trip, the CLI's --format choices.

Everything runs on one hand-written documents.jsonl record (no spaCy model,
no knowledge base): a format only turns units into tasks and reads them back.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner
from conftest import ROOT, read_jsonl

from pipeline.cli import cli
from pipeline.records import dumps
from pipeline.review import build_tasks, export_tasks, import_corrections
from pipeline.review.formats import (
    FORMATS,
    ReviewedSpan,
    ReviewFormat,
    detect_format,
    format_names,
    get_format,
    register_format,
    reviewed_span,
    unregister_format,
)

TEXT = "Lenin met Krupskaya in London. Later Minoga wrote home."


def entity(text: str, entity_id: str, score: float) -> dict[str, Any]:
    start = TEXT.index(text)
    return {
        "start": start,
        "end": start + len(text),
        "raw_start": start,
        "raw_end": start + len(text),
        "text": text,
        "label": "PERSON",
        "entity_id": entity_id,
        "canonical": None,
        "score": score,
        "method": "exact",
    }


RECORD = {
    "doc_id": "tiny",
    "source": "nowhere/tiny.txt",
    "sha256": "0" * 64,
    "encoding": "utf-8",
    "status": "ok",
    "error": None,
    "text": TEXT,
    "entities": [entity("Lenin", "vladimir-lenin", 0.9), entity("Krupskaya", "nadezhda-krupskaya", 0.6)],
}


class Toy:
    """A made-up tool: spans written ``"start-end-label"``, the verdict ``ok`` or ``no``."""

    name: ClassVar[str] = "toy"
    title: ClassVar[str] = "Toy"
    hint: ClassVar[str] = "marks"

    def detect(self, task: dict[str, Any]) -> bool:
        return "marks" in task

    def build_task(self, text: str, spans: list[dict[str, Any]], meta: dict[str, Any]) -> dict[str, Any]:
        return {"text": text, "marks": [f"{s['start']}-{s['end']}-{s['label']}" for s in spans]}

    def reviewed_spans(self, task: dict[str, Any]) -> list[ReviewedSpan]:
        return [reviewed_span(*mark.split("-", 2)) for mark in task["marks"]]

    def answer(self, task: dict[str, Any]) -> str | None:
        return {"ok": "accept", "no": "reject"}.get(task.get("verdict"))


@pytest.fixture
def toy() -> Iterator[str]:
    register_format(Toy)
    yield Toy.name
    unregister_format(Toy.name)


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "output"
    folder.mkdir()
    (folder / "documents.jsonl").write_bytes(dumps(RECORD))
    return folder


# -- the registry ------------------------------------------------------------------------------


def test_the_built_in_formats_are_registered_prodigy_first():
    assert format_names()[:2] == ["prodigy", "doccano"]
    for name in ("prodigy", "doccano"):
        assert isinstance(get_format(name), ReviewFormat) and get_format(name).name == name


def test_an_unknown_format_is_a_value_error():
    with pytest.raises(ValueError, match="unknown review format 'nope'"):
        get_format("nope")
    with pytest.raises(ValueError, match="unknown format 'nope'"):
        list(build_tasks(RECORD, "nope"))


def test_registering_and_unregistering_a_format(toy):
    assert format_names()[-1] == "toy" and isinstance(FORMATS["toy"], Toy)
    unregister_format("toy")
    assert "toy" not in format_names()
    register_format(Toy)  # the fixture removes it again


# -- detection ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["prodigy", "doccano"])
def test_detect_picks_the_format_a_task_was_built_in(name):
    tasks = list(build_tasks(RECORD, name, "sentence"))
    assert len(tasks) == 2
    assert all(detect_format(task) == name for task in tasks)


def test_detect_reads_doccano_exports_with_entities_and_fails_on_anything_else():
    assert detect_format({"text": TEXT, "entities": []}) == "doccano"
    assert detect_format({"text": TEXT, "tokens": []}) == "prodigy"
    with pytest.raises(ValueError, match="neither a Prodigy nor a doccano task"):
        detect_format({"text": TEXT})


def test_detect_tries_a_registered_format_after_the_built_in_ones(toy):
    assert detect_format({"text": TEXT, "marks": []}) == "toy"
    with pytest.raises(ValueError, match="nor a Toy task .*marks"):
        detect_format({"text": TEXT})


# -- the spans a format reads back -------------------------------------------------------------


def test_a_label_with_an_id_gives_the_id_in_any_format():
    doccano = get_format("doccano").reviewed_spans({"label": [[0, 5, "PERSON:lev-kamenev"]]})
    prodigy = get_format("prodigy").reviewed_spans({"spans": [{"start": 0, "end": 5, "label": "PERSON:lev-kamenev"}]})
    assert doccano == prodigy == [ReviewedSpan(0, 5, "PERSON", "lev-kamenev")]


def test_prodigy_spans_sit_on_token_edges():
    (task,) = build_tasks(RECORD, "prodigy")
    for span in task["spans"]:
        assert task["tokens"][span["token_start"]]["start"] == span["start"]
        assert task["tokens"][span["token_end"]]["end"] == span["end"]
    assert get_format("prodigy").answer(task) is None  # not reviewed yet


# -- a toy format end to end -------------------------------------------------------------------


def test_a_toy_format_round_trips_export_and_import(toy, run_dir, tmp_path):
    tasks_file = tmp_path / "tasks.jsonl"
    summary = export_tasks(run_dir, tasks_file, fmt=toy)
    assert (summary.tasks, summary.spans, summary.documents) == (1, 2, 1)
    (task,) = read_jsonl(tasks_file)
    assert list(task) == ["text", "marks", "namelink"]  # the format's keys, then namelink's
    assert task["marks"] == ["0-5-PERSON", "10-19-PERSON"]
    start = TEXT.index("Minoga")
    task["marks"] = ["0-5-PERSON", f"{start}-{start + 6}-PERSON:nadezhda-krupskaya"]  # Krupskaya deleted
    task["verdict"] = "ok"
    reviewed = tmp_path / "reviewed.jsonl"
    reviewed.write_text(json.dumps(task) + "\n" + json.dumps({**task, "verdict": None}) + "\n", encoding="utf-8")
    models = shutil.copytree(ROOT / "models", tmp_path / "models")
    result = import_corrections(reviewed, models)
    assert (result.tasks, result.skipped, result.unmapped) == (1, 1, 1)  # no raw folder: no raw offsets
    assert dict(result.actions) == {"accepted": 1, "added": 1, "rejected": 1}
    rows = {row["action"]: row for row in read_jsonl(result.path)}
    assert {row["format"] for row in rows.values()} == {"toy"}
    assert (rows["added"]["text"], rows["added"]["entity_id"]) == ("Minoga", "nadezhda-krupskaya")
    assert (rows["rejected"]["text"], rows["rejected"]["raw_start"]) == ("Krupskaya", 10)
    assert rows["accepted"]["entity_id"] == "vladimir-lenin"


# -- the CLI -----------------------------------------------------------------------------------


def choices(*command: str) -> str:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    return next(line for line in result.output.splitlines() if "--format" in line)


def test_the_cli_offers_the_registered_formats(toy):
    assert "[prodigy|doccano|toy]" in choices("review", "export")
    assert "[auto|prodigy|doccano|toy]" in choices("review", "import")


def test_the_cli_forgets_an_unregistered_format(toy):
    unregister_format(toy)
    assert "[prodigy|doccano]" in choices("review", "export")
    register_format(Toy)


def test_the_cli_exports_in_a_registered_format_and_refuses_others(toy, run_dir, tmp_path):
    out = tmp_path / "toy.jsonl"
    result = CliRunner().invoke(cli, ["review", "export", str(run_dir), "--out", str(out), "--format", toy])
    assert result.exit_code == 0, result.output
    assert "marks" in read_jsonl(out)[0]
    result = CliRunner().invoke(cli, ["review", "export", str(run_dir), "--out", str(out), "--format", "nope"])
    assert result.exit_code == 2 and "nope" in result.output
