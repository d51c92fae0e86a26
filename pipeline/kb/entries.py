"""The entries of a knowledge base: individuals, places and organisations, and their name forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.resources import ModelsError

#: Name form kinds: ``full`` and ``alias`` forms name one individual on their own;
#: ``short`` forms (a given name, a surname, a diminutive, bare initials) need context.
FULL, ALIAS, SHORT = "full", "alias", "short"
#: The part of a generated Russian pet name (:mod:`pipeline.kb.pet_names`: Natashenka, Levik).
PET = "pet"
#: Parts of short forms that name a person by a first name: one may join a namesake's
#: full name in the document (Lev in Lev Kamenev), unlike a surname or an alias.
GIVEN_PARTS = ("given", "diminutive", PET)


class KnowledgeBaseError(ModelsError):
    """The knowledge base files are malformed."""


@dataclass(frozen=True)
class Entity:
    """One knowledge-base entry: ``label`` is namelink's label (``PERSON`` for people);
    ``prominence`` is the prior for a bare short form several entries share; ``born`` and
    ``died`` the years of a person's life, where known (they tell namesakes apart)."""

    id: str
    canonical: str
    label: str
    sex: str | None = None
    wikidata: str | None = None
    description: str = ""
    prominence: float = 1.0
    given: tuple[str, ...] = ()
    surname: tuple[str, ...] = ()
    born: int | None = None
    died: int | None = None


@dataclass(frozen=True)
class NameForm:
    """One way of writing an entity's name."""

    entity_id: str
    text: str
    kind: str  # FULL, ALIAS or SHORT
    part: str = ""  # for SHORT forms: given, surname, diminutive, initials, pet


def strings(value: Any) -> list[str]:
    """A YAML field that holds one string or a list of them, as a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def entity_from_entry(entry: dict[str, Any], label: str, linked: tuple[str, ...]) -> Entity:
    """An :class:`Entity` from a YAML entry, with a clear error for a malformed one."""
    for key in ("id", "canonical"):
        if not entry.get(key):
            raise KnowledgeBaseError(f"knowledge base entry without {key}: {entry!r}")
    if label not in linked:
        raise KnowledgeBaseError(f"{entry['id']}: unknown label {label}")
    return Entity(
        id=str(entry["id"]),
        canonical=str(entry["canonical"]),
        label=label,
        sex=entry.get("sex"),
        wikidata=entry.get("wikidata"),
        description=entry.get("description", ""),
        prominence=float(entry.get("prominence", 1)),
        given=tuple(strings(entry.get("given"))),
        surname=tuple(strings(entry.get("surname"))),
        born=_year(entry, "born"),
        died=_year(entry, "died"),
    )


def _year(entry: dict[str, Any], key: str) -> int | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise KnowledgeBaseError(f"{entry['id']}: {key} must be a year (a whole number), got {value!r}")
    return value
