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

Places and organisations (GPE, LOC, FAC, ORG, NORP) link on exact or variant
names only; other labels are not linked.

Config: ``models`` (the knowledge base folder), ``fuzzy_cutoff`` (rapidfuzz
ratio, 0-100, for OCR-damaged names).
Sets: ``Span.kb_id_`` on ``doc.ents``; ``doc._.namelink_links``, a dict from
``(start_char, end_char)`` to :class:`Link` (entity id, canonical name, score
in [0, 1], method); ``Span._.namelink_link`` reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from .candidates import FUZZY_CUTOFF, Candidate, CandidateGenerator
from .kb import ALIAS, SHORT, AliasIndex, KnowledgeBase
from .names import NameKeys, fold
from .resources import rules

NIL_PREFIX = "nil:"
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
        self.persons = CandidateGenerator(index, "PERSON", fuzzy_cutoff, config.get("ocr_confusions", []))
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
        candidates = self.persons(words)
        sex = self._title_sex(span)
        if sex and candidates:
            candidates = [c for c in candidates if self.kb.entities[c.entity_id].sex in (sex, None)]
            if not candidates:  # Mrs. Trotsky: the woman known by that name
                candidates = self.persons.by_last_word(words[-1], sex)
        if not candidates and len(words) >= 2:
            candidates = self.persons.partial(words)
        return _Mention(span, words, tuple(k for k in keys if k), candidates)

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
        for m in people:
            if m.link is None:
                m.link = self._link_by_context(m, people)

    @staticmethod
    def _merge_nil_parts(people: list[_Mention]) -> None:
        """An unknown name inside a longer unknown name of the same document is
        the same individual (Manuel Arriaga in Manuel Arriaga Luna)."""
        nil = [m for m in people if m.anchor and m.link.entity_id.startswith(NIL_PREFIX)]
        for m in nil:
            longer = [a for a in nil if len(a.keys) > len(m.keys) and _contains_keys(a.keys, m.keys)]
            if longer:
                best = max(longer, key=lambda a: (len(a.keys), -abs(a.span.start_char - m.span.start_char)))
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

    def _link_by_context(self, m: _Mention, people: list[_Mention]) -> Link:
        candidate_ids = {c.entity_id for c in m.candidates}
        tiers = (
            ("context", lambda a: a.anchor and self._contains(m, a, candidate_ids)),
            ("context", lambda a: a.anchor and a.link.entity_id in candidate_ids),
            ("context-kb", lambda a: a.link is not None and a.link.entity_id in candidate_ids),
        )
        for method, ok in tiers:
            chosen = self._weigh(m, [a for a in people if a is not m and ok(a)])
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

    @staticmethod
    def _weigh(m: _Mention, pool: list[_Mention]) -> _Mention | None:
        """The pool mention whose individual is nearest to ``m`` and most named.

        Weight of an individual: how often the pool names it, divided by
        ``1 + distance / CONTEXT_CHARS`` (a following mention counts double
        distance), so a nearby name wins unless another is far more present.
        """
        if not pool:
            return None
        counts: dict[str, int] = {}
        for a in pool:
            counts[a.link.entity_id] = counts.get(a.link.entity_id, 0) + 1
        pos = m.span.start_char
        best: dict[str, tuple[float, _Mention]] = {}
        for a in pool:
            gap = pos - a.span.end_char if a.span.start_char < pos else 2 * (a.span.start_char - pos)
            weight = counts.get(a.link.entity_id, 1) / (1 + max(gap, 0) / CONTEXT_CHARS)
            if a.link.entity_id not in best or weight > best[a.link.entity_id][0]:
                best[a.link.entity_id] = (weight, a)
        return max(best.values(), key=lambda wa: (wa[0], -abs(wa[1].span.start_char - pos)))[1]

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
        for label in _PLACE_LABELS[ent.label_].split():
            found = [c for c in self.others[label](words, fuzzy=False) if c.form.kind != SHORT]
            if found:
                best = found[0]
                return self._kb_link(best.entity_id, 1.0 if best.method == "exact" else 0.9, f"kb-{best.method}")
        return None


def _contains_keys(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    """Every key of ``shorter`` is a key (or the initial of one) of ``longer``."""
    remaining = list(longer)
    for key in shorter:
        hit = next((k for k in remaining if k == key or (len(key) == 1 and k.startswith(key))), None)
        if hit is None:
            return False
        remaining.remove(hit)
    return bool(shorter)


def slug(name: str) -> str:
    """``'Volina Nevelson'`` -> ``'volina-nevelson'``."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "unnamed"
