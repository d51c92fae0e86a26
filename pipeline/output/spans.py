"""Span styles: where a person mention starts and ends in the output.

``namelink`` (the default) follows ``docs/annotation.md``: titles and honorifics
stay outside (``General Krivitsky`` -> ``Krivitsky``). ``hipe`` follows the
HIPE-2020 convention, where a person span includes the titles before the
name (``Gen. Sherwood``, ``Mr. Smith``, ``President Wilson``), so runs can be
scored against HIPE data as its scorer expects. The titles are those of
``rules/names.yaml`` (``titles``). Functions after the name (``J. B. Harlan,
Speaker of the House``) are not added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacy.tokens import Span

from pipeline.kb.keys import fold

#: A style: the clean (start_char, end_char) an entity is written with.
SpanStyle = Callable[[Span], tuple[int, int]]
SPAN_STYLES = ("namelink", "hipe")
#: At most this many titles in a row are taken in (Lieut. Gen. Sir ...).
_MAX_TITLES = 3


def span_style(name: str, titles: Iterable[str], person_label: str) -> SpanStyle | None:
    """The style ``name`` (None for namelink's own, which leaves spans as they are)."""
    if name not in SPAN_STYLES:
        raise ValueError(f"unknown span style {name!r} (known: {', '.join(SPAN_STYLES)})")
    if name == "namelink":
        return None
    folded = frozenset(fold(t) for t in titles)
    return lambda ent: _with_titles(ent, folded, person_label)


def _with_titles(ent: Span, titles: frozenset[str], person_label: str) -> tuple[int, int]:
    if ent.label_ != person_label:
        return ent.start_char, ent.end_char
    doc, start = ent.doc, ent.start
    for _ in range(_MAX_TITLES):
        before = start - 1
        if before >= 0 and doc[before].text == "." and before >= 1:
            before -= 1  # "Gen" "." when the tokenizer splits the abbreviation's dot
        if before < 0 or not doc[before].text[:1].isupper() or fold(doc[before].text).rstrip(".") not in titles:
            break
        if "\n" in doc[before : ent.start].text_with_ws:
            break  # a title on the line before is a heading, not part of the name
        start = before
    return doc[start].idx, ent.end_char
