"""Hostile review files: `review import` refuses nonsense spans line by line, `train` never learns them.

Every test here describes one way a task file (or a stored corrections file)
can be wrong: a reversed span, negative or out-of-range offsets, a span that
cuts a word, a span whose text is not the text at its offsets, a line that is
not JSON or not an object, an unknown label or id, a task whose ``source``
names ``/dev/zero`` or a FIFO. Each asserts the ``FILE:LINE: reason`` message
and that nothing of the bad line is stored or learned, while the good line
beside it still is. The document is one hand-written ``documents.jsonl``
record (no spaCy model is run); the knowledge base is a copy of models/.
"""

from __future__ import annotations

import copy
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT, find, read_jsonl

from pipeline.cli import cli
from pipeline.kb.learned import load_learned
from pipeline.records import dumps
from pipeline.review import build_tasks, import_corrections
from pipeline.review.corrections import ordered

TEXT = "Lenin wrote to Leon Trotsky in Mexico. Later Minoga wrote home."
TASKS = "tasks.jsonl"


def entity(text: str, entity_id: str) -> dict[str, Any]:
    start, end = find(TEXT, text)
    return {
        "start": start,
        "end": end,
        "raw_start": start,
        "raw_end": end,
        "text": text,
        "label": "PERSON",
        "entity_id": entity_id,
        "canonical": None,
        "score": 0.9,
        "method": "kb-exact",
        "reason": None,
    }


RECORD = {
    "doc_id": "letter",
    "source": "letters/letter.txt",
    "sha256": "a" * 64,
    "encoding": "utf-8",
    "status": "ok",
    "error": None,
    "text": TEXT,
    "entities": [entity("Lenin", "vladimir-lenin"), entity("Leon Trotsky", "leon-trotsky")],
    "dropped": [],
}


@pytest.fixture
def models(tmp_path: Path) -> Path:
    return Path(shutil.copytree(ROOT / "models", tmp_path / "models"))


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "output"
    folder.mkdir()
    (folder / "documents.jsonl").write_bytes(dumps(RECORD))
    return folder


def exported(record: dict[str, Any] = RECORD) -> dict[str, Any]:
    """The Prodigy task of the record, as `review export` writes it."""
    (task,) = build_tasks(record, "prodigy")
    return task


def reviewed(*spans: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The exported task, accepted, with ``spans`` added (Prodigy span dicts) and top-level ``changes``."""
    task = copy.deepcopy(exported())
    task["spans"] += [{"label": "PERSON", **span} for span in spans]
    task.update(answer="accept", **changes)
    return task


def span_of(needle: str, **extra: Any) -> dict[str, Any]:
    start, end = find(TEXT, needle)
    return {"start": start, "end": end, **extra}


#: The good line: Minoga added with Krupskaya's id (it must still be stored and learned).
GOOD = reviewed(span_of("Minoga", kb_id="nadezhda-krupskaya"))
TROTSKY = find(TEXT, "Leon Trotsky")


def write_lines(folder: Path, *lines: str) -> Path:
    path = folder / TASKS
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def import_cli(path: Path, models: Path, *extra: Any) -> Result:
    args = ["review", "import", str(path), "--models", str(models), *map(str, extra)]
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def stored_rows(models: Path) -> list[dict[str, Any]]:
    return [row for path in sorted((models / "corrections").glob("*.jsonl")) for row in read_jsonl(path)]


def train_cli(models: Path) -> Result:
    return CliRunner().invoke(cli, ["train", "--models", str(models)], catch_exceptions=False)


#: (case, the hostile line, the reason its message must give)
HOSTILE = {
    "reversed span": (reviewed({"start": 20, "end": 15, "kb_id": "leon-trotsky"}), "start 20 is not before end 15"),
    "negative offsets": (reviewed({"start": -7, "end": -1, "kb_id": "leon-trotsky"}), "negative offset"),
    "mid-word offsets": (
        reviewed({"start": TROTSKY[0] + 2, "end": TROTSKY[0] + 9, "kb_id": "leon-trotsky"}),
        "cuts a word",
    ),
    "out of range": (
        reviewed({"start": len(TEXT) + 3, "end": len(TEXT) + 9, "kb_id": "leon-trotsky"}),
        f"beyond the end of the task's text ({len(TEXT)} characters)",
    ),
    "text mismatch": (
        reviewed(span_of("Minoga", text="Nadezhda", kb_id="nadezhda-krupskaya")),
        "'Nadezhda' is not the text at its offsets ('Minoga')",
    ),
    "offset not an integer": (reviewed({"start": "forty", "end": 51}), "start 'forty' is not an integer"),
    "unknown label": (reviewed(span_of("Minoga", label="PERSN")), "unknown label 'PERSN'"),
    "unknown id": (reviewed(span_of("Minoga", kb_id="nadezhda-krupskaia")), "unknown entity id 'nadezhda-krupskaia'"),
    "span with surrounding space": (
        reviewed({"start": 44, "end": 51, "kb_id": None}),
        "' Minoga' starts or ends with white space",
    ),
}
#: (case, the hostile line as written, the reason)
HOSTILE_LINES = {
    "an array, not an object": ("[1, 2]", "not a JSON object (an array)"),
    "a string, not an object": ('"Lenin"', "not a JSON object (a string)"),
    "invalid JSON": ('{"text": "Lenin", ', "not valid JSON"),
    "no known format": ('{"text": "Lenin"}', "neither a Prodigy nor a doccano task"),
    "spans not a list": (json.dumps({**GOOD, "spans": 5}), "malformed Prodigy task"),
}


def check_refused(tmp_path: Path, models: Path, hostile_line: str, reason: str) -> Result:
    """Import the good line, a blank line and the hostile line: line 3 refused, line 1 stored."""
    path = write_lines(tmp_path, json.dumps(GOOD), "", hostile_line)
    result = import_cli(path, models)
    assert result.exit_code == 1, result.output
    assert f"{path}:3: " in result.output and reason in result.output, result.output
    assert result.output.count(f"{path}:") == 1  # the good line is not reported
    assert "1 reviewed tasks stored, 1 lines rejected" in result.output
    rows = stored_rows(models)
    assert {row["line"] for row in rows} == {1}
    assert [(r["text"], r["entity_id"]) for r in rows if r["action"] == "added"] == [("Minoga", "nadezhda-krupskaya")]
    return result


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_span_is_refused_with_file_and_line_and_the_good_task_is_stored(case, tmp_path, models):
    task, reason = HOSTILE[case]
    check_refused(tmp_path, models, json.dumps(task), reason)


@pytest.mark.parametrize("case", HOSTILE_LINES)
def test_a_line_that_is_no_task_is_refused_with_file_and_line(case, tmp_path, models):
    line, reason = HOSTILE_LINES[case]
    check_refused(tmp_path, models, line, reason)


def test_every_bad_line_is_reported_and_train_learns_only_the_good_one(tmp_path, models):
    lines = [json.dumps(GOOD)] + [json.dumps(task) for task, _ in HOSTILE.values()]
    lines += [line for line, _ in HOSTILE_LINES.values()]
    path = write_lines(tmp_path, *lines)
    result = import_cli(path, models)
    assert result.exit_code == 1
    reported = [line for line in result.output.splitlines() if line.startswith(f"{path}:")]
    assert [int(line.split(":")[1]) for line in reported] == list(range(2, len(lines) + 1))
    assert f"1 reviewed tasks stored, {len(lines) - 1} lines rejected" in result.output
    trained = train_cli(models)
    assert trained.exit_code == 0, trained.output
    learned = load_learned(models)
    assert learned.aliases == {"nadezhda-krupskaya": ["Minoga"]}
    assert not learned.persons and not learned.not_entities and not learned.not_links


def test_a_good_task_is_imported_and_learned_as_before(tmp_path, models):
    path = write_lines(tmp_path, json.dumps(GOOD))
    result = import_cli(path, models)
    assert result.exit_code == 0, result.output
    assert "1 reviewed tasks stored, 0 lines rejected" in result.output and "2 accepted, 1 added" in result.output
    assert train_cli(models).exit_code == 0
    assert load_learned(models).aliases == {"nadezhda-krupskaya": ["Minoga"]}


def test_a_new_person_is_a_nil_id_and_a_word_ending_in_a_genitive_is_no_cut(tmp_path, models):
    german = {**RECORD, "text": "Trotzkis Sohn Lyova schrieb.", "entities": []}
    (task,) = build_tasks(german, "prodigy")
    task["spans"] = [
        {"start": 0, "end": 7, "label": "PERSON", "kb_id": "leon-trotsky"},  # Trotzki|s: a genitive ending
        {"start": 14, "end": 19, "label": "PERSON", "kb_id": "nil:lyova-sedov"},  # explicitly new
    ]
    path = write_lines(tmp_path, json.dumps({**task, "answer": "accept"}))
    result = import_cli(path, models)
    assert result.exit_code == 0, result.output
    assert [(r["text"], r["entity_id"]) for r in stored_rows(models)] == [
        ("Trotzki", "leon-trotsky"),
        ("Lyova", "nil:lyova-sedov"),
    ]


def test_a_malformed_nil_id_is_unknown(tmp_path, models):
    check_refused(tmp_path, models, json.dumps(reviewed(span_of("Minoga", kb_id="nil:"))), "unknown entity id 'nil:'")


def test_an_exported_span_changed_in_the_file_is_refused(tmp_path, models):
    task = reviewed()
    task["namelink"]["spans"][0].update(start=-3)  # the namelink key is read back from the file too
    check_refused(tmp_path, models, json.dumps(task), "negative offset")


def test_a_task_text_changed_after_export_is_refused(tmp_path, models):
    task = reviewed(text=TEXT.replace("Mexico", "Mexica"))
    check_refused(tmp_path, models, json.dumps(task), "the task's text is not the text it was exported with")


def test_with_the_run_the_task_must_match_the_run_s_text(tmp_path, models, run_dir):
    task = reviewed()
    del task["namelink"]["text_sha256"]  # an older export: only the run can tell
    moved = copy.deepcopy(task)
    moved["namelink"]["offset"] = 3
    stranger = copy.deepcopy(task)
    stranger["namelink"]["doc_id"] = "another"
    other_version = copy.deepcopy(task)
    other_version["namelink"]["sha256"] = "b" * 64
    path = write_lines(tmp_path, json.dumps(GOOD), *(json.dumps(t) for t in (moved, stranger, other_version)))
    result = import_cli(path, models, "--run", run_dir)
    assert result.exit_code == 1, result.output
    assert f"{path}:2: the task's text is not the text of document 'letter' at offset 3 in {run_dir}" in result.output
    assert f"{path}:3: document 'another' is not in {run_dir}" in result.output
    assert f"{path}:4: exported from another version of document 'letter'" in result.output
    assert {row["line"] for row in stored_rows(models)} == {1}


def test_run_without_documents_is_a_usage_error(tmp_path, models):
    path = write_lines(tmp_path, json.dumps(GOOD))
    result = import_cli(path, models, "--run", tmp_path)
    assert result.exit_code == 2 and "no documents.jsonl" in result.output
    assert not (models / "corrections").exists()


def test_line_numbers_count_blank_lines(tmp_path, models):
    path = write_lines(tmp_path, "", "", "[]")
    result = import_cli(path, models)
    assert result.exit_code == 1 and f"{path}:3: not a JSON object" in result.output
    assert "nothing stored" in result.output


# -- paths named in a task are never opened ----------------------------------------------------


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))  # reading /dev/zero fails fast


def import_in_child(path: Path, models: Path, *extra: Any, timeout: float = 60) -> subprocess.CompletedProcess:
    """`namelink review import` in a child process with a memory limit, killed after ``timeout`` seconds."""
    args = [sys.executable, "-m", "pipeline", "review", "import", str(path), "--models", str(models), *map(str, extra)]
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, preexec_fn=_limit_memory, cwd=ROOT)


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_source_path_in_a_task_is_never_opened(special, tmp_path, models):
    if special == "fifo":
        special = str(tmp_path / "letter.txt")
        os.mkfifo(special)  # opening it for reading would block for ever: nobody writes
    task = copy.deepcopy(GOOD)
    task["namelink"]["source"] = special
    path = write_lines(tmp_path, json.dumps(task))
    began = time.monotonic()
    done = import_in_child(path, models)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - began < 60
    assert "1 added spans without raw offsets" in done.stderr
    (added,) = [row for row in stored_rows(models) if row["action"] == "added"]
    assert (added["text"], added["raw_start"]) == ("Minoga", None)


def test_a_fifo_in_the_raw_folder_is_not_opened(tmp_path, models):
    raw = tmp_path / "raw"
    raw.mkdir()
    os.mkfifo(raw / "letter.txt")
    path = write_lines(tmp_path, json.dumps(GOOD))
    done = import_in_child(path, models, "--raw", raw)
    assert done.returncode == 0, done.stderr
    assert "1 added spans without raw offsets" in done.stderr


def test_a_doc_id_never_leads_out_of_the_raw_folder(tmp_path, models):
    raw = tmp_path / "raw"
    raw.mkdir()
    (tmp_path / "letter.txt").write_text(TEXT, encoding="utf-8")  # outside --raw
    task = copy.deepcopy(GOOD)
    task["namelink"]["doc_id"] = "../letter"
    result = import_cli(write_lines(tmp_path, json.dumps(task)), models, "--raw", raw)
    assert result.exit_code == 1 and "doc_id '../letter' is not a document name" in result.output


def test_raw_offsets_of_an_added_span_come_from_the_raw_folder(tmp_path, models):
    import hashlib

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "letter.txt").write_text(TEXT, encoding="utf-8")
    task = copy.deepcopy(GOOD)
    task["namelink"]["sha256"] = hashlib.sha256(TEXT.encode()).hexdigest()
    result = import_cli(write_lines(tmp_path, json.dumps(task)), models, "--raw", raw)
    assert result.exit_code == 0, result.output
    (added,) = [row for row in stored_rows(models) if row["action"] == "added"]
    assert (added["raw_start"], added["raw_end"]) == find(TEXT, "Minoga")


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_task_file_that_is_not_a_regular_file_is_unusable(special, tmp_path, models):
    if special == "fifo":
        special = str(tmp_path / "tasks.jsonl")
        os.mkfifo(special)
    done = import_in_child(Path(special), models)
    assert done.returncode == 2, done.stderr
    assert "not a regular file" in done.stderr


# -- train checks the stored corrections again -------------------------------------------------


def stored(action: str, text: str, start: int, end: int, **extra: Any) -> dict[str, Any]:
    row = {"action": action, "text": text, "label": "PERSON", "entity_id": "leon-trotsky", "doc_id": "letter"}
    row.update(start=start, end=end, source_file=TASKS, line=1, imported="2024-01-01T00:00:00Z", format="prodigy")
    return ordered({**row, **extra})


def test_train_refuses_corrections_that_would_not_pass_the_import(models):
    folder = models / "corrections"
    folder.mkdir()
    start, end = find(TEXT, "Minoga")
    rows = [
        json.dumps(stored("added", "Minoga", start, end, entity_id="nadezhda-krupskaya")),
        json.dumps(stored("added", "", 20, 15)),  # a reversed span's alias
        json.dumps(stored("added", "o Lenin", -7, 0)),  # negative offsets
        json.dumps(stored("added", "Trotsky", 10, 20)),  # text and offsets disagree
        json.dumps(stored("added", "Minoga", start, end, label="PERSN")),
        json.dumps(stored("added", "Minoga", start, end, entity_id="trotksy")),
        json.dumps(stored("deleted", "Minoga", start, end)),
        json.dumps({**stored("added", "Minoga", start, end), "alias": "x"}),
        "[1]",
        "{",
    ]
    path = folder / "2024-01-01T000000Z_hand.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = train_cli(models)
    assert result.exit_code == 2, result.output
    for number, reason in enumerate(
        [
            "start 20 is not before end 15",
            "negative offset",
            "'Trotsky' is 7 characters but its offsets span 10",
            "unknown label 'PERSN'",
            "unknown entity id 'trotksy'",
            "unknown action 'deleted'",
            "unknown key 'alias'",
            "not a JSON object (an array)",
            "not valid JSON",
        ],
        start=2,
    ):
        (line,) = [line for line in result.output.splitlines() if line.startswith(f"{path}:{number}: ")]
        assert reason in line, line
    assert f"{path}:1:" not in result.output
    assert not (models / "learned").exists() and not (models / "CHANGELOG.md").exists()


def test_import_and_train_share_the_checks(tmp_path, models):
    """What the import stores, train reads back without complaint (the two checks agree)."""
    path = write_lines(tmp_path, json.dumps(GOOD))
    assert import_corrections(path, models).rejected == []
    result = train_cli(models)
    assert result.exit_code == 0 and "1 correction file" in result.output
