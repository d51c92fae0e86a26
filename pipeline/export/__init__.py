"""``namelink export``: a finished run in the formats other tools read.

- :mod:`~pipeline.export.rows`: :class:`ExportRun` (a checked run, a label filter) and the flat
  mention rows (:data:`COLUMNS`) every table format writes;
- :mod:`~pipeline.export.base`: the format registry and :func:`export_run` (atomic, or stdout);
- :mod:`~pipeline.export.tabular`: ``csv``, ``parquet``, ``sqlite``;
- :mod:`~pipeline.export.tokens`, :mod:`~pipeline.export.tokenised`: tokens that never cut a
  mention; ``conll``, ``hipe-tsv``, ``docbin``;
- :mod:`~pipeline.export.viewers`: ``label-studio``, ``displacy``.

Add a format: a function ``write(run, handle) -> mentions written`` decorated with
``@export_format("name", suffix=..., text=...)`` in a module imported here.
"""

from pipeline.export import tabular, tokenised, viewers  # noqa: F401  (they register the formats, in this order)
from pipeline.export.base import FORMATS, STDOUT, ExportFormat, export_format, export_run, format_names
from pipeline.export.rows import COLUMNS, ExportRun, mention_row

__all__ = [
    "COLUMNS",
    "FORMATS",
    "STDOUT",
    "ExportFormat",
    "ExportRun",
    "export_format",
    "export_run",
    "format_names",
    "mention_row",
]
