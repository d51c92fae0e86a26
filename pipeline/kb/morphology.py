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
meets the knowledge base's.

:func:`readings` gives the linker every reading of a name word instead
(:class:`NameReadings`): all the nominatives its oblique parses have (``Седова``
-> ``Седов``, ``Сталина`` -> ``Сталин``, ``Зиночки`` -> ``Зиночка``; a word
pymorphy3 does not know, ``Севушки``, by its noun parses' lemmas) and whether it
may be a nominative as written (``Седова``, ``Сталина``: the woman of that
name), so both readings become candidates and the document decides.
:func:`name_score` says how surely a word is a name of a kind (the
recogniser's person proposals, :mod:`pipeline.recognise.russian`), :func:`lemma_and_pos`
what a word is otherwise. The analyser loads on first use (0.1 s) and answers
are cached per word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class NameReadings:
    """What a capitalised Cyrillic word may be as a name: ``nominatives`` the nominative
    singular forms of its oblique parses, best parse first, the word itself left out
    (``Седова`` -> ``("Седов",)``); ``as_written`` whether one of its name parses is a
    nominative singular already (``Седова``: the woman; ``Лёва``)."""

    nominatives: tuple[str, ...]
    as_written: bool

    @property
    def ambiguous(self) -> bool:
        """Both a nominative as written and another's oblique case (``Седова``, ``Каменева``)."""
        return self.as_written and bool(self.nominatives)


@lru_cache(maxsize=65536)
def readings(word: str, tags: frozenset[str] = _NAME_TAGS) -> NameReadings | None:
    """The :class:`NameReadings` of ``word``: of its parses with a name grammeme of ``tags``;
    of its noun parses when pymorphy3 does not know the word (a pet name it lacks:
    ``Севушки`` -> ``Севушка``); None for a word that is neither, or not Cyrillic."""
    if len(word) < 2 or not word[:1].isupper() or not _CYRILLIC.match(word):
        return None
    analyser = _analyser()
    parses = [p for p in analyser.parse(word) if tags & set(p.tag.grammemes)]
    unknown = not parses and not analyser.word_is_known(word.lower())
    if unknown:
        parses = [p for p in analyser.parse(word) if p.tag.POS == "NOUN"]
    if not parses:
        return None
    as_written = any({"nomn", "sing"} <= set(p.tag.grammemes) for p in parses)
    out: dict[str, None] = {}
    for p in parses:
        form = p.normal_form if unknown else _nominative_singular(p)
        if form and form != word.lower():
            out.setdefault(_cased_like(form, word), None)
    return NameReadings(tuple(out), as_written)


def _nominative_singular(parse: Any) -> str | None:
    inflected = parse.inflect({"nomn", "sing"}) or parse.inflect({"nomn"})
    return inflected.word if inflected is not None else None


@lru_cache(maxsize=65536)
def name_score(word: str, tag: str) -> float:
    """The share of pymorphy3's parse score (0-1) of ``word`` that reads it with the name
    grammeme ``tag`` (``Surn``, ``Name``, ``Patr``); 0 for a non-Cyrillic word."""
    if not _CYRILLIC.match(word):
        return 0.0
    return round(sum(p.score for p in _analyser().parse(word) if tag in p.tag.grammemes), 3)


@lru_cache(maxsize=65536)
def lemma_and_pos(word: str) -> tuple[str, str]:
    """The best parse's lemma and part of speech (``("товарищ", "NOUN")``); ``(word, "")``
    for a word without Cyrillic letters."""
    if not any("\u0400" <= ch <= "\u04ff" for ch in word):
        return word.lower(), ""
    best = _analyser().parse(word)[0]
    return best.normal_form, str(best.tag.POS or "")


#: pymorphy3's grammemes of a proper noun: a word with one is no common noun.
_PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})


@lru_cache(maxsize=65536)
def common_noun(word: str) -> bool:
    """Is ``word``'s best parse a common noun (``указанию``, ``письмо``; not ``Москве``, ``Седова``)?"""
    if not _CYRILLIC.match(word):
        return False
    best = _analyser().parse(word)[0]
    return best.tag.POS == "NOUN" and not _PROPER & set(best.tag.grammemes)
