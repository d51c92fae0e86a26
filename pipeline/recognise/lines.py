"""The line breaks of a document that an OCR column made inside running text.

A newspaper column wraps full lines, so a name may run over a line end
(``Leon<line end>Trotsky``); an index, a list or a heading breaks after short
lines. :func:`wrapped_breaks` finds the breaks of the first kind: a token
holding a single line break (no blank line, no other text) that ends a line at
least ``min_share`` of the document's median line length
(``recognise.yaml``: ``wrapped_line_min_share``, the test the model's wrapped
spans pass too). The knowledge-base matches may run over such a break, unless
they are two whole lines (:func:`starts_line`, :func:`ends_line`). Reads
token offsets only (``Doc.text`` joins every token: costly on long documents).
"""

from __future__ import annotations

import bisect
import statistics

from spacy.tokens import Doc


def wrapped_breaks(doc: Doc, min_share: float) -> frozenset[int]:
    """Indexes of the tokens of ``doc`` that are a single line break ending a full line."""
    newlines = [(t.idx + j, t.i) for t in doc if "\n" in t.text for j, ch in enumerate(t.text) if ch == "\n"]
    if not newlines:
        return frozenset()
    words = [t.idx for t in doc if not t.is_space]  # where the non-blank text is
    last = doc[-1]
    starts = [0] + [pos + 1 for pos, _ in newlines]
    ends = [pos for pos, _ in newlines] + [last.idx + len(last.text_with_ws)]
    lengths = [end - start for start, end in zip(starts, ends, strict=True) if _has_text(words, start, end)]
    if not lengths:
        return frozenset()
    floor = min_share * statistics.median(lengths)
    out = set()
    for n, (_, k) in enumerate(newlines):
        token = doc[k]
        if not token.is_space or token.text.count("\n") != 1 or not _has_text(words, starts[n], token.idx):
            continue
        if token.idx - starts[n] >= floor:
            out.add(k)
    return frozenset(out)


def _has_text(word_starts: list[int], start: int, end: int) -> bool:
    """Does a non-blank token start in [start, end)?"""
    at = bisect.bisect_left(word_starts, start)
    return at < len(word_starts) and word_starts[at] < end


def starts_line(doc: Doc, start: int) -> bool:
    """Nothing but punctuation between the last line break (or the start) and ``start``."""
    k = start - 1
    while k >= 0 and doc[k].is_punct:
        k -= 1
    return k < 0 or "\n" in doc[k].text


def ends_line(doc: Doc, end: int) -> bool:
    """Nothing but punctuation between ``end`` and the next line break (or the end)."""
    k = end
    while k < len(doc) and doc[k].is_punct:
        k += 1
    return k >= len(doc) or "\n" in doc[k].text
