"""Stage 4, write: linked-entity JSON Lines, written atomically.

- ``documents.jsonl``: one line per input document (see :func:`document_record`);
- ``entities.jsonl``: one line per entity id seen (:class:`EntityTable`);
- ``manifest.json``: versions, model, knowledge-base hash, counts, timings.

Every file is written to a temporary file in the output folder and moved into
place only when complete, so a crash never leaves a half-written file.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from spacy.tokens import Doc

from pipeline.clean import CleanText
from pipeline.io import RawDocument
from pipeline.kb.base import KnowledgeBase
from pipeline.records import DOCUMENTS, ENTITIES, MANIFEST, NIL_PREFIX, dumps

__all__ = ["DOCUMENTS", "ENTITIES", "MANIFEST", "dumps"]


def entity_records(doc: Doc, clean: CleanText) -> list[dict[str, Any]]:
    links = doc._.namelink_links or {}
    out = []
    for ent in doc.ents:
        link = links.get((ent.start_char, ent.end_char))
        raw_start, raw_end = clean.raw_span(ent.start_char, ent.end_char)
        out.append(
            {
                "start": ent.start_char,
                "end": ent.end_char,
                "raw_start": raw_start,
                "raw_end": raw_end,
                "text": ent.text,
                "label": ent.label_,
                "entity_id": link.entity_id if link else None,
                "canonical": link.canonical if link else None,
                "score": link.score if link else None,
                "method": link.method if link else None,
            }
        )
    return out


def document_record(
    raw: RawDocument | None,
    *,
    doc_id: str,
    source: str,
    clean: CleanText | None = None,
    doc: Doc | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    """The ``documents.jsonl`` line of one document (``status`` ok or error)."""
    return {
        "doc_id": doc_id,
        "source": source,
        "sha256": raw.sha256 if raw else None,
        "encoding": raw.encoding if raw else None,
        "status": "error" if error else "ok",
        "error": error,
        "text": clean.text if clean and not error else None,
        "entities": entity_records(doc, clean) if doc is not None and clean and not error else [],
    }


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

    def add(self, record: dict[str, Any]) -> None:
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
            if entity_id.startswith(NIL_PREFIX) and len(ent["canonical"]) > len(row.canonical):
                row.canonical = ent["canonical"]

    def records(self) -> Iterator[dict[str, Any]]:
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


@contextmanager
def atomic_writer(path: str | Path) -> Iterator[Any]:
    """A binary file handle whose content replaces ``path`` only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_json(path: str | Path, data: Any) -> None:
    with atomic_writer(path) as handle:
        handle.write(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
