"""The command line's conventions (issue 12): ``-o`` for outputs, ``-`` for standard input and
output, labels in any case, "did you mean" for unknown ids, clear errors for a bad ``--model`` or
``--models`` and no output folder after a usage error, a progress bar by bytes, a summary that names
the failed files and counts words/s over processed documents only, ``-v``/``--log-level``, the
environment in ``--help`` and defaults from ``namelink.toml`` / ``pyproject.toml``.

The runs use ``--model blank:en`` (namelink's rules over spaCy's blank English: no statistical
model to load), as every convention here is the command line's, not the model's.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, read_jsonl
from tqdm import tqdm

from pipeline.cli import ENVIRONMENT, cli
from pipeline.cli.defaults import load_defaults
from pipeline.cli.logs import level_of
from pipeline.resources import DEFAULT_MODELS_DIR

# written for these tests
LONG = "Leon Trotsky wrote to Natalia Sedova from the house in Coyoacan every week. " * 60 + "\n"
SHORT = "Natalia Sedova answered.\n"
FAILING = 7  # empty files, each an error line


def invoke(*args: str, **kwargs):
    return CliRunner().invoke(cli, list(args), **kwargs)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("conv_in")
    (folder / "a_long.txt").write_text(LONG, encoding="utf-8")
    (folder / "b_short.txt").write_text(SHORT, encoding="utf-8")
    for k in range(FAILING):
        (folder / f"empty_{k}.txt").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def first_run(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("conv_out") / "run"
    result = invoke("--log-level", "debug", "run", str(inputs), "-o", str(out), "--model", "blank:en")
    return result, out


@pytest.fixture(scope="module")
def rerun(first_run, inputs):
    _, out = first_run
    return invoke("run", str(inputs), "--out", str(out), "--model", "blank:en"), out  # --out: the old name


# -- -o/--output, and - -----------------------------------------------------------------------------


def test_run_writes_to_dash_o_and_the_old_out_still_works(first_run, rerun):
    result, out = first_run
    assert result.exit_code == 1, result.output  # the empty files failed
    assert {r["doc_id"] for r in read_jsonl(out / "documents.jsonl")} >= {"a_long", "b_short"}
    again, _ = rerun
    assert again.exit_code == 1 and str(out) in again.stderr


@pytest.mark.parametrize(
    ("command", "old"),
    [(["run"], "--out"), (["review", "export"], "--out"), (["report"], "--html"), (["evaluate"], "--json")],
)
def test_help_shows_dash_o_output_and_hides_the_old_name(command, old):
    text = invoke(*command, "--help").output
    assert re.search(r"^\s+-o, --output\b", text, re.M), text
    assert not re.search(rf"{old}(?![\w-])", text), text  # not a prefix of --output


def test_review_export_to_dash_prints_the_tasks_and_writes_no_file(first_run, tmp_path, monkeypatch):
    _, out = first_run
    monkeypatch.chdir(tmp_path)
    result = invoke("review", "export", str(out), "-o", "-")
    assert result.exit_code == 0, result.output
    tasks = [json.loads(line) for line in result.stdout.splitlines()]
    assert tasks and all("text" in t for t in tasks)
    assert "tasks with" in result.stderr and "standard output" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no file named -
    old = invoke("review", "export", str(out), "--out", str(tmp_path / "tasks.jsonl"))
    assert old.exit_code == 0 and len(read_jsonl(tmp_path / "tasks.jsonl")) == len(tasks)


def test_review_export_needs_an_output():
    result = invoke("review", "export", "somewhere")
    assert result.exit_code == 2 and "--output" in result.output


def test_report_dash_o_and_the_old_html(first_run, tmp_path):
    _, out = first_run
    for flag, folder in (("-o", tmp_path / "new"), ("--html", tmp_path / "old")):
        result = invoke("report", str(out), flag, str(folder))
        assert result.exit_code == 0, result.output
        assert (folder / "index.html").is_file()


def test_evaluate_dash_o_dash_prints_the_json_report(first_run, tmp_path):
    _, out = first_run
    start = LONG.index("Natalia Sedova")
    gold = tmp_path / "gold.jsonl"
    span = {"start": start, "end": start + 14, "text": "Natalia Sedova", "label": "PERSON", "kb_id": "natalia-sedova"}
    gold.write_text(json.dumps({"doc_id": "a_long", "spans": [span]}) + "\n", encoding="utf-8")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a_long.txt").write_text(LONG, encoding="utf-8")
    args = ["evaluate", "--gold", str(gold), "--raw", str(raw), "--pred", str(out / "documents.jsonl")]
    result = invoke(*args, "-o", "-")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)  # the JSON alone, not the table
    assert set(report["namelink"]) >= {"strict", "end_to_end", "misses"}
    old = invoke(*args, "--json", str(tmp_path / "report.json"))
    assert old.exit_code == 0 and "strict P/R/F1" in old.stdout
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8")) == report


def test_clean_dash_reads_standard_input():
    result = invoke("clean", "-", input="Leon Trotsky[12] wrote.\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Leon Trotsky wrote."


# -- labels and ids -------------------------------------------------------------------------------


def test_inspect_label_in_any_case(first_run):
    _, out = first_run
    upper = invoke("inspect", str(out), "--label", "PERSON", "--format", "jsonl")
    lower = invoke("inspect", str(out), "--label", "person", "--format", "jsonl")
    assert upper.exit_code == lower.exit_code == 0, lower.output
    assert lower.stdout == upper.stdout and "natalia-sedova" in lower.stdout


def test_inspect_unknown_label_is_a_usage_error_listing_the_labels(first_run):
    _, out = first_run
    result = invoke("inspect", str(out), "--label", "persn")
    assert result.exit_code == 2
    assert "persn" in result.output and "PERSON" in result.output and "GPE" in result.output


def test_review_export_label_in_any_case(first_run, tmp_path):
    _, out = first_run
    lower = invoke("review", "export", str(out), "-o", "-", "--label", "person")
    upper = invoke("review", "export", str(out), "-o", "-", "--label", "PERSON")
    assert lower.exit_code == upper.exit_code == 0, lower.output
    assert lower.stdout == upper.stdout and lower.stdout
    assert invoke("review", "export", str(out), "-o", "-", "--label", "nobody").exit_code == 2


def test_inspect_unknown_entity_gets_suggestions(first_run):
    _, out = first_run
    result = invoke("inspect", str(out), "--entity", "natalia-sedov")
    assert result.exit_code == 2
    assert "did you mean" in result.output and "natalia-sedova" in result.output


def test_inspect_a_known_person_the_run_does_not_mention_is_no_error(first_run):
    _, out = first_run
    result = invoke("inspect", str(out), "--entity", "ramon-mercader", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_inspect_unknown_document_gets_suggestions(first_run):
    _, out = first_run
    result = invoke("inspect", str(out), "--doc", "a_lnog")
    assert result.exit_code == 2 and "did you mean a_long" in result.output


# -- clear errors, and no folder made on a usage error -----------------------------------------------


def test_model_folder_that_is_no_pipeline_says_so(tmp_path):
    folder = tmp_path / "my-pipeline"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a pipeline\n", encoding="utf-8")
    (tmp_path / "in.txt").write_text(SHORT, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("run", str(tmp_path / "in.txt"), "-o", str(out), "--model", str(folder))
    assert result.exit_code == 2
    assert "not a spaCy pipeline" in result.output and "config.cfg" in result.output
    assert "not installed" not in result.output
    assert not out.exists()


def test_model_folder_spacy_cannot_load_leaves_no_folder(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "config.cfg").write_text("[nlp]\n", encoding="utf-8")
    (folder / "meta.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "in.txt").write_text(SHORT, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("run", str(tmp_path / "in.txt"), "-o", str(out), "--model", str(folder), "-q")
    assert result.exit_code == 2
    assert "cannot load" in result.output and "not installed" not in result.output
    assert not out.exists()  # the run made it, and took it away again


def test_models_folder_that_is_no_models_folder_says_what_is_missing(tmp_path):
    (tmp_path / "in.txt").write_text(SHORT, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("run", str(tmp_path / "in.txt"), "-o", str(out), "--models", str(tmp_path))
    assert result.exit_code == 2
    assert "is not a models folder" in result.output and "kb/" in result.output and "rules/" in result.output
    assert not out.exists()
    partial = tmp_path / "partial"
    shutil.copytree(DEFAULT_MODELS_DIR / "rules", partial / "rules")
    result = invoke("kb", "list", "--models", str(partial))
    assert result.exit_code == 2 and "knowledge base" in result.output  # what is missing, file by file
    assert str(partial / "kb") in result.output


@pytest.mark.parametrize(
    "bad",
    [
        ["--model", "no_such_pipeline_anywhere"],
        ["--models", "{tmp}/nowhere"],
        ["--jobs", "0"],
        ["--format", "docx"],
        ["--output-format", "yaml"],
        ["--max-bytes", "0"],
        ["{tmp}/missing.txt"],
    ],
    ids=lambda b: b[0],
)
def test_no_output_folder_after_a_usage_error(tmp_path, bad):
    (tmp_path / "in.txt").write_text(SHORT, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("run", str(tmp_path / "in.txt"), "-o", str(out), *[b.format(tmp=tmp_path) for b in bad])
    assert result.exit_code == 2, result.output
    assert not out.exists()


def test_no_report_folder_or_task_file_for_a_missing_run(tmp_path):
    assert invoke("report", str(tmp_path / "none"), "-o", str(tmp_path / "html")).exit_code == 2
    assert invoke("review", "export", str(tmp_path / "none"), "-o", str(tmp_path / "t.jsonl")).exit_code == 2
    assert list(tmp_path.iterdir()) == []


# -- progress and summary -------------------------------------------------------------------------


def test_progress_bar_counts_bytes(first_run, inputs):
    result, _ = first_run
    total = tqdm.format_sizeof(sum(p.stat().st_size for p in inputs.iterdir()), divisor=1024)
    assert f"{total}/{total}" in result.stderr, result.stderr
    assert "B/s" in result.stderr and "doc/s" not in result.stderr


def test_summary_names_the_failed_files_then_how_many_more(first_run):
    result, _ = first_run
    line = next(x for x in result.stderr.splitlines() if x.startswith("failed: "))
    named = re.findall(r"empty_\d\.txt", line)
    assert len(named) == 5 and f"and {FAILING - 5} more" in line
    assert f"{FAILING} errors" in result.stderr


def test_summary_words_per_second_over_processed_documents(first_run, rerun):
    result, _ = first_run
    words = len((LONG + SHORT).split())
    assert re.search(rf"\b{words} words in [\d.]+s \([\d,]+ words/s\)", result.stderr), result.stderr
    assert f"({2 + FAILING} processed, 0 unchanged" in result.stderr
    again, _ = rerun
    assert "(0 processed, 9 unchanged since the last run)" in again.stderr, again.stderr
    assert "words/s" not in again.stderr


# -- logging, environment, configuration ----------------------------------------------------------


def test_log_level_debug_logs_to_standard_error(first_run, rerun):
    result, _ = first_run
    assert re.search(r"namelink INFO pipeline\.batch\.run: loaded blank:en", result.stderr), result.stderr
    assert re.search(r"namelink DEBUG pipeline\.batch\.run: failed: .*empty_0\.txt: empty file", result.stderr)
    assert "INFO" not in result.stdout
    again, _ = rerun
    assert " INFO " not in again.stderr and " DEBUG " not in again.stderr  # warnings only, by default


def test_verbose_counts():
    assert [level_of(n, None) for n in (0, 1, 2, 5)] == ["WARNING", "INFO", "DEBUG", "DEBUG"]
    assert level_of(2, "error") == "ERROR"
    assert invoke("--log-level", "loud", "check-models").exit_code == 2


def test_every_environment_variable_is_in_help():
    read = set()
    for path in (ROOT / "pipeline").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"environ(?:\.get)?[\[(]\s*[\"']([A-Z_]+)", text))
        read |= set(re.findall(r"getenv\(\s*[\"']([A-Z_]+)", text))
        read |= set(re.findall(r"envvar=[\"']([A-Z_]+)", text))
    assert "NAMELINK_MODELS" in read
    assert read <= set(ENVIRONMENT)
    top = invoke("--help").output
    for name in read:
        assert name in top
    for command in (["run"], ["clean"], ["evaluate"], ["train"], ["kb", "list"], ["kb", "add"], ["review", "import"]):
        assert "NAMELINK_MODELS" in invoke(*command, "--help").output, command


def test_namelink_toml_sets_defaults_and_the_command_line_wins(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NAMELINK_MODELS", raising=False)
    (tmp_path / "namelink.toml").write_text('models = "nowhere"\n[run]\njobs = 3\n', encoding="utf-8")
    result = invoke("kb", "list")
    assert result.exit_code == 2 and "nowhere" in result.output  # the file's models folder was read
    assert invoke("kb", "list", "--models", str(DEFAULT_MODELS_DIR)).exit_code == 0
    assert "[default: 3;" in invoke("run", "--help").output
    monkeypatch.setenv("NAMELINK_MODELS", str(DEFAULT_MODELS_DIR))
    assert invoke("kb", "list").exit_code == 0  # the environment before the file


def test_pyproject_tool_namelink_and_the_lookup_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert load_defaults(cli) == (None, {})  # no [tool.namelink]: skipped
    (tmp_path / "pyproject.toml").write_text('[tool.namelink]\nmax-bytes = 99\nmodel = "blank:en"\n', "utf-8")
    path, defaults = load_defaults(cli)
    assert path == tmp_path / "pyproject.toml"
    assert defaults["run"]["max_bytes"] == 99 and defaults["run"]["model_specs"] == ["blank:en"]
    assert defaults["kb"]["search"]["model"] == "blank:en"
    (tmp_path / "namelink.toml").write_text("jobs = 2\n", encoding="utf-8")
    path, defaults = load_defaults(cli)
    assert path == tmp_path / "namelink.toml" and defaults["run"] == {"jobs": 2}  # the first file only


def test_configuration_mistakes_are_usage_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for text, expected in (
        ("jbos = 2\n", "did you mean jobs"),
        ("[run]\nquite = true\n", "[run] has 'quite'"),
        ("[run\n", "cannot be read as TOML"),
    ):
        (tmp_path / "namelink.toml").write_text(text, encoding="utf-8")
        result = invoke("check-models")
        assert result.exit_code == 2 and expected in result.output, (text, result.output)
        assert "namelink.toml" in result.output


def test_the_readme_configuration_example_is_accepted(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", readme, re.S).group(1)
    (tmp_path / "namelink.toml").write_text(example, encoding="utf-8")
    _, defaults = load_defaults(cli, tmp_path)
    assert defaults["run"]["jobs"] == 2 and defaults["run"]["max_bytes"] == 5_000_000
    assert defaults["evaluate"]["model"] == "en_core_web_sm" and defaults["clean"]["models_dir"] == "my-models"
