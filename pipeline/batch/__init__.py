"""Running the stages over documents: the document pipeline and batch runs.

- :mod:`~pipeline.batch.model`: the default spaCy pipeline's name (no spaCy import);
- :mod:`~pipeline.batch.nlp`: the spaCy pipeline, the model plus namelink's components;
- :mod:`~pipeline.batch.document`: :class:`Pipeline`, clean + ``nlp.pipe``, records;
- :mod:`~pipeline.batch.chunking`: documents longer than the model takes, in pieces;
- :mod:`~pipeline.batch.run`: :func:`run_batch`, files to an output folder;
- :mod:`~pipeline.batch.workers`: worker processes for ``--jobs``;
- :mod:`~pipeline.batch.cluster`, :mod:`~pipeline.batch.dask_worker`: ``--engine dask``, the client and
  the worker side;
- :mod:`~pipeline.batch.incremental`: lines reused from the previous run;
- :mod:`~pipeline.batch.manifest`: ``manifest.json`` and :class:`RunSummary`.

The names below are imported on first use, so ``pipeline.batch.model`` stays spaCy-free.
"""

from importlib import import_module
from typing import Any

from pipeline.batch.model import DEFAULT_MODEL, ModelNotFoundError

_LAZY = {
    "Pipeline": "pipeline.batch.document",
    "RunSummary": "pipeline.batch.manifest",
    "build_nlp": "pipeline.batch.nlp",
    "load_model": "pipeline.batch.nlp",
    "run_batch": "pipeline.batch.run",
}

__all__ = ["DEFAULT_MODEL", "ModelNotFoundError", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'pipeline.batch' has no attribute {name!r}")
