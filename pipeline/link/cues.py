"""Words next to a short form that say who it is: kinship words and same-person markers.

- :meth:`Cues.kin_kind`: a kinship or household word just before the name
  (``her daughter Alexandra``, ``their son, also called Lev``) gives the
  relation kind the person stands in to someone the document names
  (``rules/linking.yaml``: ``kin_words``, ``kin_window``, ``kin_stop_words``);
- :meth:`Cues.marker_after_name`: a marker such as ``née``, ``born`` or
  ``called`` between a person's name and the short form
  (``Kameneva, Olga Davidovna (née Bronstein``) makes the short form another
  name of that person (``same_person_markers``);
- :meth:`Cues.years_after`: the years written just after a name
  (``Sedov, Lev Lvovich, the younger (b. 1926)``, ``| 1906 | 1938 |``), which
  tell namesakes apart by the years of their lives (``life_years_tokens``).

Both read the tokens of the span's Doc and its entity labels; they keep no
state of a document.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from pipeline.kb.keys import fold
from pipeline.resources import LinkingRules


class Cues:
    """The cue words of one linking rule file, folded (see the module docstring)."""

    def __init__(self, linking: LinkingRules, person_label: str) -> None:
        self.kin_words = {fold(w): kind for w, kind in linking.kin_words.items()}
        self.window = linking.kin_window
        self.stop_words = {fold(w) for w in linking.kin_stop_words}
        self.markers = {fold(w) for w in linking.same_person_markers}
        self.person = person_label
        self.years_window = linking.life_years_tokens
        unknown = sorted(set(self.kin_words.values()) - set(linking.relation_inverses))
        if unknown:
            raise ValueError(f"linking.yaml kin_words name unknown relation kinds: {', '.join(unknown)}")

    def kin_kind(self, span: Span) -> tuple[str, str] | None:
        """(kind, the word) of the nearest kinship word among the ``kin_window`` tokens before
        ``span``, or None. The search stops at punctuation other than a comma or a quote, at a
        line break, at another person's name and at a stop word."""
        doc = span.doc
        for i in range(span.start - 1, max(span.start - 1 - self.window, -1), -1):
            token = doc[i]
            if token.ent_type_ == self.person or _breaks(token):
                return None
            word = fold(token.text)
            if word in self.stop_words:
                return None
            if word in self.kin_words:
                return self.kin_words[word], token.text
        return None

    def marker_after_name(self, span: Span) -> tuple[int, str] | None:
        """(end token of the person's name, the marker) when a same-person marker stands just
        before ``span`` (quotes between allowed) and nothing but punctuation stands between the
        marker and the end of a person's name before it; else None."""
        doc = span.doc
        i = span.start - 1
        while i >= 0 and _quote(doc[i]):
            i -= 1
        if i < 0 or fold(doc[i].text).rstrip(".") not in self.markers:
            return None
        marker = doc[i].text
        i -= 1
        while i >= 0 and doc[i].is_punct and doc[i].ent_type_ != self.person:
            i -= 1
        if i < 0 or doc[i].ent_type_ != self.person:
            return None
        return i + 1, marker


    def years_after(self, span: Span) -> set[int]:
        """The years (four digits, 1000-2099) among the ``life_years_tokens`` tokens after ``span``,
        up to the next person's name (a table's cells are paragraphs once cleaned: line breaks
        do not stop the search)."""
        years: set[int] = set()
        for token in span.doc[span.end : span.end + self.years_window]:
            if token.ent_type_ == self.person:
                break
            years.update(int(y) for y in _YEAR.findall(token.text))
        return years


_YEAR = re.compile(r"(?<!\d)(1\d{3}|20\d{2})(?!\d)")


def _quote(token: Token) -> bool:
    return token.is_quote


def _breaks(token: Token) -> bool:
    """A token a kinship word does not reach across: a line break, or punctuation but a comma or quote."""
    if token.is_space:
        return "\n" in token.text
    return token.is_punct and token.text != "," and not token.is_quote
