"""A document's linked mentions, indexed for resolving short forms by context.

:class:`Context` holds the document's *anchors* (names that stand alone and
were linked on their own) grouped by name and individual, every linked
mention by individual (the individuals of the knowledge base among them are
the document's *cast*, :meth:`Context.cast`), how often each short form was
linked to each individual (``same_form``), and every mention by its end
token; :func:`weigh` picks, among groups, the individual nearest to a mention
and most named. Built per document by the linker and never kept after it.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.kb.entries import GIVEN_PARTS
from pipeline.link.mentions import Mention
from pipeline.records import NIL_PREFIX


@dataclass
class Group:
    """Linked mentions of one individual (under one name), in document order."""

    entity_id: str
    keys: tuple[str, ...] = ()
    starts: list[int] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    def append(self, m: Mention) -> None:
        at = bisect.bisect_left(self.starts, m.span.start_char)
        self.starts.insert(at, m.span.start_char)
        self.mentions.insert(at, m)

    def nearest(self, pos: int) -> tuple[int, Mention]:
        """The smallest gap to ``pos`` (a following mention counts double) and its mention."""
        at = bisect.bisect_left(self.starts, pos)
        best: tuple[int, Mention] | None = None
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

    def closest(self, pos: int) -> Mention:
        """The mention whose start is nearest to ``pos`` (the earlier on a tie)."""
        at = bisect.bisect_left(self.starts, pos)
        near = self.mentions[max(at - 1, 0) : at + 1]
        return min(near, key=lambda a: (abs(a.span.start_char - pos), a.span.start_char))


class Context:
    """A document's linked mentions, indexed so that resolving a short form
    costs the number of distinct names, not the number of mentions."""

    def __init__(self, people: list[Mention]) -> None:
        self.anchors: dict[tuple[tuple[str, ...], str], Group] = {}
        self.anchors_by_entity: dict[str, list[Group]] = {}
        self.linked: dict[str, Group] = {}
        self.by_end: dict[int, Mention] = {m.span.end: m for m in people}
        self.same_form: dict[tuple[str, ...], dict[str, int]] = {}
        self._containing: dict[tuple, list[Group]] = {}
        for m in people:
            if m.anchor:
                key = (m.keys, m.link.entity_id)
                if key not in self.anchors:
                    self.anchors[key] = Group(m.link.entity_id, m.keys)
                    self.anchors_by_entity.setdefault(m.link.entity_id, []).append(self.anchors[key])
                self.anchors[key].append(m)
            self.add_linked(m)

    def add_linked(self, m: Mention) -> None:
        if m.link is not None:
            self.linked.setdefault(m.link.entity_id, Group(m.link.entity_id)).append(m)
            if not m.anchor:
                counts = self.same_form.setdefault(m.keys, {})
                counts[m.link.entity_id] = counts.get(m.link.entity_id, 0) + 1

    def cast(self) -> list[str]:
        """The knowledge-base individuals linked so far (anchors and linked short forms), in the order first linked."""
        return [e for e in self.linked if not e.startswith(NIL_PREFIX)]

    def nearest_gap(self, entity_id: str, pos: int) -> int | None:
        """The gap from ``pos`` to the nearest linked mention of ``entity_id`` (a following one
        counts double, as in :func:`weigh`), or None when it has none."""
        group = self.linked.get(entity_id)
        return group.nearest(pos)[0] if group else None

    def anchors_containing(
        self, m: Mention, candidate_ids: set[str], contains: Callable, variant: bool = False
    ) -> list[Group]:
        """Anchor groups whose name contains the short form ``m`` (cached per form and ``variant``
        of the ``contains`` test)."""
        restricted = any(c.form.part not in GIVEN_PARTS for c in m.candidates)
        key = (m.keys, frozenset(candidate_ids), restricted, variant)
        if key not in self._containing:
            self._containing[key] = [g for g in self.anchors.values() if contains(m, g.mentions[0], candidate_ids)]
        return self._containing[key]

    def anchors_of(self, entity_ids: set[str]) -> list[Group]:
        return [g for e in sorted(entity_ids) for g in self.anchors_by_entity.get(e, [])]

    def linked_of(self, entity_ids: set[str]) -> list[Group]:
        return [self.linked[e] for e in sorted(entity_ids) if e in self.linked]


def weigh(
    m: Mention,
    groups: list[Group],
    context_chars: int,
    near: dict[str, Group] | None = None,
    extra: dict[str, int] | None = None,
) -> Mention | None:
    """The mention of the individual nearest to ``m`` and most named in ``groups``.

    Weight of an individual: how many mentions the groups hold for it, divided
    by ``1 + distance / context_chars`` (a following mention counts double
    distance), so a nearby name wins unless another is far more present. The
    distance is to the nearest mention of the individual in ``near`` when it
    has one there (every linked mention: ``Vanya`` just before ``Ivan`` puts
    Ivan Petrov nearest, though ``Ivan Petrov`` was named further away), else
    to its nearest mention in ``groups``; ``extra`` adds to the count of an
    individual of ``groups`` (the times the same short form was linked to it).
    """
    pos = m.span.start_char
    counts: dict[str, int] = {}
    nearest: dict[str, tuple[int, Mention]] = {}
    for g in groups:
        counts[g.entity_id] = counts.get(g.entity_id, 0) + len(g.mentions)
        gap, a = (near[g.entity_id] if near and g.entity_id in near else g).nearest(pos)
        held = nearest.get(g.entity_id)
        if held is None or (gap, a.span.start_char) < (held[0], held[1].span.start_char):
            nearest[g.entity_id] = (gap, a)
    if not nearest:
        return None
    for e, n in (extra or {}).items():
        if e in counts:
            counts[e] += n
    return max(
        nearest.items(),
        key=lambda item: (
            counts[item[0]] / (1 + item[1][0] / context_chars),
            -abs(item[1][1].span.start_char - pos),
            -item[1][1].span.start_char,
        ),
    )[1][1]


def contains_keys(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    """Every key of ``shorter`` is a key (or the initial of one) of ``longer``."""
    remaining = list(longer)
    for key in shorter:
        hit = next((k for k in remaining if k == key or (len(key) == 1 and k.startswith(key))), None)
        if hit is None:
            return False
        remaining.remove(hit)
    return bool(shorter)
