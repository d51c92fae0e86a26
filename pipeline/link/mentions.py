"""Person mentions as the linker sees them: words, keys, candidates, and the link decided.

:class:`MentionBuilder` turns a PERSON span into a :class:`Mention` with its
candidates (:mod:`pipeline.link.candidates`), narrowed by a title's sex
(``Mrs. Trotsky`` is a woman; a bare surname no woman bears, ``Mrs. Rivera``,
names the wife of the man who does: knowledge base ``related``) and by what review
ruled out for the string.
An inverted name (``Sedov, Lev Lvovich``, one span in indexes and registers)
is read in natural order (``Lev Lvovich Sedov``), so its candidates and keys
are those of the full name. A word with digits among its letters (``Nata1ia
5edova``, ``0tto Ruehle``) is damage for sure: its keys, its NIL name and the
title and partial matches read it with every digit repaired
(:meth:`pipeline.kb.ocr.OcrConfusions.clear`), so two spellings of one unknown
person share an id; its candidates come from the generator's OCR repairs.

A Cyrillic name word is read in all its readings (:func:`pipeline.kb.morphology.readings`):
``Сталина`` is looked up as written and as ``Сталин``, ``Зиночки`` as ``Зиночка``.
A word both a nominative and another name's oblique case (``Седова``: the woman,
or Седов's genitive) keeps the candidates of both readings unless the word
before it governs the genitive (a preposition of ``genitive_prepositions`` or
a common noun: ``по указанию Седова``, ``rules/ru/morphology.yaml``); when both
remain, :attr:`Mention.case_note` says so and the decision lowers a link that
no context chose (:mod:`pipeline.link.decision`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice, product
from typing import NamedTuple

from spacy.tokens import Span, Token

from pipeline.kb import KnowledgeBase, NameKeys
from pipeline.kb.morphology import NameReadings, common_noun, lemma_and_pos, nominative, readings
from pipeline.link.candidates import Candidate, CandidateGenerator, best_per_entity
from pipeline.resources import LinkingRules, MorphologyRules, NameRules

_MULTI_INITIALS = re.compile(r"^(?:[A-Z]\.){2,}$")
#: At most this many readings of a Cyrillic name are looked up (combinations of its words' readings).
MAX_READINGS = 8
#: Candidate methods that are evidence of their own; a written form matching only by OCR or fuzzy
#: similarity gives way to a reading that matches a form.
_FORM_METHODS = frozenset({"exact", "variant", "pet"})


class Link(NamedTuple):
    """The decision for one mention: which individual, named how, how sure, by which method;
    ``reason`` says which context decided, where a cue or a relation did (``"'daughter': child
    of zinaida-volkova"``), else it is empty."""

    entity_id: str
    canonical: str
    score: float
    method: str
    reason: str = ""

    def as_dict(self) -> dict[str, str | float]:
        """The plain value stored on ``Span._.namelink_link`` (serialisable with the Doc);
        ``reason`` only when there is one."""
        out = self._asdict()
        if not self.reason:
            del out["reason"]
        return out


@dataclass
class Mention:
    """One PERSON span of a document during linking (a local object of one call)."""

    span: Span
    words: list[str]
    keys: tuple[str, ...]
    candidates: list[Candidate]
    link: Link | None = None
    anchor: bool = False
    banned: frozenset[str] = frozenset()  # ids review ruled out for this string
    name: str = ""  # the span's text, digits inside words read as letters (Nata1ia -> Natalia)
    case_note: str = ""  # a Russian case ambiguity the candidates keep (Седова: nominative or genitive)
    crowded: bool = False  # more namesakes share the name than its candidates hold (AliasIndex.crowded)


def allowed(candidates: list[Candidate], banned: frozenset[str]) -> list[Candidate]:
    """``candidates`` without the ids review ruled out for the mention's string."""
    return [c for c in candidates if c.entity_id not in banned] if banned else candidates


def natural_order(span: Span) -> list[Token]:
    """The tokens of an inverted name (``Sedov, Lev Lvovich``, ``Heijenoort, Jean van``) in the
    order a name is written in text (``Lev Lvovich Sedov``, ``Jean van Heijenoort``): the knowledge
    base's forms and the anchors' keys are in that order. Other spans as they are."""
    tokens = list(span)
    commas = [k for k, t in enumerate(tokens) if t.text == ","]
    if not commas:
        k = _capitals_first(tokens)  # BRONSTEIN Léon, MARTIN des PALLIÈRES Jeanne
        return tokens[k:] + tokens[:k] if k else tokens
    if len(commas) != 1 or commas[0] in (0, len(tokens) - 1):
        return tokens
    k = commas[0]
    return tokens[k + 1 :] + tokens[:k]


def _capitals_first(tokens: list[Token]) -> int:
    """Where the given names start in a register's ``SURNAME Given`` (0 if it is not one): a
    surname in capitals (particles between) before words in title case only."""
    k = 0
    while k < len(tokens) and (_capitals(tokens[k]) or (k and tokens[k].is_lower and k + 1 < len(tokens))):
        k += 1
    rest = tokens[k:]
    if not k or not rest or not _capitals(tokens[k - 1]):
        return 0
    return k if all(t.text.istitle() and t.is_alpha for t in rest) else 0


def _capitals(token: Token) -> bool:
    return token.is_upper and token.is_alpha and len(token.text) > 1


class MentionBuilder:
    """Builds the :class:`Mention` of a span: its name words, their keys (``L.D.``
    counts as two initials), and its candidates."""

    def __init__(
        self,
        kb: KnowledgeBase,
        keys: NameKeys,
        persons: CandidateGenerator,
        names: NameRules,
        linking: LinkingRules,
        morphology: MorphologyRules | None = None,
    ) -> None:
        self.kb, self.keys, self.persons = kb, keys, persons
        self.morphology = morphology or MorphologyRules.empty()
        self.name_tags = frozenset(self.morphology.name_tags)
        self.ocr = persons.ocr
        self.female_titles = set(names.female_titles)
        self.male_titles = set(names.male_titles)
        self.title_relations = set(linking.title_relations)

    def __call__(self, span: Span) -> Mention:
        words = [t.text for t in natural_order(span) if any(ch.isalnum() for ch in t.text)]
        repaired = [self.ocr.clear(w) or nominative(w) or w for w in words]  # Троцкого as Троцкий
        banned = self.kb.never_linked(span.text)
        candidates = self._candidates(span, words, repaired, banned)
        note = ""
        read = [readings(w, self.name_tags) for w in words]
        if any(r is not None and r.nominatives for r in read):
            candidates, note = self._with_readings(span, words, read, candidates, banned)
        name = "".join((self.ocr.clear(t.text) or nominative(t.text) or t.text) + t.whitespace_ for t in span).strip()
        crowded = self.persons.crowded(words) or (repaired != words and self.persons.crowded(repaired))
        return Mention(
            span, repaired, self._keys(repaired), candidates, banned=banned, name=name, case_note=note, crowded=crowded
        )

    def _with_readings(
        self,
        span: Span,
        words: list[str],
        read: list[NameReadings | None],
        candidates: list[Candidate],
        banned: frozenset[str],
    ) -> tuple[list[Candidate], str]:
        """The candidates of the words' readings (:func:`~pipeline.kb.morphology.readings`) with
        those of the words as written (``candidates``), and a note when a case ambiguity keeps
        two individuals apart: the written form's own candidates give way to the readings'
        when they are OCR or fuzzy guesses, or when the word before governs the genitive."""
        options = [
            ((w,) if r is None or r.as_written or not r.nominatives else ()) + (r.nominatives if r else ())
            for w, r in zip(words, read, strict=True)
        ]
        found: list[Candidate] = []
        for combo in islice(product(*options), MAX_READINGS + 1):
            if list(combo) != words:
                found += allowed(self.persons(list(combo), fuzzy=False), banned)
        if not found:
            return candidates, ""
        written = [c for c in candidates if c.method in _FORM_METHODS]
        ambiguous = any(r is not None and r.ambiguous for r in read)
        if not written or (ambiguous and self._governs_genitive(span)):
            return best_per_entity(found), ""
        merged = best_per_entity(written + found)
        own, other = {c.entity_id for c in written}, {c.entity_id for c in found}
        note = ""
        if ambiguous and own != other and own - other and other - own:
            forms = ", ".join(sorted({c.form.text for c in found if c.entity_id not in own}))
            note = f"case: {span.text!r} as written, or an oblique case of {forms}"
        return merged, note

    def _governs_genitive(self, span: Span) -> bool:
        """Is the word before ``span`` a preposition that governs the genitive, or a common
        noun (``письмо Седова``; not a title or role noun of ``person_cues``)?"""
        if span.start == 0:
            return False
        before = span.doc[span.start - 1].text
        if before.lower() in self.morphology.genitive_prepositions:
            return True
        if not self.morphology.noun_governs_genitive or not common_noun(before):
            return False
        return lemma_and_pos(before)[0] not in self.morphology.person_cues

    def _keys(self, words: list[str]) -> tuple[str, ...]:
        keys: list[str] = []
        for w in words:
            if _MULTI_INITIALS.match(w):
                keys.extend(ch.lower() for ch in w if ch.isalpha())
            else:
                keys.append(self.keys.skeleton(w))
        return tuple(k for k in keys if k)

    def _candidates(self, span: Span, words: list[str], repaired: list[str], banned: frozenset[str]) -> list[Candidate]:
        """The generator's candidates for ``words`` as written, else for the ``repaired`` words (an
        inflected Russian name's nominative), else the title and partial matches of them."""
        candidates = allowed(self.persons(words), banned)
        if not candidates and repaired != words:
            candidates = allowed(self.persons(repaired), banned)
        sex = self._title_sex(span)
        if sex and candidates:
            named = candidates
            candidates = [c for c in candidates if self.kb.entities[c.entity_id].sex in (sex, None)]
            if not candidates:  # Mrs. Trotsky: the woman known by that name
                candidates = allowed(self.persons.by_last_word(repaired[-1], sex), banned)
            if not candidates and len(words) == 1:  # Mrs. Rivera: the wife of the man of that name
                candidates = allowed(self._relatives_by_title(named, sex), banned)
        if not candidates and len(words) >= 2:
            candidates = allowed(self.persons.partial(repaired), banned)
        return candidates

    def _relatives_by_title(self, candidates: list[Candidate], sex: str) -> list[Candidate]:
        """The relatives of ``sex`` and of a ``title_relations`` kind (linking.yaml: spouse) of
        the candidates, as ``title`` candidates named by their canonical name: a title of the
        other sex before a man's surname (``Mrs. Rivera``) names his wife."""
        kb, out = self.kb, {}
        for c in candidates:
            for other, kinds in kb.related(c.entity_id).items():
                if kinds & self.title_relations and kb.entities[other].sex == sex and other not in out:
                    form = next(f for f in kb.forms_of(other) if f.text == kb.entities[other].canonical)
                    out[other] = Candidate(other, form, "title", 1.0)
        return list(out.values())

    def _title_sex(self, span: Span) -> str | None:
        if span.start == 0:
            return None
        before = span.doc[span.start - 1]
        word = before.lower_.rstrip(".")
        if before.text in (".",) and span.start >= 2:
            word = span.doc[span.start - 2].lower_
        return "F" if word in self.female_titles else "M" if word in self.male_titles else None
