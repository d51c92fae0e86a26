"""The knowledge base: individuals, places and organisations with their names.

Loaded from ``models/kb/*.yaml`` (see ``models/README.md`` for the schema).
For a person the file lists name parts (given names, patronymics, surnames,
diminutives) and free aliases; :func:`person_forms` generates every name form
a text may use from them (``Lev Davidovich``, ``L. D.``, ``L. D. Trotsky``,
``Bronstein``...), each with a *kind* that tells the linker how much the form
alone says: ``full`` and ``alias`` forms name one individual, ``short`` forms
(a given name, a surname, a diminutive, bare initials) need context.
``models/learned/`` (written by ``namelink train``) is merged on load: its
aliases and persons join the entries, its negative rules answer
:meth:`KnowledgeBase.never_entity` and :meth:`KnowledgeBase.never_linked`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.kb.keys import NameKeys, fold
from pipeline.kb.learned import Learned, load_learned, surface_key
from pipeline.resources import hash_files, load_yaml, models_dir

FULL, ALIAS, SHORT = "full", "alias", "short"
PERSON_FILE = "persons.yaml"
OTHER_FILES = ("places.yaml", "organisations.yaml")
LINKED_LABELS = ("PERSON", "GPE", "LOC", "FAC", "ORG", "NORP")


class KnowledgeBaseError(ValueError):
    """The knowledge base files are malformed."""


@dataclass(frozen=True)
class Entity:
    id: str
    canonical: str
    label: str
    sex: str | None = None
    wikidata: str | None = None
    description: str = ""
    prominence: float = 1.0
    given: tuple[str, ...] = ()
    surname: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameForm:
    """One way of writing an entity's name."""

    entity_id: str
    text: str
    kind: str  # FULL, ALIAS or SHORT
    part: str = ""  # for SHORT forms: given, surname, diminutive, initials


@dataclass
class KnowledgeBase:
    entities: dict[str, Entity]
    forms: list[NameForm]
    version: str
    path: Path | None = None
    _by_entity: dict[str, list[NameForm]] = field(default_factory=dict, repr=False)
    #: Negative rules of ``models/learned/`` (see :mod:`pipeline.learned`).
    rejected_entities: frozenset[tuple[str, str]] = field(default_factory=frozenset, repr=False)
    rejected_links: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, models: str | Path | None = None, learned: bool = True) -> KnowledgeBase:
        """The knowledge base of ``models/kb/``, with ``models/learned/`` merged unless ``learned`` is False."""
        folder = models_dir(models) / "kb"
        files = [folder / PERSON_FILE] + [folder / name for name in OTHER_FILES]
        present = [f for f in files if f.is_file()]
        if not present:
            raise KnowledgeBaseError(f"no knowledge base files in {folder}")
        records: list[tuple[dict[str, Any], bool]] = []
        for path in present:
            data = load_yaml(path) or []
            if not isinstance(data, list):
                raise KnowledgeBaseError(f"{path}: expected a list of entries")
            records.extend((entry, path.name == PERSON_FILE) for entry in data)
        extra = load_learned(models) if learned else Learned()
        names_file = models_dir(models) / "rules" / "names.yaml"
        groups = (load_yaml(names_file) or {}).get("given_name_equivalents", []) if names_file.is_file() else []
        kb = cls.from_records(
            extra.merge(records), version=hash_files(present + extra.files), path=folder, equivalents=groups
        )
        kb.rejected_entities, kb.rejected_links = extra.rejected_entities(), extra.rejected_links()
        return kb

    @classmethod
    def from_records(
        cls,
        records: Iterable[tuple[dict[str, Any], bool]],
        version: str = "",
        path: Path | None = None,
        equivalents: Iterable[Iterable[str]] = (),
    ) -> KnowledgeBase:
        """``equivalents``: groups of one given name in several languages (Lev, Leo, Leon)."""
        translations = _translations(equivalents)
        entities: dict[str, Entity] = {}
        forms: list[NameForm] = []
        for entry, is_person in records:
            entity = _entity(entry, is_person)
            if entity.id in entities:
                raise KnowledgeBaseError(f"duplicate knowledge base id: {entity.id}")
            entities[entity.id] = entity
            forms.extend(person_forms(entry, translations) if is_person else other_forms(entry))
        forms += _alias_surnames(forms, entities)
        kb = cls(entities, forms, version, path)
        for form in forms:
            kb._by_entity.setdefault(form.entity_id, []).append(form)
        return kb

    def forms_of(self, entity_id: str) -> list[NameForm]:
        return self._by_entity.get(entity_id, [])

    def never_entity(self, text: str, label: str) -> bool:
        """Did review reject ``text`` as an entity of ``label``?"""
        return bool(self.rejected_entities) and (surface_key(text), label) in self.rejected_entities

    def never_linked(self, text: str) -> frozenset[str]:
        """Ids that review ruled out for the string ``text``."""
        return self.rejected_links.get(surface_key(text), frozenset()) if self.rejected_links else frozenset()

    def name_words(self) -> set[str]:
        """Every alphabetic word of every person name form."""
        words = set()
        for form in self.forms:
            if self.entities[form.entity_id].label == "PERSON":
                words.update(w for w in form.text.replace("-", " ").split() if w.isalpha())
        return words


_PATRONYMIC_ENDS = ("ovna", "evna", "ovich", "evich", "ichna", "ich")


def _alias_surnames(forms: list[NameForm], entities: dict[str, Entity]) -> list[NameForm]:
    """The last word of a multi-word pseudonym as a short form (Mornard of
    Jacques Mornard), with its initial form (J. Mornard), unless another
    person bears that word as a surname (Trotsky of Natalia Trotsky)."""
    surnames: dict[str, set[str]] = {}
    for form in forms:
        if form.part == "surname":
            surnames.setdefault(fold(form.text), set()).add(form.entity_id)
    out = []
    for form in forms:
        words = form.text.split()
        if entities[form.entity_id].label != "PERSON" or form.kind == SHORT or len(words) < 2:
            continue
        last = words[-1]
        owners = surnames.get(fold(last), set())
        if len(last) < 5 or not last[:1].isupper() or owners - {form.entity_id}:
            continue
        if fold(last).endswith(_PATRONYMIC_ENDS):  # Natalia Ivanovna: a patronymic, not a surname
            continue
        out.append(NameForm(form.entity_id, last, SHORT, "surname"))
        if words[0][:1].isalpha():
            out.append(NameForm(form.entity_id, f"{words[0][0].upper()}. {last}", FULL))
    return _unique(out)


def _entity(entry: dict[str, Any], is_person: bool) -> Entity:
    for key in ("id", "canonical"):
        if not entry.get(key):
            raise KnowledgeBaseError(f"knowledge base entry without {key}: {entry!r}")
    label = "PERSON" if is_person else entry.get("label", "ORG")
    if label not in LINKED_LABELS:
        raise KnowledgeBaseError(f"{entry['id']}: unknown label {label}")
    return Entity(
        id=str(entry["id"]),
        canonical=str(entry["canonical"]),
        label=label,
        sex=entry.get("sex"),
        wikidata=entry.get("wikidata"),
        description=entry.get("description", ""),
        prominence=float(entry.get("prominence", 1)),
        given=tuple(_strings(entry.get("given"))),
        surname=tuple(_strings(entry.get("surname"))),
    )


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _initial(word: str) -> str:
    return word[0].upper() + "."


def _translations(groups: Iterable[Iterable[str]]) -> dict[str, list[str]]:
    """Folded given name -> the other members of its group."""
    out: dict[str, list[str]] = {}
    for group in groups:
        names = [str(n) for n in group]
        for name in names:
            out.setdefault(fold(name), []).extend(n for n in names if fold(n) != fold(name))
    return out


def person_forms(entry: dict[str, Any], translations: dict[str, list[str]] | None = None) -> list[NameForm]:
    """Every name form of a person entry, from its name parts and aliases; with
    ``translations``, full names also from the given name in other languages."""
    pid = entry["id"]
    given = _strings(entry.get("given"))
    patronymic = _strings(entry.get("patronymic"))
    surname = _strings(entry.get("surname"))
    diminutive = _strings(entry.get("diminutives"))
    out: list[NameForm] = [NameForm(pid, entry["canonical"], FULL)]
    out += [NameForm(pid, a, ALIAS if " " not in a.strip() else FULL) for a in _strings(entry.get("aliases"))]
    own = {fold(g) for g in given}
    translated = [t for g in given for t in (translations or {}).get(fold(g), []) if fold(t) not in own]
    for first in given + diminutive + translated:
        out += [NameForm(pid, f"{first} {last}", FULL) for last in surname]
    for first in given:
        for middle in patronymic:
            out.append(NameForm(pid, f"{first} {middle}", FULL))
            out += [NameForm(pid, f"{first} {middle} {last}", FULL) for last in surname]
            out += _initial_forms(pid, first, middle, surname)
        out += [NameForm(pid, f"{_initial(first)} {last}", FULL) for last in surname]
    out += [NameForm(pid, w, SHORT, "given") for w in given]
    out += [NameForm(pid, w, SHORT, "surname") for w in surname]
    out += [NameForm(pid, w, SHORT, "diminutive") for w in diminutive]
    return _unique(out)


def _initial_forms(pid: str, first: str, middle: str, surnames: list[str]) -> list[NameForm]:
    a, b = _initial(first), _initial(middle)
    out = [NameForm(pid, f"{a} {b}", SHORT, "initials"), NameForm(pid, f"{a}{b}", SHORT, "initials")]
    for last in surnames:
        out += [NameForm(pid, f"{a} {b} {last}", FULL), NameForm(pid, f"{a}{b} {last}", FULL)]
    return out


def other_forms(entry: dict[str, Any]) -> list[NameForm]:
    """Names of a place or organisation; a one-word name also in the singular or
    plural (Bolsheviks / Bolshevik, Menshevik / Mensheviks)."""
    eid = entry["id"]
    names = [entry["canonical"]] + _strings(entry.get("aliases"))
    if entry.get("label") in ("ORG", "NORP"):
        names += [n[:-1] if n.endswith("s") else n + "s" for n in names if n.isalpha() and len(n) > 4]
    return _unique([NameForm(eid, n, ALIAS) for n in names])


def _unique(forms: list[NameForm]) -> list[NameForm]:
    seen: dict[tuple[str, str], NameForm] = {}
    for form in forms:
        key = (form.entity_id, fold(form.text))
        if key not in seen or _rank(form) < _rank(seen[key]):
            seen[key] = form
    return list(seen.values())


def _rank(form: NameForm) -> int:
    return {FULL: 0, ALIAS: 1, SHORT: 2}[form.kind]


class AliasIndex:
    """Name forms indexed by the skeleton keys of their tokens.

    ``tokenize`` must split text the way the documents are split (the spaCy
    pipeline's tokenizer), so that a form matches the tokens of a document.
    """

    def __init__(self, kb: KnowledgeBase, tokenize: Callable[[str], list[str]], keys: NameKeys) -> None:
        self.kb = kb
        self.keys = keys
        self.by_key: dict[tuple[str, ...], list[NameForm]] = defaultdict(list)
        for form in kb.forms:
            key = keys.phrase(tokenize(form.text))
            if key and form not in self.by_key[key]:
                self.by_key[key].append(form)
        self.max_tokens = max((len(k) for k in self.by_key), default=1)
        #: Keys a name can start with: most tokens of a text start none.
        self.first_keys = {k[0] for k in self.by_key}

    def lookup(self, words: list[str] | tuple[str, ...]) -> list[NameForm]:
        return self.by_key.get(self.keys.phrase(words), [])
