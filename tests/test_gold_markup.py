"""bench/gold_from_markup.py: inline marks give raw text and gold offsets that slice back exactly."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import ROOT

_spec = importlib.util.spec_from_file_location("gold_from_markup", ROOT / "bench" / "gold_from_markup.py")
markup = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(markup)


def test_marks_become_spans_that_slice_the_raw_text():
    marked = (
        "{{ignore}}Home | [[Trotsky|x]]{{/ignore}}\n"
        "When [[Trotsky|leon-trotsky]]considered, [[Trot-\nsky|leon-trotsky]] and [[L. D.|leon-trotsky]] [27]wrote."
    )
    raw, spans, ignore = markup.convert(marked)
    assert raw == "Home | Trotsky\nWhen Trotskyconsidered, Trot-\nsky and L. D. [27]wrote."
    assert [raw[s["start"] : s["end"]] for s in spans] == ["Trotsky", "Trotsky", "Trot-\nsky", "L. D."]
    assert [s["kb_id"] for s in spans] == ["x", "leon-trotsky", "leon-trotsky", "leon-trotsky"]
    assert ignore == [[0, 14]] and raw[:14] == "Home | Trotsky"


@pytest.mark.parametrize(
    "marked, problem",
    [
        ("[[Trotsky|]] spoke", "not a lower-case slug"),
        ("[[Trotsky|Leon Trotsky]] spoke", "not a lower-case slug"),
        ("[[Trotsky spoke", "not closed"),
        ("{{ignore}} menu", "never closed"),
        ("menu {{/ignore}}", "without"),
    ],
)
def test_a_bad_mark_is_an_error_naming_the_line(marked, problem):
    with pytest.raises(markup.MarkupError, match=problem):
        markup.convert("first line\n" + marked, "doc.marked.txt")


def test_escaped_brackets_are_literal_brackets_of_the_source():
    marked = "See \\[\\[[[Leon Trotsky|leon-trotsky]]\\]\\] and \\[\\[Museo Casa de León Trotsky\\]\\]."
    raw, spans, _ = markup.convert(marked)
    assert raw == "See [[Leon Trotsky]] and [[Museo Casa de León Trotsky]]."
    assert [(raw[s["start"] : s["end"]], s["text"]) for s in spans] == [("Leon Trotsky", "Leon Trotsky")]
