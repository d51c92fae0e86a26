"""The :class:`Cleaner`: runs the cleaning steps of ``cleaning.yaml`` in order.

>>> cleaner = Cleaner(names=["Trotsky", "Sokolovskaya"])
>>> cleaner.clean("When Trotskyconsideredescaping[3]Sokolovskaya agreed.").text
'When Trotsky considered escaping Sokolovskaya agreed.'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

# The step modules register the built-in steps when imported.
from pipeline.clean import boilerplate, markup, tables  # noqa: F401
from pipeline.clean.config import CleanConfig
from pipeline.clean.glue import GlueSplitter
from pipeline.clean.steps import CleaningState, CleaningStep, Dropped, resolve_steps
from pipeline.io.offsets import MappedText
from pipeline.resources import rules


@dataclass
class CleanText:
    """The clean text of one document and the way back to the raw file.

    text (str): The clean text; the recogniser reads it and the entities index it.
    mapping (MappedText): Each clean character's raw span.
    emphasis (list[tuple[int, int]]): Clean spans that were in italics in the
        source: titles of works, mostly.
    dropped (list[Dropped]): Raw spans the cleaning deleted as not being the
        document's text, in raw order, each with its reason (``boilerplate:breadcrumb``).
    """

    text: str
    mapping: MappedText = field(repr=False)
    emphasis: list[tuple[int, int]] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw offsets of the clean span ``[start, end)`` (see :meth:`MappedText.raw_span`)."""
        return self.mapping.raw_span(start, end)


class Cleaner:
    """Turns raw text into clean text with a character-exact offset map.

    names (Iterable[str]): Name words the glued-word splitter must know (the
        knowledge base's), so that ``Sokolovskayafullyendorsed`` splits after
        the name instead of inside it.
    is_name (Callable[[str], bool] | None): Optionally recognises spelling
        variants of them (a skeleton-key lookup).
    models (str | Path | None): The models folder whose ``rules/cleaning.yaml``
        names the steps and holds their rules; by default the usual one.
    lang (str | None): A language whose ``rules/<lang>/cleaning.yaml`` is read instead, if it exists.
    RAISES (ValueError): If ``steps:`` names a step that is not registered.
    """

    def __init__(
        self,
        names: Iterable[str] = (),
        is_name: Callable[[str], bool] | None = None,
        models: str | Path | None = None,
        lang: str | None = None,
    ) -> None:
        self.config = CleanConfig.from_rules(rules("cleaning", models, lang))
        self.splitter = GlueSplitter(self.config.segmentation, names, is_name)
        self.steps: list[tuple[str, CleaningStep]] = resolve_steps(self.config.steps)

    @classmethod
    def for_names(
        cls,
        words: Iterable[str],
        skeleton: Callable[[str], str],
        models: str | Path | None = None,
        lang: str | None = None,
    ) -> Cleaner:
        """A cleaner that knows ``words`` and, through ``skeleton``, their spelling variants.

        words (Iterable[str]): A knowledge base's name words.
        skeleton (Callable[[str], str]): The name key; a word is a name when its key is one of theirs.
        models (str | Path | None): As for :class:`Cleaner`.
        RETURNS (Cleaner): The cleaner the pipeline uses.
        """
        words = set(words)
        keys = {skeleton(w) for w in words}
        return cls(names=words, is_name=lambda word: skeleton(word) in keys, models=models, lang=lang)


    def clean(
        self, raw: str, start: MappedText | None = None, emphasis: Iterable[tuple[int, int]] = ()
    ) -> CleanText:
        """Clean one document.

        raw (str): The decoded text of the file, or the text a reader extracted from it.
        start (MappedText | None): For extracted text, its map to the file (``start.text == raw``),
            so the clean text's raw offsets index the file; None: ``raw`` is the file.
        emphasis (Iterable[tuple[int, int]]): Raw spans the file's markup puts in italics.
        RETURNS (CleanText): The clean text, its map to raw offsets, its emphasis spans and what it dropped.
        """
        state = CleaningState(self.config, self.splitter, start if start is not None else MappedText.from_raw(raw))
        state.emphasis.extend(emphasis)
        for _name, step in self.steps:
            state.mapped = state.mapped.apply(step(state))
        mapped = state.mapped
        emphasis = [mapped.clean_span(a, b) for a, b in state.emphasis]
        dropped = sorted(state.dropped, key=lambda d: (d["raw_start"], d["raw_end"]))
        return CleanText(mapped.text, mapped, [(a, b) for a, b in emphasis if a < b], dropped)


def name_aware_cleaner(models: str | Path | None = None, lang: str | None = None) -> Cleaner:
    """The cleaner a run uses: it knows the knowledge base's name words and their spelling
    variants (read through :func:`pipeline.kb.shared.load_shared`, the pipeline's own copy)."""
    from pipeline.kb.shared import load_shared

    shared = load_shared(models, lang)
    return Cleaner.for_names(shared.name_words, shared.keys.skeleton, models, lang)
