"""OCR confusions: the spellings a damaged word may stand for.

An OCR engine reads ``m`` as ``rn``, ``d`` as ``cl``, ``h`` as ``li``, ``e`` as
``c`` and letters as digits (``0`` for ``o``, ``1`` for ``l``, ``5`` for ``s``):
``models/rules/names.yaml`` lists the confusions as (seen, meant) pairs
(``ocr_confusions``). :class:`OcrConfusions` reads them and answers:

- :meth:`~OcrConfusions.spellings`: every combination of confusions undone in
  a text, fewest repairs first, at most ``limit`` (``Golclman`` -> ``Goldman``,
  ``A1bert Golclman`` -> ``Albert Goldman`` with two);
- :meth:`~OcrConfusions.digit_damaged`: a word with digits among its letters
  that is no number (``Tr0tsky``, ``5edova``, ``Farre11``; not ``1937``,
  ``5th``, ``1930s``, ``No. 5``);
- :meth:`~OcrConfusions.clear`: the one repair of such a word, every digit read
  as the first letter listed for it (``Nata1ia`` -> ``Natalia``): a digit
  inside letters is damage for sure, so this spelling may name an unknown
  person (its NIL id), where the letter confusions are only guesses.

A digit read as a letter takes the case of the letters around it: upper at the
start of a word (``0tto`` -> ``Otto``) and between capitals (``C0LE`` ->
``COLE``), lower elsewhere. A confusion whose letter is written as a capital
(``["1", I]``) stands for that capital only: ``1van`` is ``Ivan``, ``Nata1ia``
is ``Natalia``. The text itself is never rewritten: callers match
the spellings, and keep the original text and offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import combinations

_DIGIT_RUN = re.compile(r"\d+")
_VOWELS = frozenset("aeiouy")


class OcrConfusions:
    """The (seen, meant) confusions of one models folder; ``min_letters`` and
    ``max_digit_run`` (names.yaml: ``ocr_min_letters``, ``ocr_max_digit_run``) tell a
    digit-damaged word from a number (``5th``, ``1930s``, ``12mo``)."""

    def __init__(self, confusions: Iterable[tuple[str, str]], min_letters: int, max_digit_run: int) -> None:
        self.confusions = [(seen, meant) for seen, meant in confusions if seen and seen != meant]
        self.digits: dict[str, str] = {}  # the clear reading in lower case
        self.capitals: dict[str, str] = {}  # where a capital is asked for
        for seen, meant in self.confusions:
            if seen.isdigit() and len(seen) == 1:  # the first letter listed is the clear reading
                self.capitals.setdefault(seen, meant.upper())
                if meant.islower():
                    self.digits.setdefault(seen, meant)
        self.min_letters = min_letters
        self.max_digit_run = max_digit_run

    def digit_damaged(self, word: str) -> bool:
        """Letters with digits among them that the confusions read as letters, and no number:
        at least ``min_letters`` letters with a vowel, no digit run longer than
        ``max_digit_run``, no number at its start (``19th``, ``10mins``: two digits or more)."""
        if not word.isalnum() or word.isdigit() or not any(ch.isdigit() for ch in word):
            return False
        letters = [ch for ch in word if ch.isalpha()]
        if len(letters) < self.min_letters or not _VOWELS & set("".join(letters).lower()):
            return False
        runs = _DIGIT_RUN.findall(word)
        if any(len(run) > self.max_digit_run for run in runs) or any(ch not in self.digits for ch in "".join(runs)):
            return False
        return not (word[0].isdigit() and len(runs[0]) > 1)

    def clear(self, word: str) -> str | None:
        """The digit-damaged ``word`` with every digit read as its first letter, else None."""
        if not self.digit_damaged(word):
            return None
        return "".join(self._reading(ch, word, k) if ch.isdigit() else ch for k, ch in enumerate(word))

    def _reading(self, digit: str, text: str, at: int) -> str:
        return self.capitals[digit] if _capital_at(text, at) else self.digits.get(digit, self.capitals[digit])

    def spellings(self, text: str, limit: int, letters: bool = True) -> list[tuple[str, int]]:
        """Spellings of ``text`` with confusions undone and how many: one repair, then two...,
        at most ``limit`` in all (a word with many sites has too many combinations);
        the digits' confusions only unless ``letters``."""
        sites = self._sites(text, letters)
        out: list[tuple[str, int]] = []
        seen: set[str] = {text}
        for size in range(1, len(sites) + 1):
            for chosen in combinations(sites, size):
                if len(out) >= limit:
                    return out
                if _overlapping(chosen):
                    continue
                spelling = _applied(text, chosen)
                if spelling not in seen:
                    seen.add(spelling)
                    out.append((spelling, size))
        return out

    def _sites(self, text: str, letters: bool) -> list[tuple[int, int, str]]:
        """(start, end, replacement) of every place a confusion may be undone, in text order."""
        sites = []
        for seen, meant in self.confusions:
            if not (letters or seen.isdigit()):
                continue
            for start in _find_all(text, seen):
                if not seen.isdigit():
                    sites.append((start, start + len(seen), meant))
                elif self.digit_damaged(_word_at(text, start)):  # never a number's digits
                    capital = _capital_at(text, start)
                    if capital or meant.islower():  # a capital's confusion only where one is asked for
                        sites.append((start, start + len(seen), meant.upper() if capital else meant))
        return sorted(sites, key=lambda site: site[0])  # at one place, in the order of the rules


def _find_all(text: str, part: str) -> Iterator[int]:
    start = text.find(part)
    while start != -1:
        yield start
        start = text.find(part, start + 1)


def _word_at(text: str, at: int) -> str:
    """The run of letters and digits around ``text[at]``."""
    start, end = at, at + 1
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return text[start:end]


def _capital_at(text: str, at: int) -> bool:
    """Does the place ``at`` of ``text`` ask for a capital: a word's start, or after a capital that
    no lower-case letter follows (``C0LE``)? Elsewhere lower case (``Tr0tsky``, ``A1bert``)."""
    before = next((ch for ch in reversed(text[:at]) if not ch.isdigit()), " ")
    after = next((ch for ch in text[at + 1 :] if not ch.isdigit()), " ")
    return not before.isalpha() or (before.isupper() and not after.islower())


def _overlapping(sites: tuple[tuple[int, int, str], ...]) -> bool:
    return any(a[1] > b[0] for a, b in zip(sites, sites[1:], strict=False))


def _applied(text: str, sites: tuple[tuple[int, int, str], ...]) -> str:
    parts, last = [], 0
    for start, end, replacement in sites:
        parts += [text[last:start], replacement]
        last = end
    return "".join(parts) + text[last:]
