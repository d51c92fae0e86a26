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
   none with the key of a one-word form of passes 1 and 2.

The forms come out in the order the knowledge base has always generated them
(every entry's, then the alias surnames, then the pet names), so a lookup
lists them as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.kb.entries import GIVEN_PARTS, PET, KnowledgeBaseError, NameForm, entity_from_entry
from pipeline.kb.forms import alias_surname_candidates, other_forms, person_forms, surname_is_free
from pipeline.kb.keys import NameKeys, fold
from pipeline.kb.pet_names import PetForms
from pipeline.kb.relations import RelationKinds, build_relations, listed_relations
from pipeline.kb.store import KbStore, StoreWriter
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
    skeleton = NameKeys.from_rules(names.skeleton_rules).skeleton
    writer = StoreWriter(target, last_key=skeleton)
    sides = _Sides()
    ids: set[str] = set()
    person_ids: list[str] = []
    listed: dict[str, list[tuple[str, str]]] = {}
    for entry, is_person in records:  # pass 1
        label = labels.person if is_person else entry.get("label", labels.kb_default)
        entity = entity_from_entry(entry, label, labels.linked)
        if entity.id in ids:
            raise KnowledgeBaseError(f"duplicate knowledge base id: {entity.id}")
        ids.add(entity.id)
        writer.add_entity(entity)
        sides.words[ENTITY_GIVEN].update(fold(w) for w in entity.given)
        if is_person:
            forms = person_forms(entry, translated)
            person_ids.append(entity.id)
            pairs = listed_relations(entry, kinds)
            if pairs:
                listed[entity.id] = pairs
            for form in forms:
                if form.part == "surname":
                    sides.surnames.setdefault(fold(form.text), set()).add(entity.id)
            sides.candidates += alias_surname_candidates(
                forms, names.patronymic_suffixes, names.alias_surname_min_letters
            )
        else:
            forms = other_forms(entry, label, labels.groups, names.plural_min_letters)
        writer.add_forms(forms)
        sides.note(forms, is_person, skeleton)
    extra = [form for form, last in sides.candidates if surname_is_free(form, last, sides.surnames)]  # pass 2
    writer.add_forms(extra)
    sides.note(extra, True, skeleton)
    pets = PetForms(names.pet_names, frozenset(sides.one_word_keys), skeleton, words)
    for entry, is_person in records:  # pass 3
        if is_person:
            found = pets.of(entry)
            writer.add_forms(found)
            sides.words[GIVEN_FORMS].update(fold(f.text) for f in found)  # of the word sets, pets join this one
    return writer.finish(build_relations(listed, person_ids, kinds), sides.words, meta)
