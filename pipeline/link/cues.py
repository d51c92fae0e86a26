"""Words next to a short form that say who it is: kinship words and same-person markers.

- :meth:`Cues.kin_kind`: a kinship or household word just before the name
  (``her daughter Alexandra``, ``their son, also called Lev``) gives the
  relation kind the person stands in to someone the document names
  (``rules/linking.yaml``: ``kin_words``, ``kin_window``, ``kin_stop_words``);
- :meth:`Cues.marker_after_name`: a marker such as ``née``, ``born`` or
  ``called`` between a person's name and the short form
  (``Kameneva, Olga Davidovna (née Bronstein``) makes the short form another
  name of that person (``same_person_markers``).

Both read the tokens of the span's Doc and its entity labels; they keep no
state of a document.
"""

from __future__ import annotations

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


def _quote(token: Token) -> bool:
    return token.is_quote


def _breaks(token: Token) -> bool:
    """A token a kinship word does not reach across: a line break, or punctuation but a comma or quote."""
    if token.is_space:
        return "\n" in token.text
    return token.is_punct and token.text != "," and not token.is_quote
