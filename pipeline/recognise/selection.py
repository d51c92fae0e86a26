"""The proposals of the rule families and the choice among them.

Every rule family proposes :class:`Proposal` spans; :func:`best_non_overlapping`
keeps the best set that does not overlap: first the rules' spans and the
model's persons, longest first (on equal spans the knowledge base wins, then
the name shapes, then the model), then the model's other entities in the gaps.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

#: The rule families, in the order they win a tie (``Span._.namelink_source``).
KB, SHAPE, MODEL = "kb", "shape", "model"
PRIORITY = {KB: 0, SHAPE: 1, MODEL: 2}


@dataclass(frozen=True)
class Proposal:
    """A span (token offsets, end exclusive) a rule family proposes as an entity.

    ``source`` is the family (``kb``, ``shape``, ``model``); ``entities`` the
    knowledge-base ids a ``kb`` match names.
    """

    start: int
    end: int
    label: str
    source: str
    entities: frozenset[str] = frozenset()


def best_non_overlapping(proposals: list[Proposal], person: str) -> list[Proposal]:
    """Rules and model ``person`` spans first (longest, then kb > shape > model),
    then the model's other entities in the gaps; in document order."""
    ordered = sorted(
        proposals,
        key=lambda p: (p.source == MODEL and p.label != person, -(p.end - p.start), PRIORITY[p.source], p.start),
    )
    taken = bytearray(max((p.end for p in proposals), default=0))
    chosen = []
    for p in ordered:
        if any(taken[p.start : p.end]):
            continue
        for k in range(p.start, p.end):
            taken[k] = 1
        chosen.append(p)
    return sorted(chosen, key=lambda p: p.start)


def inside_any(doc: Doc, p: Proposal, spans: list[tuple[int, int]]) -> bool:
    """Does ``p`` lie inside one of the character ``spans`` (start, end)?"""
    start, end = doc[p.start].idx, doc[p.end - 1].idx + len(doc[p.end - 1])
    return any(a <= start and end <= b for a, b in spans)
