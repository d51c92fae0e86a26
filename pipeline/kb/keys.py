"""Name normalisation: the keys under which spellings of one name meet.

``fold`` removes case and diacritics (``León`` -> ``leon``); ``skeleton``
also merges romanisation variants with the ordered rules of
``models/rules/names.yaml`` (``Trotzki``, ``Trotskii`` -> ``trotski``;
``Sokolovskaja`` -> ``sokolovskaia``), so unseen transliterations of a known
name match it.

A word in Cyrillic has more keys than one (:meth:`NameKeys.variants`): its
skeleton under anyascii's Latin spelling and under each romanisation scheme of
iuliia (MIT) that ``rules/ru/morphology.yaml: romanisations`` names, so ``Лёва``
(anyascii ``Leva``, Wikipedia's ``Lyova``) meets a knowledge base that writes
``Lyova`` or ``Liova``; :meth:`NameKeys.phrases` gives every combination of a
phrase's keys, the anyascii one first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import islice, product
from pathlib import Path
from typing import Any

from anyascii import anyascii

from pipeline.resources import MorphologyRules, RulesError, rules

#: At most this many key combinations of one phrase (a phrase of Cyrillic words).
MAX_PHRASE_VARIANTS = 16


@lru_cache(maxsize=500_000)
def fold(word: str) -> str:
    """Lower-case ASCII form: ``'León'`` -> ``'leon'``."""
    return anyascii(word).lower()


class NameKeys:
    """Computes skeleton keys with the rules of one models folder."""

    def __init__(self, models: str | Path | None = None, lang: str | None = None) -> None:
        romanisations = MorphologyRules.for_cyrillic(models).romanisations
        self._set_rules(rules("names", models, lang)["skeleton_rules"], romanisations)

    @classmethod
    def from_rules(cls, skeleton_rules: Iterable[Iterable[str]], romanisations: Iterable[str] = ()) -> NameKeys:
        """Keys with these ``skeleton_rules`` (a names view's) and iuliia ``romanisations``
        (scheme names), reading no models folder."""
        keys = cls.__new__(cls)
        keys._set_rules(skeleton_rules, romanisations)
        return keys

    def _set_rules(self, skeleton_rules: Iterable[Iterable[str]], romanisations: Iterable[str] = ()) -> None:
        self._rules = [(re.compile(a), b) for a, b in skeleton_rules]
        self._schemes = tuple(romanisations)
        self._translators = _schemes(self._schemes)
        self.skeleton = lru_cache(maxsize=500_000)(self._skeleton)
        self.variants = lru_cache(maxsize=100_000)(self._variants)

    def __getstate__(self) -> dict:
        # the caches and iuliia's schemes are rebuilt in another process
        return {"_rules": self._rules, "_schemes": self._schemes}

    def __setstate__(self, state: dict) -> None:
        self._rules = state["_rules"]
        self._schemes = state.get("_schemes", ())
        self._translators = _schemes(self._schemes)
        self.skeleton = lru_cache(maxsize=500_000)(self._skeleton)
        self.variants = lru_cache(maxsize=100_000)(self._variants)

    def _variants(self, word: str) -> tuple[str, ...]:
        """The keys of ``word``: its skeleton, and for a Cyrillic word the skeletons of its
        romanisations too (distinct, anyascii's first)."""
        key = self.skeleton(word)
        if not self._translators or not has_cyrillic(word):
            return (key,)
        out = dict.fromkeys([key])
        for scheme in self._translators:
            out.setdefault(self.skeleton(scheme.translate(word)), None)
        return tuple(k for k in out if k) or (key,)

    def phrases(self, words: list[str] | tuple[str, ...]) -> list[tuple[str, ...]]:
        """Every key combination of a multi-word name (:meth:`phrase` first), at most
        :data:`MAX_PHRASE_VARIANTS`; words that fold to nothing are dropped."""
        options = [v for v in map(self.variants, words) if v != ("",)]
        return [tuple(c) for c in islice(product(*options), MAX_PHRASE_VARIANTS)]

    def _skeleton(self, word: str) -> str:
        key = fold(word)
        for pattern, replacement in self._rules:
            key = pattern.sub(replacement, key)
        return key

    def phrase(self, words: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """Skeleton of a multi-word name, dropping words that fold to nothing."""
        return tuple(k for k in map(self.skeleton, words) if k)


_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def has_cyrillic(word: str) -> bool:
    """Does ``word`` hold a Cyrillic letter?"""
    return _CYRILLIC.search(word) is not None


def _schemes(names: tuple[str, ...]) -> tuple[Any, ...]:
    """iuliia's schemes of these names (``WIKIPEDIA``...); an unknown name is a :class:`RulesError`."""
    if not names:
        return ()
    import iuliia

    unknown = [n for n in names if not callable(getattr(getattr(iuliia, n, None), "translate", None))]
    if unknown:
        raise RulesError(f"rules/ru/morphology.yaml: romanisations: unknown iuliia scheme(s) {', '.join(unknown)}")
    return tuple(getattr(iuliia, n) for n in names)
