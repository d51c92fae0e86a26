"""Documents longer than the model takes at once: cut into pieces, joined again.

A document longer than ``chunk_chars`` goes through the model in pieces cut
at paragraph breaks (then line breaks, then spaces); the pieces are joined
into one Doc before the components that need the whole document (the
linker's context spans the document) run on it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from spacy.tokens import Doc

#: The emphasis spans of a piece index the piece; on a joined Doc they would be wrong.
_EMPHASIS_KEY = ("._.", "namelink_emphasis", None, None)
#: The truecaser's word forms (start characters) of a piece, shifted to the joined Doc's.
_WORD_FORMS_KEY = ("._.", "namelink_word_forms", None, None)


def split_paragraphs(text: str, limit: int) -> list[str]:
    """Cut text into pieces of at most ``limit`` characters at paragraph breaks
    (then line breaks, then spaces); the pieces join back to ``text``."""
    if len(text) <= limit:
        return [text]
    pieces, start = [], 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n") if "\n\n" not in window else -1)
        if cut <= 0:
            cut = window.rfind(" ")
        cut = start + (cut + 1 if cut > 0 else limit)
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def groups_by_size(items: Sequence[Any], limit: int, size: Any = len) -> Iterator[list[Any]]:
    """Consecutive groups of items of at most ``limit`` in total ``size`` (a bigger item goes alone)."""
    group: list[Any] = []
    total = 0
    for item in items:
        length = size(item)
        if group and total + length > limit:
            yield group
            group, total = [], 0
        group.append(item)
        total += length
    if group:
        yield group


def join_pieces(pieces: list[Doc], emphasis: list[tuple[int, int]]) -> Doc:
    """One Doc of a document's pieces, with the document's own emphasis spans."""
    if len(pieces) == 1:
        pieces[0]._.namelink_emphasis = list(emphasis)
        return pieces[0]
    word_forms, offset = set(), 0
    for piece in pieces:
        piece.user_data.pop(_EMPHASIS_KEY, None)
        word_forms.update(offset + start for start in piece.user_data.pop(_WORD_FORMS_KEY, ()))
        offset += len(piece.text)
    doc = Doc.from_docs(pieces, ensure_whitespace=False)
    doc._.namelink_emphasis = list(emphasis)
    if word_forms:
        doc._.namelink_word_forms = frozenset(word_forms)
    return doc
