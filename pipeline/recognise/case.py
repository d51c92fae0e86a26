"""Letter case for the model: a line in capitals read as running text would write it.

spaCy's English models learnt names from mixed-case text. In a line of
capitals (a headline ``TROTSKY DIES OF WOUNDS``, an obituary's
``ABRAHAM SHAPIRO``, a telegram) every word looks like a name or none does:
the model misses people and makes persons of phrases (``TROTSKY DIES``). Two
components put the model in front of the text as running text would have it
and give the rules the source's own words back:

- ``namelink_truecase`` (first in the pipeline) writes each word of a line
  in capitals (no lower-case letter on it, at least ``truecase_min_words``
  words of two letters or more with a vowel) in its running-text form:
  the form of ``rules/word_case.txt`` (``paid``, ``dies``, ``USSR``); a word
  not listed is a name's, in title case (``Shapiro``), when a name list has it
  or the web rarely writes it, else a word's (``avenida``). A listed word that is
  also a given name or surname (``ROSE``, ``WHITE``) keeps title case after a
  person's title or another name (``MRS. ROSE WHITE``); the first word of a
  sentence is capitalised. Words without a vowel (``LD``, ``NKVD``) stay as
  they are. The Doc it returns has the same tokens and spaces, so every
  offset holds.
- ``namelink_source_case`` (after ``ner``) returns a Doc of the source's words
  with the model's annotations: tags, coarse tags, morphology, sentence starts,
  entities and the tok2vec tensor. A model person on a line in capitals ends
  at the line's end and before a word written as a word (``Rivera altavista
  Sanangel`` is ``RIVERA``). The rules then read the source's capitals with
  tags of running text, and ``Doc._.namelink_word_forms`` says which words in
  capitals running text writes in lower case (a headline's ``DIES``).

A Doc without a line in capitals passes both untouched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE, MORPH, POS, SENT_START, TAG
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.kb import registered as _registered  # noqa: F401  (the loader named in default_config)
from pipeline.kb.keys import fold
from pipeline.kb.lexicon import census_given_names, census_surnames, english_segmenter, word_case_forms
from pipeline.kb.shared import LazyShared, SharedDataComponent, SharedKnowledge, SharedLoader, load_shared

#: Where the source's words wait while the model reads the recased ones.
SOURCE_WORDS = "namelink_source_words"
if not Doc.has_extension("namelink_word_forms"):
    # Start characters of the words in capitals that running text writes in lower case (DIES):
    # no bare name however the model tags them. Characters, not tokens: the rules retokenise.
    Doc.set_extension("namelink_word_forms", default=frozenset())

#: How ``namelink_truecase`` wrote a token: as the source has it (not on a line in capitals),
#: in a name's form (``Shapiro``) or in a word's (``dies``, ``USSR``).
#: ``KEPT``: on such a line, and as the source has it (``LD``, ``16``, ``.``).
SOURCE, NAME_FORM, WORD_FORM, KEPT = 0, 1, 2, 3
#: What the model set that namelink reads, carried from the recased Doc to the source's words.
_MODEL_ATTRS = [TAG, POS, MORPH, SENT_START, ENT_IOB, ENT_TYPE, ENT_KB_ID]
_VOWELS = frozenset("AEIOUYÀÁÂÃÄÅÆÈÉÊËÌÍÎÏÒÓÔÕÖØÙÚÛÜÝ")


@dataclass(frozen=True)
class CaseLexicon:
    """How running text writes a word: ``forms`` (folded word -> its form when not title case),
    ``names`` (folded census given names and surnames), ``known_names`` (the knowledge
    base's name words), ``web_counts`` (wordsegment's unigrams: an unlisted word frequent on
    the web below ``rare_count`` is a name), ``titles`` (folded person titles)."""

    forms: dict[str, str]
    names: frozenset[str]
    known_names: frozenset[str]
    web_counts: dict[str, float]
    rare_count: float
    titles: frozenset[str]
    min_words: int
    sentence_ends: frozenset[str]

    @classmethod
    def build(cls, shared: SharedKnowledge) -> CaseLexicon:
        folder = shared.folder
        names = census_given_names(folder) | census_surnames(folder)
        rules = shared.recognise
        return cls(
            forms=word_case_forms(folder),
            names=frozenset(names),
            known_names=frozenset(fold(w) for w in shared.name_words),
            web_counts=english_segmenter().unigrams,
            rare_count=rules.rare_count,
            titles=shared.person_titles,
            min_words=rules.truecase_min_words,
            sentence_ends=frozenset(rules.truecase_sentence_ends),
        )

    def recased(self, words: list[str], starts_sentence: list[bool]) -> list[tuple[str, int]]:
        """``words`` of one line in capitals in their running-text forms, each with its kind
        (:data:`NAME_FORM`, :data:`WORD_FORM`, or :data:`KEPT` for a word without a vowel,
        digits or punctuation)."""
        out: list[tuple[str, int]] = []
        after_name = False
        for word, first in zip(words, starts_sentence, strict=True):
            form = self.form(word, after_name)
            kind = KEPT if form == word else NAME_FORM if form[:1].isupper() else WORD_FORM
            if first and form[:1].islower():
                form = form[:1].upper() + form[1:]
            out.append((form, kind) if len(form) == len(word) else (word, KEPT))
            if word == "." and after_name:
                continue  # the dot of a title (MRS . ROSE)
            folded = fold(word.rstrip("."))
            after_name = folded in self.titles or (folded in self.names and kind == NAME_FORM)
        return out

    def form(self, word: str, after_name: bool) -> str:
        """One word's running-text form; ``after_name``: a title or a name comes just before it."""
        folded = fold(word.rstrip("."))
        if folded in self.titles and word.isupper():
            return _title(word)
        if not word.isupper() or not _VOWELS.intersection(word.upper()):
            return word
        listed = self.forms.get(folded)
        if listed is None:
            return _title(word) if self._name(folded) else word.lower()
        if after_name and folded in self.names and listed.islower():
            return _title(word)
        if listed.islower():
            return word.lower()
        if listed.isupper():
            return word
        return listed if len(listed) == len(word) and fold(listed) == fold(word) else _title(word)

    def _name(self, folded: str) -> bool:
        """A word the casing list does not know is a name's when a name list has it or the web
        rarely writes it (``Thalheimer``), a word's when it is frequent there (``avenida``)."""
        if folded in self.names or folded in self.known_names:
            return True
        return self.web_counts.get(folded, 0.0) < self.rare_count


def _title(word: str) -> str:
    """Title case of a word in capitals, each part of a hyphenated or O'-name too (O'NEILL -> O'Neill)."""
    parts = []
    for part in word.split("-"):
        head, apostrophe, rest = part.partition("'")
        if apostrophe and len(head) == 1 and rest:
            parts.append(head + apostrophe + rest[:1] + rest[1:].lower())
        else:
            parts.append(part[:1] + part[1:].lower())
    return "-".join(parts)


def capital_lines(doc: Doc, min_words: int) -> Iterable[list[Token]]:
    """Lines in capitals: no lower-case letter on the line, and at least ``min_words`` words of
    two letters or more with a vowel (``WP:COMMONNAME`` is one word and an acronym); a name in
    capitals inside a mixed-case line (``Refugio GALINDO CASTRO``) is the source's convention."""
    line: list[Token] = []
    for token in doc:
        if "\n" in token.text:
            yield from _capital_line(line, min_words)
            line = []
        elif not token.is_space:
            line.append(token)
        if "\n" in token.whitespace_:
            yield from _capital_line(line, min_words)
            line = []
    yield from _capital_line(line, min_words)


def _capital_line(line: list[Token], min_words: int) -> Iterable[list[Token]]:
    if any(ch.islower() for t in line for ch in t.text):
        return
    words = [t for t in line if len(t.text) >= 2 and t.text.isalpha() and _VOWELS.intersection(t.text.upper())]
    if len(words) >= min_words:
        yield line


class TrueCase(SharedDataComponent):
    """The ``namelink_truecase`` component (see :func:`make_truecase`)."""

    def __init__(self, nlp: Language, models: str | Path | None = None, shared: SharedLoader = load_shared) -> None:
        self.shared = LazyShared(shared, models, nlp.lang)
        self._lexicon: CaseLexicon | None = None

    @property
    def lexicon(self) -> CaseLexicon:
        if self._lexicon is None:
            self._lexicon = CaseLexicon.build(self.shared.get())
        return self._lexicon

    def __call__(self, doc: Doc) -> Doc:
        lexicon = self.lexicon
        words = [t.text for t in doc]
        kinds = [SOURCE] * len(doc)
        for line in capital_lines(doc, lexicon.min_words):
            firsts = [_starts_sentence(t, lexicon.sentence_ends) for t in line]
            for token, (form, kind) in zip(line, lexicon.recased([t.text for t in line], firsts), strict=True):
                words[token.i] = form
                kinds[token.i] = kind
        if words == [t.text for t in doc]:
            return doc
        recased = Doc(doc.vocab, words=words, spaces=[bool(t.whitespace_) for t in doc])
        recased.user_data.update(doc.user_data)
        recased.user_data[SOURCE_WORDS] = ([t.text for t in doc], kinds)
        return recased


def _starts_sentence(token: Token, ends: frozenset[str]) -> bool:
    """The token opens a sentence: first of the Doc, of a line, or after a sentence's end."""
    if token.i == 0:
        return True
    before = token.doc[token.i - 1]
    return "\n" in before.whitespace_ or "\n" in before.text or before.text in ends


class SourceCase(SharedDataComponent):
    """The ``namelink_source_case`` component (see :func:`make_source_case`)."""

    def __init__(self, nlp: Language, models: str | Path | None = None, shared: SharedLoader = load_shared) -> None:
        self.shared = LazyShared(shared, models, nlp.lang)

    def __call__(self, doc: Doc) -> Doc:
        saved = doc.user_data.pop(SOURCE_WORDS, None)
        if saved is None:
            return doc
        words, kinds = saved
        source = Doc(doc.vocab, words=words, spaces=[bool(t.whitespace_) for t in doc])
        source.from_array(_MODEL_ATTRS, doc.to_array(_MODEL_ATTRS))
        source.tensor = doc.tensor
        source.user_data.update(doc.user_data)
        labels = self.shared.get().labels
        ents = [_name_part(source, e, kinds) if labels.of_model(e.label_) == labels.person else e for e in source.ents]
        source.ents = [e for e in ents if e is not None]
        source._.namelink_word_forms = frozenset(t.idx for t in source if kinds[t.i] == WORD_FORM)
        return source


def _name_part(doc: Doc, ent: Span, kinds: list[int]) -> Span | None:
    """The part of a model person on a line in capitals that the recased words call a name:
    not over the line's end (``MARTHA OSTROWSKI<line end>London``), without the words written as
    words after it (``Rivera altavista Sanangel``)."""
    start, end = ent.start, ent.end
    if kinds[start] == SOURCE:
        return ent
    end = next((k for k in range(start, end) if "\n" in doc[k].text or kinds[k] == SOURCE), end)
    while start < end and kinds[start] == WORD_FORM:
        start += 1
    end = next((k for k in range(start, end) if kinds[k] == WORD_FORM), end)
    return Span(doc, start, end, label=ent.label) if start < end else None


@Language.factory(
    "namelink_truecase",
    default_config={"models": None, "shared": {"@misc": "namelink.shared_knowledge.v1"}},
    assigns=["token.orth"],
)
def make_truecase(nlp: Language, name: str, models: str | None, shared: SharedLoader) -> TrueCase:
    """Runs of capitals written as running text would write them, for the model.

    Reads: the Doc's words (``Token.text``), ``rules/word_case.txt``, the
    census and knowledge-base names and ``recognise.yaml``
    (``truecase_min_words``, ``truecase_sentence_ends``).
    Sets: nothing on the Doc it is given; returns a Doc of the recased words
    (same tokens and spaces) that remembers the source's words for
    ``namelink_source_case``, or the Doc itself when it has no line in capitals.

    models (str | None): the models folder; None for ``$NAMELINK_MODELS`` or the project's ``models/``.
    shared (Callable): the loader of a models folder's shared data (``namelink.shared_knowledge.v1``).
    """
    return TrueCase(nlp, models, shared)


@Language.factory(
    "namelink_source_case",
    default_config={"models": None, "shared": {"@misc": "namelink.shared_knowledge.v1"}},
    requires=["doc.ents", "token.tag"],
)
def make_source_case(nlp: Language, name: str, models: str | None, shared: SharedLoader) -> SourceCase:
    """The source's words back under the model's annotations (after ``ner``).

    Reads: the source's words and how ``namelink_truecase`` wrote each (in
    ``Doc.user_data``), ``rules/labels.yaml`` (which model label is a person).
    Sets: returns a Doc of the source's words with the tags, coarse tags,
    morphology, sentence starts, entities and tensor of the Doc it is given; a
    model person on a line in capitals ends at the line's end and before a
    word the truecaser wrote as a word (``Rivera altavista`` is ``RIVERA``);
    ``Doc._.namelink_word_forms``: the start characters of those words.

    models (str | None): the models folder; None for ``$NAMELINK_MODELS`` or the project's ``models/``.
    shared (Callable): the loader of a models folder's shared data (``namelink.shared_knowledge.v1``).
    """
    return SourceCase(nlp, models, shared)
