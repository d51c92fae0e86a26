"""Positive evidence that a model PERSON span names a person.

The blanket tests of :mod:`~pipeline.recognise.model_entities` (a span of
common English words only is a heading; a span over a line break joins two
things) are right for most spans but drop real names of old newspapers:
``Tom``, ``Dr. Read``, ``J. Jackson``, ``William<line end>Murphy``. Such a span
is kept when something says it is a person:

- its own shape or context (:meth:`NameEvidence.own`): initials before a
  capitalised word (``O. F. Smith``), a given name of the lexicon at its
  start, a title right before it (``Dr.``, ``Capt.``), a knowledge-base
  person's name;
- the document (:class:`DocEvidence`, built per document by
  :meth:`NameEvidence.for_document`, never kept on a component): its last
  word is the last word of a person named elsewhere with such evidence or by
  the rules (``Jackson`` after ``J. Jackson``), or the model calls the same
  string a person again and again (``Tom`` fourteen times in one story).

The titles and the repetition threshold are in ``recognise.yaml``.
:mod:`~pipeline.recognise.places` asks the same tests of a one-word name
that is a place's (:meth:`NameEvidence.person_before`,
:meth:`NameEvidence.named_with_evidence`), without the repetition: the model
calls a town a person as often as the document names it.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from pipeline.kb import KnowledgeBase
from pipeline.kb.keys import fold
from pipeline.recognise.context import INITIALS, NameContext, title_slot


@dataclass(frozen=True)
class DocEvidence:
    """What one document says of its persons; a local of one call, never stored.

    ``named`` the folded last words of persons the document names with
    evidence of their own (or the rules name); ``repeated`` the folded
    strings the model calls a person often enough to be a character;
    ``typical_line`` the median length (characters) of the document's lines;
    ``text`` the document's text (``Doc.text`` joins every token: read it once).
    """

    named: frozenset[str] = frozenset()
    repeated: frozenset[str] = frozenset()
    typical_line: float = 0.0
    text: str = ""


class NameEvidence:
    """The evidence tests, built once per pipeline; holds nothing of a document."""

    def __init__(self, kb: KnowledgeBase, context: NameContext, person: str) -> None:
        self.kb = kb
        self.context = context
        self.person = person
        self.titles = context.person_titles
        self.repeated_min = context.rules.repeated_person_min
        self.territorial = frozenset(fold(t) for t in context.rules.territorial_titles)
        self.of_words = frozenset(context.rules.of_words)

    def for_document(self, doc: Doc, spans: list[tuple[int, int]], rules_people: list[tuple[int, int]]) -> DocEvidence:
        """The document's evidence from the model's person ``spans`` and the rules' persons."""
        counts = Counter(_key(doc, start, end) for start, end in spans)
        named = {fold(doc[end - 1].text) for start, end in rules_people}
        named |= {fold(doc[end - 1].text) for start, end in spans if self.own(doc, start, end)}
        repeated = {key for key, n in counts.items() if n >= self.repeated_min}
        text = doc.text
        lines = [len(line) for line in text.split("\n") if line.strip()]
        return DocEvidence(frozenset(named), frozenset(repeated), statistics.median(lines) if lines else 0.0, text)

    def has(self, doc: Doc, ev: DocEvidence, start: int, end: int) -> bool:
        """Evidence of its own, or the document names it as a person elsewhere."""
        if self.own(doc, start, end):
            return True
        if not _has_word(list(doc[start:end])):
            return False
        return _key(doc, start, end) in ev.repeated or fold(doc[end - 1].text) in ev.named

    def own(self, doc: Doc, start: int, end: int) -> bool:
        """Initials before a word, a given name first, a title before, or a known person."""
        words = [t for t in doc[start:end] if not t.is_space]
        if not _has_word(words):
            return False  # initials only (N. Y., A. D.) are no name however they are cued
        return (
            self._initials_then_word(words)
            or (len(words) > 1 and self.context.given_evidence_word(words[0]))
            or self.title_before(doc, start)
            or self._known_person(words)
        )

    def named_with_evidence(self, doc: Doc, spans: list[tuple[int, int]]) -> frozenset[str]:
        """The folded last words of the person ``spans`` (token offsets) with evidence of their
        own, a given name of any lexicon (the census's too) at the start of a longer one counting."""
        named = set()
        for start, end in spans:
            words = [t for t in doc[start:end] if not t.is_space]
            if self.own(doc, start, end) or (len(words) > 1 and self.any_given(words[0])):
                named.add(fold(doc[end - 1].text))
        return frozenset(named)

    def person_before(self, doc: Doc, start: int) -> bool:
        """A title, dotted initials or a capitalised given name of any lexicon right before
        ``start`` (``Capt. Ormond``, ``J. Ormond``, ``John Ormond`` where the span holds only the
        last word), or a territorial title and ``of`` (``the duke of Ormond``)."""
        if self.title_before(doc, start) or self.territorial_title_before(doc, start):
            return True
        if start == 0:
            return False
        before = doc[start - 1]
        if "." in before.text and INITIALS.match(before.text):
            return True  # J. Ormond, not the article of "A Palermo paper"
        return before.text[:1].isupper() and self.any_given(before)

    def territorial_title_before(self, doc: Doc, start: int) -> bool:
        """``the duke of``, ``King of``, ``le duc de`` right before ``start`` (any case)."""
        return start >= 2 and doc[start - 1].lower_ in self.of_words and fold(doc[start - 2].text) in self.territorial

    def any_given(self, token: Token) -> bool:
        """A given name of the lexicons, the knowledge base's or the census's."""
        return self.context.given_like(token) or fold(token.text) in self.context.given_evidence

    def title_before(self, doc: Doc, start: int) -> bool:
        """A capitalised title right before ``start`` (``Dr.``, ``Capt .``, ``Mrs``), also at the
        end of the line before."""
        found = title_slot(doc, start)
        if found is None or not doc[found[0]].text[:1].isupper():
            return False
        return fold(doc[found[0]].text).rstrip(".") in self.titles

    def _known_person(self, words: list[Token]) -> bool:
        forms = self.context.index.lookup([t.text for t in words])
        return any(self.kb.entities[f.entity_id].label == self.person for f in forms)

    @staticmethod
    def _initials_then_word(words: list[Token]) -> bool:
        """``J. Jackson``, ``Caroline C. Brown``: initials, then a capitalised word of two letters or more."""
        seen_initials = False
        for token in words:
            if INITIALS.match(token.text):
                seen_initials = True
            elif seen_initials and len(token.text) > 1 and token.text[:1].isupper() and token.text[1:2].isalpha():
                return True
        return False


def _key(doc: Doc, start: int, end: int) -> str:
    """The folded words of a span, whatever whitespace parts them."""
    return " ".join(fold(t.text) for t in doc[start:end] if not t.is_space)


def _has_word(tokens: list[Token]) -> bool:
    """A token of two letters or more: a span of initials only names nobody for sure."""
    return any(sum(c.isalpha() for c in t.text) > 1 for t in tokens)
