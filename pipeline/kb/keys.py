"""Name normalisation: the keys under which spellings of one name meet.

``fold`` removes case and diacritics (``León`` -> ``leon``); ``skeleton``
also merges romanisation variants with the ordered rules of
``models/rules/names.yaml`` (``Trotzki``, ``Trotskii`` -> ``trotski``;
``Sokolovskaja`` -> ``sokolovskaia``), so unseen transliterations of a known
name match it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from anyascii import anyascii

from pipeline.resources import rules


@lru_cache(maxsize=500_000)
def fold(word: str) -> str:
    """Lower-case ASCII form: ``'León'`` -> ``'leon'``."""
    return anyascii(word).lower()


class NameKeys:
    """Computes skeleton keys with the rules of one models folder."""

    def __init__(self, models: str | Path | None = None, lang: str | None = None) -> None:
        self._set_rules(rules("names", models, lang)["skeleton_rules"])

    @classmethod
    def from_rules(cls, skeleton_rules: Iterable[Iterable[str]]) -> NameKeys:
        """Keys with these ``skeleton_rules`` (a names view's), reading no models folder."""
        keys = cls.__new__(cls)
        keys._set_rules(skeleton_rules)
        return keys

    def _set_rules(self, skeleton_rules: Iterable[Iterable[str]]) -> None:
        self._rules = [(re.compile(a), b) for a, b in skeleton_rules]
        self.skeleton = lru_cache(maxsize=500_000)(self._skeleton)

    def __getstate__(self) -> dict:
        return {"_rules": self._rules}  # the cache is rebuilt empty in another process

    def __setstate__(self, state: dict) -> None:
        self._rules = state["_rules"]
        self.skeleton = lru_cache(maxsize=500_000)(self._skeleton)

    def _skeleton(self, word: str) -> str:
        key = fold(word)
        for pattern, replacement in self._rules:
            key = pattern.sub(replacement, key)
        return key

    def phrase(self, words: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """Skeleton of a multi-word name, dropping words that fold to nothing."""
        return tuple(k for k in map(self.skeleton, words) if k)
