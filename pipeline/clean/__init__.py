"""Stage 1, clean: raw text -> clean text plus a map back to raw offsets.

A :class:`Cleaner` runs the cleaning steps named in ``steps:`` of
``models/rules/cleaning.yaml``, in that order: Unicode repair, invisible
characters, boilerplate lines, markdown syntax, citation markers, hyphenation
across line ends, hard-wrapped lines, glued words (:class:`GlueSplitter`, with
the knowledge base's names in its vocabulary) and whitespace. Each step returns
edits on a :class:`~pipeline.io.MappedText`, so every clean span maps back to
exact raw offsets (:class:`CleanText`). A new step is a function registered
with :func:`cleaning_step` and named in ``steps:`` (see docs/clean-steps.md).

>>> cleaner = Cleaner(names=["Trotsky", "Sokolovskaya"])
>>> cleaner.clean("When Trotskyconsideredescaping[3]Sokolovskaya agreed.").text
'When Trotsky considered escaping Sokolovskaya agreed.'
"""

from pipeline.clean.cleaner import Cleaner, CleanText, name_aware_cleaner
from pipeline.clean.config import CleanConfig
from pipeline.clean.glue import GlueSplitter
from pipeline.clean.steps import CLEANING_STEPS, CleaningState, CleaningStep, cleaning_step

__all__ = [
    "name_aware_cleaner",
    "CLEANING_STEPS",
    "CleanConfig",
    "CleanText",
    "Cleaner",
    "CleaningState",
    "CleaningStep",
    "GlueSplitter",
    "cleaning_step",
]
