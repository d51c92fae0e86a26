"""The build of a knowledge base's store from its entries, streamed: no list of every form.

:func:`build_store` writes the entities and name forms of the entries (as in
the YAML files, learned ones merged) to a :class:`~pipeline.kb.store.StoreWriter`
as it generates them, in three passes over the entries, keeping only small
maps between them:

1. each entry and its forms (:func:`~pipeline.kb.forms.person_forms`,
   :func:`~pipeline.kb.forms.other_forms`); on the side, the bearers of each
   surname, the keys of the one-word forms, the word sets, and each person's
   alias-surname candidates (:func:`~pipeline.kb.forms.alias_surname_candidates`);
2. the candidates whose word no other person bears as a surname;
3. the Russian pet names of each person (:class:`~pipeline.kb.pet_names.PetForms`),
   none with the key of a one-word form of passes 1 and 2: one group of texts per given
   name, which the writer stores once and joins to each bearer in SQL (1.9 of the 3.2
   million forms of 100,000 people are pet names).

The forms come out in the order the knowledge base has always generated them
(every entry's, then the alias surnames, then the pet names), so a lookup
lists them as before.

Pass 1 is most of the Python of a build. For a file store of at least
:data:`PARALLEL_ENTRIES` entries it runs in forked workers, one per core, over
contiguous slices of the entries, each writing its rows to a part file beside
the target that the writer then copies in order (in SQL): the same tables as
one pass in one process. An error in a worker (a malformed entry, an id twice)
sends the build back to one pass, which reports the error it always has.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from pipeline.kb.bulk import paused_gc
from pipeline.kb.entries import GIVEN_PARTS, PET, SHORT, KnowledgeBaseError, NameForm, entity_from_entry
from pipeline.kb.forms import alias_surname_candidates, other_forms, person_forms, surname_is_free
from pipeline.kb.keys import NameKeys, fold
from pipeline.kb.pet_names import PetForms
from pipeline.kb.relations import RelationKinds, build_relations, listed_relations
from pipeline.kb.store import KbStore, StoreWriter
from pipeline.kb.yaml_files import can_fork
from pipeline.resources import LabelRules, NameRules

#: One record of a knowledge-base file: (entry, whether it comes from the persons file).
Record = tuple[dict[str, Any], bool]
#: The word sets of the store (:meth:`pipeline.kb.KnowledgeBase.name_words`, ``given_words``,
#: ``entity_given_names``).
NAME_WORDS, GIVEN_FORMS, ENTITY_GIVEN = "name", "given_form", "entity_given"


@dataclass
class _Sides:
    """What pass 1 keeps for the later passes and the word sets."""

    surnames: dict[str, set[str]] = field(default_factory=dict)  # folded surname -> its bearers
    one_word_keys: set[str] = field(default_factory=set)
    candidates: list[tuple[NameForm, str]] = field(default_factory=list)
    words: dict[str, set[str]] = field(
        default_factory=lambda: {NAME_WORDS: set(), GIVEN_FORMS: set(), ENTITY_GIVEN: set()}
    )

    def note(self, forms: Iterable[NameForm], is_person: bool, key: Callable[[str], str]) -> None:
        names, given = self.words[NAME_WORDS], self.words[GIVEN_FORMS]
        for form in forms:
            if len(form.text.split()) == 1:
                self.one_word_keys.add(key(form.text))
            if form.part in GIVEN_PARTS:
                given.add(fold(form.text))
            if is_person and form.part != PET:
                names.update(w for w in form.text.replace("-", " ").split() if w.isalpha())


@paused_gc()  # millions of forms and sets that all stay alive: pipeline/kb/bulk.py
def build_store(
    records: Iterable[Record],
    *,
    names: NameRules,
    labels: LabelRules,
    translated: dict[str, list[str]],
    words: Callable[[str], bool] | None,
    kinds: RelationKinds,
    target: Path | None,
    meta: dict[str, str],
) -> KbStore:
    """The store of ``records`` at ``target`` (None: in memory); see the module.

    ``translated`` the given names in other languages (:func:`~pipeline.kb.forms.translations`),
    ``words`` which strings are words of their own (never pet names), ``kinds`` the relation
    kinds of the persons' ``related`` fields, ``meta`` what the file is of.
    """
    records = list(records)
    settings = _FirstPass(names, labels, translated, kinds, NameKeys.from_rules(names.skeleton_rules).skeleton)
    parts = _parallel_first_pass(records, settings, target) if _worth_parallel(records, target) else None
    writer = StoreWriter(target, last_key=settings.skeleton)
    if parts is None:
        first = settings.run(records, writer)
    else:
        first = _FirstResult()
        try:
            for path, result in parts:
                first.extend(result)
                writer.add_part(path, result.texts)
        finally:
            for path, _ in parts:
                path.unlink(missing_ok=True)
    sides = first.sides
    extra = [form for form, last in sides.candidates if surname_is_free(form, last, sides.surnames)]  # pass 2
    writer.add_forms(extra)
    sides.note(extra, True, settings.skeleton)
    pets = PetForms(names.pet_names, frozenset(sides.one_word_keys), settings.skeleton, words)
    written: set[int] = set()
    for entry, is_person in records:  # pass 3
        if is_person:
            group, texts = pets.group(entry)
            if texts:
                writer.add_group_forms(str(entry["id"]), group, [(text, SHORT, PET) for text in texts])
                if group not in written:  # of the word sets, pets join this one
                    written.add(group)
                    sides.words[GIVEN_FORMS].update(map(fold, texts))
    return writer.finish(build_relations(first.listed, first.person_ids, kinds), sides.words, meta)


@dataclass
class _FirstResult:
    """What pass 1 gives the later passes (of every entry, or of a slice of them in a worker)."""

    sides: _Sides = field(default_factory=_Sides)
    ids: list[str] = field(default_factory=list)
    person_ids: list[str] = field(default_factory=list)
    listed: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    texts: set[str] = field(default_factory=set)  # a worker's distinct form texts

    def extend(self, other: _FirstResult) -> None:
        """``other``'s entries after these: a duplicate id across the two is an error, as in one pass."""
        seen = set(self.ids)
        repeated = next((i for i in other.ids if i in seen), None)
        if repeated is not None:
            raise KnowledgeBaseError(f"duplicate knowledge base id: {repeated}")
        self.ids += other.ids
        self.person_ids += other.person_ids
        self.listed.update(other.listed)
        mine, theirs = self.sides, other.sides
        for surname, bearers in theirs.surnames.items():
            mine.surnames.setdefault(surname, set()).update(bearers)
        mine.one_word_keys |= theirs.one_word_keys
        mine.candidates += theirs.candidates
        for kind, found in theirs.words.items():
            mine.words[kind] |= found


@dataclass
class _FirstPass:
    """Pass 1 (see the module) under one set of rules."""

    names: NameRules
    labels: LabelRules
    translated: dict[str, list[str]]
    kinds: RelationKinds
    skeleton: Callable[[str], str]

    def run(self, records: Iterable[Record], writer: StoreWriter) -> _FirstResult:
        """Write each entry of ``records`` and its forms to ``writer``; what the later passes need."""
        out = _FirstResult()
        sides, names, labels = out.sides, self.names, self.labels
        ids: set[str] = set()
        for entry, is_person in records:
            label = labels.person if is_person else entry.get("label", labels.kb_default)
            entity = entity_from_entry(entry, label, labels.linked)
            if entity.id in ids:
                raise KnowledgeBaseError(f"duplicate knowledge base id: {entity.id}")
            ids.add(entity.id)
            out.ids.append(entity.id)
            writer.add_entity(entity)
            sides.words[ENTITY_GIVEN].update(fold(w) for w in entity.given)
            if is_person:
                forms = person_forms(entry, self.translated)
                out.person_ids.append(entity.id)
                pairs = listed_relations(entry, self.kinds)
                if pairs:
                    out.listed[entity.id] = pairs
                for form in forms:
                    if form.part == "surname":
                        sides.surnames.setdefault(fold(form.text), set()).add(entity.id)
                sides.candidates += alias_surname_candidates(
                    forms, names.patronymic_suffixes, names.alias_surname_min_letters
                )
            else:
                forms = other_forms(entry, label, labels.groups, names.plural_min_letters)
            writer.add_forms(forms)
            sides.note(forms, is_person, self.skeleton)
        return out


#: Pass 1 runs in worker processes for at least this many entries (below, forking costs more than it saves).
PARALLEL_ENTRIES = 20_000
_JOB: tuple[list[Record], _FirstPass] | None = None  # what forked workers inherit


def _worth_parallel(records: list[Record], target: Path | None) -> bool:
    return target is not None and len(records) >= PARALLEL_ENTRIES and (os.cpu_count() or 1) > 1 and can_fork()


def _parallel_first_pass(
    records: list[Record], settings: _FirstPass, target: Path
) -> list[tuple[Path, _FirstResult]] | None:
    """Pass 1 over contiguous slices of ``records`` in forked workers, one per core, each writing
    its entities and forms to a file beside ``target`` (copied in order by
    :meth:`StoreWriter.add_part`): the files and results in order, or None after any error, which
    the pass in this process then reports as it would have."""
    global _JOB
    workers = min(os.cpu_count() or 1, 8)
    bounds = [len(records) * k // workers for k in range(workers + 1)]
    paths = [target.with_name(f"{target.name}.part{k}") for k in range(workers)]
    _JOB = (records, settings)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            results = list(pool.map(_run_slice, bounds, bounds[1:], paths))
    except KnowledgeBaseError:
        results = []
    finally:
        _JOB = None
    if len(results) != workers:
        for path in paths:
            path.unlink(missing_ok=True)
        return None
    return list(zip(paths, results, strict=True))


def _run_slice(start: int, end: int, path: Path) -> _FirstResult:
    assert _JOB is not None
    records, settings = _JOB
    path.unlink(missing_ok=True)
    writer = StoreWriter(path, last_key=settings.skeleton)
    result = settings.run(records[start:end], writer)
    result.texts = writer.close_part()
    return result
