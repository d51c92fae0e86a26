"""A JSON Lines file a user gives (a gold file, a run's output for --pred) is read with its line numbers:
a bad line is ``FILE:LINE: problem`` and exit code 2, never a traceback (issue 12; pipeline/records.py,
pipeline/evaluation/metrics.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.evaluation import load_gold
from pipeline.records import JsonLinesError, numbered_records, read_records

SPAN = {"start": 0, "end": 11, "text": "Ada Lovelac", "label": "PERSON", "kb_id": "ada"}


def write(tmp_path: Path, *lines: str | dict, name: str = "data.jsonl", bom: bool = False) -> Path:
    path = tmp_path / name
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def gold_line(**changes) -> dict:
    return {"doc_id": "memo", "spans": [dict(SPAN)], "ignore": [], **changes}


# -- numbered_records ------------------------------------------------------------------------------


def test_lines_are_numbered_as_an_editor_numbers_them(tmp_path):
    path = write(tmp_path, {"a": 1}, "", "   ", {"b": 2})
    assert list(numbered_records(path)) == [(1, {"a": 1}), (4, {"b": 2})]
    assert read_records(path) == [{"a": 1}, {"b": 2}]


def test_a_byte_order_mark_before_the_first_line_is_skipped(tmp_path):
    assert read_records(write(tmp_path, {"a": 1}, bom=True)) == [{"a": 1}]


@pytest.mark.parametrize(
    ("bad", "problem"),
    [('{"a": 1,', "not valid JSON"), ("[1, 2]", "not a JSON object but an array"), ("null", "but null")],
)
def test_a_bad_line_names_its_file_and_number(tmp_path, bad, problem):
    path = write(tmp_path, {"a": 1}, "", bad, {"c": 3})
    with pytest.raises(JsonLinesError) as caught:
        read_records(path)
    assert caught.value.line == 3 and problem in caught.value.problem
    assert str(caught.value).startswith(f"{path}:3: ")


# -- gold files ------------------------------------------------------------------------------------


def test_a_good_gold_file_loads(tmp_path):
    gold = load_gold(write(tmp_path, gold_line(), gold_line(doc_id="other", ignore=[[20, 30]])))
    assert gold["memo"].spans == {(0, 11): "ada"} and gold["other"].ignore == [(20, 30)]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"doc_id": None}, "no doc_id"),
        ({"spans": "Ada"}, "no spans"),
        ({"spans": [{**SPAN, "end": 0}]}, "span 1: start and end must be offsets"),
        ({"spans": [{**SPAN, "start": "0"}]}, "span 1: start and end must be offsets"),
        ({"spans": [{k: v for k, v in SPAN.items() if k != "text"}]}, "span 1: no text"),
        ({"spans": [{k: v for k, v in SPAN.items() if k != "kb_id"}]}, "span 1: a person without kb_id"),
        ({"ignore": [[1]]}, "ignore must be a list of [start, end] pairs"),
    ],
)
def test_a_gold_line_that_is_no_gold_document_is_named(tmp_path, changes, problem):
    path = write(tmp_path, gold_line(doc_id="first"), gold_line(**changes))
    with pytest.raises(JsonLinesError) as caught:
        load_gold(path)
    assert caught.value.line == 2 and caught.value.problem.startswith(problem)
    assert "docs/annotation.md" in caught.value.problem


def test_a_span_of_another_label_needs_no_kb_id(tmp_path):
    place = {"start": 20, "end": 26, "text": "London", "label": "GPE"}
    gold = load_gold(write(tmp_path, gold_line(spans=[dict(SPAN), place])))
    assert gold["memo"].spans == {(0, 11): "ada"}


def test_a_doc_id_given_twice_is_an_error_not_a_silent_overwrite(tmp_path):
    with pytest.raises(JsonLinesError, match=r":3: doc_id 'memo' again \(first on line 1\)"):
        load_gold(write(tmp_path, gold_line(), gold_line(doc_id="b"), gold_line()))


# -- the command line ------------------------------------------------------------------------------


def test_evaluate_with_a_broken_gold_line_exits_2_with_file_and_line(tmp_path):
    gold = write(tmp_path, gold_line(), '{"doc_id": "memo2", "spans": [', name="gold.jsonl")
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold), "--raw", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{gold}:2: not valid JSON" in result.output and "Traceback" not in result.output


def test_evaluate_pred_with_a_broken_line_exits_2_with_file_and_line(tmp_path):
    gold = write(tmp_path, gold_line(), name="gold.jsonl")
    pred = write(tmp_path, "", '"just a string"', name="pred.jsonl")
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold), "--pred", str(pred), "--raw", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{pred}:2: not a JSON object but a string" in result.output
