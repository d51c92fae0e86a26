"""The knowledge base: individuals, places and organisations with their name forms.

Loaded from ``models/kb/*.yaml`` (see ``models/README.md`` for the schema);
:mod:`pipeline.kb.forms` generates every name form of an entry, and
:mod:`pipeline.kb.pet_names` the Russian pet names of the people with a patronymic.
``models/learned/`` (written by ``namelink train``) is merged on load: its
aliases and persons join the entries, its negative rules answer
:meth:`KnowledgeBase.never_entity` and :meth:`KnowledgeBase.never_linked`.
The persons' ``related`` fields become :attr:`KnowledgeBase.relations`, with
inverses and derived kinds (:mod:`pipeline.kb.relations`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.kb.entries import PET, Entity, KnowledgeBaseError, NameForm, entity_from_entry
from pipeline.kb.forms import alias_surnames, other_forms, person_forms, translations
from pipeline.kb.keys import NameKeys, fold
from pipeline.kb.learned import Learned, load_learned, surface_key
from pipeline.kb.lexicon import own_words
from pipeline.kb.pet_names import pet_forms
from pipeline.kb.relations import RelationKinds, Relations, build_relations, listed_relations
from pipeline.resources import LabelRules, LinkingRules, NameRules, ensure_valid, hash_files, load_yaml

PERSON_FILE = "persons.yaml"
OTHER_FILES = ("places.yaml", "organisations.yaml")
#: One record of a knowledge-base file: (entry, whether it comes from the persons file).
Record = tuple[dict[str, Any], bool]


@dataclass
class KnowledgeBase:
    """Entries by id and all their name forms.

    ``person_label`` is the label of people (``rules/labels.yaml``); ``version``
    a content hash of the files it was loaded from; ``rejected_entities`` and
    ``rejected_links`` the negative rules of ``models/learned/``; ``relations``
    what each individual is to others (:mod:`pipeline.kb.relations`).
    """

    entities: dict[str, Entity]
    forms: list[NameForm]
    version: str
    person_label: str
    path: Path | None = None
    _by_entity: dict[str, list[NameForm]] = field(default_factory=dict, repr=False)
    rejected_entities: frozenset[tuple[str, str]] = field(default_factory=frozenset, repr=False)
    rejected_links: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    relations: Relations = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, models: str | Path | None = None, learned: bool = True, lang: str | None = None) -> KnowledgeBase:
        """The knowledge base of ``models/kb/``, with ``models/learned/`` merged unless ``learned`` is False;
        its name forms follow the name rules of ``lang`` (``rules/<lang>/names.yaml`` if there is one).
        Every file of the folder is checked first (:func:`pipeline.kb.validate.ensure_valid`)."""
        folder = ensure_valid(models) / "kb"
        present = [f for f in [folder / PERSON_FILE] + [folder / n for n in OTHER_FILES] if f.is_file()]
        if not present:
            raise KnowledgeBaseError(f"no knowledge base files in {folder}")
        records: list[Record] = []
        for path in present:
            data = load_yaml(path) or []
            if not isinstance(data, list):
                raise KnowledgeBaseError(f"{path}: expected a list of entries")
            records.extend((entry, path.name == PERSON_FILE) for entry in data)
        extra = load_learned(models) if learned else Learned()
        names, labels = NameRules.load(models, lang), LabelRules.load(models, lang)
        words = own_words(models, names.pet_names.english_word_min_count)
        kinds = RelationKinds.of(LinkingRules.load(models, lang))
        kb = cls.from_records(
            extra.merge(records),
            hash_files(present + extra.files),
            folder,
            names=names,
            labels=labels,
            words=words,
            relations=kinds,
        )
        kb.rejected_entities, kb.rejected_links = extra.rejected_entities(), extra.rejected_links()
        return kb

    @classmethod
    def from_records(
        cls,
        records: Iterable[Record],
        version: str = "",
        path: Path | None = None,
        equivalents: Iterable[Iterable[str]] | None = None,
        *,
        names: NameRules,
        labels: LabelRules,
        words: Callable[[str], bool] | None = None,
        relations: RelationKinds | None = None,
    ) -> KnowledgeBase:
        """A knowledge base from entries (as in the YAML files) in memory.

        ``equivalents``: groups of one given name in several languages (Lev,
        Leo, Leon), by default ``names.given_name_equivalents``; ``names`` and
        ``labels`` are the name and label rules the forms and labels follow;
        ``words`` says which strings are words of their own, never generated as
        pet names (:mod:`pipeline.kb.pet_names`; None: no such test);
        ``relations`` the relation kinds of the persons' ``related`` fields
        (none known by default: a ``related`` field is then an error).
        """
        kinds = relations or RelationKinds()
        translated = translations(names.given_name_equivalents if equivalents is None else equivalents)
        entities: dict[str, Entity] = {}
        forms: list[NameForm] = []
        records = list(records)
        listed: dict[str, list[tuple[str, str]]] = {}
        for entry, is_person in records:
            label = labels.person if is_person else entry.get("label", labels.kb_default)
            entity = entity_from_entry(entry, label, labels.linked)
            if entity.id in entities:
                raise KnowledgeBaseError(f"duplicate knowledge base id: {entity.id}")
            entities[entity.id] = entity
            if is_person:
                forms.extend(person_forms(entry, translated))
                listed[entity.id] = listed_relations(entry, kinds)
            else:
                forms.extend(other_forms(entry, label, labels.groups, names.plural_min_letters))
        known = {(f.entity_id, fold(f.text)) for f in forms}
        extra = alias_surnames(
            forms, entities, labels.person, names.patronymic_suffixes, names.alias_surname_min_letters
        )
        forms += [f for f in extra if (f.entity_id, fold(f.text)) not in known]  # a person's own surname is there
        people = [entry for entry, is_person in records if is_person]
        forms += pet_forms(people, forms, names.pet_names, NameKeys.from_rules(names.skeleton_rules).skeleton, words)
        kb = cls(entities, forms, version, labels.person, path)
        person_ids = [e for e, entity in entities.items() if entity.label == labels.person]
        kb.relations = build_relations(listed, person_ids, kinds)
        for form in forms:
            kb._by_entity.setdefault(form.entity_id, []).append(form)
        return kb

    def forms_of(self, entity_id: str) -> list[NameForm]:
        return self._by_entity.get(entity_id, [])

    def related(self, entity_id: str) -> dict[str, frozenset[str]]:
        """Other id -> the kinds that individual is to ``entity_id`` (``{"natalia-sedova": {"spouse"}}``)."""
        return self.relations.get(entity_id, {})

    def is_person(self, entity_id: str) -> bool:
        return self.entities[entity_id].label == self.person_label

    def never_entity(self, text: str, label: str) -> bool:
        """Did review reject ``text`` as an entity of ``label``?"""
        return bool(self.rejected_entities) and (surface_key(text), label) in self.rejected_entities

    def never_linked(self, text: str) -> frozenset[str]:
        """Ids that review ruled out for the string ``text``."""
        return self.rejected_links.get(surface_key(text), frozenset()) if self.rejected_links else frozenset()

    def name_words(self) -> set[str]:
        """Every alphabetic word of every person name form but the generated pet names (a
        guess at a form, not a name the knowledge base knows: the name shapes, the evidence
        test and the cleaner's glued-word splitter read these words)."""
        words = set()
        for form in self.forms:
            if self.is_person(form.entity_id) and form.part != PET:
                words.update(w for w in form.text.replace("-", " ").split() if w.isalpha())
        return words
