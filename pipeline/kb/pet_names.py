"""Russian pet names (hypocoristics): generated from the knowledge base's names, never listed.

A person whose entry lists a patronymic is named the Russian way, and letters,
memoirs and translations call them by pet names built on the stem of a given
name or diminutive: ``Natasha`` -> ``Natash-`` -> ``Natashenka``, ``Lyova`` ->
``Lyovochka``, ``Lev`` -> ``Levik``. :func:`pet_forms` cuts each stem with the
ordered stem rules of ``names.yaml: pet_names`` and adds every suffix. Each
result is a SHORT form of part :data:`PET`, weaker evidence than a listed
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

from pipeline.kb.entries import PET, SHORT, NameForm, strings
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


def pet_forms(
    entries: Iterable[dict[str, Any]],
    listed: Iterable[NameForm],
    rules: PetNameRules,
    key: Callable[[str], str],
    is_word: Callable[[str], bool] | None = None,
) -> list[NameForm]:
    """The pet forms of the person ``entries`` that list a patronymic, from their given
    names and diminutives; none whose name key (``key`` of the one word) is that of a
    one-word ``listed`` form of any entry, and none that ``is_word`` says is a word of its own."""
    taken = {key(f.text) for f in listed if len(f.text.split()) == 1}
    pets = PetNames(rules)
    out: list[NameForm] = []
    seen: set[tuple[str, str]] = set()
    for entry in entries:
        if not strings(entry.get("patronymic")):
            continue
        names = strings(entry.get("given")) + strings(entry.get("diminutives"))
        for text in pets.of_names(names):
            if key(text) in taken or (is_word is not None and is_word(text)):
                continue
            if (entry["id"], fold(text)) not in seen:
                seen.add((entry["id"], fold(text)))
                out.append(NameForm(str(entry["id"]), text, SHORT, PET))
    return out
