"""One-letter titles that look like initials: French ``M.`` (Monsieur) before a name.

The knowledge base writes initials before surnames (``M. Rosmer`` is a form of
Marguerite Rosmer), so ``M. Rosmer`` matches as one name, and the linker,
which reads a title only *before* a span, never sees the male title that
``M.`` is in French. :class:`LetterTitles` reads the letter as the title,
outside the span, in a document that uses a title of the same language
(``names.yaml`` ``letter_titles``: ``m`` with ``Mme``, ``Mlle``...) or in a
document of the letter's language (``letter_title_languages``: a document the
French pipeline reads); elsewhere
``M.`` stays an initial (``M. Gorky`` in an English bibliography), and so
does an ``M.`` before more initials (``M. N. Pokrovsky``).
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.kb.keys import fold
from pipeline.recognise.context import INITIALS
from pipeline.recognise.selection import Proposal
from pipeline.recognise.state import DocWords
from pipeline.resources import LabelRules, NameRules


class LetterTitles:
    """Moves a one-letter title out of the person spans it starts; holds no per-document state."""

    def __init__(self, names: NameRules, labels: LabelRules) -> None:
        self.cues = {letter: frozenset(cues) for letter, cues in names.letter_titles.items()}
        self.languages = {letter: frozenset(langs) for letter, langs in names.letter_title_languages.items()}
        self.person = labels.person

    def apply(self, w: DocWords, proposals: list[Proposal]) -> list[Proposal]:
        """``proposals`` with each person span that starts with a letter title of this
        document (``M.`` where ``Mme`` is written too) starting after it."""
        letters = self._titles_of(w)
        if not letters:
            return proposals
        return [self._after_title(w, p, letters) if p.label == self.person else p for p in proposals]

    def _titles_of(self, w: DocWords) -> frozenset[str]:
        """The letters that are titles in this document: one of their cue titles is written in it,
        or the document is in one of their languages (its pipeline's: a French paper's ``M.``)."""
        written = {word.rstrip(".") for word in w.lowers}
        by_cue = {letter for letter, cues in self.cues.items() if cues & written}
        by_language = {letter for letter, langs in self.languages.items() if w.doc.lang_ in langs}
        return frozenset(by_cue | by_language)

    def _after_title(self, w: DocWords, p: Proposal, letters: frozenset[str]) -> Proposal:
        """``p`` starting after its first token when that is a letter title with its dot (``M.``
        or ``M`` ``.``) and a word follows inside ``p``; else ``p`` as it is."""
        words = w.words
        first = words[p.start]
        if not (first.isupper() and fold(first.rstrip(".")) in letters):
            return p
        start = p.start + 1
        if not first.endswith("."):  # "M" "." as two tokens; a bare capital is an initial or a word
            if start >= p.end or words[start] != ".":
                return p
            start += 1
        if start < p.end and any(ch.isalpha() for ch in words[start]) and not INITIALS.match(words[start]):
            return replace(p, start=start)
        return p  # M. N. Pokrovsky: a run of initials
