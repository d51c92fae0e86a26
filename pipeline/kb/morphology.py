"""Russian names in the nominative, by pymorphy3 (MIT) and its Russian dictionary.

The knowledge base writes names in the nominative (``Троцкий``, ``Седов``,
``Наталья Ивановна``); Russian text inflects them (``Троцкого``, ``Седовым``,
``о Зиновьеве``, ``Наталье Ивановне``). :class:`RussianNames` gives the
nominative of a Cyrillic word that pymorphy3 reads as a given name, surname
or patronymic (its ``Name``, ``Surn`` and ``Patr`` tags), in the word's own
gender and number (``Седовой`` -> ``Седова``, not ``Седов``), written with the
word's capital; any other word, and a word that may be a nominative already
(``Седова`` is Natalia Sedova or Sedov's genitive: the knowledge base has
both), gives None. The recogniser reads the nominative as it reads an OCR repair (the
text is never rewritten) and the linker looks it up, so an inflected form
meets the knowledge base's. The analyser loads on first use (0.1 s) and
answers are cached per word.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

#: A word in Cyrillic letters (a hyphenated surname too).
_CYRILLIC = re.compile(r"^[\u0400-\u04FF]+(?:-[\u0400-\u04FF]+)*$")
#: pymorphy3's grammemes of a person's name.
_NAME_TAGS = frozenset({"Name", "Surn", "Patr"})


@lru_cache(maxsize=1)
def _analyser() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=65536)
def nominative(word: str) -> str | None:
    """The nominative of a capitalised Cyrillic name word, or None (see the module)."""
    if len(word) < 2 or not word[:1].isupper() or not _CYRILLIC.match(word):
        return None
    names = [p for p in _analyser().parse(word) if _NAME_TAGS & set(p.tag.grammemes)]
    if not names or any("nomn" in p.tag.grammemes for p in names):
        return None  # no name, or one that may be the nominative already (Лев; Седова, Каменева)
    inflected = names[0].inflect({"nomn"})
    return _cased_like(inflected.word, word) if inflected is not None else None


def _cased_like(form: str, original: str) -> str:
    """``form`` with the capitals of ``original`` (each part of a hyphenated name)."""
    if original.isupper():
        return form.upper()
    return "-".join(part[:1].upper() + part[1:] for part in form.split("-"))
