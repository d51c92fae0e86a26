"""The decision: which individual each person mention of a document names.

Two passes over a document's mentions, candidates already on them:

1. **names that stand alone**: a multi-word name or a pseudonym with
   candidates links to the best one (exact, then variant, then fuzzy; ties by
   the knowledge base's prominence; when namesakes of equal prominence remain,
   method ``kb-ambiguous``). A multi-word name with no candidate
   founds a NIL individual ``nil:<slug of the name>``. These are the
   document's *anchors*; an unknown name inside a longer unknown name joins it.
2. **short forms** (a given name, surname, diminutive or initials) link, when
   a cue next to them says who they are (:mod:`pipeline.link.cues`), to the
   person just named before ``née``, ``called``... if they are among the
   candidates, or to the candidate who is the kin a kinship word names
   (``her daughter Alexandra``) to the nearest individual the document has
   linked; else to the individual of the nearest anchor that contains them
   (nearest by any of its linked mentions, ``Liova`` too; most named by those
   anchors and by the same short form linked to it before; a known surname
   joins an unknown person's full name, ``Esther Bronstein`` then ``Mrs.
   Bronstein``, only while none of its known bearers is named);
   failing that, of the nearest anchor among their candidates; failing that,
   to the candidate most recently linked; failing that, to the candidate with
   the highest prominence among those related (knowledge base ``related``,
   weighed by kind) to the document's cast, the individuals it has linked,
   or among all candidates when none is (when several candidates are that
   prominent, the link says so: method ``kb-ambiguous``, its score times
   ``ambiguous_factor``, the count of namesakes in its ``reason``); failing
   that, to a NIL individual of their own. A name more namesakes share than
   a lookup returns (``candidate_limit``, linking.yaml) also gets, as
   candidates, those of its bearers the document names in full. Links
   decided by a cue or a relation carry a ``reason``; a
   prior link of a Russian word whose case leaves two individuals
   (``Седова``, :attr:`~pipeline.link.mentions.Mention.case_note`) is scored
   lower (``ambiguous_factor``) and says so in its ``reason``.
   Short forms of one candidate are linked first, the shared ones after
   them, each group in document order. A generated pet name (``Levik``,
   :mod:`pipeline.kb.pet_names`) resolves as the given name it comes from,
   its score times the ``pet`` method score.

Scores and distances come from ``models/rules/linking.yaml``
(:class:`~pipeline.resources.LinkingRules`).
"""

from __future__ import annotations

from pipeline.kb import ALIAS, KnowledgeBase
from pipeline.kb.entries import GIVEN_PARTS, PET
from pipeline.link.candidates import Candidate, CandidateGenerator, best_per_entity
from pipeline.link.context import Context, Group, contains_keys, weigh
from pipeline.link.cues import Cues
from pipeline.link.mentions import Link, Mention, allowed
from pipeline.records import NIL_PREFIX, nil_id
from pipeline.resources import LinkingRules


class PersonDecider:
    """Links a document's person mentions in place (``Mention.link``)."""

    def __init__(self, kb: KnowledgeBase, scores: LinkingRules, persons: CandidateGenerator | None = None) -> None:
        """``persons``: the candidate generator, asked again for the document's own individuals
        among a crowded name's namesakes (None: candidates are never completed)."""
        self.kb = kb
        self.scores = scores
        self.cues = Cues(scores, kb.person_label)
        self.persons = persons

    def __call__(self, people: list[Mention]) -> None:
        for m in people:
            self._link_standalone(m)
        self._merge_nil_parts(people)
        self._complete_crowded(people)
        context = Context(people)
        # Forms of one candidate first (Lyova), in document order: they link to it whatever the
        # order, and place it for the shared forms (Lev) linked after them.
        for m in sorted(people, key=lambda m: len({c.entity_id for c in m.candidates}) > 1):
            if m.link is None:
                m.link = self._link_by_context(m, context)
                context.add_linked(m)

    def _link_standalone(self, m: Mention) -> None:
        """A full name (two words or more, not initials only) or an alias links on its own:
        the best full-name candidate, or a NIL id when there is none."""
        stands_alone = len(m.keys) >= 2 and not all(len(k) == 1 for k in m.keys)
        full = [c for c in m.candidates if not c.is_short]
        if full and (stands_alone or all(c.form.kind == ALIAS for c in full)):
            m.link = self._full_name_link(m, full)
            m.anchor = stands_alone
        elif stands_alone and not m.candidates:
            m.link = _nil_link(m.name or m.span.text, self.scores.nil_scores["anchor"], "nil")
            m.anchor = True

    def _full_name_link(self, m: Mention, full: list[Candidate]) -> Link:
        """Of the full-name candidates of the best method: the one whose life years follow the
        name, else the most prominent; a lower score when several individuals remain."""
        pool = [c for c in full if c.method == full[0].method]
        dated, reason = self._namesakes_by_years(m, {c.entity_id for c in pool})
        best = self._by_prominence([c for c in pool if c.entity_id in dated] or pool, same_method=False)
        score = self.scores.method_scores[best.method] * best.similarity
        if len({c.entity_id for c in full}) > 1 and len(dated) != 1:
            score *= self.scores.ambiguous_factor
            entities = self.kb.entities
            top = entities[best.entity_id].prominence
            tied = {c.entity_id for c in pool if entities[c.entity_id].prominence == top} - {best.entity_id}
            if tied and not dated:  # nothing tells these namesakes apart: a coin toss, said
                return self._kb_link(best.entity_id, score, "kb-ambiguous", _tie(len(tied), m.crowded))
        return self._kb_link(best.entity_id, score, f"kb-{best.method}", reason)

    def _namesakes_by_years(self, m: Mention, ids: set[str]) -> tuple[set[str], str]:
        """Of several individuals one name fits, those born or dead in a year written just
        after it (``Sedov, Lev Lvovich (b. 1926)``), with the reason; none when no year fits."""
        if len(ids) < 2:
            return set(), ""
        years = self.cues.years_after(m.span)
        entities = self.kb.entities
        dated = {e for e in ids if years & {entities[e].born, entities[e].died}}
        return dated, ("life years " + ", ".join(str(y) for y in sorted(years)) if dated else "")

    def _complete_crowded(self, people: list[Mention]) -> None:
        """A name more namesakes share than its candidates hold (``Ivan`` in a register of
        thousands) gets the candidates of the individuals the document names in full too, so
        that the context can choose them whatever their prominence."""
        cast = {m.link.entity_id for m in people if m.anchor and m.link is not None}
        if self.persons is None or not cast:
            return
        for m in people:
            if m.link is None and m.crowded:
                found = allowed(self.persons.among(m.words, cast), m.banned)
                m.candidates = best_per_entity(m.candidates + found)

    def _merge_nil_parts(self, people: list[Mention]) -> None:
        """An unknown name inside a longer unknown name of the same document is
        the same individual (Manuel Arriaga in Manuel Arriaga Luna)."""
        groups: dict[tuple[str, ...], Group] = {}
        for m in people:
            if m.anchor and m.link.entity_id.startswith(NIL_PREFIX):
                groups.setdefault(m.keys, Group(m.link.entity_id, m.keys)).append(m)
        longer = {
            keys: [g for g in groups.values() if len(g.keys) > len(keys) and contains_keys(g.keys, keys)]
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
            m.link = Link(best.link.entity_id, best.link.canonical, self.scores.nil_scores["part"], "nil-context")

    def _link_by_context(self, m: Mention, context: Context) -> Link:
        candidate_ids = {c.entity_id for c in m.candidates}
        cued = self._link_by_cue(m, context, candidate_ids) if len(candidate_ids) > 1 else None
        if cued is not None:
            return cued
        # A known surname joins an unknown person's full name of this document (Esther Bronstein,
        # then Mrs. Bronstein) only while none of its known bearers is named in it.
        unknown_bearer = not any(c in context.linked for c in candidate_ids)
        contains = self._contains_unknown if unknown_bearer else self._contains
        tiers = (
            ("context", lambda: context.anchors_containing(m, candidate_ids, contains, unknown_bearer)),
            ("context", lambda: context.anchors_of(candidate_ids)),
            ("context-kb", lambda: context.linked_of(candidate_ids)),
        )
        for method, pool in tiers:
            near = context.linked if method == "context" else None  # an anchor's individual, by any mention
            extra = context.same_form.get(m.keys) if method == "context" else None
            chosen = weigh(m, pool(), self.scores.context_chars, near, extra)
            if chosen is not None:
                link = self._context_link(chosen.link, method, candidate_ids)
                return link._replace(score=round(link.score * self._form_weight(m, link.entity_id), 3))
        if candidate_ids:
            return self._case_flagged(m, self._prior_link(m, candidate_ids, context))
        return _nil_link(m.name or m.span.text, self.scores.nil_scores["short"], "nil")

    def _link_by_cue(self, m: Mention, context: Context, candidate_ids: set[str]) -> Link | None:
        """The person named just before a same-person marker, or the kin a kinship word names."""
        scores = self.scores.cue_scores
        marked = self.cues.marker_after_name(m.span)
        if marked is not None:
            before = context.by_end.get(marked[0])
            if before is not None and before.link is not None and before.link.entity_id in candidate_ids:
                entity_id = before.link.entity_id
                reason = f"after {marked[1]!r}: {entity_id}"
                return self._kb_link(entity_id, scores["same_person"], "context-same", reason)
        kin = self.cues.kin_kind(m.span)
        if kin is None:
            return None
        kind, word = kin
        pos = m.span.start_char
        found = []  # (gap to the kin's nearest mention, -prominence, candidate, kin)
        for c in sorted(candidate_ids):
            for other in self.kb.related(c):
                gap = context.nearest_gap(other, pos) if kind in self.kb.related(other).get(c, ()) else None
                if gap is not None:
                    found.append((gap, -self.kb.entities[c].prominence, c, other))
        if not found:
            return None
        _, _, chosen, other = min(found)
        return self._kb_link(chosen, scores["kin"], "context-kin", f"{word!r}: {kind} of {other}")

    def _context_link(self, link: Link, method: str, candidate_ids: set[str]) -> Link:
        scores = self.scores.context_scores
        if method != "context":
            score = scores["linked"]
        else:
            score = scores["candidate"] if link.entity_id in candidate_ids else scores["other"]
        return Link(link.entity_id, link.canonical, score, method)

    def _form_weight(self, m: Mention, entity_id: str) -> float:
        """The ``pet`` method score when ``m`` names ``entity_id`` by a generated pet name
        only (weaker than a listed form), else 1."""
        methods = {c.method for c in m.candidates if c.entity_id == entity_id}
        return self.scores.method_scores[PET] if methods == {PET} else 1.0

    def _case_flagged(self, m: Mention, link: Link) -> Link:
        """A link no context chose for a Russian word two readings keep apart (``Седова``: the
        woman, or Седов's genitive, :attr:`Mention.case_note`): its score times
        ``ambiguous_factor``, the ambiguity its reason; other links as they are."""
        if not m.case_note:
            return link
        reason = "; ".join(r for r in (m.case_note, link.reason) if r)
        return link._replace(score=round(link.score * self.scores.ambiguous_factor, 3), reason=reason)

    def _prior_link(self, m: Mention, candidate_ids: set[str], context: Context) -> Link:
        """The most prominent candidate among those most closely related to the document's cast
        (among all when none is related), scored by its share of that pool's prominence."""
        related = self._related_to_cast(candidate_ids, context) if len(candidate_ids) > 1 else {}
        pool, method = m.candidates, "kb-prior"
        if related:
            top = max(weight for weight, _ in related.values())
            pool = [c for c in m.candidates if c.entity_id in related and related[c.entity_id][0] == top]
            method = "context-related"
        best = self._by_prominence(pool, same_method=False)
        entities = self.kb.entities
        share = entities[best.entity_id].prominence / sum(entities[c].prominence for c in {c.entity_id for c in pool})
        base = self.scores.prior_scale * self.scores.method_scores[best.method] * best.similarity
        weight = self.scores.prior_share_weight
        score = round(base * ((1 - weight) + weight * share), 3)
        reason = related[best.entity_id][1] if related else ""
        tied = {c.entity_id for c in pool if entities[c.entity_id].prominence == entities[best.entity_id].prominence}
        if len(tied) > 1:  # a coin toss among namesakes: said, and scored lower
            reason = "; ".join(r for r in (reason, _tie(len(tied) - 1, m.crowded and not related)) if r)
            return self._kb_link(best.entity_id, score * self.scores.ambiguous_factor, "kb-ambiguous", reason)
        return self._kb_link(best.entity_id, score, method, reason)

    def _related_to_cast(self, candidate_ids: set[str], context: Context) -> dict[str, tuple[float, str]]:
        """Candidate -> (weight of its closest tie to an individual of the cast, ``"<kind> of <id>"``),
        for the candidates with a tie of a weighed kind (``relation_weights``)."""
        cast = set(context.cast())
        weights = self.scores.relation_weights
        out: dict[str, tuple[float, str]] = {}
        for c in sorted(candidate_ids):
            for other in sorted(set(self.kb.related(c)) & cast):
                for kind in sorted(self.kb.related(other)[c]):  # what the candidate is to the cast member
                    weight = weights.get(kind, 0.0)
                    if weight > out.get(c, (0.0, ""))[0]:
                        out[c] = (weight, f"{kind} of {other}")
        return out

    def _contains(self, m: Mention, anchor: Mention, candidate_ids: set[str], unknown: bool = False) -> bool:
        """Does the anchor's name contain the short form (Lev in Lev Sedov, L. D. in Lev Davidovich)?
        ``unknown``: a known surname may join an unknown person's (NIL) full name."""
        foreign = candidate_ids and anchor.link.entity_id not in candidate_ids
        nil_anchor = unknown and anchor.link.entity_id.startswith(NIL_PREFIX)
        if foreign and not nil_anchor and any(c.form.part not in GIVEN_PARTS for c in m.candidates):
            return False  # a known surname or alias never joins another known individual
        return contains_keys(anchor.keys, m.keys)

    def _contains_unknown(self, m: Mention, anchor: Mention, candidate_ids: set[str]) -> bool:
        return self._contains(m, anchor, candidate_ids, unknown=True)

    def _by_prominence(self, candidates: list[Candidate], same_method: bool) -> Candidate:
        pool = candidates
        if same_method:
            pool = [c for c in candidates if c.method == candidates[0].method]
        return max(pool, key=lambda c: (self.kb.entities[c.entity_id].prominence, -pool.index(c)))

    def _kb_link(self, entity_id: str, score: float, method: str, reason: str = "") -> Link:
        return Link(entity_id, self.kb.entities[entity_id].canonical, round(min(score, 1.0), 3), method, reason)


def _tie(others: int, crowded: bool) -> str:
    """The reason of a ``kb-ambiguous`` link: how many namesakes were as prominent (more than the
    candidates held, for a crowded name)."""
    return f"{'more than ' if crowded else ''}{others} namesakes as prominent"


def _nil_link(text: str, score: float, method: str) -> Link:
    name = " ".join(text.split())
    return Link(nil_id(name), name, score, method)
