"""Russian pet names (hypocoristics): generated from the knowledge base's names, never listed.

A person whose entry lists a patronymic is named the Russian way, and letters,
memoirs and translations call them by pet names built on the stem of a given
name or diminutive: ``Natasha`` -> ``Natash-`` -> ``Natashenka``, ``Lyova`` ->
``Lyovochka``, ``Lev`` -> ``Levik``. :class:`PetForms` cuts each stem with the
ordered stem rules of ``names.yaml: pet_names`` and adds every suffix. Each
result is a SHORT form of part :data:`~pipeline.kb.entries.PET`, weaker evidence than a listed
form (the linker's ``pet`` method score), and is dropped when it is a word of
its own (``is_word``: an English word such as ``Lenka`` or ``Mishka``, a
common given name) or shares its name key with a listed form of anyone (a
place or a person listed as ``Annushka`` keeps that name). A pet form several
people share (``Levik`` of every Lev) is ambiguous like the given name it
comes from: the linker's context decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from pipeline.kb.entries import strings
from pipeline.kb.keys import fold
from pipeline.resources import PetNameRules


class PetNames:
    """Cuts stems and builds pet forms with the rules of one names view."""

    def __init__(self, rules: PetNameRules) -> None:
        self.rules = rules
        self._stem_rules = [(re.compile(a, re.IGNORECASE), b) for a, b in rules.stem_rules]
        self._suffixes = tuple(fold(s) for s in rules.suffixes)

    def stem(self, name: str) -> str | None:
        """The stem of ``name`` by the first stem rule that matches (``Natasha`` -> ``Natash``);
        None for a name no rule matches, one that is no single word of letters, one that is
        a pet form already (``Lyovochka``) or a stem shorter than ``min_stem_letters``."""
        if not name.isalpha() or fold(name).endswith(self._suffixes):
            return None
        for pattern, replacement in self._stem_rules:
            if pattern.search(name):
                stem = pattern.sub(replacement, name, count=1)
                return stem if len(stem) >= self.rules.min_stem_letters else None
        return None

    def of_names(self, names: Iterable[str]) -> list[str]:
        """Every pet form of ``names`` (stem + suffix), in order, without repeats."""
        out: dict[str, None] = {}
        for name in names:
            stem = self.stem(name)
            if stem:
                out.update((stem + suffix, None) for suffix in self.rules.suffixes)
        return list(out)


class PetForms:
    """The pet forms of person entries (:meth:`group`) under one set of rules.

    ``taken`` the name keys (``key`` of the one word) of every one-word listed form of any
    entry: a pet form with one of them is none; ``is_word`` says which strings are words of
    their own (None: no such test). Stems and tests are worked out once per name, since
    thousands of people share a given name: the people of one name share one group of pet
    texts (:meth:`group`), which the store writes once and joins to each of them.
    """

    def __init__(
        self,
        rules: PetNameRules,
        taken: frozenset[str],
        key: Callable[[str], str],
        is_word: Callable[[str], bool] | None = None,
    ) -> None:
        self.pets, self.taken, self.key, self.is_word = PetNames(rules), taken, key, is_word
        self._groups: dict[tuple[str, ...], tuple[int, tuple[str, ...]]] = {}

    def group(self, entry: dict[str, Any]) -> tuple[int, tuple[str, ...]]:
        """The group of a person ``entry``'s pet forms: a number the same for every entry of the
        same given names and diminutives, and the texts (none for an entry without a patronymic)."""
        if not strings(entry.get("patronymic")):
            return 0, ()
        names = tuple(strings(entry.get("given")) + strings(entry.get("diminutives")))
        if names not in self._groups:
            texts: dict[str, str] = {}  # folded -> the first text that folds to it
            for text in self.pets.of_names(names):
                if self._allowed(text):
                    texts.setdefault(fold(text), text)
            self._groups[names] = (len(self._groups) + 1, tuple(texts.values()))
        return self._groups[names]

    def _allowed(self, text: str) -> bool:
        return self.key(text) not in self.taken and (self.is_word is None or not self.is_word(text))
