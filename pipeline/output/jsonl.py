"""The JSON Lines writer: ``documents.jsonl``, ``entities.jsonl`` (and ``manifest.json``).

- ``documents.jsonl``: one line per input document (:func:`pipeline.output.build.document_record`);
- ``entities.jsonl``: one line per entity id seen (:class:`~pipeline.output.entities.EntityTable`);
- ``manifest.json``: versions, model, knowledge-base hash, counts, timings.

The files are staged and put in place together when the run completes.
"""

from __future__ import annotations

from typing import IO

from pipeline.output.base import OutputWriter, output_writer
from pipeline.output.entities import EntityTable
from pipeline.output.files import atomic_writer, write_json
from pipeline.records import DOCUMENTS, ENTITIES, DocumentRecord, dumps

__all__ = ["JsonlWriter", "atomic_writer", "write_json"]


@output_writer("jsonl")
class JsonlWriter(OutputWriter):
    """namelink's own output (the format the README documents and every other command reads)."""

    writes_documents = True

    def open(self) -> None:
        self._documents: IO[bytes] = self.stage(DOCUMENTS)
        self._table: EntityTable | None = None

    def add(self, line: bytes, record: DocumentRecord) -> None:
        self._documents.write(line)
        if self._table is None:
            self._table = EntityTable(self.kb())
        self._table.add(record)

    def finish(self) -> int:
        """Write ``entities.jsonl``; the number of entities."""
        table = self._table or EntityTable(self.kb())
        handle = self.stage(ENTITIES)
        count = 0
        for row in table.records():
            handle.write(dumps(row))
            count += 1
        return count
