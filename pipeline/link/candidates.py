"""Candidate generation: which knowledge-base entries a mention may name.

Kept apart from the decision (:mod:`pipeline.link.decision`), as in
scispacy. For a mention's words it returns :class:`Candidate` objects, best
evidence first:

- ``exact``: a name form equal to the mention once case and accents are
  folded (``león trotsky`` = ``Leon Trotsky``);
- ``variant``: equal on the skeleton key only, an unseen romanisation
  (``Trotzki``, ``Sokolovskaja``);
- ``pet``: equal (on the skeleton key) to a generated Russian pet name
  (:mod:`pipeline.kb.pet_names`: ``Natashenka``, ``Levik``), weaker than a listed form;
- ``ocr``: equal once OCR confusions are undone (``rn`` for ``m``, ``0`` for ``o``,
  names.yaml; :mod:`pipeline.kb.ocr`): the fewest repairs that match, each one
  lowering the similarity (``ocr_similarity`` per repair, linking.yaml);
- ``fuzzy``: close in edit distance (rapidfuzz over the block of forms that
  share a near word with the mention, :mod:`pipeline.kb.fuzzy`), for other OCR damage
  (``Ratnon del Rio``, ``Dzerhinsky``); only for forms of at least
  ``fuzzy_min_letters`` (linking.yaml), never to a generated pet name, and
  never across grammatical sex (``Sedova`` is not ``Sedov``);
- ``partial`` (:meth:`CandidateGenerator.partial`): a longer name around a known one
  (never a part of a compound joined by ``y`` / ``i``: ``Pau Mercader i Marina``);
- ``title`` (:meth:`CandidateGenerator.by_last_word`): ``Mrs. Trotsky``, the woman of that name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from pipeline.kb import SHORT, AliasIndex, NameForm
from pipeline.kb.entries import PET
from pipeline.kb.fuzzy import FuzzyBlocks, FuzzySettings
from pipeline.kb.keys import fold
from pipeline.kb.lexicon import census_given_names
from pipeline.kb.ocr import OcrConfusions
from pipeline.resources import LinkingRules, NameRules

#: Lowest rapidfuzz ratio (0-100) that counts as an OCR-damaged spelling: the
#: linker's ``fuzzy_cutoff`` config default (85: one wrong letter in seven).
FUZZY_CUTOFF = 85.0


@dataclass(frozen=True)
class Candidate:
    """One entry a mention may name: the matching form, how it matched, and how closely (1.0 unless ocr or fuzzy)."""

    entity_id: str
    form: NameForm
    method: str  # exact, variant, pet, ocr, fuzzy, partial or title
    similarity: float  # 1.0 for exact and variant

    @property
    def is_short(self) -> bool:
        return self.form.kind == SHORT


class CandidateGenerator:
    """``generator(words)`` -> candidates for a mention of ``label``.

    ``ocr_confusions``: (seen, meant) character pairs tried when nothing
    matches as written (``rn`` for ``m``, ``0`` for ``o``); a repaired spelling that
    matches counts as ``ocr`` evidence, weaker than a variant.
    """

    def __init__(
        self,
        index: AliasIndex,
        label: str,
        fuzzy_cutoff: float = FUZZY_CUTOFF,
        ocr_confusions: Iterable[tuple[str, str]] = (),
        given_names: frozenset[str] = frozenset(),
        *,
        linking: LinkingRules,
        names: NameRules,
    ) -> None:
        """``given_names``: folded common given names; a longer name that starts with
        one is a known person's only if that person bears it (see :meth:`partial`).
        ``linking`` and ``names``, the rules of the knowledge base's own models
        folder, give the fuzzy matcher's minimum length, the OCR repair limit and
        similarity, and the feminine endings."""
        self.index = index
        self.given_names = given_names
        self.label = label
        self.fuzzy_cutoff = fuzzy_cutoff
        self.ocr = OcrConfusions(ocr_confusions, names.ocr_min_letters, names.ocr_max_digit_run)
        self.min_letters = linking.fuzzy_min_letters
        self.max_repairs = linking.max_ocr_repairs
        self.letter_min = linking.ocr_letter_min_letters
        self.ocr_similarity = linking.ocr_similarity
        self.feminine_endings = tuple(names.feminine_endings)
        self.joiners = frozenset(names.surname_joiners)
        self._fuzzy_settings = FuzzySettings(
            self.min_letters, linking.fuzzy_two_deletion_letters, linking.fuzzy_max_block
        )
        self._given_words = index.kb.given_words()
        self._key_matches = lru_cache(maxsize=4096)(self._key_candidates)

    @cached_property
    def fuzzy(self) -> FuzzyBlocks:
        """The blocked fuzzy index of this label's forms (built on first use: places never need it)."""
        return FuzzyBlocks(self.index.kb.store, self.label, self._fuzzy_settings)

    def prepare(self) -> None:
        """Build the fuzzy index now rather than at the first damaged name."""
        _ = self.fuzzy

    def __call__(self, words: list[str], fuzzy: bool = True) -> list[Candidate]:
        found = self._by_key(words)
        if found or not fuzzy:
            return found
        found = self._ocr(words)
        return found if found else self._fuzzy(words)

    def partial(self, words: list[str]) -> list[Candidate]:
        """A longer name around a known one (Leo Trotzki, Jaime Ramón Mercader del Río,
        Natalia Sedova de Trotsky): the longest inner run of words that is a
        full name, else the last word as a surname when the first word is not
        another given name (of ``given_names.txt``, the census's or the knowledge base's:
        Esther Bronstein is not Lev). Never inside a Spanish or Catalan compound (Pau Mercader i
        Marina is not Ramón Mercader): the whole compound is someone of its own unless the
        knowledge base lists it."""
        if any(w in self.joiners for w in words[1:-1]):
            return []
        for size in range(len(words) - 1, 1, -1):
            for start in range(len(words) - size + 1):
                found = [c for c in self._by_key(words[start : start + size]) if not c.is_short]
                if found:
                    return [Candidate(c.entity_id, c.form, "partial", 1.0) for c in found]
        found = [c for c in self._by_key(words[-1:]) if c.form.part == "surname"]
        first = fold(words[0])
        if first in self._given_words or first in self.given_names:  # Pablo Mercader is not Ramón
            found = [c for c in found if first in self._first_words(c.entity_id)]
        return [Candidate(c.entity_id, c.form, "partial", 1.0) for c in found]

    def _first_words(self, entity_id: str) -> set[str]:
        """Folded first words of an individual's names (Lev, Leon, Leo, Lyova...)."""
        return {fold(f.text.split()[0]) for f in self.index.kb.forms_of(entity_id) if f.text.split()}

    def by_last_word(self, word: str, sex: str) -> list[Candidate]:
        """Persons of ``sex`` with a full name ending in ``word`` (Mrs. Trotsky -> Natalia Trotsky)."""
        entities = self.index.kb.entities
        out = [
            Candidate(f.entity_id, f, "title", 1.0)
            for f in self.index.kb.store.forms_ending(self.index.keys.skeleton(word))
            if f.kind != SHORT and entities[f.entity_id].sex == sex
        ]
        return best_per_entity(out)

    def _ocr(self, words: list[str]) -> list[Candidate]:
        """The forms of the spellings with the fewest OCR confusions undone that match
        (at most ``max_ocr_repairs`` spellings), similarity ``ocr_similarity`` per repair;
        letter confusions only in names of ``ocr_letter_min_letters`` letters or more."""
        found: list[Candidate] = []
        fewest = None
        text = " ".join(words)
        letters = sum(ch.isalpha() for ch in text) >= self.letter_min
        for spelling, repairs in self.ocr.spellings(text, self.max_repairs, letters):
            if fewest is not None and repairs > fewest:
                break
            similarity = round(self.ocr_similarity**repairs, 3)
            matches = [c for c in self._by_key(spelling.split()) if c.method != PET]  # never a guess on a guess
            hits = [Candidate(c.entity_id, c.form, "ocr", similarity) for c in matches]
            if hits:
                found += hits
                fewest = repairs
        return best_per_entity(found)

    def _by_key(self, words: list[str]) -> list[Candidate]:
        """The key matches of ``words`` (a list the caller must not change: one per spelling,
        cached, since a document names its people again and again)."""
        return self._key_matches(tuple(words))

    def _key_candidates(self, words: tuple[str, ...]) -> list[Candidate]:
        entities = self.index.kb.entities
        folded = fold(" ".join(words))
        out = []
        for form in self.index.lookup(words):
            if entities[form.entity_id].label != self.label:
                continue
            method = PET if form.part == PET else _exact_or_variant(form, folded)
            out.append(Candidate(form.entity_id, form, method, 1.0))
        return best_per_entity(out)

    def _feminine(self, name: str) -> bool:
        return name.split()[-1].endswith(self.feminine_endings) if name.split() else False

    def _fuzzy(self, words: list[str]) -> list[Candidate]:
        """Forms close in edit distance, from the blocked index (:mod:`pipeline.kb.fuzzy`)."""
        query = fold(" ".join(words))
        out = []
        for form, score in self.fuzzy.search(words, self.fuzzy_cutoff, limit=5):
            if self._feminine(query) != self._feminine(fold(form.text)) or len(words) != len(form.text.split()):
                continue
            out.append(Candidate(form.entity_id, form, "fuzzy", score / 100.0))
        return best_per_entity(out)

    def crowded(self, words: list[str]) -> bool:
        """Do more forms share the key of ``words`` than a lookup returns (:meth:`AliasIndex.crowded`)?"""
        return self.index.crowded(words)

    def among(self, words: list[str], entity_ids: set[str]) -> list[Candidate]:
        """The candidates of ``words`` among the individuals ``entity_ids`` (as ``__call__``'s
        key matches): for a crowded key, those a document names."""
        folded = fold(" ".join(words))
        entities = self.index.kb.entities
        out = [
            Candidate(f.entity_id, f, PET if f.part == PET else _exact_or_variant(f, folded), 1.0)
            for f in self.index.among(words, entity_ids)
            if entities[f.entity_id].label == self.label
        ]
        return best_per_entity(out)


def person_candidates(shared: Any, tokenizer: Callable[[str], Any], fuzzy_cutoff: float) -> CandidateGenerator:
    """The person candidate generator of a :class:`~pipeline.kb.shared.SharedKnowledge`, built once
    per tokenizer and cutoff: the recogniser and the linker share it when their cutoffs agree."""

    def build() -> CandidateGenerator:
        return CandidateGenerator(
            shared.alias_index(tokenizer),
            shared.labels.person,
            fuzzy_cutoff,
            shared.names.ocr_confusions,
            # census given names too: Esther or Morris Bronstein is no Lev Bronstein
            given_names=shared.given_names | census_given_names(shared.folder),
            linking=shared.linking,
            names=shared.names,
        )

    return shared.once(("person_candidates", id(tokenizer), fuzzy_cutoff), build)


def _exact_or_variant(form: NameForm, folded: str) -> str:
    return "exact" if fold(form.text) == folded or _same_letters(form.text, folded) else "variant"


def _same_letters(form: str, folded: str) -> bool:
    return "".join(ch for ch in fold(form) if ch.isalnum()) == "".join(ch for ch in folded if ch.isalnum())


def best_per_entity(candidates: list[Candidate]) -> list[Candidate]:
    rank = {"exact": 0, "variant": 1, PET: 2, "ocr": 3, "fuzzy": 4, "partial": 5, "title": 6}
    best: dict[str, Candidate] = {}
    for c in candidates:
        old = best.get(c.entity_id)
        key = (rank[c.method], c.form.kind == SHORT, -c.similarity)
        if old is None or key < (rank[old.method], old.form.kind == SHORT, -old.similarity):
            best[c.entity_id] = c
    return sorted(best.values(), key=lambda c: (rank[c.method], c.form.kind == SHORT, -c.similarity))
