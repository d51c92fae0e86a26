"""Text with a character-exact map back to the raw file it came from.

Every cleaning step is a list of edits (replace ``text[start:end]`` by a new
string). :class:`MappedText` applies them and keeps, for each character of the
current text, the half-open span of raw characters it came from, so that any
span of the clean text maps back to exact raw offsets.

Rules for the map:
- characters kept as they are keep their raw span;
- a replacement of the same length maps character by character;
- any other replacement maps each new character to the whole replaced span;
- an insertion (``start == end``) maps to an empty span at that raw position,
  so an inserted space never widens a mention.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

#: One edit: replace ``text[start:end]`` by the string (``start == end`` inserts).
Edit = tuple[int, int, str]


@dataclass
class MappedText:
    """A text and, for each of its characters, the half-open raw span it came from.

    text (str): The current text.
    raw_starts (array): ``raw_starts[i]`` is the first raw offset character ``i`` came from.
    raw_ends (array): ``raw_ends[i]`` is the raw offset just after it.
    raw_length (int): Length of the raw text (the position of an insertion at the very end).
    """

    text: str
    raw_starts: array
    raw_ends: array
    raw_length: int

    @classmethod
    def from_raw(cls, raw: str) -> MappedText:
        """The identity map of ``raw``: each character maps to itself."""
        n = len(raw)
        return cls(raw, array("q", range(n)), array("q", range(1, n + 1)), n)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw offsets of the clean span ``[start, end)``."""
        if start >= end:
            pos = self.raw_starts[start] if start < len(self.text) else self.raw_length
            return pos, pos
        return int(self.raw_starts[start]), int(self.raw_ends[end - 1])

    def clean_span(self, raw_start: int, raw_end: int) -> tuple[int, int]:
        """The clean span made of characters that came from raw ``[raw_start, raw_end)``."""
        start = bisect_left(self.raw_starts, raw_start)
        end = bisect_right(self.raw_ends, raw_end)
        return start, max(start, end)

    def apply(self, edits: Iterable[Edit]) -> MappedText:
        """Return a new MappedText with the (non-overlapping) edits applied."""
        ordered = sorted(edits, key=lambda e: (e[0], e[1]))
        if not ordered:
            return self
        pieces: list[str] = []
        starts, ends = array("q"), array("q")
        cursor = 0
        for start, end, new in ordered:
            if start < cursor:
                raise ValueError(f"overlapping edit at {start}")
            pieces.append(self.text[cursor:start])
            starts.extend(self.raw_starts[cursor:start])
            ends.extend(self.raw_ends[cursor:start])
            self._map_replacement(start, end, new, starts, ends)
            pieces.append(new)
            cursor = end
        pieces.append(self.text[cursor:])
        starts.extend(self.raw_starts[cursor:])
        ends.extend(self.raw_ends[cursor:])
        return MappedText("".join(pieces), starts, ends, self.raw_length)

    def _map_replacement(self, start: int, end: int, new: str, starts: array, ends: array) -> None:
        if not new:
            return
        if end - start == len(new):
            starts.extend(self.raw_starts[start:end])
            ends.extend(self.raw_ends[start:end])
            return
        if start == end:
            pos = self.raw_starts[start] if start < len(self.text) else self.raw_length
            starts.extend([pos] * len(new))
            ends.extend([pos] * len(new))
            return
        lo, hi = self.raw_starts[start], self.raw_ends[end - 1]
        starts.extend([lo] * len(new))
        ends.extend([hi] * len(new))

    def transform_lines(self, fn: Callable[[str], str]) -> MappedText:
        """Apply a whole-string function line by line, mapping changes by alignment.

        For functions (Unicode repair, normalisation) that give no edit list:
        only lines the function changes are aligned, with difflib.
        """
        return self.apply(line_edits(self.text, fn))


def line_edits(text: str, fn: Callable[[str], str]) -> list[Edit]:
    """The edits that turn each line of ``text`` into ``fn(line)``, found by alignment.

    text (str): The text to transform, line by line (newlines kept on each line).
    fn (Callable[[str], str]): A whole-string function with no edit list of its own.
    RETURNS (list[Edit]): Non-overlapping edits, for :meth:`MappedText.apply`; only
        lines ``fn`` changes are aligned (difflib), so unchanged lines cost nothing.
    """
    edits: list[Edit] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        fixed = fn(line)
        if fixed != line:
            edits.extend(_diff_edits(line, fixed, offset))
        offset += len(line)
    return edits


def _diff_edits(old: str, new: str, offset: int) -> list[Edit]:
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    return [(offset + i1, offset + i2, new[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
