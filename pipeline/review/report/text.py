"""What the report shows of a document's text: its title, its marked-up pieces, a mention's context.

- :func:`document_title`: the first heading of the text (a Markdown ``#``
  heading, else a short first line standing alone), else the file name;
- :func:`segments`: the text cut into plain pieces and entity pieces, which the
  templates render as text and ``<mark>`` (autoescaped there, never here);
- :func:`snippet`: a mention with some words either side, cut at word
  boundaries, its whitespace collapsed so it shows on one line.

These are presentation limits, not recognition data, so they live here
rather than in ``models/rules/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

#: How far into a text a heading is looked for, in lines.
HEADING_LINES = 40
#: A first line standing alone is a title when it is at most this long...
TITLE_MAX_CHARS = 120
#: ... has at most this many words, and does not end like a sentence's part.
TITLE_MAX_WORDS = 16
_NOT_TITLE_END = (".", ",", ";", ":")
_WHITESPACE = re.compile(r"\s+")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")


def document_title(record: dict[str, Any]) -> str:
    """A readable title for a ``documents.jsonl`` record: its text's top-ranked Markdown heading of
    the first :data:`HEADING_LINES` lines, else its first line when it stands alone and is short,
    else the file name of its ``source`` (the doc id when there is none)."""
    text = record.get("text") or ""
    lines = text.splitlines()[:HEADING_LINES]
    headings = [(len(m.group(1)), m.group(2)) for m in map(_MARKDOWN_HEADING.match, lines) if m]
    if headings:
        top = min(rank for rank, _ in headings)
        return next(" ".join(title.split()) for rank, title in headings if rank == top)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        line = " ".join(lines[first].split())
        alone = first + 1 >= len(lines) or not lines[first + 1].strip()
        if alone and _title_like(line):
            return line
    return file_name(record)


def _title_like(line: str) -> bool:
    return len(line) <= TITLE_MAX_CHARS and len(line.split()) <= TITLE_MAX_WORDS and not line.endswith(_NOT_TITLE_END)


def file_name(record: dict[str, Any]) -> str:
    """The last part of a record's ``source`` (``letters/1936/a.txt`` -> ``a.txt``), else its doc id."""
    source = record.get("source") or ""
    return PurePath(source).name or record["doc_id"]


@dataclass(frozen=True)
class Segment:
    """A piece of a document's text: plain (``entity`` None) or one entity's surface; ``anchors``
    are the starts of the entities it overlaps (not marked themselves), so that a link to any of
    them (``#m-<start>``) still lands here."""

    text: str
    entity: dict[str, Any] | None = None
    anchors: tuple[int, ...] = ()


def segments(text: str, entities: list[dict[str, Any]]) -> list[Segment]:
    """``text`` cut at its entities (each an :class:`pipeline.records.EntityRecord`, clean offsets);
    an entity overlapping one already placed stays plain text, its start an anchor of that one."""
    out: list[Segment] = []
    position, placed_start = 0, -1
    for ent in sorted(entities, key=lambda e: (e["start"], -e["end"])):
        if ent["start"] < position:
            last = out[-1]
            if ent["start"] != placed_start and ent["start"] not in last.anchors:
                out[-1] = Segment(last.text, last.entity, (*last.anchors, ent["start"]))
            continue
        if ent["start"] > position:
            out.append(Segment(text[position : ent["start"]]))
        out.append(Segment(text[ent["start"] : ent["end"]], ent))
        position, placed_start = ent["end"], ent["start"]
    if position < len(text):
        out.append(Segment(text[position:]))
    return out


@dataclass(frozen=True)
class Snippet:
    """A mention in context: ``left`` and ``right`` are whole words, with a space next to the mention
    where the text has whitespace there (none before ``'s``); ``cut_left``/``cut_right``
    say whether text was left out on that side (shown as an ellipsis)."""

    left: str
    mention: str
    right: str
    cut_left: bool
    cut_right: bool


def snippet(text: str, start: int, end: int, width: int = 70) -> Snippet:
    """``text[start:end]`` with at most ``width`` characters either side, a word cut by the window
    left out, whitespace (newlines too) collapsed."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    if lo > 0 and not text[lo - 1].isspace():  # the window starts inside a word: drop that word
        while lo < start and not text[lo].isspace():
            lo += 1
    if hi < len(text) and not text[hi].isspace():  # it ends inside a word
        while hi > end and not text[hi - 1].isspace():
            hi -= 1
    return Snippet(
        _WHITESPACE.sub(" ", text[lo:start]).lstrip(),
        " ".join(text[start:end].split()),
        _WHITESPACE.sub(" ", text[end:hi]).rstrip(),
        cut_left=bool(text[:lo].strip()),
        cut_right=bool(text[hi:].strip()),
    )
