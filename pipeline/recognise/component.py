"""Stage 2, recognise: rules for person names on top of spaCy's NER.

The component ``namelink_person_rules`` runs after ``ner`` and rewrites
``doc.ents``. It proposes spans from three sources and keeps the best
non-overlapping set (longest first; on equal spans the knowledge base wins,
then the name-shape rules, then the model):

- **knowledge base**: every name form of every entry (``pipeline.kb``),
  matched on skeleton keys so spelling variants match too; a bare given name
  or surname must be a proper noun (tagger) or a model PERSON;
- **name shapes** (``models/rules/names.yaml``): a given name or initials
  followed by capitalised name words, first name + patronymic
  (``-ovich/-ovna``...), a title before a Russian-shaped surname, words with
  an unmistakable surname ending (``-skaya``, ``-ovich``);
- **the model's entities**, repaired: titles, quotes and possessives trimmed,
  a name-shaped span the model called ORG/GPE relabelled PERSON, and PERSON
  spans dropped when they are derived words (``Trotskyist``), families
  (``the Trotskys``), part of another name (``Trotsky Museum``,
  ``Order of Lenin``) or several people at once.

A span whose text a reviewer rejected for its label (``models/learned/``,
:meth:`pipeline.kb.KnowledgeBase.never_entity`) is never proposed.

Config: ``models`` (folder of the knowledge base and rules; default
``models/`` of the project or ``$NAMELINK_MODELS``).
Reads: ``Doc._.namelink_emphasis`` (italic spans of the source, optional): a
name inside one is the title of a work, not a person.
Sets: ``doc.ents``; ``Span._.namelink_source`` (``kb``, ``shape``, ``model``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.kb import FULL, SHORT, AliasIndex, KnowledgeBase, NameForm
from pipeline.kb.keys import NameKeys, fold
from pipeline.kb.lexicon import english_segmenter, given_names
from pipeline.link.candidates import CandidateGenerator
from pipeline.resources import rules

if not Span.has_extension("namelink_source"):
    Span.set_extension("namelink_source", default=None)
if not Doc.has_extension("namelink_emphasis"):
    # (start_char, end_char) of italic text in the source markup, set by the
    # caller before the pipeline runs; names inside are titles of works.
    Doc.set_extension("namelink_emphasis", default=None)

_INITIALS = re.compile(r"^(?:[A-Z]\.){1,3}$|^[A-Z]$")
_PARTICLES = {"de", "del", "della", "la", "le", "von", "van", "der", "den", "y", "da", "di", "du", "dos", "ibn", "bin"}
_COORDINATORS = {"and", "&", ",", "or", "with", "et", "und", "y"}
_TRIM = {"'s", "’s", "'", "’", '"', "“", "”", "«", "»", "(", ")", ",", ".", ":", ";", "-", "—", "–", "*"}
_PRIORITY = {"kb": 0, "shape": 1, "model": 2}
_NEEDS_ANCHOR = "needs-anchor"
#: Model labels a bare given name or surname never overrides.
_NEVER_PEOPLE = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "LANGUAGE"}
#: wordsegment count above which a word is common English (july, service, red).
_COMMON_COUNT = 2e7
_NOT_NAME_POS = {"VERB", "ADV", "AUX", "ADP", "DET", "PRON", "NUM", "SCONJ", "CCONJ"}
#: Below this wordsegment count a capitalised word may be a misspelt name.
_RARE_COUNT = 2e5
#: Parts of speech trimmed from the edges of a model PERSON span (Intellectually Stalin).
_EDGE_POS = {"ADV", "VERB", "PRON", "DET", "ADP", "AUX", "SCONJ", "CCONJ", "PART", "NUM", "PUNCT", "SYM", "ADJ"}


@dataclass(frozen=True)
class Proposal:
    start: int
    end: int
    label: str
    source: str
    entities: frozenset[str] = frozenset()


@Language.factory(
    "namelink_person_rules",
    default_config={"models": None},
    requires=["doc.ents", "token.pos"],
    assigns=["doc.ents"],
)
def make_person_rules(nlp: Language, name: str, models: str | None) -> PersonRules:
    return PersonRules(nlp, models)


class PersonRules:
    def __init__(self, nlp: Language, models: str | Path | None = None) -> None:
        self.kb = KnowledgeBase.load(models)
        self.keys = NameKeys(models)
        self.index = AliasIndex(self.kb, lambda text: [t.text for t in nlp.make_doc(text)], self.keys)
        config = rules("names", models)
        self.people = CandidateGenerator(self.index, "PERSON", ocr_confusions=config.get("ocr_confusions", []))
        self.given = given_names(models) | {fold(w) for e in self.kb.entities.values() for w in e.given}
        self.name_words = {self.keys.skeleton(w) for w in self.kb.name_words()}
        self.given_keys = {self.keys.skeleton(w) for w in self.given}
        self.titles = set(config["titles"])
        self.institutions = set(config["institution_words"])
        self.institutions_of = set(config["institution_of_words"])
        self.patronymic = tuple(config["patronymic_suffixes"])
        self.surname_ends = tuple(config["surname_suffixes"]["M"] + config["surname_suffixes"]["F"])
        self.strong_ends = tuple(config["strong_surname_suffixes"])
        self.derived = tuple(sorted(config["derived_suffixes"], key=len, reverse=True))
        self.group_words = set(config["group_words"])
        self.family_determiners = set(config["family_determiners"])
        self.title_cues = [tuple(cue.split()) for cue in config["work_title_cues"]]
        self.title_cue_ends = {cue[-1] for cue in self.title_cues}
        self.english = english_segmenter().unigrams

    def __call__(self, doc: Doc) -> Doc:
        # Plain string lists: reading them is far cheaper than spaCy Token objects.
        self._words = [t.text for t in doc]
        self._lowers = [w.lower() for w in self._words]
        self._lower_words = {w for w in self._words if w.islower() and w.isalpha()}
        kb = self._kb_proposals(doc)
        shapes = self._shape_proposals(doc, kb)
        proposals = kb + shapes + self._model_proposals(doc, kb + shapes)
        titles = doc._.namelink_emphasis or []
        if titles:  # *Trotsky*, *Writings of Leon Trotsky*: titles of works
            proposals = [p for p in proposals if p.label != "PERSON" or not _inside_any(doc, p, titles)]
        if self.kb.rejected_entities:  # strings a reviewer rejected (models/learned/negative.yaml)
            proposals = [p for p in proposals if not self.kb.never_entity(doc[p.start : p.end].text, p.label)]
        chosen = _best_non_overlapping(proposals)
        ents = []
        for p in chosen:
            span = Span(doc, p.start, p.end, label=p.label)
            span._.namelink_source = p.source
            ents.append(span)
        doc.ents = ents
        return doc

    # -- knowledge base ------------------------------------------------------

    def _kb_proposals(self, doc: Doc) -> list[Proposal]:
        out: list[Proposal] = []
        self._model_label = {}
        for e in doc.ents:
            for k in range(e.start, e.end):
                self._model_label[k] = e.label_
        keys = [self.keys.skeleton(w) for w in self._words]
        breaks = ["\n" in w for w in self._words]  # spaCy keeps newlines as tokens of their own
        pending: list[tuple[int, set[str]]] = []  # common words that need a full name nearby
        i, n = 0, len(doc)
        while i < n:
            match = self._longest_match(doc, keys, breaks, i, n)
            if match is None:
                i += 1
                continue
            end, forms = match
            label = self._accept(doc, i, end, forms)
            if label == _NEEDS_ANCHOR:
                pending.append((i, {f.entity_id for f in forms}))
                i += 1
            elif label:
                out.append(Proposal(i, end, label, "kb", frozenset(f.entity_id for f in forms)))
                i = end
            else:
                i += 1
        named = {e for p in out if p.end - p.start > 1 and p.label == "PERSON" for e in p.entities}
        out += [Proposal(k, k + 1, "PERSON", "kb", frozenset(ids)) for k, ids in pending if ids & named]
        return out

    def _longest_match(
        self, doc: Doc, keys: list[str], breaks: list[bool], i: int, n: int
    ) -> tuple[int, list[NameForm]] | None:
        words = self._words
        if not words[i][:1].isalpha() or (keys[i] and keys[i] not in self.index.first_keys):
            return None
        last = i
        while last + 1 < min(n, i + self.index.max_tokens + 2) and not breaks[last]:
            last += 1
        for end in range(last + 1, i, -1):
            if not words[end - 1][:1].isalpha():
                continue
            key = tuple(k for k in keys[i:end] if k)
            forms = self.index.by_key.get(key)
            if not forms:
                continue
            text = "".join(words[i:end])
            if "." not in text:  # initials need their dots (not "As", "In")
                forms = [f for f in forms if f.part != "initials"]
            if forms and len("".join(key)) <= 3:  # Je, Yu, Li: too short for variants
                bare = fold(text).replace(".", "")
                forms = [f for f in forms if fold(f.text).replace(".", "").replace(" ", "") == bare]
            if forms:
                return end, forms
        return None

    def _accept(self, doc: Doc, start: int, end: int, forms: list[NameForm]) -> str | None:
        """The label of a knowledge-base match, None when the context says no, or
        ``_NEEDS_ANCHOR`` for a bare name that is also a common word (Service)."""
        span = doc[start:end]
        if self._inside_other_name(doc, start, end) or self._is_work_title(doc, start):
            return None
        if not any(t.text[:1].isupper() for t in span):
            # lower-case text only for multi-word full names (title lines)
            if len(span) < 2 or not any(f.kind == FULL for f in forms):
                return None
        labels = {self.kb.entities[f.entity_id].label for f in forms}
        model = self._model_label.get(start)
        if "PERSON" in labels and len(labels) > 1:
            after_preposition = start > 0 and doc[start - 1].pos_ == "ADP"
            labels = {model} if model in labels and not after_preposition else labels - {"PERSON"}
        label = "PERSON" if "PERSON" in labels else sorted(labels)[0]
        if label == "PERSON" and len(span) == 1 and all(f.kind == SHORT for f in forms):
            return self._accept_short(span[0], forms, model)
        elif label != "PERSON" and len(span) == 1 and self._common_word(span[0]):
            return None
        return label

    def _accept_short(self, token: Token, forms: list[NameForm], model: str | None) -> str | None:
        """A bare given name or surname: a proper noun, not a date; a common word
        only where the document names its bearer in full."""
        if model == "PERSON":
            return "PERSON"
        if model in _NEVER_PEOPLE or not token.text[:1].isupper():
            return None
        proper = (
            token.pos_ == "PROPN"
            or (token.is_upper and len(token.text) >= 4)  # headlines
            or self.english.get(token.lower_, 0.0) < _RARE_COUNT  # not an English word (Trotzki tagged NNS)
        )
        if self._common_word(token) or not proper:
            return _NEEDS_ANCHOR
        exact = any(fold(f.text) == fold(token.text) for f in forms)
        return "PERSON" if exact or len(token.text) >= 4 else None

    def _common_word(self, token: Token) -> bool:
        """A word used in lower case in this document, or very frequent in English."""
        lower = token.lower_
        return lower in self._lower_words or self.english.get(lower, 0.0) >= _COMMON_COUNT

    def _is_work_title(self, doc: Doc, start: int) -> bool:
        """``the author of Stalin``: a name that is the title of a work."""
        if start == 0 or self._lowers[start - 1] not in self.title_cue_ends:
            return False
        for cue in self.title_cues:
            k = len(cue)
            if start >= k and tuple(self._lowers[start - k : start]) == cue:
                return True
        return False

    def _inside_other_name(self, doc: Doc, start: int, end: int) -> bool:
        """``Trotsky Museum``, ``Order of Lenin``, ``the Trotskys``."""
        if end < len(doc):
            nxt = doc[end]
            if nxt.text[:1].isupper() and nxt.lower_ in self.institutions:
                return True
            if nxt.lower_ in self.group_words:
                return True
        if start >= 2 and doc[start - 1].lower_ == "of":
            before = doc[start - 2]
            if before.text[:1].isupper() and before.lower_ in self.institutions_of:
                return True
        return self._in_compound(doc, start, end)

    @staticmethod
    def _in_compound(doc: Doc, start: int, end: int) -> bool:
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

    # -- name shapes ---------------------------------------------------------

    def _shape_proposals(self, doc: Doc, kb: list[Proposal]) -> list[Proposal]:
        out: list[Proposal] = []
        covered = {k for p in kb for k in range(p.start, p.end)}
        i, n = 0, len(doc)
        while i < n:
            found = self._shape_at(doc, i)
            if found is None and i not in covered and self._damaged_known_name(doc[i]):
                found = (i, i + 1)
            if found is not None and not self._inside_other_name(doc, *found):
                out.append(Proposal(found[0], found[1], "PERSON", "shape"))
                i = found[1]
            else:
                i += 1
        return out

    def _damaged_known_name(self, token: Token) -> bool:
        """A rare capitalised word that is a misspelt known person (Srnirnov, Schildback),
        not a plural or derived word (Trotskys, Trotskyist)."""
        text = token.text
        if len(text) < 7 or not token.is_alpha or not text[:1].isupper() or token.pos_ != "PROPN":
            return False
        if self.english.get(token.lower_, 0.0) >= _RARE_COUNT or token.lower_ in self._lower_words:
            return False
        if self.index.lookup([text[:-1]]) or self._derived_stem(fold(text)) is not None:
            return False
        return bool(self.people([text]))

    def _shape_at(self, doc: Doc, i: int) -> tuple[int, int] | None:
        token = doc[i]
        if not token.text[:1].isupper():
            return None
        if fold(token.text) in self.titles and i + 1 < len(doc):
            nxt = doc[i + 1]
            if self._capitalised_word(nxt) and self._surname_like(nxt):
                return i + 1, self._extend(doc, i + 1) or i + 2
            return None
        end = self._name_shape_end(doc, i)
        return (i, end) if end else None

    def _name_shape_end(self, doc: Doc, i: int) -> int | None:
        token = doc[i]
        word = fold(token.text)
        given = self._given_like(token)
        if given or _INITIALS.match(token.text):
            end = self._extend(doc, i)
            if end and (self._surname_like(doc[end - 1]) or given):
                return end
            return None
        if token.is_alpha and len(word) >= 7 and word.endswith(self.strong_ends):
            return self._extend(doc, i) or i + 1
        if self._capitalised_word(token) and i + 1 < len(doc) and self._is_patronymic(doc[i + 1]):
            return self._extend(doc, i)
        return None

    def _extend(self, doc: Doc, i: int) -> int | None:
        """End of a run of name words after the first name word at i (None if alone)."""
        end = i + 1
        while end < len(doc) and end - i < 5:
            tok = doc[end]
            if _INITIALS.match(tok.text) or self._capitalised_word(tok):
                end += 1
            elif tok.lower_ in _PARTICLES and end + 1 < len(doc) and self._capitalised_word(doc[end + 1]):
                end += 2
            elif tok.text == "-" and end + 1 < len(doc) and self._capitalised_word(doc[end + 1]):
                end += 2
            else:
                break
        while end > i + 1 and _INITIALS.match(doc[end - 1].text):
            end -= 1
        return end if end > i + 1 else None

    def _capitalised_word(self, token: Token) -> bool:
        text = token.text
        return (
            text[:1].isupper()
            and text.replace("’", "'").replace("'", "").isalpha()
            and not text.isupper()
            and token.lower_ not in self.institutions
            and token.lower_ not in self.titles
            and token.pos_ in ("PROPN", "NOUN", "ADJ", "X")
        )

    def _surname_like(self, token: Token) -> bool:
        word = fold(token.text)
        return (
            self.keys.skeleton(token.text) in self.name_words
            or word.endswith(self.surname_ends)
            or self._is_patronymic(token)
        )

    def _is_patronymic(self, token: Token) -> bool:
        word = fold(token.text)
        return token.text[:1].isupper() and len(word) >= 6 and word.endswith(self.patronymic)

    # -- the model's entities ------------------------------------------------

    def _model_proposals(self, doc: Doc, rules: list[Proposal]) -> list[Proposal]:
        out = []
        people = [p for p in rules if p.label == "PERSON"]
        for ent in doc.ents:
            start, end = self._trim(doc, ent.start, ent.end)
            label = ent.label_
            if label != "PERSON":
                start = _after_possessive(doc, start, end)
            elif end - start > 1:
                end = _before_possessive(doc, start, end)
                start, end = self._trim_edges(doc, start, end)
                if self._rules_cover_better(doc, start, end, people):
                    continue
            if start >= end or "\n" in doc[start:end].text:
                continue
            if label != "PERSON" and (
                self._looks_like_person(doc, start, end) or self._damaged_person_name(doc, start, end)
            ):
                label = "PERSON"
            if label == "PERSON" and not self._plausible_person(doc, start, end):
                continue
            out.append(Proposal(start, end, label, "model"))
        return out

    def _trim(self, doc: Doc, start: int, end: int) -> tuple[int, int]:
        while start < end and self._leading_noise(doc[start]):
            start += 1
        while end > start and (doc[end - 1].lower_ in _TRIM or fold(doc[end - 1].text) in self.titles):
            end -= 1
        return start, end

    def _leading_noise(self, token: Token) -> bool:
        return token.lower_ in _TRIM or token.lower_ == "the" or fold(token.text) in self.titles

    def _rules_cover_better(self, doc: Doc, start: int, end: int, people: list[Proposal]) -> bool:
        """A model PERSON span that adds non-name words to a knowledge-base name
        (``War Trotsky``, ``Leon Trotsky Exiled``) or joins two people
        (``Kamenev Stalin``)."""
        inside = [p for p in people if start <= p.start and p.end <= end and (p.start, p.end) != (start, end)]
        if not inside or fold(doc[start].text) in self.given:
            return False  # a given name heads the span: Roland Chambers, not Rolland
        if len({p.entities for p in inside if p.entities}) > 1:
            return True
        covered = {k for p in inside for k in range(p.start, p.end)}
        return any(not self._name_like(doc[k]) for k in range(start, end) if k not in covered)

    def _name_like(self, token: Token) -> bool:
        """Could be part of a name: initials, particles, known or rare capitalised words."""
        capitalised = token.text[:1].isupper()
        if token.pos_ in _NOT_NAME_POS and not self._name_word(token):
            return False
        if any(self.kb.entities[f.entity_id].label != "PERSON" for f in self.index.lookup([token.text])):
            return False  # Berlin Sedow: a place is not part of the name
        return (
            bool(_INITIALS.match(token.text))
            or token.lower_ in _PARTICLES
            or not token.is_alpha
            or self._name_word(token)
            or (capitalised and (self._surname_like(token) or not self._common_word(token)))
        )

    def _trim_edges(self, doc: Doc, start: int, end: int) -> tuple[int, int]:
        """Drop adverbs, verbs, pronouns... the model swept into a PERSON span, and
        lower-case words before the name (``m. Man Nevelson``, ``née Bronstein``)."""
        while end - start > 1 and doc[start].text[:1].islower() and not self._name_word(doc[start]):
            if doc[start].lower_ in _PARTICLES:
                break
            start += 1
        while end - start > 1 and doc[start].pos_ in _EDGE_POS and not self._name_word(doc[start]):
            start += 1
        while end - start > 1 and doc[end - 1].pos_ in _EDGE_POS and not self._name_word(doc[end - 1]):
            end -= 1
        return start, end

    def _given_like(self, token: Token) -> bool:
        """A given name, in any spelling the name key folds (Piotr = Pyotr)."""
        return fold(token.text) in self.given or self.keys.skeleton(token.text) in self.given_keys

    def _name_word(self, token: Token) -> bool:
        return fold(token.text) in self.given or self.keys.skeleton(token.text) in self.name_words

    def _looks_like_person(self, doc: Doc, start: int, end: int) -> bool:
        span = doc[start:end]
        if len(span) < 2 or self._inside_other_name(doc, start, end):
            return False
        first, last = span[0], span[-1]
        starts_as_name = self._given_like(first) or bool(_INITIALS.match(first.text))
        return (
            starts_as_name
            and self._surname_like(last)
            and all(self._capitalised_word(t) or _INITIALS.match(t.text) for t in span)
        )

    def _damaged_person_name(self, doc: Doc, start: int, end: int) -> bool:
        """A span the model did not call PERSON that is a misspelt known person (OCR)."""
        words = [t.text for t in doc[start:end]]
        if not all(w[:1].isupper() or w.lower() in _PARTICLES for w in words) or self.index.lookup(words):
            return False
        return bool(self.people(words))

    def _plausible_person(self, doc: Doc, start: int, end: int) -> bool:
        span = doc[start:end]
        if any(t.lower_ in _COORDINATORS for t in span) or "\n" in span.text:
            return False
        if self._inside_other_name(doc, start, end) or self._is_work_title(doc, start):
            return False
        if any(t.text[:1].isupper() and t.lower_ in self.institutions for t in span[1:]):
            return False  # Leon Trotsky Memorial, Houghton Library
        if start > 0 and doc[start - 1].lower_ in ("the", "a", "an") and not self._name_word(span[0]):
            return False  # the Duma, the Gestapo, a Menshevik
        if all(self._common_word(t) and not self._name_word(t) for t in span if t.is_alpha):
            return False  # headings such as "Family Formation", "Death"
        last = fold(span[-1].text)
        if last.endswith(self.derived) and span[-1].text[:1].isupper():
            stem = self._derived_stem(last)
            if stem is not None:
                return False
        if self._plural_group(doc, start, end):
            return False
        return any(t.text[:1].isupper() for t in span)

    def _plural_group(self, doc: Doc, start: int, end: int) -> bool:
        """A plural name after a determiner or a number: the Trotskys, the two Levs."""
        last = fold(doc[end - 1].text)
        if not last.endswith("s") or start == 0:
            return False
        before, counted = start - 1, False
        while before > 0 and (doc[before].like_num or doc[before].pos_ == "ADJ"):
            counted = counted or doc[before].like_num
            before -= 1
        if not counted and doc[before].lower_ not in self.family_determiners:
            return False
        stem = last[:-1]
        return end - start == 1 or self.keys.skeleton(stem) in self.name_words or stem in self.given

    def _derived_stem(self, word: str) -> str | None:
        """The name a derived word comes from (``trotskyist`` -> ``trotsky``), if known."""
        for suffix in self.derived:
            if word.endswith(suffix):
                stem = word[: -len(suffix)]
                for candidate in (stem, stem + "y", stem + "e", stem.rstrip("i") + "y"):
                    if self.keys.skeleton(candidate) in self.name_words:
                        return candidate
                if suffix in ("ist", "ists", "ism", "isms", "ite", "ites"):
                    return stem
        return None


def _inside_any(doc: Doc, p: Proposal, spans: list[tuple[int, int]]) -> bool:
    start, end = doc[p.start].idx, doc[p.end - 1].idx + len(doc[p.end - 1])
    return any(a <= start and end <= b for a, b in spans)


def _before_possessive(doc: Doc, start: int, end: int) -> int:
    """``Stalin's Nemesis`` tagged PERSON: the person ends before the possessive."""
    for k in range(start + 1, end):
        if doc[k].lower_ in ("'s", "’s"):
            return k
    return end


def _after_possessive(doc: Doc, start: int, end: int) -> int:
    """``Trotsky's Left Opposition`` (ORG): the entity starts after the possessive."""
    for k in range(end - 1, start, -1):
        if doc[k].lower_ in ("'s", "’s"):
            return k + 1
    return start


def _best_non_overlapping(proposals: list[Proposal]) -> list[Proposal]:
    """Rules and model PERSON spans first (longest, then kb > shape > model),
    then the model's other entities in the gaps."""
    ordered = sorted(
        proposals,
        key=lambda p: (p.source == "model" and p.label != "PERSON", -(p.end - p.start), _PRIORITY[p.source], p.start),
    )
    taken = bytearray(max((p.end for p in proposals), default=0))
    chosen = []
    for p in ordered:
        if any(taken[p.start : p.end]):
            continue
        for k in range(p.start, p.end):
            taken[k] = 1
        chosen.append(p)
    return sorted(chosen, key=lambda p: p.start)
