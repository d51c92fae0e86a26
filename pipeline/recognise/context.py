"""The tests the rule families share: what a word is and what its context makes of it.

:class:`NameContext` answers questions such as *is this a given name*, *a
surname by its shape*, *a common English word in this document*, *part of the
name of something else* (``Trotsky Museum``, ``Order of Lenin``), *the title
of a work* (``the author of Stalin``) or *a town made from a name*
(``Sverdlovsk``). It is built once per pipeline from the shared knowledge and
holds nothing of a document: the per-document facts come in a
:class:`~pipeline.recognise.state.DocWords`.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from pipeline.kb import AliasIndex
from pipeline.kb.keys import fold
from pipeline.kb.lexicon import english_segmenter
from pipeline.kb.shared import SharedKnowledge
from pipeline.link.candidates import CandidateGenerator
from pipeline.recognise.state import DocWords
from pipeline.resources import RecogniseRules

#: Initials as written: ``L.``, ``L.D.``, or a lone capital.
INITIALS = re.compile(r"^(?:[A-Z]\.){1,3}$|^[A-Z]$")
#: A year as written in running text and imprints (1923, 1940).
YEAR = re.compile(r"^1[5-9]\d\d$|^20\d\d$")
#: Quotes that open a title after its cue (a series called "Stalin's Children").
OPENING_QUOTES = frozenset({'"', "“", "«", "‘", "'", "„"})


class NameContext:
    """Read-only word tests over the knowledge base, ``names.yaml`` and ``recognise.yaml``.

    ``rules`` the recogniser's word lists and thresholds; ``index`` the name
    forms by key; ``people`` the candidate generator of persons (variants and
    OCR repairs); ``english`` the wordsegment unigram counts.
    """

    def __init__(
        self, shared: SharedKnowledge, index: AliasIndex, rules: RecogniseRules, people: CandidateGenerator
    ) -> None:
        names = shared.names
        self.rules = rules
        self.keys = shared.keys
        self.index = index
        self.people = people
        self.given = shared.kb_given_names
        self.name_words = {self.keys.skeleton(w) for w in shared.name_words}
        self.given_keys = {self.keys.skeleton(w) for w in self.given}
        self.titles = set(names.titles)
        self.person_titles = shared.person_titles  # titles and press abbreviations, folded
        self.institutions = set(names.institution_words)
        self.institutions_of = set(names.institution_of_words)
        self.patronymic = tuple(names.patronymic_suffixes)
        self.surname_ends = tuple(names.surname_suffixes["M"] + names.surname_suffixes["F"])
        self.derived = tuple(sorted(names.derived_suffixes, key=len, reverse=True))
        self.group_words = set(names.group_words)
        self.family_determiners = set(names.family_determiners)
        self.title_cues = [tuple(cue.split()) for cue in names.work_title_cues]
        self.title_cue_ends = {cue[-1] for cue in self.title_cues}
        self.english = english_segmenter().unigrams
        self.particles = frozenset(rules.particles)
        self.of_words = frozenset(rules.of_words)
        self.name_word_pos = frozenset(rules.name_word_pos)
        self.stemless = frozenset(rules.stemless_derived_suffixes)
        self.place_endings = tuple(sorted(names.place_name_endings, key=lambda e: len(e[0]), reverse=True))
        self.place_after_surname = tuple(names.place_endings_after_surname)
        self.surname_m_ends = tuple(names.surname_suffixes["M"])

    # -- the word in this document ------------------------------------------------------------

    def common_word(self, w: DocWords, token: Token) -> bool:
        """A word used in lower case in this document, or very frequent in English."""
        lower = token.lower_
        return lower in w.lower_words or self.english.get(lower, 0.0) >= self.rules.common_count

    def is_work_title(self, w: DocWords, start: int) -> bool:
        """``the author of Stalin``, ``a series called "Stalin's Children"``: a name that is the
        title of a work (an opening quote may stand between the cue and the name)."""
        lowers = w.lowers
        start = self.name_start(w.doc, start)
        if start > 0 and lowers[start - 1] in OPENING_QUOTES:
            start -= 1
        if start == 0 or lowers[start - 1] not in self.title_cue_ends:
            return False
        for cue in self.title_cues:
            k = len(cue)
            if start >= k and tuple(lowers[start - k : start]) == cue:
                return True
        return False

    def inside_other_name(self, doc: Doc, start: int, end: int) -> bool:
        """``Trotsky Museum``, ``Order of Lenin``, ``the Trotskys``."""
        if end < len(doc):
            nxt = doc[end]
            if nxt.text[:1].isupper() and nxt.lower_ in self.institutions:
                return True
            if nxt.lower_ in self.group_words:
                return True
        name = self.name_start(doc, start)
        if name >= 2 and doc[name - 1].lower_ in self.of_words:
            before = doc[name - 2]
            if before.text[:1].isupper() and before.lower_ in self.institutions_of:
                return True
        return in_compound(doc, start, end)

    def name_start(self, doc: Doc, start: int) -> int:
        """The start of the name a span ends: given names and initials before it belong to it, so
        the context tests read the same for ``Trotsky`` alone (Museo Casa de León Trotsky, the
        author of Alexander Orlov)."""
        while start > 0 and (self.given_like(doc[start - 1]) or INITIALS.match(doc[start - 1].text)):
            start -= 1
        return start

    # -- the word itself ----------------------------------------------------------------------

    def capitalised_word(self, token: Token) -> bool:
        """A capitalised word (not all capitals) that may be a name word, not a title or institution."""
        text = token.text
        return (
            text[:1].isupper()
            and text.replace("’", "'").replace("'", "").isalpha()
            and not text.isupper()
            and token.lower_ not in self.institutions
            and token.lower_ not in self.titles
            and token.pos_ in self.name_word_pos
        )

    def surname_like(self, token: Token) -> bool:
        """A known name word, or a word with a surname's or a patronymic's ending."""
        word = fold(token.text)
        return (
            self.keys.skeleton(token.text) in self.name_words
            or word.endswith(self.surname_ends)
            or self.is_patronymic(token)
        )

    def is_patronymic(self, token: Token) -> bool:
        word = fold(token.text)
        return (
            token.text[:1].isupper() and len(word) >= self.rules.patronymic_min_chars and word.endswith(self.patronymic)
        )

    def given_like(self, token: Token) -> bool:
        """A given name, in any spelling the name key folds (Piotr = Pyotr)."""
        return fold(token.text) in self.given or self.keys.skeleton(token.text) in self.given_keys

    def name_word(self, token: Token) -> bool:
        """A given name or a word of a known person's name."""
        return fold(token.text) in self.given or self.keys.skeleton(token.text) in self.name_words

    def derived_stem(self, word: str) -> str | None:
        """The name a derived word comes from (``trotskyist`` -> ``trotsky``), if known."""
        for suffix in self.derived:
            if word.endswith(suffix):
                stem = word[: -len(suffix)]
                for candidate in (stem, stem + "y", stem + "e", stem.rstrip("i") + "y"):
                    if self.keys.skeleton(candidate) in self.name_words:
                        return candidate
                if suffix in self.stemless:
                    return stem
        return None

    def derived_place(self, word: str) -> str | None:
        """The person's name a town is made from (``sverdlovsk`` -> ``sverdlov``, ``trotsk`` ->
        ``trotsky``, ``kirovo`` -> ``kirov``), if ``word`` (folded, lower case) is such a town
        (``names.yaml`` place_name_endings, the longest ending first).
        A word that is itself a known name or a given name is never one (Marko, Pushkin)."""
        if self.keys.skeleton(word) in self.name_words or word in self.given:
            return None
        for ending, restore in self.place_endings:
            if len(word) > len(ending) + 2 and word.endswith(ending):
                if self._person_stem(word[: -len(ending)] + restore):
                    return word[: -len(ending)] + restore
        for ending in self.place_after_surname:
            stem = word[: -len(ending)]
            if word.endswith(ending) and stem.endswith(self.surname_m_ends) and self._person_stem(stem):
                return stem
        return None

    def _person_stem(self, stem: str) -> bool:
        """A known person's name word or a given name (in any spelling the key folds)."""
        key = self.keys.skeleton(stem)
        return key in self.name_words or key in self.given_keys


def in_compound(doc: Doc, start: int, end: int) -> bool:
    """Half of a hyphenated compound before a common noun: the Stalin-Hitler pact,
    the Trotskyist-Zinoviev group (a modifier, not a mention of the person)."""

    def glued_hyphen(i: int) -> bool:  # "X-Y" with no space on either side
        return 0 < i < len(doc) and doc[i].text == "-" and not doc[i - 1].whitespace_ and not doc[i].whitespace_

    def noun_after(i: int) -> bool:
        return i < len(doc) and doc[i].is_lower and doc[i].is_alpha

    if glued_hyphen(end) and end + 1 < len(doc) and doc[end + 1].text[:1].isupper():
        return noun_after(end + 2)
    if glued_hyphen(start - 1) and start >= 2 and doc[start - 2].text[:1].isupper():
        return noun_after(end)
    return False
