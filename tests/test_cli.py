"""The namelink command line through click's CliRunner (and once through ``python -m pipeline``).

Each ``run``/``evaluate`` without ``--pred`` loads the spaCy model, so this
module does that three times only: a clean run, a run with a failing document,
and one evaluation; everything else reuses their output or needs no model.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import OUTPUT_FILES, OWN_DIR, OWN_GOLD, RAW_DIR, ROOT, read_jsonl

import pipeline
from pipeline.cli import cli
from pipeline.evaluation.metrics import evaluate, load_gold, predictions_from_records

# written for the test
LETTER = "Lev Davidovich Bronstein, later Leon Trotsky, was killed by Ramon Mercader in Coyoacan in August 1940.\n"
NOTE = "Natalia Sedova outlived him by twenty years; Sedova died in Paris in 1962.\n"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def good_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli_in")
    (folder / "letter.txt").write_text(LETTER, encoding="utf-8")
    (folder / "note.txt").write_text(NOTE, encoding="utf-8")
    out = tmp_path_factory.mktemp("cli_out") / "result"
    return invoke("run", str(folder), "--out", str(out)), out


@pytest.fixture(scope="module")
def failing_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli_bad_in")
    (folder / "a_letter.txt").write_text(LETTER, encoding="utf-8")
    (folder / "b_empty.txt").write_bytes(b"")
    (folder / "c_note.txt").write_text(NOTE, encoding="utf-8")
    out = tmp_path_factory.mktemp("cli_bad_out")
    return invoke("run", str(folder), "--out", str(out)), out


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory):
    report = tmp_path_factory.mktemp("cli_eval") / "report.json"
    result = invoke("evaluate", "--gold", str(OWN_GOLD), "--raw", str(OWN_DIR), "--json", str(report))
    return result, report


# -- run ----------------------------------------------------------------------------------------------


def test_run_writes_the_three_files_and_exits_0(good_run):
    result, out = good_run
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == OUTPUT_FILES
    records = read_jsonl(out / "documents.jsonl")
    assert [(r["doc_id"], r["status"]) for r in records] == [("letter", "ok"), ("note", "ok")]
    people = [(e["text"], e["entity_id"]) for r in records for e in r["entities"] if e["label"] == "PERSON"]
    assert people == [
        ("Lev Davidovich Bronstein", "leon-trotsky"),
        ("Leon Trotsky", "leon-trotsky"),
        ("Ramon Mercader", "ramon-mercader"),
        ("Natalia Sedova", "natalia-sedova"),
        ("Sedova", "natalia-sedova"),
    ]
    rows = {r["entity_id"]: r for r in read_jsonl(out / "entities.jsonl")}
    assert rows["leon-trotsky"]["mentions"] == 2 and rows["natalia-sedova"]["documents"] == ["note"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["documents"] == 2 and manifest["counts"]["errors"] == 0


def test_run_prints_a_summary(good_run):
    result, out = good_run
    summary = result.stderr

    def number(pattern: str) -> int:
        match = re.search(pattern, summary)
        assert match, (pattern, summary)
        return int(match.group(1).replace(",", ""))

    records = read_jsonl(out / "documents.jsonl")
    assert number(r"(\d+) documents\b") == 2
    assert number(r"(\d+) mentions\b") == sum(len(r["entities"]) for r in records)
    assert number(r"(\d+) entities\b") == len(read_jsonl(out / "entities.jsonl"))
    assert number(r"(\d+) errors\b") == 0
    assert number(r"(\d+) words in [\d.]+s") == len((LETTER + NOTE).split())
    assert number(r"\(([\d,]+) words/s\)") > 0
    assert str(out) in summary


def test_run_exits_1_when_a_document_fails_and_writes_the_others(failing_run):
    result, out = failing_run
    assert result.exit_code == 1, result.output
    assert "1 errors" in result.stderr
    assert {p.name for p in out.iterdir()} == OUTPUT_FILES
    records = {r["doc_id"]: r for r in read_jsonl(out / "documents.jsonl")}
    assert {k: r["status"] for k, r in records.items()} == {"a_letter": "ok", "b_empty": "error", "c_note": "ok"}
    assert "empty" in records["b_empty"]["error"]
    assert records["c_note"]["entities"], "the document after the failed one is processed"
    rows = read_jsonl(out / "entities.jsonl")
    assert {d for row in rows for d in row["documents"]} == {"a_letter", "c_note"}


def test_run_exits_2_for_a_missing_path(tmp_path):
    result = CliRunner().invoke(cli, ["run", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "nowhere" in result.output and "no such file" in result.output.lower()
    assert not (tmp_path / "out").exists()


def test_run_exits_2_for_an_unknown_model(tmp_path):
    (tmp_path / "letter.txt").write_text(LETTER, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(tmp_path / "letter.txt"), "--out", str(out), "--model", "not_a_model"])
    assert result.exit_code == 2, result.output
    assert "not_a_model" in result.output and "not installed" in result.output
    assert not (out / "documents.jsonl").exists()


def test_evaluate_exits_2_for_an_unknown_model(tmp_path):
    result = CliRunner().invoke(
        cli, ["evaluate", "--gold", str(OWN_GOLD), "--raw", str(OWN_DIR), "--model", "not_a_model"]
    )
    assert result.exit_code == 2, result.output
    assert "not_a_model" in result.output


def test_bad_option_is_a_usage_error():
    result = CliRunner().invoke(cli, ["run", "--no-such-option"])
    assert result.exit_code == 2
    assert "no-such-option" in result.output


# -- clean ----------------------------------------------------------------------------------------------


def test_clean_prints_the_clean_text():
    result = invoke("clean", str(RAW_DIR / "000_e5c80eea1864f996.txt"))
    assert result.exit_code == 0
    raw = (RAW_DIR / "000_e5c80eea1864f996.txt").read_text(encoding="utf-8")
    # glued words are split
    assert "Trotskyconsideredescaping" in raw and "Sokolovskayafullyendorsed" in raw
    assert "When Trotsky considered escaping from Siberia" in result.stdout
    assert "Sokolovskaya fully endorsed his plan" in result.stdout
    # citation markers are removed, and the words they glued are separated
    assert "repressions.[39]Nina Bronstein" in raw
    assert "[39]" not in result.stdout and "Nina Bronstein" in result.stdout
    assert not re.search(r"\[\d+\]", result.stdout)


def test_clean_of_a_binary_file_fails_with_a_message(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = CliRunner().invoke(cli, ["clean", str(path)])
    assert result.exit_code == 1
    assert "binary" in result.output and "image.txt" in result.output


# -- evaluate ---------------------------------------------------------------------------------------------

_ROW = re.compile(r"^(strict|fuzzy|link B-cubed|end-to-end) P/R/F1\s+([\d.]+)/([\d.]+)/([\d.]+)\s*$", re.M)


def metric_lines(output: str) -> dict[str, tuple[float, float, float] | float]:
    rows: dict[str, tuple[float, float, float] | float] = {
        m.group(1): tuple(float(m.group(i)) for i in (2, 3, 4)) for m in _ROW.finditer(output)
    }
    alias = re.search(r"^alias recall\s+([\d.]+)\s*$", output, re.M)
    if alias:
        rows["alias"] = float(alias.group(1))
    return rows


def test_evaluate_prints_every_metric(evaluation):
    result, _ = evaluation
    assert result.exit_code == 0, result.output
    rows = metric_lines(result.stdout)
    assert set(rows) == {"strict", "fuzzy", "link B-cubed", "end-to-end", "alias"}, result.stdout
    assert all(0.0 <= v <= 1.0 for row in rows.values() for v in (row if isinstance(row, tuple) else (row,)))
    assert re.search(r"^mentions: gold \d+, predicted \d+", result.stdout, re.M)
    for section in ("misses", "false alarms", "wrong links"):
        assert re.search(rf"^{section} \(\d+\):", result.stdout, re.M), section


def test_evaluate_agrees_with_the_library_on_the_same_run(evaluation, own_run):
    result, _ = evaluation
    report = evaluate(load_gold(OWN_GOLD), predictions_from_records(own_run.records.values()))
    rows = metric_lines(result.stdout)
    for name, key in (
        ("strict", "strict"),
        ("fuzzy", "fuzzy"),
        ("link B-cubed", "bcubed"),
        ("end-to-end", "end_to_end"),
    ):
        values = getattr(report, key)
        assert rows[name] == pytest.approx((values["precision"], values["recall"], values["f1"]), abs=0.0006)
    assert rows["alias"] == pytest.approx(report.alias_recall, abs=0.0006)


def test_evaluate_json_writes_the_full_report(evaluation):
    result, path = evaluation
    report = json.loads(path.read_text(encoding="utf-8"))
    assert list(report) == ["namelink"]
    body = report["namelink"]
    assert {"strict", "fuzzy", "bcubed", "end_to_end", "alias_recall", "counts", "misses", "false_alarms"} <= set(body)
    rows = metric_lines(result.stdout)
    assert rows["strict"] == pytest.approx(tuple(body["strict"][k] for k in ("precision", "recall", "f1")), abs=6e-4)
    assert body["counts"]["gold"] == sum(len(g.spans) for g in load_gold(OWN_GOLD).values()) - sum(
        1 for g in load_gold(OWN_GOLD).values() for s in g.spans if g.ignored(s)
    )
    for miss in body["misses"]:
        assert set(miss) >= {"doc_id", "start", "end", "text", "context"}


def test_evaluate_pred_gives_the_same_numbers_as_running_the_pipeline(evaluation, own_run):
    result, _ = evaluation
    pred = invoke(
        "evaluate", "--gold", str(OWN_GOLD), "--raw", str(OWN_DIR), "--pred", str(own_run.out_dir / "documents.jsonl")
    )
    assert pred.exit_code == 0, pred.output
    assert metric_lines(pred.stdout) == metric_lines(result.stdout)
    assert pred.stdout == result.stdout  # misses, false alarms and wrong links too


def test_evaluate_pred_of_a_cli_run(good_run, tmp_path):
    _, out = good_run
    # a gold file for the CLI run's two documents, written for the test (raw offsets of LETTER and NOTE)
    gold = tmp_path / "gold.jsonl"
    spans = {
        "letter": [
            ("Lev Davidovich Bronstein", "leon-trotsky"),
            ("Leon Trotsky", "leon-trotsky"),
            ("Ramon Mercader", "ramon-mercader"),
        ],
        "note": [("Natalia Sedova", "natalia-sedova"), ("Sedova", "natalia-sedova")],
    }
    texts = {"letter": LETTER, "note": NOTE}
    lines = []
    for doc_id, items in spans.items():
        gold_spans, pos = [], 0
        for text, ident in items:
            start = texts[doc_id].index(text, pos)
            pos = start + len(text)
            gold_spans.append({"start": start, "end": pos, "text": text, "label": "PERSON", "kb_id": ident})
        lines.append(json.dumps({"doc_id": doc_id, "spans": gold_spans}))
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = tmp_path / "raw"
    raw.mkdir()
    for doc_id, text in texts.items():
        (raw / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    result = invoke("evaluate", "--gold", str(gold), "--raw", str(raw), "--pred", str(out / "documents.jsonl"))
    assert result.exit_code == 0, result.output
    rows = metric_lines(result.stdout)
    assert rows["strict"] == (1.0, 1.0, 1.0)
    assert rows["end-to-end"] == (1.0, 1.0, 1.0)
    assert rows["link B-cubed"] == (1.0, 1.0, 1.0)


def test_evaluate_with_missing_raw_files_fails_cleanly(tmp_path):
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(OWN_GOLD), "--raw", str(tmp_path)])
    assert result.exit_code == 1
    assert "raw files of the gold not found" in result.output


# -- help --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["run"], ["clean"], ["evaluate"]])
def test_every_help_has_an_example(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert "namelink " in result.output.split("Example", 1)[1]


def test_group_help_lists_the_commands_and_version():
    result = invoke("--help")
    for name in ("run", "clean", "evaluate"):
        assert re.search(rf"^\s+{name}\s", result.output, re.M), name
    version = invoke("--version")
    assert version.exit_code == 0 and pipeline.__version__ in version.output


def test_python_dash_m_pipeline_help():
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert "Example" in result.stdout and "Usage:" in result.stdout
    assert "namelink" in result.stdout


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "namelink"
    assert script.exists()
    result = subprocess.run([str(script), "run", "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "Example" in result.stdout
