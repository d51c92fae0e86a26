"""Shared word lists: English word frequencies, given names and surnames (loaded once)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import wordfreq
import wordsegment

from pipeline.kb.keys import fold
from pipeline.resources import models_dir


@lru_cache(maxsize=1)
def english_segmenter() -> wordsegment.Segmenter:
    """wordsegment's unigram and bigram counts (Google Web Trillion Word Corpus)."""
    segmenter = wordsegment.Segmenter()
    segmenter.load()
    return segmenter


def word_zipf(language: str | None) -> Callable[[str], float]:
    """How common a word is in ``language``: wordfreq's Zipf value (0 for an unknown word, about
    7 for the commonest; a language wordfreq lacks gives 0 for every word)."""
    if not language or language not in _WORDFREQ_LANGUAGES:
        return lambda word: 0.0
    return lambda word: wordfreq.zipf_frequency(word, language)


_WORDFREQ_LANGUAGES = frozenset(wordfreq.available_languages())


def language_frequencies(language: str | None) -> Callable[[str], float] | None:
    """:func:`word_zipf` of a language other than English that wordfreq knows, else None (English
    words are judged by wordsegment's counts, as before)."""
    if not language or language == "en" or language not in _WORDFREQ_LANGUAGES:
        return None
    return word_zipf(language)


def given_names(models: str | Path | None = None) -> frozenset[str]:
    """Folded given names from ``models/rules/given_names.txt``."""
    path = models_dir(models) / "rules" / "given_names.txt"
    with open(path, encoding="utf-8") as handle:
        return frozenset(fold(line.strip()) for line in handle if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=8)
def census_given_names(models: str | Path | None = None) -> frozenset[str]:
    """Folded given names from ``models/rules/given_names_census.txt`` (evidence only, not shapes)."""
    return _optional_list(models, "given_names_census.txt")


@lru_cache(maxsize=8)
def census_surnames(models: str | Path | None = None) -> frozenset[str]:
    """Folded common surnames from ``models/rules/surnames_census.txt`` (a place's name that is
    one may still be a person's: Lincoln, Houston)."""
    return _optional_list(models, "surnames_census.txt")


def _optional_list(models: str | Path | None, name: str) -> frozenset[str]:
    """The folded lines of ``models/rules/<name>`` but comments; empty when the file is missing."""
    path = models_dir(models) / "rules" / name
    if not path.is_file():
        return frozenset()
    with open(path, encoding="utf-8") as handle:
        return frozenset(fold(line.strip()) for line in handle if line.strip() and not line.startswith("#"))


def own_words(models: str | Path | None, min_count: float) -> Callable[[str], bool]:
    """Is a string a word of its own: an English word with at least ``min_count`` in the
    wordsegment counts, or a given name of ``given_names.txt`` (folded)?"""
    counts, names = english_segmenter().unigrams, given_names(models)

    def is_word(text: str) -> bool:
        folded = fold(text)
        return folded in names or counts.get(folded, 0.0) >= min_count

    return is_word


@lru_cache(maxsize=8)
def word_case_forms(models: str | Path | None = None) -> dict[str, str]:
    """Folded word -> how running text writes it, from ``models/rules/word_case.txt`` (a word not
    listed is written in title case); empty when the file is missing."""
    path = models_dir(models) / "rules" / "word_case.txt"
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8") as handle:
        forms = (line.strip() for line in handle if not line.startswith("#"))
        return {fold(form): form for form in forms if form}
