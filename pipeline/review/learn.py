"""Learning from review: the learned layer that the stored corrections imply.

:func:`derive` reads the corrections (``models/corrections/*.jsonl``, oldest
first; for one string the latest verdict wins) against the hand-written
knowledge base and returns the learned layer (:class:`pipeline.kb.learned.Learned`):

- a string confirmed for an individual (accepted, added, relinked to it) that
  is not yet one of its names becomes an alias of it;
- a rejected string becomes a ``not_entities`` rule (never that label); the
  old id of a relinked string becomes a ``not_links`` rule (never that link);
- an id the knowledge base lacks becomes a new person, its id derived with
  :func:`pipeline.records.slug`, and a confirmed NIL cluster ``nil:<slug>`` is
  promoted to a person; their strings become the person's canonical name
  (the longest) and aliases. An added string with no id that no knowledge
  base name matches is a new person named by that string.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pipeline.kb import KnowledgeBase
from pipeline.kb.keys import NameKeys
from pipeline.kb.learned import Learned, surface_key
from pipeline.records import NIL_PREFIX, slug
from pipeline.review.corrections import ACCEPTED, ADDED, REJECTED, RELINKED

#: Prominence of a person that review added (a minor figure: see models/kb/persons.yaml).
NEW_PERSON_PROMINENCE = 5


# -- deriving the learned layer ----------------------------------------------------------------


@dataclass
class _Verdicts:
    """The latest decision per (string, label) and per (string, id)."""

    entity: dict[tuple[str, str], tuple[bool, str]] = field(default_factory=dict)
    link: dict[tuple[str, str], tuple[bool, str, str]] = field(default_factory=dict)
    unlinked: dict[tuple[str, str], str] = field(default_factory=dict)  # added with no id
    sources: dict[str, set[str]] = field(default_factory=dict)  # id -> correction files

    def add(self, row: dict[str, Any]) -> None:
        """Record one correction, overriding earlier verdicts on the same string."""
        key, label, text = surface_key(row["text"]), row["label"], row["text"]
        if row["action"] == REJECTED:
            self.entity[(key, label)] = (False, text)
            self.unlinked.pop((key, label), None)
            return
        if row["action"] not in (ACCEPTED, ADDED, RELINKED):
            raise ValueError(f"unknown correction action {row['action']!r} in {row.get('file')}")
        self.entity[(key, label)] = (True, text)
        if row["action"] == RELINKED and row.get("previous_entity_id"):
            self.link[(key, row["previous_entity_id"])] = (False, text, label)
        if row.get("entity_id"):
            self.link[(key, row["entity_id"])] = (True, text, label)
            self.sources.setdefault(row["entity_id"], set()).add(row.get("file", ""))
        elif row["action"] == ADDED:
            self.unlinked[(key, label)] = text
            self.sources.setdefault(text, set()).add(row.get("file", ""))


def derive(base: KnowledgeBase, corrections: list[dict[str, Any]], keys: NameKeys) -> tuple[Learned, list[str]]:
    """The learned layer the corrections give, on top of a knowledge base.

    base (KnowledgeBase): The knowledge base without a learned layer (``learned=False``).
    corrections (list): Stored corrections, oldest first (:func:`pipeline.review.corrections.read_corrections`).
    keys (NameKeys): The name keys that tell whether a string is already a name in ``base``.
    RETURNS (tuple): ``(learned, notes)``: the new layer, and why some corrections were left out.
    """
    verdicts = _Verdicts()
    for row in corrections:
        verdicts.add(row)
    learned = Learned()
    learned.not_entities = [{"text": t, "label": label} for (_, label), (ok, t) in verdicts.entity.items() if not ok]
    learned.not_links = [{"text": t, "entity_id": i} for (_, i), (ok, t, _) in verdicts.link.items() if not ok]
    names = _NameIndex(base, keys)
    new = _NewPersons()
    notes = _confirmed_links(learned, base, names, verdicts, new)
    _unlinked_additions(names, verdicts, new, base.person_label)
    learned.persons = _new_persons(base, new.clusters, new.sources)
    return learned, notes


@dataclass
class _NewPersons:
    """Strings of individuals the knowledge base lacks, per new person id, and the files they came from."""

    clusters: dict[str, list[str]] = field(default_factory=dict)
    sources: dict[str, set[str]] = field(default_factory=dict)

    def add(self, person: str, text: str, files: Iterable[str]) -> None:
        """Add ``text`` to the strings of ``person``, from the correction ``files``."""
        self.clusters.setdefault(person, []).append(text)
        self.sources.setdefault(person, set()).update(files)


def _rejected(verdicts: _Verdicts) -> set[tuple[str, str]]:
    return {k for k, (ok, _) in verdicts.entity.items() if not ok}


def _confirmed_links(
    learned: Learned, base: KnowledgeBase, names: _NameIndex, verdicts: _Verdicts, new: _NewPersons
) -> list[str]:
    """Aliases for known ids, new persons for unknown PERSON ids; notes on what is left out."""
    rejected, notes = _rejected(verdicts), []
    for (key, entity_id), (ok, text, label) in verdicts.link.items():
        if not ok or (key, label) in rejected:
            continue
        if entity_id in base.entities:
            notes += _add_alias(learned, base, names, entity_id, text, label)
        elif label == base.person_label:
            new.add(_person_id(entity_id), text, verdicts.sources.get(entity_id, ()))
        else:
            notes.append(f"left out {text!r} -> {entity_id}: a new {label} is not added to the knowledge base")
    return notes


def _unlinked_additions(names: _NameIndex, verdicts: _Verdicts, new: _NewPersons, person: str) -> None:
    """An added PERSON string without id that no known name matches is a new person named by it."""
    rejected = _rejected(verdicts)
    for (key, label), text in verdicts.unlinked.items():
        if (key, label) in rejected or label != person or names.owners(text):
            continue  # a known name: the linker decides who it is
        new.add(slug(text), text, verdicts.sources.get(text, ()))


def _person_id(entity_id: str) -> str:
    return slug(entity_id[len(NIL_PREFIX) :] if entity_id.startswith(NIL_PREFIX) else entity_id)


class _NameIndex:
    """Which individuals of the knowledge base already bear a string (on skeleton keys)."""

    def __init__(self, kb: KnowledgeBase, keys: NameKeys) -> None:
        self.keys = keys
        self.by_key: dict[tuple[str, ...], set[str]] = {}
        for form in kb.forms:
            self.by_key.setdefault(self._key(form.text), set()).add(form.entity_id)

    def _key(self, text: str) -> tuple[str, ...]:
        return self.keys.phrase(text.replace(".", ". ").split())

    def owners(self, text: str) -> set[str]:
        """The ids of the individuals who have ``text`` (up to skeleton keys) as a name."""
        return self.by_key.get(self._key(text), set())


def _add_alias(
    learned: Learned, base: KnowledgeBase, names: _NameIndex, entity_id: str, text: str, label: str
) -> list[str]:
    entity = base.entities[entity_id]
    if entity.label != label:
        return [f"left out {text!r} -> {entity_id}: labelled {label}, the knowledge base says {entity.label}"]
    if entity_id in names.owners(text):
        return []  # already one of its names
    aliases = learned.aliases.setdefault(entity_id, [])
    if surface_key(text) not in {surface_key(a) for a in aliases}:
        aliases.append(text)
    return []


def _new_persons(base: KnowledgeBase, clusters: dict[str, list[str]], sources: dict[str, set[str]]) -> list[dict]:
    out = []
    for person_id in sorted(clusters):
        texts = sorted({surface_key(t): t for t in sorted(clusters[person_id])}.values())
        canonical = max(texts, key=lambda t: (len(t.split()), len(t), t))
        final_id, n = person_id, 1
        while final_id in base.entities:
            n += 1
            final_id = f"{person_id}-{n}"
        entry: dict[str, Any] = {"id": final_id, "canonical": canonical}
        aliases = [t for t in texts if t != canonical]
        if aliases:
            entry["aliases"] = aliases
        entry["prominence"] = NEW_PERSON_PROMINENCE
        entry["source"] = "review: " + ", ".join(sorted(s for s in sources.get(person_id, ()) if s))
        out.append(entry)
    return out
