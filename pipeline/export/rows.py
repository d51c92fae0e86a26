"""A finished run as exporters read it: its documents, its entity rows, and one flat row per mention.

:class:`ExportRun` wraps a checked run (:func:`pipeline.review.inspection.load_run`: the
manifest's checksums hold, so an export never reads a set a killed run or a hand edit
left) and the label filter of ``namelink export --label``. :meth:`ExportRun.rows` gives
the flat mention rows every table format writes, in :data:`COLUMNS` order: the mention
of ``documents.jsonl`` with its document's id and language, the Wikidata id of its entity
(from ``entities.jsonl``) and, for a mention of an OCR layout, its ``page`` and ``box``
(None elsewhere). spaCy-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.records import DocumentRecord, EntityRecord, EntityRow

#: The columns of a flat mention row, in order (CSV header, Parquet schema, SQLite ``mentions``).
COLUMNS = (
    "doc_id",
    "raw_start",
    "raw_end",
    "start",
    "end",
    "text",
    "label",
    "entity_id",
    "canonical",
    "wikidata",
    "score",
    "method",
    "reason",
    "language",
    "page",
    "box",
)


@dataclass
class ExportRun:
    """A run to export.

    documents (list): The ``documents.jsonl`` records, in run order (errors included).
    entities (dict): Entity id -> ``entities.jsonl`` row.
    labels (frozenset | None): Only mentions with these labels (upper case); None: every label.
    """

    documents: list[DocumentRecord]
    entities: dict[str, EntityRow]
    labels: frozenset[str] | None = None

    @classmethod
    def load(cls, folder: str | Path, labels: Iterable[str] = ()) -> ExportRun:
        """The run in ``folder``, checked against its manifest.

        labels (Iterable[str]): Keep only mentions with these labels, any case (empty: all).
        RAISES (FileNotFoundError): No ``documents.jsonl`` in ``folder``.
        RAISES (IncompleteOutputError): Its files are not the set its manifest names.
        """
        from pipeline.review.inspection import load_run

        run = load_run(folder)
        wanted = frozenset(label.upper() for label in labels) or None
        return cls(run.documents, run.entities, wanted)  # type: ignore[arg-type]

    def mentions(self, record: DocumentRecord) -> list[EntityRecord]:
        """The mentions of ``record`` the label filter keeps, in text order."""
        ents = record["entities"]
        return [e for e in ents if self.labels is None or e["label"].upper() in self.labels]

    def texts(self) -> Iterator[tuple[DocumentRecord, list[EntityRecord]]]:
        """(record, kept mentions) of every document that has a text (errors have none)."""
        for record in self.documents:
            if record["status"] == "ok" and record.get("text") is not None:
                yield record, self.mentions(record)

    def wikidata(self, entity_id: str | None) -> str | None:
        """The Wikidata id ``entities.jsonl`` gives ``entity_id`` (None: unlinked, NIL or not known)."""
        row = self.entities.get(entity_id) if entity_id else None
        return row.get("wikidata") if row else None

    def rows(self) -> Iterator[dict[str, Any]]:
        """One flat row (:data:`COLUMNS`) per kept mention, documents in run order."""
        for record in self.documents:
            for ent in self.mentions(record):
                yield mention_row(record, ent, self.wikidata(ent["entity_id"]))

    def used_entities(self) -> list[EntityRow]:
        """The ``entities.jsonl`` rows of the ids the kept mentions link to, in the file's order."""
        used = {e["entity_id"] for record in self.documents for e in self.mentions(record)}
        return [row for entity_id, row in self.entities.items() if entity_id in used]


def mention_row(record: DocumentRecord, ent: EntityRecord, wikidata: str | None) -> dict[str, Any]:
    """The flat row of mention ``ent`` of ``record``; ``page`` and ``box`` None unless the mention has them."""
    box = ent.get("box")
    return {
        "doc_id": record["doc_id"],
        "raw_start": ent["raw_start"],
        "raw_end": ent["raw_end"],
        "start": ent["start"],
        "end": ent["end"],
        "text": ent["text"],
        "label": ent["label"],
        "entity_id": ent["entity_id"],
        "canonical": ent["canonical"],
        "wikidata": wikidata,
        "score": ent["score"],
        "method": ent["method"],
        "reason": ent.get("reason"),
        "language": record.get("language"),
        "page": ent.get("page"),
        "box": [float(v) for v in box] if box is not None else None,
    }
