"""Things named after people: towns, ships, prizes, cocktails (annotation guideline).

A name inside the name of something else is no person mention. The
capitalised cases (``Trotsky Museum``, ``Order of Lenin``) are
:meth:`~pipeline.recognise.context.NameContext.inside_other_name`; this
filter drops the person proposals whose context makes them a thing:

- a town made from a person's name (``Zinovievsk``, ``Kirovograd``,
  ``Trotsk``: :meth:`~pipeline.recognise.context.NameContext.derived_place`);
- ``the/a NAME head`` with an eponym head noun (``the Molotov cocktail``, ``the
  Mariinsky company``, ``the Kirov Plant``), and a work's title after its cue
  (``a series called Stalin's Children``: ``names.yaml`` work_title_cues);
- a street or quarter named after a person (``Calle Morelos``, ``Colonia Juárez``);
- a ship word before the name (``the Norwegian tanker Ruth``);
- an apposition or index gloss ending in a place, ship or work noun
  (``Pushkin, the town,``; ``Ruth, tanker, 162``; ``Stalin, Trotsky's unfinished book,``);
- ``the town of NAME`` and ``born in NAME``;
- a renaming with a place subject (``Perm was called Molotov from 1940``,
  ``the town became Ulyanovsk``, ``the town, is still Pushkin``); a person
  subject keeps the person (``Lev Bronstein became Trotsky``); and the
  subject of a renaming into such a town (``Gatchina became Trotsk``);
- a one-word name right after ``the`` before a verb or the end of a clause
  (``the Ruth was not named after...``; ``bare_article_thing``).

A one-word name the document made a place or a thing that way is the place
after a locative preposition (``a cocktail in Molotov``) and the thing after
``the`` (``the Ilyich``) everywhere in the document; possessives keep the
person (``in Molotov's view``). Word lists: ``recognise.yaml`` (eponym heads,
ship, place and work nouns, renaming verbs). Holds no per-document state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.kb.keys import fold
from pipeline.kb.morphology import lemma_and_pos
from pipeline.recognise.context import OPENING_QUOTES, YEAR, NameContext
from pipeline.recognise.selection import Proposal
from pipeline.recognise.state import DocWords
from pipeline.resources import LabelRules

#: What a context makes of a name: a place or a thing (one-word ones are remembered for the
#: rest of the document), or another thing that is not (a work, a street, the Lenin Prize).
_PLACE, _THING, _OTHER = "place", "thing", "other"


@dataclass
class _Named:
    """What one document made of one-word names: lower-case texts of places and of things."""

    places: set[str] = field(default_factory=set)
    things: set[str] = field(default_factory=set)


class Eponyms:
    """Drops the person proposals that name a thing called after a person."""

    def __init__(self, context: NameContext, labels: LabelRules) -> None:
        r = context.rules
        self.context = context
        self.person = labels.person
        self.places = frozenset(labels.places)
        self.articles = frozenset(r.articles)
        self.possessives = frozenset(r.possessives)
        self.heads = frozenset(r.eponym_heads)
        self.ships = frozenset(r.ship_words)
        self.streets = frozenset(r.street_prefixes) | frozenset(r.place_prefixes)  # Calle Morelos, Port Mahon
        self.heads_before = frozenset(r.eponym_heads_before)  # rue Lacretelle, la calle de Viena
        self.heads_after_hyphen = frozenset(r.eponym_heads_after_hyphen)  # Lenin-Allee
        self.particles = frozenset(r.particles)
        self.place_nouns = frozenset(r.place_nouns)
        self.gloss_heads = {**dict.fromkeys(r.work_nouns, _THING), **dict.fromkeys(r.ship_words, _THING)}
        self.gloss_heads.update(dict.fromkeys(r.place_nouns, _PLACE))
        self.place_cues = [tuple(c.split()) for c in r.place_cues]
        self.rename_verbs = frozenset(r.rename_verbs)
        self.passive_verbs = frozenset(r.passive_rename_verbs)
        self.adverbs = frozenset(r.rename_adverbs)
        self.auxiliaries = frozenset(r.rename_auxiliaries)
        self.locative = frozenset(r.locative_prepositions)
        self.year_leads = frozenset(r.year_lead_words)
        self.bare_article = r.bare_article_thing
        self.bare_ends = frozenset(r.bare_article_ends)
        self.title_joiners = frozenset(r.title_joiners)
        self.definite = frozenset(r.leading_articles)  # the
        self.of_words = frozenset(r.place_of_words)
        self.thing_pronouns = frozenset(r.thing_pronouns)

    def keep(self, w: DocWords, proposals: list[Proposal]) -> list[Proposal]:
        """``proposals`` without the persons that name a thing (other labels untouched)."""
        person = self.person
        people = [p for p in proposals if p.label == person]
        tokens_of_people = {k for p in people for k in range(p.start, p.end)}
        named = _Named()
        dropped = set()
        titles = self._titles(w)
        for p in people:
            kind = self._thing_by_context(w, p, tokens_of_people)
            if kind:
                dropped.add((p.start, p.end))
            if kind in (_PLACE, _THING) and p.end - p.start == 1:
                (named.places if kind == _PLACE else named.things).add(w.lowers[p.start])
        for p in people:
            if (p.start, p.end) not in dropped and (p.start in titles or self._named_before(w, p, named)):
                dropped.add((p.start, p.end))
        return [p for p in proposals if p.label != person or (p.start, p.end) not in dropped]

    # -- the context of one occurrence ----------------------------------------------------------

    def _thing_by_context(self, w: DocWords, p: Proposal, people: set[int]) -> str | None:
        """``place``, ``thing`` or ``other`` when this occurrence's own context names one, else None."""
        if p.end - p.start == 1 and self.context.derived_place(fold(w.words[p.start])):
            return _PLACE
        if self._possessive(w, p.end):
            return None  # Kirov's murder, in Lenin's arms: the person
        for test in (self._named_other, self._ship_or_gloss, self._place_phrase):
            kind = test(w, p, people)
            if kind:
                return kind
        return None

    def _named_other(self, w: DocWords, p: Proposal, people: set[int]) -> str | None:
        """A work, a thing with a head noun, or a street: ``other``."""
        s, e, lowers = p.start, p.end, w.lowers
        if self.context.is_work_title(w, s):
            return _OTHER  # a film called Stalin's Children (any family's span)
        head = e < len(lowers) and lowers[e] in self.heads
        last_head = e - s > 1 and w.words[e - 1].istitle() and lowers[e - 1] in self.heads
        if (head or last_head) and self._article_before(w, s):
            return _OTHER  # the Molotov cocktail, the Kirov Plant (or the span "Kirov Plant")
        if self._street(w, s, e):
            return _OTHER  # Calle Morelos, Calle de Bucareli, Avenida Lenin (no town: believed in Lenin)
        return None

    def _ship_or_gloss(self, w: DocWords, p: Proposal, people: set[int]) -> str | None:
        """A ship word before the name, or an apposition after it that ends in a place or thing noun."""
        s, lowers = p.start, w.lowers
        before = lowers[s - 1] if s else ""
        if before in self.ships and p.end - s <= 2 and self._article_near(lowers, s - 1):
            return _THING  # the Norwegian tanker Ruth
        return self._gloss(w, p.end)

    def _place_phrase(self, w: DocWords, p: Proposal, people: set[int]) -> str | None:
        """``the town of X``, ``born in X``, a renaming; or ``the X`` ending a clause (a thing)."""
        s, e, lowers = p.start, p.end, w.lowers
        before = lowers[s - 1] if s else ""
        if s >= 2 and before in self.of_words and lowers[s - 2] in self.place_nouns:
            return _PLACE  # the town of Pushkin
        if e - s == 1 and any(tuple(lowers[max(0, s - len(c)) : s]) == c for c in self.place_cues):
            return _PLACE  # born in Kirov
        if self._renamed(w, p, people) or self._renamed_as_town(w, e):
            return _PLACE
        if self.bare_article and e - s == 1 and before in self.definite and self._clause_ends(w, e):
            return _THING  # the Ruth was not named after...
        return None

    def _named_before(self, w: DocWords, p: Proposal, named: _Named) -> bool:
        """A one-word name the document made a place (after ``in``) or a thing (after ``the``)."""
        s = p.start
        if p.end - s != 1 or s == 0 or self._possessive(w, p.end):
            return False
        word, before = w.lowers[s], w.lowers[s - 1]
        if word in named.places and before in self.locative:
            return True
        return word in named.things and before in self.definite and not self._noun_or_of_after(w, p.end)

    def _gloss(self, w: DocWords, e: int) -> str | None:
        """``NAME, the town,`` / ``NAME, tanker, 162`` / ``NAME, Trotsky's unfinished book,``:
        the kind of the head noun that ends an apposition after the name."""
        doc, n = w.doc, len(w.words)
        if e >= n or w.words[e] != ",":
            return None
        k = e + 1
        while k < n and k - e <= 6:
            tok = doc[k]
            kind = self.gloss_heads.get(tok.lower_) if tok.is_lower else None
            if kind and (k + 1 >= n or _delimiter(doc[k + 1].text)):
                return kind
            if tok.lower_ in self.articles or tok.lower_ in self.possessives or tok.pos_ in ("ADJ", "PRON"):
                k += 1
            elif tok.text[:1].isupper() and k + 1 < n and doc[k + 1].lower_ in self.possessives:
                k += 1  # Trotsky's unfinished book
            else:
                return None
        return None

    def _renamed(self, w: DocWords, p: Proposal, people: set[int]) -> bool:
        """``Perm was called Molotov from 1940``, ``the town became Ulyanovsk``: a renaming verb
        before the name, with a place subject (or, before a year, a subject that is no person)."""
        k = self._renaming_subject(w, p.start)
        if k is None:
            return False
        if k in people:  # a person subject (the model may call Trotsky a place), unless a town's name
            return self.context.derived_place(fold(w.words[k])) is not None
        if self._place_word(w, k):
            return True
        subject_no_person = w.lowers[k] in self.thing_pronouns or w.words[k][:1].isupper()
        return subject_no_person and self._year_after(w, p.end)

    def _renaming_subject(self, w: DocWords, start: int) -> int | None:
        """The token of the subject of a renaming verb right before ``start`` (adverbs, auxiliaries
        and commas between), or None when there is no such verb or no subject."""
        lowers, k = w.lowers, start - 1
        while k >= 0 and lowers[k] in self.adverbs:
            k -= 1
        if k < 0 or lowers[k] not in self.rename_verbs and lowers[k] not in self.passive_verbs:
            return None
        verb, k = k, k - 1
        while k >= 0 and lowers[k] in self.auxiliaries:
            k -= 1
        if lowers[verb] not in self.rename_verbs and k == verb - 1:
            return None  # Moscow called Trotsky a traitor: only the passive renames (Perm was called)
        while k >= 0 and lowers[k] == ",":
            k -= 1  # Pushkin, the town, is still Pushkin
        if k < 0 or (k > 0 and w.doc[k - 1].pos_ == "ADP"):
            return None  # the man seated in Moscow is Kamenev: Moscow is no subject
        return k

    def _renamed_as_town(self, w: DocWords, e: int) -> bool:
        """``Gatchina became Trotsk``, ``Gatchina was renamed Trotsk``: the subject of a renaming
        into a town made from a name."""
        lowers, k, n = w.lowers, e, len(w.lowers)
        while k < n and lowers[k] in self.auxiliaries:
            k += 1
        if k < n and (lowers[k] in self.rename_verbs or (k > e and lowers[k] in self.passive_verbs)):
            k += 1
        elif not (k > e and lowers[k - 1] in self.rename_verbs):  # Gatchina was Trotsk
            return False
        while k < n and lowers[k] in self.adverbs:
            k += 1
        return k < n and self.context.derived_place(fold(w.words[k])) is not None

    def _place_word(self, w: DocWords, k: int) -> bool:
        """A place noun, the model's or the knowledge base's place, or a town made from a name."""
        word = w.words[k]
        if w.lowers[k] in self.place_nouns or w.model_label.get(k) in self.places:
            return True
        if not word[:1].isupper():
            return False
        entities = self.context.index.kb.entities
        if any(entities[f.entity_id].label in self.places for f in self.context.index.lookup([word])):
            return True
        return self.context.derived_place(fold(word)) is not None

    def _titles(self, w: DocWords) -> set[int]:
        """The tokens of every work title after its cue (a film called Trotsky's Grandson)."""
        ends, lowers, out = self.context.title_cue_ends, w.lowers, set()
        for k in range(1, len(lowers)):
            cue_before = lowers[k - 1] in ends or (k >= 2 and lowers[k - 1] in OPENING_QUOTES and lowers[k - 2] in ends)
            if cue_before and w.words[k][:1].isupper() and self.context.is_work_title(w, k):
                out.update(self._title_run(w, k))
        return out

    def _title_run(self, w: DocWords, s: int) -> range:
        """The title that starts at ``s`` after its cue: capitalised words, possessives and the
        small words between them (Trotsky's Grandson, Stalin of the Revolution)."""
        words, n, k = w.words, len(w.words), s
        while k < n:
            if words[k][:1].isupper() or w.lowers[k] in self.possessives:
                k += 1
            elif w.lowers[k] in self.title_joiners and k + 1 < n and words[k + 1][:1].isupper():
                k += 2
            else:
                break
        return range(s, k)

    # -- small tests ----------------------------------------------------------------------------

    def _article_before(self, w: DocWords, s: int) -> bool:
        """An article right before the name, or before the titles that precede it (the St Paul school)."""
        k = s - 1
        while k >= 0 and fold(w.words[k]).rstrip(".") in self.context.titles:
            k -= 1
        return k >= 0 and w.lowers[k] in self.articles

    def _street(self, w: DocWords, s: int, e: int) -> bool:
        """A title-case street or place word opening the span or right before it (with ``de``,
        ``del`` between): Calle Morelos, Port Mahon; a language's lower-case head before it
        (``eponym_heads_before``: rue Lacretelle) or its compound head after a hyphen."""

        def street_word(k: int) -> bool:
            if k < 0:
                return False
            lower = w.lowers[k]
            return (w.words[k].istitle() and lower in self.streets) or self._head_before(lower)

        k = s - 1
        while k >= 0 and w.lowers[k] in self.particles:
            k -= 1
        if k >= 1 and w.words[k] == ".":
            k -= 1  # им. Будённого, ул. Горького: the head's abbreviation, its dot a token
        return (street_word(s) and e - s > 1) or street_word(k) or self._hyphen_head(w, e)

    def _head_before(self, lower: str) -> bool:
        """A language's head before a name (``rue``, ``calle``), inflected where the language inflects
        (``на улице Ленина``: the Cyrillic word's dictionary form)."""
        if not self.heads_before:
            return False
        if lower in self.heads_before:
            return True
        return not lower.isascii() and lemma_and_pos(lower)[0] in self.heads_before

    def _hyphen_head(self, w: DocWords, e: int) -> bool:
        """A German compound's head after the name and a hyphen: ``Lenin-Allee``, ``Marx-Straße``."""
        return (
            e + 1 < len(w.words) and w.words[e] == "-" and fold(w.words[e + 1]).rstrip(".") in self.heads_after_hyphen
        )

    def _possessive(self, w: DocWords, e: int) -> bool:
        return e < len(w.lowers) and w.lowers[e] in self.possessives

    def _article_near(self, lowers: list[str], k: int) -> bool:
        """An article at most three words before ``k`` (the nuclear icebreaker, a Norwegian tanker)."""
        return any(lowers[j] in self.articles for j in range(max(0, k - 3), k))

    def _year_after(self, w: DocWords, e: int) -> bool:
        """``from 1940``, ``until 1957`` right after the name."""
        return e + 1 < len(w.words) and w.lowers[e] in self.year_leads and bool(YEAR.match(w.words[e + 1]))

    def _clause_ends(self, w: DocWords, e: int) -> bool:
        """The end of the document or a clause, or a verb, right after the name."""
        if e >= len(w.words):
            return True
        tok = w.doc[e]
        return tok.text in self.bare_ends or "\n" in tok.text or tok.pos_ in ("VERB", "AUX")

    def _noun_or_of_after(self, w: DocWords, e: int) -> bool:
        """A noun or ``of`` after the name (the Kirov murder, the Trotsky of 1905)."""
        return e < len(w.words) and (w.lowers[e] in self.of_words or w.doc[e].pos_ == "NOUN")


def _delimiter(text: str) -> bool:
    """What ends an apposition or an index gloss: punctuation, a line end or a page number."""
    return text in {",", ".", ";", ":", ")"} or "\n" in text or text[:1].isdigit()
