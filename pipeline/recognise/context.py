"""The tests the rule families share: what a word is and what its context makes of it.

:class:`NameContext` answers questions such as *is this a given name*, *a
surname by its shape*, *a common English word in this document*, *part of the
name of something else* (``Trotsky Museum``, ``Order of Lenin``, ``les
Trotsky``), *the title of a work* (``the author of Stalin``), *a town made
from a name* (``Sverdlovsk``), *a run of particles inside a name* (``de la``),
*a preposition governing the name* (``la maison de Trotsky``), *a demonym*
(``Berliners``) or *a second surname joined by y / i* (``Carrancá y
Trujillo``). It is built once per pipeline from the shared knowledge and
holds nothing of a document: the per-document facts come in a
:class:`~pipeline.recognise.state.DocWords`.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from pipeline.kb import AliasIndex
from pipeline.kb.keys import fold
from pipeline.kb.lexicon import census_given_names, english_segmenter, language_frequencies, word_zipf
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
        self.given_evidence = self.given | census_given_names(shared.folder)
        self.name_words = {self.keys.skeleton(w) for w in shared.name_words}
        self.given_keys = {self.keys.skeleton(w) for w in self.given}
        self.titles = set(names.titles)
        self.honorifics = frozenset(names.personal_honorifics)
        self.kinship_words = frozenset(fold(w) for w in names.kinship_words)
        self.press_titles = frozenset(rules.evidence_titles)
        self.surname_titles = frozenset(names.surname_titles)
        self.person_titles = shared.person_titles  # titles and press abbreviations, folded
        self.institutions = set(names.institution_words)
        self.institutions_of = set(names.institution_of_words)
        self.patronymic = tuple(names.patronymic_suffixes)
        self.surname_ends = tuple(names.surname_suffixes["M"] + names.surname_suffixes["F"])
        self.derived = tuple(sorted(names.derived_suffixes, key=len, reverse=True))
        self.group_words = set(names.group_words)
        self.endearments = {self.keys.skeleton(w) for w in names.endearments}
        self.family_determiners = set(names.family_determiners)
        self.family_articles = frozenset(names.family_articles)
        self.joiners = frozenset(names.surname_joiners)
        self.places = frozenset(shared.labels.places)
        self.person = shared.labels.person
        self.title_cues = [tuple(cue.split()) for cue in names.work_title_cues]
        self.title_cue_ends = {cue[-1] for cue in self.title_cues}
        self.english = english_segmenter().unigrams
        self.same_person_markers = frozenset(fold(w) for w in shared.linking.same_person_markers)  # geb., dit
        self.zipf = word_zipf(shared.lang)  # the documents' language, for words no tagger tagged
        self.language_zipf = language_frequencies(shared.lang)  # None for English and unknown languages
        self.particles = frozenset(rules.particles)
        self.governing_articles = frozenset(rules.governing_articles)
        self.demonym_endings = tuple(sorted(rules.demonym_endings, key=len, reverse=True))
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

    def kinship(self, token: Token) -> bool:
        """A kinship word (names.yaml), not a name: Grandfather, Papa, Babushka."""
        return fold(token.text) in self.kinship_words

    def endearment(self, token: Token) -> bool:
        """A term of endearment (names.yaml), not a name: Golubchik, Darling."""
        return self.keys.skeleton(token.text) in self.endearments

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
        """``Trotsky Museum``, ``Order of Lenin``, ``the Trotskys``, ``les Trotsky``."""
        if self._family_article_before(doc, start, end):
            return True
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

    def _family_article_before(self, doc: Doc, start: int, end: int) -> bool:
        """A bare surname after a French or Spanish plural article (``les Trotsky``), not inside
        a name after a particle (``Rosario de los Ríos``)."""
        if end - start != 1 or start == 0 or doc[start - 1].text not in self.family_articles:
            return False
        return start < 2 or doc[start - 2].lower_ not in self.particles

    def particle_run(self, doc: Doc, i: int) -> int:
        """How many particles (at most ``max_particles``) start at ``i`` and lead to a capitalised
        word (``de la`` of ``Ruiz de la Peña``); 0 when none do."""
        k = i
        while k < len(doc) and k - i < self.rules.max_particles and doc[k].lower_ in self.particles:
            k += 1
        return k - i if k > i and k < len(doc) and self.capitalised_word(doc[k]) else 0

    def governed(self, w: DocWords, start: int) -> bool:
        """The particles at ``start`` are a preposition governing the name after them, not
        part of it: a given name follows (``de Ramón Mercader``), a known name that never takes
        them (``des Lenin``), or an article and a common noun precede (``la maison de Durand``)."""
        doc = w.doc
        run = self.particle_run(doc, start)
        if not run:
            return False
        after = start + run
        if self.given_like(doc[after]):
            return True
        words = [t.text for t in doc[after : min(len(doc), after + 3)]]
        with_particles = [t.text for t in doc[start:after]] + words
        known = any(self.index.lookup(words[:n]) for n in range(1, len(words) + 1))
        if known and not any(self.index.lookup(with_particles[: run + n]) for n in range(1, len(words) + 1)):
            return True
        if start < 2:
            return False
        noun, article = doc[start - 1], doc[start - 2]
        return (
            noun.is_alpha
            and noun.is_lower
            and fold(noun.text) not in self.titles
            and article.lower_ in self.governing_articles
        )

    def demonym(self, w: DocWords, token: Token) -> bool:
        """The people of a known place (``Berliners``, ``Parisians``): the knowledge base's
        place, or one the model found in this document."""
        word = token.text
        if not (word[:1].isupper() and word.isalpha()) or self.given_like(token):
            return False
        model_places = None
        for ending in self.demonym_endings:
            if not word.lower().endswith(ending) or len(word) - len(ending) < 3:
                continue
            for tail in self.rules.demonym_place_endings:
                place = word[: len(word) - len(ending)] + tail
                if any(self.index.kb.entities[f.entity_id].label in self.places for f in self.index.lookup([place])):
                    return True
                if model_places is None:
                    model_places = _model_places(w, self.places)
                if fold(place) in model_places:
                    return True
        return False

    def joined_surname(self, w: DocWords, k: int, start: int) -> bool:
        """Does the joiner at ``k`` (Spanish ``y``, Catalan ``i``) join a second surname to the
        name that starts at ``start`` (``Raúl Carrancá y Trujillo``, ``Josep Puig i Ferrer``)? Only
        by shape: two name words before it (a given name and a surname, not ``Trotsky y Rivera``),
        and one surname-shaped word after it that ends the name: capitalised, no given name (``y
        Frida``), no known person's or place's name (``y Rivera``), no common word, and no name
        word after it (``y Frida Kahlo`` is a second person)."""
        doc = w.doc
        if k + 1 >= len(doc) or doc[k].text not in self.joiners or k - start < 2:
            return False
        if not all(self.capitalised_word(t) for t in doc[start:k]):
            return False
        word = doc[k + 1]
        if not self.capitalised_word(word) or self.given_like(word) or self.common_word(w, word):
            return False
        if self.index.lookup([word.text]):
            return False  # a known person's, place's or group's name of its own
        nxt = doc[k + 2] if k + 2 < len(doc) else None
        return nxt is None or not (self.capitalised_word(nxt) or self.particle_run(doc, k + 2))

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
            and (token.pos_ in self.name_word_pos or (not token.pos_ and self.rare_untagged(token)))
        )

    def rare_untagged(self, token: Token) -> bool:
        """A word no tagger tagged (a language read by the rules alone) that is rare in the
        documents' language (``untagged_name_max_zipf``): Kaschke, not Tochter or Zeitung."""
        return self.zipf(token.text) < self.rules.untagged_name_max_zipf

    def after_honorific(self, doc: Doc, i: int) -> bool:
        """``Dr. Read``, ``Mrs Brown``, ``Gen. Jackson``, ``Judge Burgess``: token ``i`` is a
        capitalised word right after a personal honorific, a press abbreviation of a title written
        with its dot (the dot may be a token of its own), or a capitalised title of names.yaml's
        ``surname_titles`` when the word is no common English word; so a surname."""
        token = doc[i]
        if not (token.text[:1].isupper() and token.is_alpha and not token.is_upper) or token.lower_ in self.titles:
            return False
        found = title_slot(doc, i)
        if found is None:
            return False
        k, dotted = found
        word = fold(doc[k].text)
        dotted = dotted or word.endswith(".")
        base = word.rstrip(".")
        if base in self.honorifics or (dotted and base in self.press_titles):
            return True
        return base in self.surname_titles and self._rare_after_title(token) and doc[k].text[:1].isupper()

    def _rare_after_title(self, token: Token) -> bool:
        """No common word, so a surname after a title: of English (wordsegment's counts) in an
        English document, of the documents' language (wordfreq, ``title_surname_max_zipf``) in a
        language that has its own rules (Kommandant Bürkli, not Minister Elemente)."""
        if self.language_zipf is not None:
            return self.language_zipf(token.text) < self.rules.title_surname_max_zipf
        return self.english.get(token.lower_, 0.0) < self.rules.common_count

    def given_name_shaped(self, doc: Doc, start: int, end: int) -> bool:
        """``Charlotte Ingram``, ``Johannes Van Etten``: 2 to 4 capitalised words (particles
        between), the first a given name of any lexicon, no article or determiner before, nothing an
        institution's word, the last word rarer than ``given_name_relabel_max_count``."""
        words = [t for t in doc[start:end] if not (t.is_space and t.text.count("\n") == 1)]  # a wrapped line
        if not 2 <= len(words) <= 4 or fold(words[0].text) not in self.given_evidence or words[0].is_space:
            return False
        before = doc[start - 1] if start > 0 else None
        if before is not None and (before.lower_ in self.rules.articles or before.pos_ in ("DET", "PRON")):
            return False  # the Charlotte Observer, his April Theses
        last = words[-1]
        for token in words:
            lower = token.lower_
            if lower in self.institutions or lower in self.group_words or lower in self.titles:
                return False
            if not (token.is_alpha and token.text[:1].isupper()) and lower not in self.particles:
                return False
        return self.english.get(last.lower_, 0.0) < self.rules.given_name_relabel_max_count

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

    def given_evidence_word(self, token: Token) -> bool:
        """A given name of any lexicon, the English-press census names included (``Frank``):
        evidence for a span already proposed, never the start of a name shape."""
        return self.given_like(token) or fold(token.text) in self.given_evidence

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


def _model_places(w: DocWords, places: frozenset[str]) -> frozenset[str]:
    """Folded words of the model's place entities in the document."""
    return frozenset(fold(w.words[k]) for k, label in w.model_label.items() if label in places)


def title_slot(doc: Doc, i: int) -> tuple[int, bool] | None:
    """Where a title of the name at token ``i`` would stand: the token before it, over one
    line break a column wrapped (``Gen.<line end>Jackson``) and over a dot of its own
    (``Capt . Burger``); with whether that dot was there. None at the document's start."""
    k = i - 1
    if k >= 1 and doc[k].is_space and doc[k].text.count("\n") == 1:
        k -= 1
    dotted = k >= 1 and doc[k].text == "."
    k -= dotted
    return (k, dotted) if k >= 0 else None


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
