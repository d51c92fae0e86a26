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
from functools import cached_property
from pathlib import Path

from pipeline.kb.build import ENTITY_GIVEN, GIVEN_FORMS, NAME_WORDS, Record, build_store
from pipeline.kb.compiled import open_compiled, store_meta
from pipeline.kb.entries import KnowledgeBaseError, NameForm
from pipeline.kb.forms import translations
from pipeline.kb.learned import Learned, load_learned, surface_key
from pipeline.kb.lexicon import own_words
from pipeline.kb.relations import RelationKinds, Relations
from pipeline.kb.store import EntityTable, KbStore
from pipeline.resources import (
    LabelRules,
    LinkingRules,
    NameRules,
    ensure_valid,
    hash_files,
    load_yaml,
    models_fingerprint,
)

PERSON_FILE = "persons.yaml"
OTHER_FILES = ("places.yaml", "organisations.yaml")


@dataclass
class KnowledgeBase:
    """Entries by id and all their name forms, in a :class:`~pipeline.kb.store.KbStore`.

    ``person_label`` is the label of people (``rules/labels.yaml``); ``version``
    a content hash of the files it was loaded from; ``rejected_entities`` and
    ``rejected_links`` the negative rules of ``models/learned/``. ``entities``
    reads the store by id; what each individual is to others
    (:mod:`pipeline.kb.relations`) is :meth:`related`. A loaded knowledge base
    is compiled once per content (:mod:`pipeline.kb.compiled`); one built from
    records lives in memory.
    """

    store: KbStore
    version: str
    person_label: str
    path: Path | None = None
    rejected_entities: frozenset[tuple[str, str]] = field(default_factory=frozenset, repr=False)
    rejected_links: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    @cached_property
    def entities(self) -> EntityTable:
        return EntityTable(self.store)

    @property
    def forms(self) -> list[NameForm]:
        """Every name form, in the order generated: reads them all (exports, review), never per document."""
        return self.store.all_forms()

    @property
    def relations(self) -> Relations:
        """Every individual's relations (all of them: for exports and tests; a lookup is :meth:`related`)."""
        return self.store.all_relations()

    @classmethod
    def load(cls, models: str | Path | None = None, learned: bool = True, lang: str | None = None) -> KnowledgeBase:
        """The knowledge base of ``models/kb/``, with ``models/learned/`` merged unless ``learned`` is False;
        its name forms follow the name rules of ``lang`` (``rules/<lang>/names.yaml`` if there is one).
        Every file of the folder is checked first (:func:`pipeline.kb.validate.ensure_valid`); the
        result is compiled once per folder content (:func:`pipeline.kb.compiled.open_compiled`)."""
        folder = ensure_valid(models) / "kb"
        present = [f for f in [folder / PERSON_FILE] + [folder / n for n in OTHER_FILES] if f.is_file()]
        if not present:
            raise KnowledgeBaseError(f"no knowledge base files in {folder}")
        extra = load_learned(models) if learned else Learned()
        fingerprint = f"{models_fingerprint(folder.parent)}-{'learned' if learned else 'plain'}"

        def build(target: Path) -> KbStore:
            return cls._build(models, present, extra, lang, target, store_meta(folder.parent, fingerprint, lang)).store

        store = open_compiled(folder.parent, fingerprint, lang, build)
        kb = cls(store, hash_files(present + extra.files), LabelRules.load(models, lang).person, folder)
        kb.rejected_entities, kb.rejected_links = extra.rejected_entities(), extra.rejected_links()
        return kb

    @classmethod
    def _build(
        cls,
        models: str | Path | None,
        present: list[Path],
        extra: Learned,
        lang: str | None,
        target: Path,
        meta: dict[str, str],
    ) -> KnowledgeBase:
        records: list[Record] = []
        for path in present:
            data = load_yaml(path) or []
            if not isinstance(data, list):
                raise KnowledgeBaseError(f"{path}: expected a list of entries")
            records.extend((entry, path.name == PERSON_FILE) for entry in data)
        names, labels = NameRules.load(models, lang), LabelRules.load(models, lang)
        words = own_words(models, names.pet_names.english_word_min_count)
        kinds = RelationKinds.of(LinkingRules.load(models, lang))
        return cls.from_records(
            extra.merge(records), names=names, labels=labels, words=words, relations=kinds, target=target, meta=meta
        )

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
        target: Path | None = None,
        meta: dict[str, str] | None = None,
    ) -> KnowledgeBase:
        """A knowledge base from entries (as in the YAML files), stored in memory (or at ``target``).

        ``equivalents``: groups of one given name in several languages (Lev,
        Leo, Leon), by default ``names.given_name_equivalents``; ``names`` and
        ``labels`` are the name and label rules the forms and labels follow;
        ``words`` says which strings are words of their own, never generated as
        pet names (:mod:`pipeline.kb.pet_names`; None: no such test);
        ``relations`` the relation kinds of the persons' ``related`` fields
        (none known by default: a ``related`` field is then an error).
        """
        store = build_store(
            records,
            names=names,
            labels=labels,
            translated=translations(names.given_name_equivalents if equivalents is None else equivalents),
            words=words,
            kinds=relations or RelationKinds(),
            target=target,
            meta=meta or {},
        )
        return cls(store, version, labels.person, path)

    def forms_of(self, entity_id: str) -> list[NameForm]:
        return list(self.store.forms_of(entity_id))

    def forms_named(self, folded: str) -> list[NameForm]:
        """Every form whose text folds to ``folded`` (:func:`~pipeline.kb.keys.fold`)."""
        return self.store.forms_named(folded)

    def related(self, entity_id: str) -> dict[str, frozenset[str]]:
        """Other id -> the kinds that individual is to ``entity_id`` (``{"natalia-sedova": {"spouse"}}``)."""
        return self.store.related(entity_id)

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
        return self.store.words(NAME_WORDS)

    def given_words(self) -> set[str]:
        """Folded given names, diminutives and pet names of every form."""
        return self.store.words(GIVEN_FORMS)

    def entity_given_names(self) -> set[str]:
        """Folded given names of every entry."""
        return self.store.words(ENTITY_GIVEN)
