"""The JSON Lines writer: ``documents.jsonl``, ``entities.jsonl`` (and ``manifest.json``).

- ``documents.jsonl``: one line per input document (:func:`pipeline.output.build.document_record`);
- ``entities.jsonl``: one line per entity id seen (:class:`~pipeline.output.entities.EntityTable`);
- ``manifest.json``: versions, model, knowledge-base hash, counts, timings.

Each file is written atomically (:mod:`pipeline.output.files`).
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import IO

from pipeline.output.base import OutputWriter, output_writer
from pipeline.output.entities import EntityTable
from pipeline.output.files import atomic_writer, write_json
from pipeline.records import DOCUMENTS, ENTITIES, DocumentRecord, dumps

__all__ = ["JsonlWriter", "atomic_writer", "write_json"]


@output_writer("jsonl")
class JsonlWriter(OutputWriter):
    """namelink's own output (the format the README documents and every other command reads)."""

    def open(self) -> None:
        self._files = ExitStack()
        self._documents: IO[bytes] = self._files.enter_context(atomic_writer(self.out_dir / DOCUMENTS))
        self._table: EntityTable | None = None

    def add(self, line: bytes, record: DocumentRecord) -> None:
        self._documents.write(line)
        if self._table is None:
            self._table = EntityTable(self.kb())
        self._table.add(record)

    def finish(self) -> int:
        """Put ``documents.jsonl`` in place, then write ``entities.jsonl``; the number of entities."""
        self._files.close()  # documents.jsonl complete: renamed into place
        table = self._table or EntityTable(self.kb())
        count = 0
        with atomic_writer(self.out_dir / ENTITIES) as handle:
            for row in table.records():
                handle.write(dumps(row))
                count += 1
        return count

    def abort(self) -> None:
        # Thrown into the open atomic writers: each removes its temporary file.
        self._files.__exit__(_Aborted, _Aborted(), None)


class _Aborted(Exception):
    """The run failed: the files begun are discarded."""
