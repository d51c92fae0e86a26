"""Stage 4, write: a processed document's record, and writers that put a run into files.

- :mod:`~pipeline.output.build`: :func:`document_record` from a Doc and its clean text;
- :mod:`~pipeline.output.entities`: :class:`EntityTable`, one row per entity id;
- :mod:`~pipeline.output.files`: :func:`atomic_writer`, :func:`write_json`;
- :mod:`~pipeline.output.base`: the :class:`OutputWriter` interface and its registry;
- :mod:`~pipeline.output.jsonl`: the JSON Lines writer (``jsonl``, the default).

Only :mod:`~pipeline.output.build` needs spaCy; it is imported when its names are first used,
so reading and aggregating a finished run's records stays spaCy-free.
"""

from typing import Any

from pipeline.output.base import OUTPUT_WRITERS, OutputWriter, output_writer, writer_for
from pipeline.output.entities import EntityTable
from pipeline.output.files import atomic_writer, write_json
from pipeline.output.jsonl import JsonlWriter

__all__ = [
    "OUTPUT_WRITERS",
    "EntityTable",
    "JsonlWriter",
    "OutputWriter",
    "atomic_writer",
    "document_record",
    "entity_records",
    "output_writer",
    "write_json",
    "writer_for",
]


def __getattr__(name: str) -> Any:
    if name in ("document_record", "entity_records"):
        from pipeline.output import build

        return getattr(build, name)
    raise AttributeError(f"module 'pipeline.output' has no attribute {name!r}")
