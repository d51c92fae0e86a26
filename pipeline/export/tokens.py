"""A document's clean text as tokens and sentences whose boundaries never cut a mention, for token formats.

:func:`tokenise` reads the record's text with spaCy's rule tokenizer for the document's
language (``spacy.blank``: no model, no statistics) and a ``sentencizer``, splits a token
wherever a mention starts or ends inside it (``Trotsky's`` stays ``Trotsky`` ``'s``; a mention
that ends inside a token gets a token boundary there), starts a sentence after a blank line,
and never starts one inside a mention. Every character of the text is in exactly one
:class:`Piece` (whitespace pieces too), so the pieces rebuild the text exactly
(:func:`spacy_doc`). :func:`iob_tags` tags the pieces IOB2 (``B-PERSON``, ``I-PERSON``, ``O``).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipeline.records import EntityRecord

#: spaCy's multi-language tokenizer, for a document whose language spaCy has no class for.
FALLBACK_LANGUAGE = "xx"


@dataclass(frozen=True)
class Piece:
    """A token of the text: ``text[start:end]``; ``space`` whether one space follows it inside
    its spaCy token's ``whitespace_`` (the pieces then rebuild the text); ``sent_start`` whether
    a sentence starts here; ``is_space`` whether it is whitespace only (left out of CoNLL and HIPE)."""

    start: int
    end: int
    text: str
    space: bool
    sent_start: bool
    is_space: bool


@lru_cache(maxsize=8)
def blank_pipeline(language: str | None) -> Any:
    """``spacy.blank(language)`` with a sentencizer (the fallback language for None or an unknown code)."""
    import spacy

    try:
        nlp = spacy.blank(language or FALLBACK_LANGUAGE)
    except (ImportError, KeyError, ValueError):
        nlp = spacy.blank(FALLBACK_LANGUAGE)
    nlp.add_pipe("sentencizer")
    return nlp


def tokenise(text: str, language: str | None, mentions: Sequence[EntityRecord]) -> list[Piece]:
    """The pieces of ``text`` (see the module docstring); ``mentions`` index ``text`` (``start``/``end``)."""
    nlp = blank_pipeline(language)
    nlp.max_length = max(nlp.max_length, len(text) + 1)  # a tokenizer and sentencizer only: no memory limit
    doc = nlp(text)
    cuts = sorted({m["start"] for m in mentions} | {m["end"] for m in mentions})
    pieces: list[Piece] = []
    after_blank_line = False
    for token in doc:
        start, end = token.idx, token.idx + len(token.text)
        inner = cuts[bisect.bisect_right(cuts, start) : bisect.bisect_left(cuts, end)]
        bounds = [start, *inner, end]
        for i, (a, b) in enumerate(itertools.pairwise(bounds)):
            last = i == len(bounds) - 2
            space = last and bool(token.whitespace_)
            first = i == 0 and (token.is_sent_start or after_blank_line) and not token.is_space
            pieces.append(Piece(a, b, text[a:b], space, bool(first), token.is_space))
        if token.is_space:
            after_blank_line = after_blank_line or token.text.count("\n") >= 2
        else:
            after_blank_line = False
    return _no_break_inside(pieces, mentions)


def _no_break_inside(pieces: list[Piece], mentions: Sequence[EntityRecord]) -> list[Piece]:
    """``pieces`` with no sentence starting after a mention's first character and before its end."""
    inside = sorted((m["start"], m["end"]) for m in mentions)
    starts = [s for s, _ in inside]
    out = []
    for piece in pieces:
        at = bisect.bisect_left(starts, piece.start) - 1
        if piece.sent_start and at >= 0 and inside[at][0] < piece.start < inside[at][1]:
            piece = Piece(piece.start, piece.end, piece.text, piece.space, False, piece.is_space)
        out.append(piece)
    if out and not any(p.sent_start for p in out):
        first = next((i for i, p in enumerate(out) if not p.is_space), None)
        if first is not None:
            p = out[first]
            out[first] = Piece(p.start, p.end, p.text, p.space, True, p.is_space)
    return out


def iob_tags(pieces: Sequence[Piece], mentions: Sequence[EntityRecord]) -> list[tuple[str, EntityRecord | None]]:
    """(IOB2 tag, its mention or None) of every piece: ``B-LABEL`` on a mention's first piece that is
    not whitespace, ``I-LABEL`` on its others, ``O`` outside and on whitespace (a record's mentions
    never overlap: they were a Doc's ``ents``)."""
    ordered = sorted(mentions, key=lambda m: (m["start"], -m["end"]))
    starts = [m["start"] for m in ordered]
    tags: list[tuple[str, EntityRecord | None]] = []
    opened: set[int] = set()
    for piece in pieces:
        at = bisect.bisect_right(starts, piece.start) - 1
        mention = ordered[at] if at >= 0 and piece.start < ordered[at]["end"] else None
        if mention is None or piece.is_space:
            tags.append(("O", None))
            continue
        prefix = "I" if at in opened else "B"
        opened.add(at)
        tags.append((f"{prefix}-{mention['label']}", mention))
    return tags


def spacy_doc(vocab: Any, pieces: Sequence[Piece]) -> Any:
    """A spaCy ``Doc`` of the pieces (its text the record's text, character for character)."""
    from spacy.tokens import Doc

    return Doc(vocab, words=[p.text for p in pieces], spaces=[p.space for p in pieces])
