"""Rule family: an unknown person introduced by a role noun in apposition.

Memoirs, letters and travel writing introduce the people of a place by what
they do: ``a Greek fisherman, Kharalambos,``, ``Our guide, Paloma,
pointed``, ``the clerk, a certain Bekmuratov,``, or the other way round
``Casimiro, the young policeman they have attached to me,``, ``Paloma, our
guide,``. The name is no known name and has no shape of one, so the model
leaves it out or calls it a place. :class:`RoleAppositions` proposes it as a
person (source ``shape``) when a role noun of ``recognise.yaml``
(``role_nouns``: occupations and relations) stands in apposition with one
capitalised word:

- role first: a determiner, at most ``role_max_modifiers`` modifiers and the
  role noun, a relative clause of at most ``role_gap_max`` lower-case words
  if any (opened by a pronoun or one of ``relative_words``),
  a comma, an opener of ``apposition_openers`` (``a certain``) if any, the
  word, then punctuation that closes the apposition;
- name first: the word, a comma, a determiner if any (an index's gloss has
  none: ``Kharalambos, Greek fisherman at Prinkipo``), modifiers, the role noun.

The word must be capitalised and alone (no capitalised word before it but a
title: ``Madame Lefort, the concierge``), tagged as a possible name word, not
a title or an institution's word, not a known place or organisation, not a
word the model labels a date or a number, and either a given name of any
lexicon or a word rarer than ``apposition_max_count`` that the document never
writes in lower case (``the cook, Monday,`` and ``our driver, Ford,`` stay as
they are: common English words). Every other capitalised occurrence of the
word in the document is the same person (``Paloma does not dramatise it``),
unless it is part of a longer entity of the model or of another name, follows
an article, or is a place of the model after a locative preposition
(``locative_prepositions``: ``in Florence``); the linker then gives all of
them one id.
"""

from __future__ import annotations

from spacy.tokens import Token

from pipeline.kb.keys import fold
from pipeline.recognise.context import NameContext
from pipeline.recognise.selection import SHAPE, Proposal
from pipeline.recognise.state import DocWords
from pipeline.resources import LabelRules

#: Punctuation that closes an apposition after the name (``Our guide, Paloma, pointed``).
CLOSERS = frozenset({",", ".", ";", ":", ")", "!", "?", "—", "–"})
#: Parts of speech of a determiner or a possessive before the role noun.
DETERMINER_POS = frozenset({"DET", "PRON"})
#: Parts of speech that open a relative clause after the role noun (``they``, ``who``, ``that``).
RELATIVE_POS = frozenset({"PRON", "SCONJ"})


class RoleAppositions:
    """Proposes the names a role noun introduces (source ``shape``); holds no per-document state."""

    def __init__(self, context: NameContext, labels: LabelRules) -> None:
        rules = context.rules
        self.context = context
        self.rules = rules
        self.person = labels.person
        self.never_people = frozenset(labels.never_people)
        self.places = frozenset(labels.places)
        self.locatives = frozenset(rules.locative_prepositions)
        self.roles = frozenset(rules.role_nouns)
        self.relatives = frozenset(rules.relative_words)
        self.openers = sorted((tuple(o.split()) for o in rules.apposition_openers), key=len, reverse=True)

    def propose(self, w: DocWords) -> list[Proposal]:
        """The introduced names of ``w`` and every other mention of the same word."""
        found: dict[str, int] = {}
        for k, token in enumerate(w.tokens):
            if token.lower_ in self.roles and token.is_lower:
                for name in (self._role_first(w, k), self._name_first(w, k)):
                    if name is not None:
                        found.setdefault(fold(w.words[name]), name)
        if not found:
            return []
        return [Proposal(k, k + 1, self.person, SHAPE) for k in self._mentions(w, found)]

    # -- the two orders -----------------------------------------------------------------------

    def _role_first(self, w: DocWords, role: int) -> int | None:
        """``the clerk, a certain Bekmuratov,``: the name's index after the role noun at ``role``."""
        toks, n = w.tokens, len(w.tokens)
        if not self._determined(w, role):
            return None
        k = role + 1
        if k < n and (toks[k].pos_ in RELATIVE_POS or toks[k].lower_ in self.relatives):
            while k < n and k - role <= self.rules.role_gap_max and toks[k].is_lower and toks[k].is_alpha:
                k += 1  # a relative clause: the young policeman they have attached to us, Casimiro
        if k >= n or toks[k].text != ",":
            return None
        k += 1
        for opener in self.openers:
            if tuple(w.lowers[k : k + len(opener)]) == opener:
                k += len(opener)
                break
        if k >= n or not (k + 1 >= n or toks[k + 1].text in CLOSERS or "\n" in toks[k + 1].text):
            return None
        return k if self._introduced(w, k) else None

    def _name_first(self, w: DocWords, role: int) -> int | None:
        """``Casimiro, the young policeman``: the name's index before the role noun at ``role``."""
        toks = w.tokens
        k = role - 1
        while k >= 0 and role - k <= self.rules.role_max_modifiers and self._modifier(toks[k]):
            k -= 1
        if k >= 0 and toks[k].pos_ in DETERMINER_POS and toks[k].is_lower:
            k -= 1
        if k < 1 or toks[k].text != ",":
            return None
        name = k - 1
        before = toks[name - 1] if name > 0 else None
        if before is not None and (before.pos_ == "ADP" or before.text == ","):
            return None  # In Coyoacán, our guide...; Paris, Rome, the city...
        return name if self._introduced(w, name) else None

    def _determined(self, w: DocWords, role: int) -> bool:
        """A determiner or possessive before the role noun, over at most ``role_max_modifiers``
        modifiers (``A Greek fisherman``, ``the young policeman``, ``Our guide``)."""
        toks = w.tokens
        k = role - 1
        while k >= 0 and role - k <= self.rules.role_max_modifiers and self._modifier(toks[k]):
            k -= 1
        return k >= 0 and toks[k].pos_ in DETERMINER_POS

    def _modifier(self, token: Token) -> bool:
        """An adjective or a noun before the role noun (``young``, ``Greek``, ``police``)."""
        return token.is_alpha and token.pos_ in ("ADJ", "NOUN", "PROPN") and not token.is_upper

    # -- the word -------------------------------------------------------------------------------

    def _introduced(self, w: DocWords, k: int) -> bool:
        """Is token ``k`` one capitalised word that may be the name of an unknown person?"""
        context, toks = self.context, w.tokens
        token = toks[k]
        text = token.text
        if not (text[:1].isupper() and text.isalpha() and not token.is_upper and len(text) > 1):
            return False
        if k > 0 and toks[k - 1].text[:1].isupper() and fold(toks[k - 1].text) not in context.titles:
            return False  # the end of a longer name: the other families read it
        lower = token.lower_
        if lower in context.titles or lower in context.institutions or lower in context.group_words:
            return False
        if token.pos_ not in context.name_word_pos or w.model_label.get(k) in self.never_people:
            return False  # Sadly, the guide...; the cook, Monday,
        forms = context.index.lookup([text])
        if forms and all(context.index.kb.entities[f.entity_id].label != self.person for f in forms):
            return False  # a known place or organisation
        if fold(text) in context.given_evidence:
            return True
        return lower not in w.lower_words and context.english.get(lower, 0.0) < self.rules.apposition_max_count

    def _mentions(self, w: DocWords, found: dict[str, int]) -> list[int]:
        """Every capitalised occurrence of the introduced words outside longer entities and names."""
        context, toks = self.context, w.tokens
        spans = {k: (e.start, e.end) for e in w.doc.ents for k in range(e.start, e.end)}
        out = []
        for k, word in enumerate(w.words):
            if fold(word) not in found or not word[:1].isupper():
                continue
            if k != found[fold(word)]:
                start, end = spans.get(k, (k, k + 1))
                if end - start > 1 or context.inside_other_name(toks, k, k + 1):
                    continue  # Paloma Street, the Paloma Hotel
                before = toks[k - 1].lower_ if k > 0 else ""
                if before in self.rules.articles:
                    continue  # the Paloma: a thing
                if before in self.locatives and w.model_label.get(k) in self.places:
                    continue  # our guide, Florence, ... we drove to Florence: the town
            out.append(k)
        return out
