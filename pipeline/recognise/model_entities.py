"""Rule family 3: the model's entities (``doc.ents`` as the NER left them), repaired.

:class:`ModelEntities` reads each of the model's entities with its label in
namelink's names (``PER`` of a French model is a person) and proposes it with
source ``model`` after repairs:

- titles, quotes, punctuation and possessives trimmed (``Stalin's Nemesis``
  is ``Stalin``; ``Trotsky's Left Opposition`` is ``Left Opposition``), and
  adverbs, verbs... swept into a person span (``Intellectually Stalin``,
  ``Alfred Rosmer ont``), a preposition governing it (``de Ramón Mercader``)
  or a demonym before it (``Berliners Zina``); an entity holding a German
  genitive ending split off a name is dropped (the name is the knowledge base's);
- a name-shaped or misspelt-known-person span the model gave another label
  relabelled a person;
- a person span dropped when the rules cover it better (``War Trotsky``,
  ``Kamenev Stalin``), or when it is not one person: several people
  (``Lenin and Trotsky``), part of another name (``Trotsky Museum``), a common
  noun (``the Duma``), a heading, a term of endearment (``Golubchik``), a
  derived word (``Trotskyist``) or a family (``the Trotskys``).
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Span, Token

from pipeline.kb import KnowledgeBase
from pipeline.kb.keys import fold
from pipeline.recognise.context import INITIALS, NameContext
from pipeline.recognise.evidence import DocEvidence, NameEvidence
from pipeline.recognise.lines import ends_line, starts_line
from pipeline.recognise.selection import MODEL, Proposal
from pipeline.recognise.state import DocWords
from pipeline.resources import LabelRules


class ModelEntities:
    """Proposes the model's entities repaired (source ``model``); holds no per-document state."""

    def __init__(self, kb: KnowledgeBase, context: NameContext, labels: LabelRules) -> None:
        rules = context.rules
        self.kb = kb
        self.context = context
        self.rules = rules
        self.labels = labels
        self.person = labels.person
        self.trim = frozenset(rules.trim)
        self.leading_articles = frozenset(rules.leading_articles)
        self.articles = frozenset(rules.articles)
        self.coordinators = frozenset(rules.coordinators)
        self.not_name_pos = frozenset(rules.not_name_pos)
        self.edge_pos = frozenset(rules.edge_pos)
        self.evidence = NameEvidence(kb, context, self.person)
        self.given_name_relabel = frozenset(rules.given_name_relabel)

    def propose(self, w: DocWords, rules: list[Proposal]) -> list[Proposal]:
        """The model's entities repaired; ``rules`` the other families' proposals."""
        people = [p for p in rules if p.label == self.person]
        ev = self._document_evidence(w, people)
        out = []
        for ent in w.doc.ents:
            proposal = self._repaired(w, ent, people, ev)
            if proposal is not None:
                out.append(proposal)
        return out

    def _document_evidence(self, w: DocWords, people: list[Proposal]) -> DocEvidence:
        """Who this document names as a person: the model's persons (trimmed) and the rules'."""
        doc = w.doc
        spans = [self._trim(doc, e.start, e.end) for e in doc.ents if self.labels.of_model(e.label_) == self.person]
        spans = [(start, end) for start, end in spans if start < end]
        return self.evidence.for_document(doc, spans, [(p.start, p.end) for p in people])

    def _repaired(self, w: DocWords, ent: Span, people: list[Proposal], ev: DocEvidence) -> Proposal | None:
        doc, person, possessives = w.doc, self.person, self.rules.possessives
        if any(k in w.genitive for k in range(ent.start, ent.end)):
            return None  # Trotzki s Sohn: the knowledge base proposes the name before the ending
        start, end = self._trim(doc, ent.start, ent.end)
        label = self.labels.of_model(ent.label_)
        if label in self.given_name_relabel and self.context.given_name_shaped(doc, start, end):
            label = person  # Charlotte Ingram, Wendell Willkie: the model's ORG or WORK_OF_ART
        if label != person:
            start = _after_possessive(doc, start, end, possessives)
        elif end - start > 1:
            end = _before_possessive(doc, start, end, possessives)
            start, end = self._trim_edges(w, start, end)
            if self._rules_cover_better(w, start, end, people):
                return None
        if start >= end or self._broken(doc, ev, (start, end), label, people):
            return None
        if label != person and (self._looks_like_person(doc, start, end) or self._damaged_person_name(doc, start, end)):
            label = person
        if label == person and not self._plausible_person(w, start, end, ev):
            return None
        return Proposal(start, end, label, MODEL)

    # -- trimming -----------------------------------------------------------------------------

    def _trim(self, doc: Doc, start: int, end: int) -> tuple[int, int]:
        titles, honorifics = self.context.titles, self.context.honorifics
        while start < end and self._leading_noise(doc[start]):
            start += 1
        while end > start and (doc[end - 1].lower_ in self.trim or _title(doc[end - 1], titles, honorifics)):
            end -= 1
        return start, end

    def _leading_noise(self, token: Token) -> bool:
        lower = token.lower_
        context = self.context
        return lower in self.trim or lower in self.leading_articles or _title(token, context.titles, context.honorifics)

    def _trim_edges(self, w: DocWords, start: int, end: int) -> tuple[int, int]:
        """Drop adverbs, verbs, pronouns... the model swept into a PERSON span; lower-case
        words before the name (``m. Man Nevelson``, ``née Bronstein``) but its particles,
        unless a preposition governs the name (``la hija de Ramón Mercader``); a demonym before
        it (``Berliners Zina``); lower-case words after a capitalised name (``Alfred Rosmer ont``)."""
        doc, context = w.tokens, self.context  # OCR-damaged words as their repairs
        name_word, edge_pos = context.name_word, self.edge_pos
        start = self._lower_case_start(w, start, end)
        while end - start > 1 and context.demonym(w, doc[start]) and not name_word(doc[start]):
            start += 1
        while end - start > 1 and doc[start].pos_ in edge_pos and not name_word(doc[start]):
            start += 1
        while end - start > 1 and doc[end - 1].pos_ in edge_pos and not name_word(doc[end - 1]):
            end -= 1
        return start, self._name_end(doc, start, end)

    def _lower_case_start(self, w: DocWords, start: int, end: int) -> int:
        """The span's start after the lower-case words before the name: not over a particle
        of the name (``de la Peña``) unless a preposition governs it, not over a known name word."""
        doc, context = w.tokens, self.context
        while end - start > 1 and doc[start].text[:1].islower():
            if doc[start].lower_ in context.particles:
                if not context.governed(w, start):
                    break
                start += context.particle_run(doc, start)
            elif context.name_word(doc[start]):
                break
            else:
                start += 1
        return start

    def _name_end(self, doc: list[Any], start: int, end: int) -> int:
        """Without the lower-case foreign words after a capitalised name (``Alfred Rosmer ont``),
        when what is left is still a name, not a French sentence (Je tombe) or an initial (J ut)."""
        context = self.context
        if not doc[start].text[:1].isupper():
            return end
        name_end = end
        while name_end - start > 1 and _foreign_tail(context, doc[name_end - 1]):
            name_end -= 1
        if name_end - start > 1 or (len(doc[start].text) > 1 and context.name_word(doc[start])):
            return name_end
        return end

    def _rules_cover_better(self, w: DocWords, start: int, end: int, people: list[Proposal]) -> bool:
        """A model PERSON span that adds non-name words to a knowledge-base name
        (``War Trotsky``, ``Leon Trotsky Exiled``) or joins two people
        (``Kamenev Stalin``)."""
        doc = w.doc
        inside = [p for p in people if start <= p.start and p.end <= end and (p.start, p.end) != (start, end)]
        if not inside or fold(doc[start].text) in self.context.given:
            return False  # a given name heads the span: Roland Chambers, not Rolland
        if len({p.entities for p in inside if p.entities}) > 1:
            return True
        covered = {k for p in inside for k in range(p.start, p.end)}
        return any(not self._name_like(w, w.tokens[k]) for k in range(start, end) if k not in covered)

    def _name_like(self, w: DocWords, token: Token) -> bool:
        """Could be part of a name: initials, particles, known or rare capitalised words."""
        context = self.context
        capitalised = token.text[:1].isupper()
        if token.pos_ in self.not_name_pos and not context.name_word(token):
            return False
        if any(self.kb.entities[f.entity_id].label != self.person for f in context.index.lookup([token.text])):
            return False  # Berlin Sedow: a place is not part of the name
        return (
            bool(INITIALS.match(token.text))
            or token.lower_ in context.particles
            or not token.is_alpha
            or context.name_word(token)
            or (capitalised and (context.surname_like(token) or not context.common_word(w, token)))
        )

    # -- another label, a person's name -------------------------------------------------------

    def _looks_like_person(self, doc: Doc, start: int, end: int) -> bool:
        context = self.context
        span = doc[start:end]
        if len(span) < 2 or context.inside_other_name(doc, start, end):
            return False
        first, last = span[0], span[-1]
        starts_as_name = context.given_like(first) or bool(INITIALS.match(first.text))
        return (
            starts_as_name
            and context.surname_like(last)
            and all(context.capitalised_word(t) or INITIALS.match(t.text) for t in span)
        )

    def _damaged_person_name(self, doc: Doc, start: int, end: int) -> bool:
        """A span the model did not call PERSON that is a misspelt known person (OCR)."""
        context = self.context
        words = [t.text for t in doc[start:end]]
        if not all(w[:1].isupper() or w.lower() in context.particles for w in words) or context.index.lookup(words):
            return False
        return bool(context.people(words))

    # -- a person span that is no person ------------------------------------------------------

    def _plausible_person(self, w: DocWords, start: int, end: int, ev: DocEvidence) -> bool:
        span = w.tokens[start:end]
        if self._part_of_something_else(w, start, end) or self._not_a_name(w, start, end, ev):
            return False
        if self._garbled(w, start, end):
            return False
        return any(t.text[:1].isupper() for t in span)

    def _garbled(self, w: DocWords, start: int, end: int) -> bool:
        """OCR noise: one short word, or one whose OCR repair is a common word (``Tlie``), that
        no lexicon knows and nothing around it calls a person."""
        words = [t for t in w.tokens[start:end] if not t.is_space]
        if len(words) != 1 or not words[0].text.isalpha():
            return False
        token, context = words[0], self.context
        if context.name_word(token) or context.given_evidence_word(token) or self.evidence.own(w.doc, start, end):
            return False
        if len(token.text) <= self.rules.garbled_max_letters:
            return True
        common = self.rules.common_count
        repairs = context.people.ocr.spellings(token.text, context.people.max_repairs)
        return any(context.english.get(spelling.lower(), 0.0) >= common for spelling, _ in repairs)

    def _part_of_something_else(self, w: DocWords, start: int, end: int) -> bool:
        """Several people, another name, a work's title or a common noun (a line break is
        :meth:`_repaired`'s: only a name wrapped over a line end gets here with one)."""
        doc, context = w.tokens, self.context
        span = doc[start:end]
        if any(t.lower_ in self.coordinators and not context.joined_surname(w, t.i, start) for t in span):
            return True  # several people (a Spanish y joining a second surname is one: Carrancá y Trujillo)
        if context.inside_other_name(doc, start, end) or context.is_work_title(w, start):
            return True
        if any(t.text[:1].isupper() and t.lower_ in context.institutions for t in span[1:]):
            return True  # Leon Trotsky Memorial, Houghton Library
        if len(span) > 2 and span[0].text[:1].isupper() and span[0].lower_ in context.institutions_of:
            if span[1].lower_ in context.of_words:
                return True  # Calle de Bucareli, Museum of Trotsky: named after a person
        if start > 0 and doc[start - 1].lower_ in self.articles and not context.name_word(span[0]):
            return True  # the Duma, the Gestapo, a Menshevik
        return False

    def _not_a_name(self, w: DocWords, start: int, end: int, ev: DocEvidence) -> bool:
        """A kinship word alone, common words or terms of endearment only (unless there is
        evidence of a person: Tom, Dr. Read, J. Jackson, Mr. Darling), a derived word or a plural group."""
        context = self.context
        span = w.tokens[start:end]
        words = [t for t in span if not t.is_space]
        if len(words) == 1 and context.kinship(words[0]) and not self.evidence.title_before(w.doc, start):
            return True  # Grandfather, Papa: kinship, however often repeated
        common = context.common_word
        if all((common(w, t) or context.endearment(t)) and not context.name_word(t) for t in span if t.is_alpha):
            if not self.evidence.has(w.doc, ev, start, end):
                return True  # headings such as "Family Formation", "Death"
        last = fold(span[-1].text)
        if last.endswith(context.derived) and span[-1].text[:1].isupper():
            stem = context.derived_stem(last)
            if stem is not None:
                return True
        return self._plural_group(w.doc, start, end)

    # -- a name wrapped over a line end ------------------------------------------------------

    def _broken(self, doc: Doc, ev: DocEvidence, span: tuple[int, int], label: str, people: list[Proposal]) -> bool:
        """A span over a line break joins two things, unless it is a person's name wrapped."""
        start, end = span
        if "\n" not in doc[start:end].text:
            return False
        return label != self.person or not self._wrapped(doc, ev, start, end) or _two_people(doc, start, end, people)

    def _wrapped(self, doc: Doc, ev: DocEvidence, start: int, end: int) -> bool:
        """One name an OCR column wrapped (``Caroline C.<line end>Brown``): a single line
        break (no paragraph break) inside name-shaped words, with evidence of a person, and
        not two whole lines (a list, or a heading over a line)."""
        breaks = [k for k in range(start, end) if "\n" in doc[k].text]
        if len(breaks) != 1 or doc[breaks[0]].text.count("\n") != 1 or not doc[breaks[0]].is_space:
            return False
        if not start < breaks[0] < end - 1:
            return False
        if not all(self._name_shaped(t) for t in doc[start:end] if not t.is_space):
            return False
        if (starts_line(doc, start) and ends_line(doc, end)) or not self._full_line(doc, ev, breaks[0]):
            return False
        return self.evidence.has(doc, ev, start, end)

    def _full_line(self, doc: Doc, ev: DocEvidence, cut: int) -> bool:
        """The line the break ends is about as long as the document's lines: a column wrapped
        it (a short line is an entry of a list or an index: ``see Trotsky, Leon``)."""
        line_start = ev.text.rfind("\n", 0, doc[cut].idx) + 1
        return doc[cut].idx - line_start >= self.rules.wrapped_line_min_share * ev.typical_line

    def _name_shaped(self, token: Token) -> bool:
        """Initials, a particle, or a capitalised word (apostrophes allowed: O'Brien)."""
        text = token.text
        if INITIALS.match(text) or token.lower_ in self.context.particles:
            return True
        return text[:1].isupper() and text.replace("’", "").replace("'", "").isalpha()

    def _plural_group(self, doc: Doc, start: int, end: int) -> bool:
        """A plural name after a determiner or a number: the Trotskys, the two Levs."""
        context, plural = self.context, self.rules.plural_ending
        last = fold(doc[end - 1].text)
        if not last.endswith(plural) or start == 0:
            return False
        before, counted = start - 1, False
        while before > 0 and (doc[before].like_num or doc[before].pos_ == "ADJ"):
            counted = counted or doc[before].like_num
            before -= 1
        if not counted and doc[before].lower_ not in context.family_determiners:
            return False
        stem = last[: -len(plural)]
        return end - start == 1 or context.keys.skeleton(stem) in context.name_words or stem in context.given


def _foreign_tail(context: NameContext, token: Token) -> bool:
    """A lower-case word after a name that is no particle or name word: a French or Spanish verb
    the model swept in (``Alfred Rosmer ont``, ``Jacques Morel est arrivé à``), not a particle
    glued by an apostrophe (``Gabriele d'Annunzio``: not alphabetic)."""
    text = token.text
    return (
        text.isalpha()
        and text.islower()  # not OCR noise inside a name (WILLIAM rUTCE)
        and text.lower() not in context.particles
        and not context.name_word(token)
        and not context.surname_like(token)
    )


def _before_possessive(doc: Doc, start: int, end: int, possessives: tuple[str, ...]) -> int:
    """``Stalin's Nemesis`` tagged PERSON: the person ends before the possessive."""
    for k in range(start + 1, end):
        if doc[k].lower_ in possessives:
            return k
    return end


def _after_possessive(doc: Doc, start: int, end: int, possessives: tuple[str, ...]) -> int:
    """``Trotsky's Left Opposition`` (ORG): the entity starts after the possessive."""
    for k in range(end - 1, start, -1):
        if doc[k].lower_ in possessives:
            return k + 1
    return start


def _two_people(doc: Doc, start: int, end: int, people: list[Proposal]) -> bool:
    """The rules name a person on each side of the line break: two lines of a list or a
    heading and a byline (``Stalin, Joseph<line end>Étienne, see Zborowski``), not one name."""
    cut = next(k for k in range(start, end) if "\n" in doc[k].text)
    inside = [p for p in people if start <= p.start and p.end <= end]
    return any(p.end <= cut for p in inside) and any(p.start > cut for p in inside)


def _title(token: Token, titles: set[str], honorifics: frozenset[str]) -> bool:
    """A title as written (``Dr``), or a personal honorific with its dot (``MM.``, ``Mme.``): not
    ``St.`` (St. Louis), and not a one-letter ``M.``, an initial unless
    :mod:`~pipeline.recognise.letter_titles` says otherwise."""
    word = fold(token.text)
    base = word.rstrip(".")
    return word in titles or (len(base) > 1 and base in honorifics)
