"""Russian names in Cyrillic by pymorphy3's tags: proposals the model misses, and the model's
Cyrillic "persons" that are none.

:class:`RussianNames` reads only Cyrillic words, whatever pipeline reads the
document (the English model reads Russian text poorly), with the word lists of
``rules/ru/morphology.yaml`` (:class:`~pipeline.resources.MorphologyRules`) and
the tags of :mod:`pipeline.kb.morphology`. A word is *surely* a name of a kind
(``Name``, ``Surn``, ``Patr``) when its parses of that kind score at least
``sure_name_score``.

- :meth:`RussianNames.propose` proposes, as name shapes: a given name followed
  by a patronymic and/or a surname (``Сергей Миронович``, ``Фриц Давид``); one
  or two Cyrillic initials before a surname (``А. Я. Вышинский``); a surname
  after a title or role noun of ``person_cues`` (``тов. Шалаев``,
  ``подсудимого Гольцмана``), and the surnames coordinated with it
  (``товарищей Сталина, Ворошилова и Жданова``); a single name word whose
  reading the knowledge base knows as a person (``Зиночки`` -> ``Зиночка``).
  The cue stays outside the span.
- :meth:`RussianNames.keep` trims a Cyrillic person proposal's edge words that
  are a preposition, conjunction or particle (``closed_pos``: ``О Зиновьеве``),
  a verb, adverb or adjective that is surely no name (``edge_pos``) or
  a cue (``Подсудимые Фриц Давид``), and drops one of the model's or the shapes'
  in which no word is surely a name, an initial, or a knowledge-base person's
  name in one of its readings: a headline in capitals (``СУДЕБНЫЙ ПРОЦЕСС``), a
  common word (``Здесь``), a place in the locative (``Яновке``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.kb.morphology import lemma_and_pos, name_score, readings
from pipeline.recognise.context import NameContext
from pipeline.recognise.selection import Proposal
from pipeline.recognise.state import DocWords
from pipeline.resources import LabelRules, MorphologyRules

#: A Cyrillic initial with its dot (``А.``), or a Cyrillic word (hyphenated too).
_INITIAL = re.compile(r"^[\u0410-\u042F\u0401]\.$")
_WORD = re.compile(r"^[\u0400-\u04FF]+(?:-[\u0400-\u04FF]+)*$")


class RussianNames:
    """Proposes and checks Cyrillic person spans; holds no per-document state."""

    def __init__(self, context: NameContext, morphology: MorphologyRules, labels: LabelRules) -> None:
        self.context = context
        self.rules = morphology
        self.tags = frozenset(morphology.name_tags)
        self.cues = frozenset(morphology.person_cues)
        self.closed_pos = frozenset(morphology.closed_pos)
        self.edge_pos = frozenset(morphology.edge_pos)
        self.person = labels.person

    # -- word tests --------------------------------------------------------------------------------

    def _sure(self, word: str, tag: str) -> bool:
        return _capitalised(word) and name_score(word, tag) >= self.rules.sure_name_score

    def _name_like(self, word: str) -> bool:
        return any(self._sure(word, tag) for tag in self.tags) or self._known(word)

    def _known(self, word: str) -> bool:
        """Does the knowledge base know ``word``, or one of its readings, as a person's name?"""
        r = readings(word, self.tags)
        forms = (word,) + (r.nominatives if r is not None else ())
        return any(self.context.people([form], fuzzy=False) for form in forms)

    def _cue(self, word: str) -> bool:
        return word.rstrip(".").lower() in self.cues or lemma_and_pos(word)[0] in self.cues

    # -- proposals ---------------------------------------------------------------------------------

    def propose(self, w: DocWords) -> list[Proposal]:
        """Person spans of the shapes of the module docstring."""
        words = w.words
        if not any(_WORD.match(x) for x in words):
            return []
        out: list[Proposal] = []
        n = len(words)
        for i, word in enumerate(words):
            if not _WORD.match(word) or not _capitalised(word):
                continue
            if self._sure(word, "Name"):
                end = i + 1
                while end < n and end - i < 3 and (self._sure(words[end], "Patr") or self._sure(words[end], "Surn")):
                    end += 1
                if end > i + 1:
                    out.append(self._proposal(i, end))
                    continue
            if self._sure(word, "Surn"):
                start = i
                while start > 0 and i - start < 2 and _INITIAL.match(words[start - 1]):
                    start -= 1
                if start < i:
                    out.append(self._proposal(start, i + 1))
                elif self._after_cue(words, i):
                    out += [self._proposal(k, k + 1) for k in self._coordinated(words, i)]
            if any(self._sure(word, tag) for tag in self.tags) and self._known(word):
                out.append(self._proposal(i, i + 1))
        return out

    def _after_cue(self, words: list[str], i: int) -> bool:
        """Is a cue just before ``i`` (``тов. Шалаев``, the abbreviation's dot a token or not)?"""
        k = i - 1 if i > 0 and words[i - 1] != "." else i - 2
        return k >= 0 and self._cue(words[k])

    def _coordinated(self, words: list[str], i: int) -> list[int]:
        """``i`` and the surnames after it joined by commas and ``и`` (a list after one cue)."""
        found, k = [i], i + 1
        while k + 1 < len(words) and words[k] in (",", "и") and self._sure(words[k + 1], "Surn"):
            found.append(k + 1)
            k += 2
        return found

    def _proposal(self, start: int, end: int) -> Proposal:
        return Proposal(start, end, self.person, "shape")

    # -- checks ------------------------------------------------------------------------------------

    def keep(self, w: DocWords, proposals: list[Proposal]) -> list[Proposal]:
        """``proposals`` with each Cyrillic person span trimmed of edge words, and without
        the model's and shapes' Cyrillic persons that name no one (see the module)."""
        out = []
        for p in proposals:
            if p.label != self.person or not self._cyrillic(w, p):
                out.append(p)
                continue
            trimmed = self._trimmed(w, p)
            if trimmed is None:
                continue
            if trimmed.source == "kb" or any(
                _INITIAL.match(x) or self._name_like(x) for x in w.words[trimmed.start : trimmed.end]
            ):
                out.append(trimmed)
        return out

    def _cyrillic(self, w: DocWords, p: Proposal) -> bool:
        letters = [x for x in w.words[p.start : p.end] if any(ch.isalpha() for ch in x)]
        return bool(letters) and all(_WORD.match(x) or _INITIAL.match(x) for x in letters)

    def _trimmed(self, w: DocWords, p: Proposal) -> Proposal | None:
        start, end = p.start, p.end
        while start < end and self._edge(w.words[start], first=True):
            start += 1
        while end > start and self._edge(w.words[end - 1], first=False):
            end -= 1
        if start == end:
            return None
        return p if (start, end) == (p.start, p.end) else replace(p, start=start, end=end)

    def _edge(self, word: str, first: bool) -> bool:
        if not any(ch.isalpha() for ch in word):
            return not (first is False and word == ".")  # a punctuation edge; an initial's dot stays
        if _INITIAL.match(word):
            return False
        pos = lemma_and_pos(word)[1]
        if pos in self.closed_pos:
            return True
        if self._name_like(word):
            return False
        return (first and self._cue(word)) or pos in self.edge_pos


def _capitalised(word: str) -> bool:
    """A word written with a capital and not all in capitals (a headline's words are not names
    by their shape); a one-letter word is no name."""
    return len(word) > 1 and word[:1].isupper() and not word.isupper()
