"""Evaluation: score PERSON recognition and linking against gold data (``docs/annotation.md``).

:mod:`~pipeline.evaluation.metrics` computes the figures (strict and fuzzy
P/R/F1, link B-cubed, end-to-end P/R/F1, alias recall) from gold spans and
predicted spans; :mod:`~pipeline.evaluation.runner` gets the predictions (a
finished run's ``documents.jsonl``, or the pipeline run on the raw files) and
prints the report ``namelink evaluate`` shows; :mod:`~pipeline.evaluation.sets`
scores every set of a sets file (``tests/gold/sets.yaml``) beside plain spaCy
(``namelink evaluate --sets``, ``bench/accuracy.py``).
"""

from pipeline.evaluation.metrics import GoldDocument, Report, evaluate, load_gold, predictions_from_records, prf
from pipeline.evaluation.runner import plain_spacy_predictions, print_report, score_run

__all__ = [
    "GoldDocument",
    "Report",
    "evaluate",
    "load_gold",
    "plain_spacy_predictions",
    "predictions_from_records",
    "prf",
    "print_report",
    "score_run",
]
