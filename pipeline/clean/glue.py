"""Splitting words glued together by lost spacing (the ``glued_words`` step's engine)."""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import wordsegment

from pipeline.io.offsets import Edit
from pipeline.kb.lexicon import english_segmenter

_LETTER_RUN = re.compile(r"[^\W\d_]+")


class GlueSplitter:
    """Splits words glued together by lost spacing, never real words.

    ``Trotskyconsideredescaping`` -> ``Trotsky considered escaping``;
    ``ZinaidaVolkova`` -> ``Zinaida Volkova``. A letter run is split only when
    it is not a known word and every piece is frequent (wordsegment's unigram
    counts) or a name from ``names``.

    config (dict[str, Any]): ``segmentation:`` of cleaning.yaml: the length and
        frequency thresholds, short words, affixes and camelCase exceptions.
    names (Iterable[str]): Name words (the knowledge base's) to add to the vocabulary.
    is_name (Callable[[str], bool] | None): Recognises spelling variants of the
        names; by default a word is a name when it is one of ``names``.
    """

    def __init__(
        self, config: dict[str, Any], names: Iterable[str] = (), is_name: Callable[[str], bool] | None = None
    ) -> None:
        english = english_segmenter()
        self.names = {word.lower() for word in names if word.isalpha()}
        self.is_name = is_name or (lambda word: word.lower() in self.names)
        name_count = float(config["rare_count"]) * config["name_count_factor"]
        # Names join the vocabulary without touching the shared English counts.
        self.unigrams = ChainMap(dict.fromkeys(self.names, name_count), english.unigrams)
        self._segmenter = wordsegment.Segmenter()
        self._segmenter.unigrams = self.unigrams
        self._segmenter.bigrams = english.bigrams
        self._segmenter.total = english.total
        self._segmenter.limit = english.limit
        self.min_length = int(config["min_length"])
        self.common = float(config["common_count"])
        self.rare = float(config["rare_count"])
        self.common_below = int(config["common_below"])
        self.min_piece_length = int(config["min_piece_length"])
        self.min_stem = int(config["min_stem"])
        self.short_words = set(config["short_words"])
        self.prefixes = sorted(config["prefixes"], key=len, reverse=True)
        self.suffixes = sorted(config["suffixes"], key=len, reverse=True)
        self.camel_prefixes = set(config["camel_prefixes"])
        self.camel_words = set(config["camel_words"])
        self._split = lru_cache(maxsize=200_000)(self._split_uncached)

    def edits(self, text: str) -> list[Edit]:
        """The insertions of a space that split the glued words of ``text``.

        text (str): The text to scan.
        RETURNS (list[Edit]): One ``(pos, pos, " ")`` per cut.
        """
        edits: list[Edit] = []
        for match in _LETTER_RUN.finditer(text):
            for cut in self._split(match.group()):
                edits.append((match.start() + cut, match.start() + cut, " "))
        return edits

    def _split_uncached(self, run: str) -> tuple[int, ...]:
        cuts: list[int] = []
        start = 0
        for cut in self._camel_cuts(run) + [len(run)]:
            cuts.extend(start + c for c in self._segment_cuts(run[start:cut]))
            if cut < len(run):
                cuts.append(cut)
            start = cut
        return tuple(cuts)

    def _camel_cuts(self, run: str) -> list[int]:
        if run in self.camel_words or run.isupper() or run.islower():
            return []
        cuts, part_start = [], 0
        for i in range(1, len(run)):
            if run[i].isupper() and run[i - 1].islower():
                part = run[part_start:i]
                if len(part) >= 2 and part not in self.camel_prefixes:
                    cuts.append(i)
                part_start = i
        return cuts

    def _known(self, word: str) -> bool:
        if word in self.names:
            return True
        if len(word) < self.min_piece_length and word not in self.short_words:
            return False  # short shards (tre-phi-ned, in-sky) are how real words get broken
        count = self.unigrams.get(word, 0.0)
        return count >= (self.common if len(word) < self.common_below else self.rare)

    def _is_word(self, word: str) -> bool:
        """A known word, a name, or a known word with a prefix or suffix."""
        if word in self.unigrams or self.is_name(word):
            return True
        for prefix in self.prefixes:
            if word.startswith(prefix) and len(word) - len(prefix) >= self.min_stem:
                if self._known(word[len(prefix) :]):
                    return True
        for suffix in self.suffixes:
            if word.endswith(suffix) and len(word) - len(suffix) >= self.min_stem:
                if self._known(word[: -len(suffix)]):
                    return True
        return False

    def _segment_cuts(self, part: str) -> list[int]:
        lower = part.lower()
        if len(part) < self.min_length or self._is_word(lower):
            return []
        pieces = self._segmenter.segment(lower)
        if len(pieces) < 2 or "".join(pieces) != lower or not all(map(self._known, pieces)):
            return []
        # A capitalised run is a proper noun unless it starts with a known name.
        if part[0].isupper() and not self.is_name(pieces[0]):
            return []
        cuts, pos = [], 0
        for piece in pieces[:-1]:
            pos += len(piece)
            cuts.append(pos)
        return cuts
