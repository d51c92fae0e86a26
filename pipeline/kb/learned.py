"""The learned layer of a models folder: what ``namelink train`` derived from review.

``models/learned/`` sits on top of the hand-written knowledge base
(``models/kb/``) and is rebuilt from it plus ``models/corrections/`` by
:mod:`pipeline.train`; nobody edits it by hand. Three YAML files, each written
sorted so that the same inputs give the same bytes:

- ``aliases.yaml``: ``{entity_id: [alias, ...]}``, new surface forms of
  individuals already in the knowledge base;
- ``persons.yaml``: new individuals and promoted NIL clusters, entries in the
  schema of ``models/kb/persons.yaml``;
- ``negative.yaml``: ``not_entities`` (``{text, label}``: this string is never
  an entity of that label) and ``not_links`` (``{text, entity_id}``: this
  string never links to that individual).

:meth:`pipeline.kb.KnowledgeBase.load` merges the layer (:meth:`Learned.merge`);
the recogniser and the linker read the negative rules from the knowledge base.
Strings are compared by :func:`surface_key` (case, accents and spacing folded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.kb.keys import fold
from pipeline.resources import ensure_valid, load_yaml, models_dir

LEARNED_DIR = "learned"
ALIASES_FILE, PERSONS_FILE, NEGATIVE_FILE = "aliases.yaml", "persons.yaml", "negative.yaml"
_HEADER = "# Written by `namelink train` from models/kb/ and models/corrections/; do not edit by hand.\n"


def surface_key(text: str) -> str:
    """The form under which two spellings of one string meet: ``' León  Trotsky'`` -> ``'leon trotsky'``."""
    return " ".join(fold(text).split())


@dataclass
class Learned:
    """The contents of ``models/learned/`` (empty when the folder is absent)."""

    aliases: dict[str, list[str]] = field(default_factory=dict)
    persons: list[dict[str, Any]] = field(default_factory=list)
    not_entities: list[dict[str, str]] = field(default_factory=list)
    not_links: list[dict[str, str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def merge(self, records: list[tuple[dict[str, Any], bool]]) -> list[tuple[dict[str, Any], bool]]:
        """Knowledge-base records with the learned aliases added and the learned persons appended
        (a learned entry whose id the hand-written base already has is left out)."""
        known = {str(entry.get("id")) for entry, _ in records}
        out = []
        for entry, is_person in records:
            extra = self.aliases.get(str(entry.get("id")))
            if extra:
                entry = {**entry, "aliases": _as_list(entry.get("aliases")) + list(extra)}
            out.append((entry, is_person))
        return out + [(entry, True) for entry in self.persons if str(entry.get("id")) not in known]

    def rejected_entities(self) -> frozenset[tuple[str, str]]:
        """(surface key, label) pairs that are never an entity."""
        return frozenset((surface_key(r["text"]), r["label"]) for r in self.not_entities)

    def rejected_links(self) -> dict[str, frozenset[str]]:
        """Surface key -> ids that string never links to."""
        out: dict[str, set[str]] = {}
        for rule in self.not_links:
            out.setdefault(surface_key(rule["text"]), set()).add(rule["entity_id"])
        return {key: frozenset(ids) for key, ids in out.items()}

    def is_empty(self) -> bool:
        return not (self.aliases or self.persons or self.not_entities or self.not_links)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def learned_dir(models: str | Path | None = None) -> Path:
    """``<models>/learned``: the folder ``namelink train`` writes."""
    return models_dir(models) / LEARNED_DIR


def load_learned(models: str | Path | None = None) -> Learned:
    """Read ``models/learned/`` (missing files count as empty), the models folder checked first."""
    folder = learned_dir(ensure_valid(models))
    paths = {name: folder / name for name in (ALIASES_FILE, PERSONS_FILE, NEGATIVE_FILE)}
    data = {name: (load_yaml(path) if path.is_file() else None) for name, path in paths.items()}
    negative = data[NEGATIVE_FILE] or {}
    return Learned(
        aliases={str(k): _as_list(v) for k, v in (data[ALIASES_FILE] or {}).items()},
        persons=list(data[PERSONS_FILE] or []),
        not_entities=list(negative.get("not_entities") or []),
        not_links=list(negative.get("not_links") or []),
        files=[path for path in paths.values() if path.is_file()],
    )


def render_learned(learned: Learned) -> dict[str, str]:
    """File name -> text of each learned file, sorted so the same data gives the same bytes."""
    negative = {
        "not_entities": sorted(learned.not_entities, key=lambda r: (surface_key(r["text"]), r["label"], r["text"])),
        "not_links": sorted(learned.not_links, key=lambda r: (surface_key(r["text"]), r["entity_id"], r["text"])),
    }
    aliases = {k: sorted(v, key=lambda a: (surface_key(a), a)) for k, v in sorted(learned.aliases.items()) if v}
    persons = sorted(learned.persons, key=lambda p: str(p["id"]))
    return {
        ALIASES_FILE: _dump(aliases),
        PERSONS_FILE: _dump(persons),
        NEGATIVE_FILE: _dump(negative),
    }


def _dump(data: Any) -> str:
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)
    return _HEADER + body
