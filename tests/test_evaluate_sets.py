"""Every gold set side by side (pipeline/evaluation/sets.py, namelink evaluate --sets) on tiny sets
written for these tests."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.evaluation.sets import GoldSet, _hipe_person, load_sets, select_sets

TEXT = "In 1905 Leon Trotsky spoke in the Soviet. Later Lev Davidovich wrote about it.\n"


def _tiny_sets(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "tiny.txt").write_text(TEXT, encoding="utf-8")
    mentions = [
        {"start": TEXT.index("Leon Trotsky"), "end": TEXT.index("Leon Trotsky") + 12},
        {"start": TEXT.index("Lev Davidovich"), "end": TEXT.index("Lev Davidovich") + 14},  # an alias
    ]
    spans = [{**m, "text": TEXT[m["start"] : m["end"]], "label": "PERSON", "kb_id": "leon-trotsky"} for m in mentions]
    gold = {"doc_id": "tiny", "spans": spans}
    (tmp_path / "tiny.jsonl").write_text(json.dumps(gold) + "\n", encoding="utf-8")
    sets = tmp_path / "sets.yaml"
    sets.write_text(
        "- {name: tiny, kind: annotation, gold: tiny.jsonl, raw: docs}\n"
        "- {name: later, kind: annotation, gold: tiny.jsonl, raw: docs, once: true}\n"
        "- {name: ocr, kind: hipe, folder: nowhere, scorer: nowhere/hipe.py}\n",
        encoding="utf-8",
    )
    return sets


def test_sets_resolve_against_their_file_and_once_sets_wait(tmp_path):
    sets = load_sets(_tiny_sets(tmp_path))
    assert [s.name for s in sets] == ["tiny", "later", "ocr"]
    assert sets[0].paths["raw"] == (tmp_path / "docs").resolve() and sets[0].available
    assert not sets[2].available  # the HIPE folder is not there: skipped, not an error
    assert [s.name for s in select_sets(sets)] == ["tiny", "ocr"]
    assert [s.name for s in select_sets(sets, once=True)] == ["tiny", "later", "ocr"]
    assert [s.name for s in select_sets(sets, ["later"])] == ["later"]  # a once set named is measured
    with pytest.raises(ValueError, match="no such gold set: nope"):
        select_sets(sets, ["nope"])


def test_a_set_without_a_kind_is_a_clear_error(tmp_path):
    bad = tmp_path / "sets.yaml"
    bad.write_text("- {name: x, gold: a.jsonl}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs a name and a kind"):
        load_sets(bad)


def test_evaluate_sets_prints_namelink_beside_plain_spacy(tmp_path):
    result = CliRunner().invoke(cli, ["evaluate", "--sets", str(_tiny_sets(tmp_path))], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = {line.split("|")[2].strip(): line for line in result.output.splitlines() if line.startswith("| tiny")}
    assert set(rows) == {"namelink", "spacy"}
    assert "| 1.000 | 1.000 | 1.000 |" in rows["namelink"]  # both mentions found and linked, the alias too
    assert "| 2 |" in rows["namelink"]
    assert "later" not in result.output and "skipped (data not found): ocr" in result.output


def test_evaluate_needs_a_gold_file_or_a_sets_file():
    result = CliRunner().invoke(cli, ["evaluate"])
    assert result.exit_code == 2 and "--gold" in result.output and "--sets" in result.output


def test_the_hipe_scorer_is_called_in_token_mode_and_its_person_row_read(tmp_path):
    # a stand-in for ../shared/hipe/hipe.py that echoes its arguments and prints a PERSON row
    scorer = tmp_path / "hipe.py"
    scorer.write_text(
        "import sys\nprint(' '.join(sys.argv[1:]))\n"
        "print('PERSON  0.500 0.400 0.444  0.800 0.700 0.747  12')\n",
        encoding="utf-8",
    )
    figures = _hipe_person(scorer, tmp_path / "gold.jsonl", tmp_path / "pred.jsonl")
    assert figures == {"strict": 0.444, "fuzzy": 0.747}


def test_gold_set_is_available_only_when_every_path_exists(tmp_path):
    assert not GoldSet("x", "annotation", paths={"gold": tmp_path / "missing.jsonl"}).available
    assert GoldSet("x", "annotation", paths={"gold": Path(sys.executable)}).available


def test_a_set_without_its_paths_is_a_clear_error(tmp_path):
    bad = tmp_path / "sets.yaml"
    bad.write_text("- {name: x, kind: annotation, gold: a.jsonl}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'x' \\(annotation\\) needs raw"):
        load_sets(bad)
