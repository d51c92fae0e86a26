"""Relations between individuals: the ``related`` field of ``models/kb/persons.yaml``.

An entry lists what other entries are to it, by kind (``related: {spouse:
[natalia-sedova], child: [lev-sedov]}``: Natalia Sedova is the entry's
spouse, Lev Sedov its child). The kinds, the inverse of each and the kinds
derived by following two relations are data (``rules/linking.yaml``:
``relation_inverses``, ``relation_paths``), read into :class:`RelationKinds`.
:func:`build_relations` adds every inverse (a child's parent, a spouse's
spouse), so the file lists each pair once, then the derived kinds (a child's
child is a grandchild, a parent's other child a sibling); an unknown kind or id is a
:class:`~pipeline.kb.entries.KnowledgeBaseError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.kb.entries import KnowledgeBaseError

#: Entity id -> other entity id -> the kinds the other is to the entity.
Relations = dict[str, dict[str, frozenset[str]]]


@dataclass(frozen=True)
class RelationKinds:
    """The relation vocabulary: ``inverses`` maps each kind to what the other
    individual is in return (``child`` -> ``parent``; a symmetric kind to
    itself); ``paths`` maps a derived kind to the two kinds it follows
    (``sibling`` -> ``[parent, child]``), derived in the order given."""

    inverses: Mapping[str, str] = field(default_factory=dict)
    paths: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, linking: Any) -> RelationKinds:
        """The kinds of a :class:`~pipeline.resources.LinkingRules` view."""
        return cls(linking.relation_inverses, {k: (v[0], v[1]) for k, v in linking.relation_paths.items()})

    def __post_init__(self) -> None:
        used = set(self.inverses.values()) | set(self.paths) | {k for p in self.paths.values() for k in p}
        missing = sorted(used - set(self.inverses))
        if missing:
            raise KnowledgeBaseError(f"relation kinds without an inverse: {', '.join(missing)}")


def listed_relations(entry: dict[str, Any], kinds: RelationKinds) -> list[tuple[str, str]]:
    """``(kind, other id)`` pairs of an entry's ``related`` field, with a clear error for a malformed one."""
    related = entry.get("related")
    if related is None:
        return []
    if not isinstance(related, dict):
        raise KnowledgeBaseError(f"{entry.get('id')}: related must map a kind to a list of ids, got {related!r}")
    out = []
    for kind, ids in related.items():
        if kind not in kinds.inverses:
            known = ", ".join(sorted(kinds.inverses)) or "none"
            raise KnowledgeBaseError(f"{entry.get('id')}: unknown relation kind {kind!r} (known: {known})")
        out += [(str(kind), str(other)) for other in ([ids] if isinstance(ids, str) else ids or [])]
    return out


def build_relations(
    listed: Mapping[str, Iterable[tuple[str, str]]], person_ids: Iterable[str], kinds: RelationKinds
) -> Relations:
    """Every person's relations: the listed ones (entity id -> ``(kind, other id)``, each other
    id one of ``person_ids``), their inverses, then the derived kinds of ``kinds.paths``
    (never an individual to itself)."""
    known = set(person_ids)
    found: dict[str, dict[str, set[str]]] = {}

    def add(a: str, b: str, kind: str) -> None:
        if a != b:
            found.setdefault(a, {}).setdefault(b, set()).add(kind)

    for entity_id, pairs in listed.items():
        for kind, other in pairs:
            if other not in known:
                raise KnowledgeBaseError(f"{entity_id}: related {kind} {other!r} is not a person of the knowledge base")
            if other == entity_id:
                raise KnowledgeBaseError(f"{entity_id}: related {kind} names the entry itself")
            add(entity_id, other, kind)
            add(other, entity_id, kinds.inverses[kind])
    for derived, (first, second) in kinds.paths.items():
        pairs = [
            (a, c)
            for a, others in found.items()
            for b, via in list(others.items())
            if first in via
            for c, then in list(found.get(b, {}).items())
            if second in then
        ]
        for a, c in pairs:
            add(a, c, derived)
            add(c, a, kinds.inverses[derived])
    return {a: {b: frozenset(k) for b, k in others.items()} for a, others in found.items()}


def follow(relations: Relations, entity_id: str, kind: str) -> set[str]:
    """The individuals who are ``kind`` to ``entity_id`` (its children for ``child``)."""
    return {other for other, kinds in relations.get(entity_id, {}).items() if kind in kinds}
