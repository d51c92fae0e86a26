"""``manifest.json``: what produced a run (versions, model, knowledge base), its inputs, counts and timings."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.batch.incremental import model_meta

#: How many failed documents' sources a :class:`RunSummary` keeps (the count has them all).
FAILED_KEPT = 100


@dataclass
class RunSummary:
    """Counts and timings of one ``run_batch``: ``words`` of every document, ``processed_words`` of
    those processed this run (not reused), ``failed`` the sources of the first :data:`FAILED_KEPT`
    documents that failed (``errors`` counts them all)."""

    documents: int = 0
    errors: int = 0
    mentions: int = 0
    entities: int = 0
    words: int = 0
    processed_words: int = 0
    reused: int = 0
    resumed: int = 0  # of the reused: from the checkpoint of an interrupted run
    jobs: int = 1  # worker processes (of the local cluster, with engine dask)
    engine: str = "local"
    seconds: float = 0.0
    load_seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    @property
    def processed(self) -> int:
        """Documents processed this run (not copied from the previous run or the checkpoint)."""
        return self.documents - self.reused

    @property
    def words_per_second(self) -> float:
        """Words of the documents processed this run per second of the run (0 when none was)."""
        return self.processed_words / self.seconds if self.seconds and self.processed else 0.0


def manifest(
    model: str,
    kb: Any,
    summary: RunSummary,
    files: list[Path],
    started_at: datetime,
    fingerprint: dict[str, str],
    pipe_names: list[str] | None,
) -> dict[str, Any]:
    """The manifest of a run (``kb``: the knowledge base it linked against)."""
    import spacy

    meta = model_meta(model)
    return {
        "namelink_version": __version__,
        "python": platform.python_version(),
        "spacy_version": spacy.__version__,
        "model": {"name": model, "package": meta.get("name"), "version": meta.get("version")},
        "pipeline": pipe_names,
        "knowledge_base": {"version": kb.version, "entities": len(kb.entities)},
        "fingerprint": fingerprint,
        "inputs": [str(p) for p in files],
        "started": started_at.isoformat(timespec="seconds"),
        "counts": {
            "documents": summary.documents,
            "errors": summary.errors,
            "mentions": summary.mentions,
            "entities": summary.entities,
            "words": summary.words,
        },
        "incremental": {"reused": summary.reused, "processed": summary.documents - summary.reused},
        "timings": {
            "engine": summary.engine,
            "jobs": summary.jobs,
            "load_seconds": round(summary.load_seconds, 3),
            "run_seconds": round(summary.seconds, 3),
            "words_per_second": round(summary.words_per_second, 1),
            "stage_seconds": {k: round(v, 3) for k, v in sorted(summary.stage_seconds.items())},
        },
    }
