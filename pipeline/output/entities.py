"""The entity table: linked mentions aggregated into one row per entity id (``entities.jsonl``).

Used for a run's ``entities.jsonl`` (rows described by the knowledge base)
and by ``namelink inspect`` over filtered mentions (rows described by the
run's own ``entities.jsonl``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pipeline.kb.base import KnowledgeBase
from pipeline.records import DocumentRecord, EntityRecord, EntityRow, is_nil

#: The fields of a known entity that a row takes from its description.
Describe = Callable[[str], dict[str, Any] | None]


@dataclass
class _Row:
    label: str
    canonical: str
    mentions: int = 0
    documents: list[str] = field(default_factory=list)
    surface_forms: Counter = field(default_factory=Counter)


class EntityTable:
    """One row per entity id of the mentions added, most mentioned first.

    ``kb``: a known id takes its canonical name, label and Wikidata id from
    the knowledge base; or ``describe(entity_id)`` gives them (a dict with
    ``canonical``, ``label``, ``in_kb``, ``wikidata``, or None). An id neither
    describes keeps what its mentions say: the first label, and for a NIL id
    the longest canonical name its mentions gave.
    """

    def __init__(self, kb: KnowledgeBase | None = None, describe: Describe | None = None) -> None:
        self.describe = describe or (_from_kb(kb) if kb is not None else (lambda _: None))
        self.rows: dict[str, _Row] = {}

    def add(self, record: DocumentRecord) -> None:
        for ent in record["entities"]:
            self.add_mention(record["doc_id"], ent)

    def add_mention(self, doc_id: str, ent: EntityRecord) -> None:
        """One mention of document ``doc_id`` (mentions come in document order)."""
        entity_id = ent["entity_id"]
        if entity_id is None:
            return
        row = self.rows.get(entity_id)
        if row is None:
            row = self.rows[entity_id] = _Row(ent["label"], ent["canonical"])
        row.mentions += 1
        row.surface_forms[ent["text"]] += 1
        if not row.documents or row.documents[-1] != doc_id:
            row.documents.append(doc_id)
        if is_nil(entity_id) and len(ent["canonical"]) > len(row.canonical):
            row.canonical = ent["canonical"]

    def records(self) -> Iterator[EntityRow]:
        for entity_id, row in sorted(self.rows.items(), key=lambda kv: (-kv[1].mentions, kv[0])):
            known = self.describe(entity_id) or {}
            yield {
                "entity_id": entity_id,
                "canonical": known.get("canonical") or row.canonical,
                "label": known.get("label") or row.label,
                "in_kb": known.get("in_kb", not is_nil(entity_id)),
                "wikidata": known.get("wikidata"),
                "mentions": row.mentions,
                "documents": row.documents,
                "surface_forms": dict(row.surface_forms.most_common()),
            }


def _from_kb(kb: KnowledgeBase) -> Describe:
    def describe(entity_id: str) -> dict[str, Any] | None:
        entity = kb.entities.get(entity_id)
        if entity is None:
            return {"in_kb": False}
        return {"canonical": entity.canonical, "label": entity.label, "in_kb": True, "wikidata": entity.wikidata}

    return describe
