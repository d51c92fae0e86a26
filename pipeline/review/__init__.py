"""Review: look at a finished run, have people correct it, and learn from the corrections.

- :mod:`~pipeline.review.inspection`: read an output folder, filter its mentions, summarise it;
- :mod:`~pipeline.review.report`: a static HTML report of a run;
- :mod:`~pipeline.review.export`: review tasks out of ``documents.jsonl``;
- :mod:`~pipeline.review.formats`: one module per annotation tool (Prodigy, doccano), registered by name;
- :mod:`~pipeline.review.importing`: reviewed tasks back in, compared with the export, as corrections;
- :mod:`~pipeline.review.corrections`: the store under ``models/corrections/``;
- :mod:`~pipeline.review.learn`: the learned layer the corrections imply (:func:`derive`);
- :mod:`~pipeline.review.train`: rebuild ``models/learned/`` from the knowledge base and the corrections.

The names below are re-exported lazily, so that ``import pipeline.review.inspection``
(reading a run's output) does not load spaCy.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: Public name -> the module that defines it.
_EXPORTS = {
    **dict.fromkeys(("LOW_SCORE", "Filters", "RunOutput", "load_run", "mention_rows", "entity_rows",
                     "document_rows", "summary_text"), "inspection"),
    **dict.fromkeys(("ReportSummary", "write_report"), "report"),
    **dict.fromkeys(("UNITS", "TASK_KEY", "ExportSummary", "export_tasks", "build_tasks", "task_meta"), "export"),
    **dict.fromkeys(("FORMATS", "ReviewFormat", "ReviewedSpan", "detect_format", "format_names", "get_format",
                     "register_format", "unregister_format"), "formats"),
    **dict.fromkeys(("ImportSummary", "import_corrections", "corrections_from_task"), "importing"),
    **dict.fromkeys(("ACCEPTED", "REJECTED", "ADDED", "RELINKED", "ACTIONS", "corrections_dir",
                     "read_corrections"), "corrections"),
    **dict.fromkeys(("TrainResult", "train", "summary_lines", "evaluation_lines"), "train"),
    "derive": "learn",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
