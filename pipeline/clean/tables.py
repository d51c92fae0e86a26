"""The ``tables`` step: tables are content, and each cell is a segment of its own.

A table is a run of consecutive lines (``tables: min_rows`` at least) with the
same count (``min_separators`` at least) of one separator of ``tables:
separators`` (``|``, a tab), or a markdown rule line (``---|---``,
``|:---|---:|``) with the header line above it and the piped lines below.
Each separator becomes a paragraph break, so the model reads every cell as its
own segment and never runs a name across two cells; a rule line's content is
deleted. The table's lines are recorded as kept (:meth:`CleaningState.keep`),
so the ``boilerplate`` step never takes a row for a breadcrumb.

>>> from pipeline.clean import Cleaner
>>> Cleaner().clean("| 1 | BRONSTEIN, Lev | 1879 |\\n| 2 | SEDOVA, Natalia | 1882 |").text.splitlines()
['1', '', 'BRONSTEIN, Lev', '', '1879', '', '2', '', 'SEDOVA, Natalia', '', '1882', '']
"""

from __future__ import annotations

import re

from pipeline.clean.config import TablePolicy
from pipeline.clean.steps import CleaningState, cleaning_step, line_spans
from pipeline.io.offsets import Edit

Lines = list[tuple[int, int]]

#: A markdown table's rule line: dashes (with alignment colons) between pipes.
RULE_LINE = re.compile(r"[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?\|?[ \t]*")
#: What a separator becomes: a paragraph break, which no later step joins and the model respects.
CELL_BREAK = "\n\n"
#: A cell that is one surname in capitals (AMUNDSEN, O'NEILL, MEILMAN-GORODETSKAYA) ...
SURNAME_CELL = re.compile(r"(?=.{2})[^\W\d_a-z]+(?:['’-][^\W\d_a-z]+)*")
#: ... and a cell of given names after it (Torvald Martin, Mary Catherine).
GIVEN_CELL = re.compile(r"[^\W\d_](?:[^\W\d_]*[a-z][^\W\d_]*)(?: [^\W\d_][^\W\d_]*[a-z][^\W\d_]*){0,2}")


@cleaning_step("tables")
def table_edits(state: CleaningState) -> list[Edit]:
    """Turn each table's separators into paragraph breaks, delete its rule lines, and record
    its lines as kept. Reads ``tables:`` of cleaning.yaml."""
    text = state.text
    lines = list(line_spans(text))
    edits: list[Edit] = []
    for first, last, sep in find_tables(text, lines, state.config.tables):
        state.keep(lines[first][0], lines[last][1])
        for s, e in lines[first : last + 1]:
            edits.extend(_row_edits(text, s, e, sep, state.config.tables.surname_joiner))
        # Rows end in a paragraph break too, so no later step joins a row's last cell to the next line.
        edits.extend((e, e + 1, CELL_BREAK) for _, e in lines[first : last + 1] if e < len(text))
    return edits


def find_tables(text: str, lines: Lines, policy: TablePolicy) -> list[tuple[int, int, str]]:
    """(first line, last line, separator) of each table among ``lines`` (spans of :func:`line_spans`).

    Tables never overlap: a line belongs to the first table found over it.
    """
    found: list[tuple[int, int, str]] = []
    taken = [False] * len(lines)
    for sep in policy.separators:
        for first, last in _consistent_runs(text, lines, sep, policy) + _ruled_tables(text, lines, sep):
            if not any(taken[first : last + 1]):
                found.append((first, last, sep))
                taken[first : last + 1] = [True] * (last - first + 1)
    return sorted(found)


def _consistent_runs(text: str, lines: Lines, sep: str, policy: TablePolicy) -> list[tuple[int, int]]:
    """Runs of at least ``min_rows`` consecutive lines with one same count of ``sep``."""
    counts = [text.count(sep, s, e) for s, e in lines]
    runs, start = [], 0
    for i in range(1, len(counts) + 1):
        if i < len(counts) and counts[i] == counts[start]:
            continue
        if counts[start] >= policy.min_separators and i - start >= policy.min_rows:
            runs.append((start, i - 1))
        start = i
    return runs


def _ruled_tables(text: str, lines: Lines, sep: str) -> list[tuple[int, int]]:
    """A markdown rule line with the header above it and the lines holding ``sep`` below it."""
    if sep != "|":
        return []
    tables = []
    for i, (s, e) in enumerate(lines):
        if not RULE_LINE.fullmatch(text, s, e):
            continue
        first = i - 1 if i > 0 and sep in text[slice(*lines[i - 1])] else i
        last = i
        while last + 1 < len(lines) and sep in text[slice(*lines[last + 1])]:
            last += 1
        tables.append((first, last))
    return tables


def _row_edits(text: str, start: int, end: int, sep: str, joiner: str = "") -> list[Edit]:
    """A table line's edits: a rule line's content goes, each separator becomes a cell break
    (or ``joiner`` between a surname cell and a given-name cell)."""
    if sep == "|" and RULE_LINE.fullmatch(text, start, end):
        return [(start, end, "")] if end > start else []
    row = text[start:end]
    cells = row.split(sep)
    edits, at = [], start
    for k, cell in enumerate(cells[:-1]):
        at += len(cell)
        joined = joiner and SURNAME_CELL.fullmatch(cell.strip()) and GIVEN_CELL.fullmatch(cells[k + 1].strip())
        edits.append((at, at + len(sep), joiner if joined else CELL_BREAK))
        at += len(sep)
    return edits
