"""Stage 3, link: decide which individual each mention names.

The component ``namelink_linker`` runs after ``namelink_person_rules``. For
each PERSON it takes the candidates of ``pipeline.candidates`` and decides in
two passes over the document:

1. **names that stand alone**: a multi-word name or a pseudonym with
   candidates links to the best one (exact, then variant, then fuzzy; ties by
   the knowledge base's prominence). A multi-word name with no candidate
   founds a NIL individual ``nil:<slug of the name>``. These are the
   document's *anchors*.
2. **short forms** (a given name, surname, diminutive or initials) link to the
   individual of the nearest anchor that contains them (before the mention,
   else after it); failing that, to the candidate most recently mentioned in
   the document; failing that, to the candidate with the highest prominence;
   failing that, to a NIL individual of their own. Russian surnames keep their
   grammatical sex through the skeleton key (``Sedov`` never matches
   ``Sedova``).

A (string, id) pair a reviewer rejected (``models/learned/``,
:meth:`pipeline.kb.KnowledgeBase.never_linked`) is never linked: the mention
falls back to its next candidate, its context, or a NIL individual.

Places and organisations (GPE, LOC, FAC, ORG, NORP) link on exact or variant
names only; other labels are not linked.

Config: ``models`` (the knowledge base folder), ``fuzzy_cutoff`` (rapidfuzz
ratio, 0-100, for OCR-damaged names).
Sets: ``Span.kb_id_`` on ``doc.ents``; ``doc._.namelink_links``, a dict from
``(start_char, end_char)`` to :class:`Link` (entity id, canonical name, score
in [0, 1], method); ``Span._.namelink_link`` reads it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.kb import ALIAS, SHORT, AliasIndex, KnowledgeBase
from pipeline.kb.keys import NameKeys
from pipeline.kb.lexicon import given_names
from pipeline.link.candidates import FUZZY_CUTOFF, Candidate, CandidateGenerator
from pipeline.records import NIL_PREFIX, slug
from pipeline.resources import rules

#: Confidence of a name match by how it matched (times the similarity for ocr/fuzzy).
_METHOD_SCORE = {"exact": 1.0, "variant": 0.9, "ocr": 0.85, "fuzzy": 0.9, "partial": 0.7, "title": 0.7}
_PLACES, _GROUPS = "GPE LOC FAC", "ORG NORP"
_PLACE_LABELS = {"GPE": _PLACES, "LOC": _PLACES, "FAC": _PLACES, "ORG": _GROUPS, "NORP": _GROUPS}
#: Distance (characters) at which a named individual's pull on a short form halves.
CONTEXT_CHARS = 3000
_MULTI_INITIALS = re.compile(r"^(?:[A-Z]\.){2,}$")

if not Doc.has_extension("namelink_links"):
    Doc.set_extension("namelink_links", default=None)
if not Span.has_extension("namelink_link"):
    Span.set_extension(
        "namelink_link",
        getter=lambda span: (span.doc._.namelink_links or {}).get((span.start_char, span.end_char)),
    )


@dataclass(frozen=True)
class Link:
    entity_id: str
    canonical: str
    score: float
    method: str


@dataclass
class _Mention:
    span: Span
    words: list[str]
    keys: tuple[str, ...]
    candidates: list[Candidate]
    link: Link | None = None
    anchor: bool = False
    banned: frozenset[str] = frozenset()  # ids review ruled out for this string


@Language.factory(
    "namelink_linker",
    default_config={"models": None, "fuzzy_cutoff": FUZZY_CUTOFF},
    requires=["doc.ents"],
    assigns=["doc.ents", "doc._.namelink_links"],
)
def make_linker(nlp: Language, name: str, models: str | None, fuzzy_cutoff: float) -> EntityLinker:
    return EntityLinker(nlp, models, fuzzy_cutoff)


class EntityLinker:
    def __init__(self, nlp: Language, models: str | Path | None = None, fuzzy_cutoff: float = FUZZY_CUTOFF) -> None:
        self.kb = KnowledgeBase.load(models)
        self.keys = NameKeys(models)
        index = AliasIndex(self.kb, lambda text: [t.text for t in nlp.make_doc(text)], self.keys)
        config = rules("names", models)
        self.persons = CandidateGenerator(
            index, "PERSON", fuzzy_cutoff, config.get("ocr_confusions", []), given_names=given_names(models)
        )
        self.female_titles = set(config.get("female_titles", []))
        self.male_titles = set(config.get("male_titles", []))
        self.others = {
            label: CandidateGenerator(index, label, fuzzy_cutoff) for label in ("GPE", "LOC", "FAC", "ORG", "NORP")
        }
        top = max((e.prominence for e in self.kb.entities.values()), default=1.0)
        self._prominence_scale = top or 1.0

    def __call__(self, doc: Doc) -> Doc:
        links: dict[tuple[int, int], Link] = {}
        people = [self._mention(ent) for ent in doc.ents if ent.label_ == "PERSON"]
        self._link_people(people)
        for m in people:
            if m.link:
                links[(m.span.start_char, m.span.end_char)] = m.link
        for ent in doc.ents:
            if ent.label_ in _PLACE_LABELS:
                link = self._link_other(ent)
                if link:
                    links[(ent.start_char, ent.end_char)] = link
        doc.ents = [
            Span(doc, e.start, e.end, label=e.label_, kb_id=links[(e.start_char, e.end_char)].entity_id)
            if (e.start_char, e.end_char) in links
            else e
            for e in doc.ents
        ]
        doc._.namelink_links = links
        return doc

    # -- people --------------------------------------------------------------

    def _mention(self, span: Span) -> _Mention:
        words = [t.text for t in span if any(ch.isalnum() for ch in t.text)]
        keys: list[str] = []
        for w in words:
            if _MULTI_INITIALS.match(w):
                keys.extend(ch.lower() for ch in w if ch.isalpha())
            else:
                keys.append(self.keys.skeleton(w))
        banned = self.kb.never_linked(span.text)
        candidates = _allowed(self.persons(words), banned)
        sex = self._title_sex(span)
        if sex and candidates:
            candidates = [c for c in candidates if self.kb.entities[c.entity_id].sex in (sex, None)]
            if not candidates:  # Mrs. Trotsky: the woman known by that name
                candidates = _allowed(self.persons.by_last_word(words[-1], sex), banned)
        if not candidates and len(words) >= 2:
            candidates = _allowed(self.persons.partial(words), banned)
        return _Mention(span, words, tuple(k for k in keys if k), candidates, banned=banned)

    def _title_sex(self, span: Span) -> str | None:
        if span.start == 0:
            return None
        before = span.doc[span.start - 1]
        word = before.lower_.rstrip(".")
        if before.text in (".",) and span.start >= 2:
            word = span.doc[span.start - 2].lower_
        return "F" if word in self.female_titles else "M" if word in self.male_titles else None

    def _link_people(self, people: list[_Mention]) -> None:
        for m in people:
            self._link_standalone(m)
        self._merge_nil_parts(people)
        context = _Context(people)
        for m in people:
            if m.link is None:
                m.link = self._link_by_context(m, context)
                context.add_linked(m)

    @staticmethod
    def _merge_nil_parts(people: list[_Mention]) -> None:
        """An unknown name inside a longer unknown name of the same document is
        the same individual (Manuel Arriaga in Manuel Arriaga Luna)."""
        groups: dict[tuple[str, ...], _Group] = {}
        for m in people:
            if m.anchor and m.link.entity_id.startswith(NIL_PREFIX):
                groups.setdefault(m.keys, _Group(m.link.entity_id, m.keys)).append(m)
        longer = {
            keys: [g for g in groups.values() if len(g.keys) > len(keys) and _contains_keys(g.keys, keys)]
            for keys in groups
        }
        for m in people:  # document order: a merged longer name passes its new id on
            if not (m.anchor and longer.get(m.keys)):
                continue
            pos = m.span.start_char
            best = max(
                (g.closest(pos) for g in longer[m.keys]),
                key=lambda a: (len(a.keys), -abs(a.span.start_char - pos), -a.span.start_char),
            )
            m.link = Link(best.link.entity_id, best.link.canonical, 0.5, "nil-context")

    def _link_standalone(self, m: _Mention) -> None:
        stands_alone = len(m.keys) >= 2 and not all(len(k) == 1 for k in m.keys)
        full = [c for c in m.candidates if not c.is_short]
        if full and (stands_alone or all(c.form.kind == ALIAS for c in full)):
            best = self._by_prominence(full, same_method=True)
            score = _METHOD_SCORE[best.method] * best.similarity
            if len({c.entity_id for c in full}) > 1:
                score *= 0.7
            m.link = self._kb_link(best.entity_id, score, f"kb-{best.method}")
            m.anchor = stands_alone
        elif stands_alone and not m.candidates:
            m.link = self._nil_link(m.span.text, 0.5, "nil")
            m.anchor = True

    def _link_by_context(self, m: _Mention, context: _Context) -> Link:
        candidate_ids = {c.entity_id for c in m.candidates}
        tiers = (
            ("context", lambda: context.anchors_containing(m, candidate_ids, self._contains)),
            ("context", lambda: context.anchors_of(candidate_ids)),
            ("context-kb", lambda: context.linked_of(candidate_ids)),
        )
        for method, pool in tiers:
            chosen = _weigh(m, pool())
            if chosen is not None:
                link = chosen.link
                score = 0.85 if link.entity_id in candidate_ids else 0.75
                return Link(link.entity_id, link.canonical, score if method == "context" else 0.75, method)
        if candidate_ids:
            best = self._by_prominence(m.candidates, same_method=False)
            share = self.kb.entities[best.entity_id].prominence / sum(
                self.kb.entities[c].prominence for c in candidate_ids
            )
            base = 0.9 * _METHOD_SCORE[best.method] * best.similarity
            return self._kb_link(best.entity_id, round(base * (0.5 + 0.5 * share), 3), "kb-prior")
        return self._nil_link(m.span.text, 0.4, "nil")

    def _contains(self, m: _Mention, anchor: _Mention, candidate_ids: set[str]) -> bool:
        """Does the anchor's name contain the short form (Lev in Lev Sedov, L. D. in Lev Davidovich)?"""
        foreign = candidate_ids and anchor.link.entity_id not in candidate_ids
        if foreign and any(c.form.part not in ("given", "diminutive") for c in m.candidates):
            return False  # a known surname or alias never joins another individual
        return _contains_keys(anchor.keys, m.keys)

    def _by_prominence(self, candidates: list[Candidate], same_method: bool) -> Candidate:
        pool = candidates
        if same_method:
            pool = [c for c in candidates if c.method == candidates[0].method]
        return max(pool, key=lambda c: (self.kb.entities[c.entity_id].prominence, -pool.index(c)))

    def _kb_link(self, entity_id: str, score: float, method: str) -> Link:
        return Link(entity_id, self.kb.entities[entity_id].canonical, round(min(score, 1.0), 3), method)

    @staticmethod
    def _nil_link(text: str, score: float, method: str) -> Link:
        name = " ".join(text.split())
        return Link(NIL_PREFIX + slug(name), name, score, method)

    # -- places and organisations -------------------------------------------

    def _link_other(self, ent: Span) -> Link | None:
        words = [t.text for t in ent if any(ch.isalnum() for ch in t.text)]
        if words and words[0].lower() == "the":
            words = words[1:]
        if not words:
            return None
        banned = self.kb.never_linked(ent.text)
        for label in _PLACE_LABELS[ent.label_].split():
            found = [c for c in self.others[label](words, fuzzy=False) if c.form.kind != SHORT]
            found = _allowed(found, banned)
            if found:
                best = found[0]
                return self._kb_link(best.entity_id, 1.0 if best.method == "exact" else 0.9, f"kb-{best.method}")
        return None


def _allowed(candidates: list[Candidate], banned: frozenset[str]) -> list[Candidate]:
    return [c for c in candidates if c.entity_id not in banned] if banned else candidates


@dataclass
class _Group:
    """Linked mentions of one individual (under one name), in document order."""

    entity_id: str
    keys: tuple[str, ...] = ()
    starts: list[int] = field(default_factory=list)
    mentions: list[_Mention] = field(default_factory=list)

    def append(self, m: _Mention) -> None:
        at = bisect.bisect_left(self.starts, m.span.start_char)
        self.starts.insert(at, m.span.start_char)
        self.mentions.insert(at, m)

    def nearest(self, pos: int) -> tuple[int, _Mention]:
        """The smallest gap to ``pos`` (a following mention counts double) and its mention."""
        at = bisect.bisect_left(self.starts, pos)
        best: tuple[int, _Mention] | None = None
        if at > 0:  # mentions never overlap: the last one before ends nearest
            before = self.mentions[at - 1]
            best = (max(pos - before.span.end_char, 0), before)
        if at < len(self.mentions):
            after = self.mentions[at]
            gap = 2 * (after.span.start_char - pos)
            if best is None or gap < best[0]:
                best = (gap, after)
        assert best is not None, "groups are never empty"
        return best

    def closest(self, pos: int) -> _Mention:
        """The mention whose start is nearest to ``pos`` (the earlier on a tie)."""
        at = bisect.bisect_left(self.starts, pos)
        near = self.mentions[max(at - 1, 0) : at + 1]
        return min(near, key=lambda a: (abs(a.span.start_char - pos), a.span.start_char))


class _Context:
    """A document's linked mentions, indexed so that resolving a short form
    costs the number of distinct names, not the number of mentions."""

    def __init__(self, people: list[_Mention]) -> None:
        self.anchors: dict[tuple[tuple[str, ...], str], _Group] = {}
        self.anchors_by_entity: dict[str, list[_Group]] = {}
        self.linked: dict[str, _Group] = {}
        self._containing: dict[tuple, list[_Group]] = {}
        for m in people:
            if m.anchor:
                key = (m.keys, m.link.entity_id)
                if key not in self.anchors:
                    self.anchors[key] = _Group(m.link.entity_id, m.keys)
                    self.anchors_by_entity.setdefault(m.link.entity_id, []).append(self.anchors[key])
                self.anchors[key].append(m)
            self.add_linked(m)

    def add_linked(self, m: _Mention) -> None:
        if m.link is not None:
            self.linked.setdefault(m.link.entity_id, _Group(m.link.entity_id)).append(m)

    def anchors_containing(self, m: _Mention, candidate_ids: set[str], contains: Callable) -> list[_Group]:
        """Anchor groups whose name contains the short form ``m`` (cached per form)."""
        restricted = any(c.form.part not in ("given", "diminutive") for c in m.candidates)
        key = (m.keys, frozenset(candidate_ids), restricted)
        if key not in self._containing:
            self._containing[key] = [g for g in self.anchors.values() if contains(m, g.mentions[0], candidate_ids)]
        return self._containing[key]

    def anchors_of(self, entity_ids: set[str]) -> list[_Group]:
        return [g for e in sorted(entity_ids) for g in self.anchors_by_entity.get(e, [])]

    def linked_of(self, entity_ids: set[str]) -> list[_Group]:
        return [self.linked[e] for e in sorted(entity_ids) if e in self.linked]


def _weigh(m: _Mention, groups: list[_Group]) -> _Mention | None:
    """The mention of the individual nearest to ``m`` and most named in ``groups``.

    Weight of an individual: how many mentions the groups hold for it, divided
    by ``1 + distance / CONTEXT_CHARS`` (a following mention counts double
    distance), so a nearby name wins unless another is far more present.
    """
    pos = m.span.start_char
    counts: dict[str, int] = {}
    nearest: dict[str, tuple[int, _Mention]] = {}
    for g in groups:
        counts[g.entity_id] = counts.get(g.entity_id, 0) + len(g.mentions)
        gap, a = g.nearest(pos)
        held = nearest.get(g.entity_id)
        if held is None or (gap, a.span.start_char) < (held[0], held[1].span.start_char):
            nearest[g.entity_id] = (gap, a)
    if not nearest:
        return None
    return max(
        nearest.items(),
        key=lambda item: (
            counts[item[0]] / (1 + item[1][0] / CONTEXT_CHARS),
            -abs(item[1][1].span.start_char - pos),
            -item[1][1].span.start_char,
        ),
    )[1][1]


def _contains_keys(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    """Every key of ``shorter`` is a key (or the initial of one) of ``longer``."""
    remaining = list(longer)
    for key in shorter:
        hit = next((k for k in remaining if k == key or (len(key) == 1 and k.startswith(key))), None)
        if hit is None:
            return False
        remaining.remove(hit)
    return bool(shorter)
