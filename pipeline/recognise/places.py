"""Places the model calls persons: a one-word person that only a place is named is that place.

en_core_web_md labels many a town of old newspapers ``PERSON``, and so do
the rules now and then. :class:`PlaceNames` reads the chosen person spans of
one word and relabels each whose word is a *place-only name* as a place
(``recognise.yaml`` ``place_label``, GPE: not dropped, the place is still an
entity) unless there is evidence of a person
(:mod:`~pipeline.recognise.evidence`).

- A place-only name is a main name of the gazetteer
  (:mod:`pipeline.kb.gazetteer`: GeoNames' cities of at least
  ``place_min_population`` people, countries, US states, continents) that is
  no person's name: no given name of any lexicon (``given_names.txt``,
  ``given_names_census.txt``, the knowledge base's), no word of a
  knowledge-base person's name (skeleton key: ``Trotzki`` too), and no
  common surname (``surnames_census.txt``). So ``Lincoln``, ``Houston``,
  ``Florence`` and ``Victoria`` stay possible persons, and a knowledge-base
  person whose surname is a town's keeps it.
- Evidence of a person: a title, a capitalised given name or initials right
  before the word (``Capt. Ormond``), or the document names a person of that
  last word with evidence of their own elsewhere (``John Ormond`` or ``Mr.
  Ormond`` once, then ``Ormond``). Spans of more words are never touched
  (``Alexandria Smith`` is a person).

Runs on the chosen spans (:func:`~pipeline.recognise.selection.best_non_overlapping`),
before the label consistency of :mod:`~pipeline.recognise.consistency`;
holds no per-document state.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from spacy.tokens import Doc

from pipeline.kb.gazetteer import place_names
from pipeline.kb.keys import fold
from pipeline.kb.lexicon import census_surnames
from pipeline.recognise.context import NameContext
from pipeline.recognise.evidence import NameEvidence
from pipeline.recognise.selection import Proposal
from pipeline.recognise.state import DocWords
from pipeline.resources import LabelRules


class PlaceNames:
    """Relabels the one-word persons that are place-only names without evidence of a person."""

    def __init__(
        self, context: NameContext, evidence: NameEvidence, labels: LabelRules, surnames: frozenset[str]
    ) -> None:
        rules = context.rules
        self.context = context
        self.evidence = evidence
        self.person = labels.person
        self.label = rules.place_label
        self.gazetteer = place_names(rules.place_gazetteers, rules.place_min_population)
        self.surnames = surnames

    @classmethod
    def build(cls, context: NameContext, labels: LabelRules, models: str | Path | None) -> PlaceNames:
        """Over ``context``'s lexicons and the surnames of the models folder ``models``."""
        evidence = NameEvidence(context.index.kb, context, labels.person)
        return cls(context, evidence, labels, census_surnames(models))

    def place_only(self, word: str) -> bool:
        """A gazetteer name that is no given name, no known person's name word, no common surname."""
        folded = fold(word)
        if folded not in self.gazetteer or folded in self.context.given_evidence or folded in self.surnames:
            return False
        keys = self.context.keys
        return keys.skeleton(word) not in self.context.name_words and keys.skeleton(word) not in self.context.given_keys

    def relabel(self, w: DocWords, chosen: list[Proposal]) -> list[Proposal]:
        """``chosen`` with its one-word place-only persons without evidence as places."""
        doc, person = w.doc, self.person
        places = [p for p in chosen if p.label == person and p.end - p.start == 1 and self.place_only(w.words[p.start])]
        if not places:
            return chosen
        people = [(p.start, p.end) for p in chosen if p.label == person]
        named = self.evidence.named_with_evidence(doc, people)
        moved = {id(p) for p in places if not self._person(doc, p, named)}
        return [replace(p, label=self.label) if id(p) in moved else p for p in chosen]

    def _person(self, doc: Doc, p: Proposal, named: frozenset[str]) -> bool:
        """Evidence that this one-word span is a person all the same."""
        return self.evidence.person_before(doc, p.start) or fold(doc[p.start].text) in named
