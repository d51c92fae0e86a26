"""Running the stages over documents: the document pipeline and batch runs.

- :mod:`~pipeline.batch.nlp`: the spaCy pipeline, the model plus namelink's components;
- :mod:`~pipeline.batch.document`: :class:`Pipeline`, clean + ``nlp.pipe``, records;
- :mod:`~pipeline.batch.chunking`: documents longer than the model takes, in pieces;
- :mod:`~pipeline.batch.run`: :func:`run_batch`, files to an output folder;
- :mod:`~pipeline.batch.workers`: worker processes for ``--jobs``;
- :mod:`~pipeline.batch.incremental`: lines reused from the previous run;
- :mod:`~pipeline.batch.manifest`: ``manifest.json`` and :class:`RunSummary`.
"""

from pipeline.batch.document import Pipeline
from pipeline.batch.manifest import RunSummary
from pipeline.batch.nlp import DEFAULT_MODEL, ModelNotFoundError, build_nlp, load_model
from pipeline.batch.run import run_batch

__all__ = ["DEFAULT_MODEL", "ModelNotFoundError", "Pipeline", "RunSummary", "build_nlp", "load_model", "run_batch"]
