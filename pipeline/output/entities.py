"""The entity table: every linked mention aggregated into one row per entity id (``entities.jsonl``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipeline.kb import KnowledgeBase
from pipeline.records import DocumentRecord, EntityRow, is_nil


@dataclass
class _EntityRow:
    label: str
    canonical: str
    mentions: int = 0
    documents: list[str] = field(default_factory=list)
    surface_forms: Counter = field(default_factory=Counter)


class EntityTable:
    """Aggregates linked mentions into one row per entity id."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.rows: dict[str, _EntityRow] = {}

    def add(self, record: DocumentRecord) -> None:
        for ent in record["entities"]:
            entity_id = ent["entity_id"]
            if entity_id is None:
                continue
            row = self.rows.get(entity_id)
            if row is None:
                row = self.rows[entity_id] = _EntityRow(ent["label"], ent["canonical"])
            row.mentions += 1
            row.surface_forms[ent["text"]] += 1
            if not row.documents or row.documents[-1] != record["doc_id"]:
                row.documents.append(record["doc_id"])
            if is_nil(entity_id) and len(ent["canonical"]) > len(row.canonical):
                row.canonical = ent["canonical"]

    def records(self) -> Iterator[EntityRow]:
        for entity_id, row in sorted(self.rows.items(), key=lambda kv: (-kv[1].mentions, kv[0])):
            entity = self.kb.entities.get(entity_id)
            yield {
                "entity_id": entity_id,
                "canonical": entity.canonical if entity else row.canonical,
                "label": entity.label if entity else row.label,
                "in_kb": entity is not None,
                "wikidata": entity.wikidata if entity else None,
                "mentions": row.mentions,
                "documents": row.documents,
                "surface_forms": dict(row.surface_forms.most_common()),
            }


