"""Reading the people of an import file: ``namelink kb import`` (:mod:`pipeline.kb.importing` merges them).

Each reader turns a row or an entity into a person entry of the knowledge
base's schema (:data:`pipeline.kb.append.PERSON_KEYS`), with where it came
from (``FILE:LINE``):

- :func:`read_csv`: a header of :data:`CSV_FIELDS` (``id`` may be empty: made
  from the canonical name), list fields separated by ``|``, ``related`` as
  ``kind:id|kind:id``;
- :func:`read_wikidata`: Wikidata's JSON entities, as the dump writes them (a
  JSON array, one entity a line) or as ``wbgetentities`` answers (``{"entities":
  {...}}``). Humans only (P31 Q5); labels and aliases in every language and
  script, birth name (P1477), pseudonyms (P742) and nicknames (P1449) become
  aliases; given and family names (P735, P734) are the labels of those items
  when the file holds them; sex (P21), birth and death years (P569, P570), and
  the relations the linker reads (spouse P26, child P40, father P22 and mother
  P25 as parent, sibling P3373), as Wikidata ids the merge makes ids;
- :func:`read_yaml`: a YAML list of entries in the schema itself.

The Wikidata property and item ids are Wikidata's own schema, not tunable data.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from anyascii import anyascii

from pipeline.kb.append import PERSON_KEYS, person_entry
from pipeline.resources import Problem

#: The columns of an import CSV: the knowledge base's keys, in the order of its schema.
CSV_FIELDS = PERSON_KEYS
#: Fields that hold several values, ``|`` between them in a CSV cell.
LIST_FIELDS = ("given", "patronymic", "surname", "diminutives", "aliases")
LIST_SEPARATOR = "|"
FORMATS = ("csv", "wikidata", "yaml")

#: Wikidata: sex (P21) items, the relation properties and the kind each is in the knowledge base.
WIKIDATA_SEX = {"Q6581097": "M", "Q6581072": "F", "Q2449503": "M", "Q1052281": "F"}
WIKIDATA_RELATIONS = {"P26": "spouse", "P40": "child", "P22": "parent", "P25": "parent", "P3373": "sibling"}
WIKIDATA_HUMAN = "Q5"
QID = re.compile(r"^Q[1-9][0-9]*$")


@dataclass
class Incoming:
    """One person entry read from an import file, and where (``FILE:LINE``)."""

    entry: dict[str, Any]
    where: str


# -- CSV ------------------------------------------------------------------------------------------


def read_csv(path: Path) -> tuple[list[Incoming], list[Problem]]:
    """The people of an import CSV (see the module), and the problems of its rows (file:line)."""
    people: list[Incoming] = []
    problems: list[Problem] = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in CSV_FIELDS]
        if unknown or "canonical" not in header:
            wanted = ", ".join(CSV_FIELDS)
            what = f"unknown column(s) {', '.join(map(repr, unknown))}" if unknown else "no canonical column"
            return [], [Problem(path, 1, f"{what}: the header names columns of {wanted}")]
        for row in reader:
            line = reader.line_num
            try:
                people.append(Incoming(_csv_entry(row), f"{path}:{line}"))
            except ValueError as err:
                problems.append(Problem(path, line, str(err)))
    return people, problems


def _csv_entry(row: dict[str, str | None]) -> dict[str, Any]:
    values = {k: (v or "").strip() for k, v in row.items() if k is not None}
    fields: dict[str, Any] = {}
    for name, value in values.items():
        if not value:
            continue
        if name in LIST_FIELDS:
            fields[name] = [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
        elif name == "related":
            fields[name] = _related_cell(value)
        elif name in ("born", "died"):
            fields[name] = _number(name, value, int)
        elif name == "prominence":
            fields[name] = _number(name, value, float)
        elif name == "sex":
            fields[name] = value.upper()
        else:
            fields[name] = value
    if not fields.get("canonical"):
        raise ValueError("canonical: empty (every person needs its most usual name)")
    fields.setdefault("id", slug(fields["canonical"]))
    return person_entry(**fields)


def _related_cell(value: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in value.split(LIST_SEPARATOR):
        kind, sep, other = item.strip().partition(":")
        if not sep or not kind.strip() or not other.strip():
            raise ValueError(f"related: {item.strip()!r} is not kind:id (spouse:natalia-sedova)")
        out.setdefault(kind.strip(), []).append(other.strip())
    return out


def _number(name: str, value: str, kind: type) -> Any:
    try:
        number = kind(value)
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not a {'whole ' if kind is int else ''}number") from None
    return int(number) if kind is float and float(number).is_integer() else number


def slug(name: str) -> str:
    """The id a name gives: lower-case ASCII words joined by ``-`` (``Léon Sedov`` -> ``leon-sedov``)."""
    return "-".join(re.findall(r"[a-z0-9]+", anyascii(name).lower())) or "person"


# -- Wikidata -------------------------------------------------------------------------------------


def read_wikidata(path: Path) -> tuple[list[Incoming], list[Problem], list[tuple[str, str]]]:
    """The humans of a file of Wikidata JSON entities (see the module): people, problems, skipped."""
    entities, problems = _wikidata_entities(path)
    labels = {qid: _all_labels(e) for qid, (e, _) in entities.items()}
    people: list[Incoming] = []
    skipped: list[tuple[str, str]] = []
    for qid, (entity, where) in entities.items():
        if WIKIDATA_HUMAN not in _item_values(entity, "P31"):
            if not _is_name_item(entity):
                skipped.append((where, f"{qid}: not a human (P31 Q5)"))
            continue
        entry = _wikidata_entry(qid, entity, labels)
        if entry is None:
            skipped.append((where, f"{qid}: no label in any language"))
            continue
        people.append(Incoming(entry, where))
    return people, problems, skipped


def _wikidata_entities(path: Path) -> tuple[dict[str, tuple[dict[str, Any], str]], list[Problem]]:
    """Entity id -> (entity, ``FILE:LINE``) of a dump (a JSON array or JSON Lines, one entity a line)
    or of a ``wbgetentities`` answer."""
    text = path.read_text(encoding="utf-8-sig")
    problems: list[Problem] = []
    out: dict[str, tuple[dict[str, Any], str]] = {}
    stripped = text.lstrip()
    if stripped.startswith("{") and '"entities"' in stripped[:200]:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            return {}, [Problem(path, err.lineno, f"not JSON: {err.msg}")]
        for qid, entity in (data.get("entities") or {}).items():
            if isinstance(entity, dict) and "missing" not in entity:
                out[str(entity.get("id", qid))] = (entity, f"{path}:{_line_of(text, qid)}")
        return out, problems
    for number, line in enumerate(text.splitlines(), start=1):
        body = line.strip().rstrip(",")
        if body in ("", "[", "]"):
            continue
        try:
            entity = json.loads(body)
        except json.JSONDecodeError as err:
            problems.append(Problem(path, number, f"not a JSON entity: {err.msg}"))
            continue
        if not isinstance(entity, dict) or not isinstance(entity.get("id"), str):
            problems.append(Problem(path, number, "not a Wikidata entity (an object with an id)"))
            continue
        out[entity["id"]] = (entity, f"{path}:{number}")
    return out, problems


def _line_of(text: str, qid: str) -> int:
    at = text.find(f'"{qid}"')
    return text.count("\n", 0, at) + 1 if at >= 0 else 0


def _wikidata_entry(qid: str, entity: dict[str, Any], labels: dict[str, list[str]]) -> dict[str, Any] | None:
    names = _all_labels(entity)
    if not names:
        return None
    canonical = _label(entity.get("labels") or {}) or names[0]
    aliases = names + _claim_texts(entity, "P1477") + _claim_texts(entity, "P742") + _claim_texts(entity, "P1449")
    given = [n for q in _item_values(entity, "P735") for n in labels.get(q, [])]
    surname = [n for q in _item_values(entity, "P734") for n in labels.get(q, [])]
    sex = next((WIKIDATA_SEX[q] for q in _item_values(entity, "P21") if q in WIKIDATA_SEX), None)
    related: dict[str, list[str]] = {}
    for prop, kind in WIKIDATA_RELATIONS.items():
        for other in _item_values(entity, prop):
            if other not in related.get(kind, []):
                related.setdefault(kind, []).append(other)  # Q-ids: made ids once every person is known
    return person_entry(
        id=slug(canonical),
        canonical=canonical,
        sex=sex,
        wikidata=qid,
        description=_label(entity.get("descriptions") or {}),
        born=_year(entity, "P569"),
        died=_year(entity, "P570"),
        given=_unique(given),
        surname=_unique(surname),
        aliases=_unique(a for a in aliases if a != canonical),
        related=related,
        source=f"wikidata {qid}",
    )


def _label(values: dict[str, Any]) -> str | None:
    """The English value of a labels or descriptions mapping, else the multilingual one, else the first."""
    for language in ("en", "mul"):
        if isinstance(values.get(language), dict) and values[language].get("value"):
            return str(values[language]["value"])
    return next((str(v["value"]) for v in values.values() if isinstance(v, dict) and v.get("value")), None)


def _all_labels(entity: dict[str, Any]) -> list[str]:
    """Every label and alias of an entity, in every language and script, each once."""
    found = [v.get("value") for v in (entity.get("labels") or {}).values() if isinstance(v, dict)]
    for values in (entity.get("aliases") or {}).values():
        found += [v.get("value") for v in values if isinstance(v, dict)] if isinstance(values, list) else []
    return _unique(str(v) for v in found if v)


def _statements(entity: dict[str, Any], prop: str) -> Iterator[dict[str, Any]]:
    """The value snaks of a property, deprecated statements left out."""
    for claim in (entity.get("claims") or {}).get(prop, []):
        snak = claim.get("mainsnak") or {}
        if claim.get("rank") != "deprecated" and snak.get("snaktype") == "value" and "datavalue" in snak:
            yield snak["datavalue"]


def _item_values(entity: dict[str, Any], prop: str) -> list[str]:
    out = []
    for value in _statements(entity, prop):
        inner = value.get("value")
        if isinstance(inner, dict) and isinstance(inner.get("id"), str):
            out.append(inner["id"])
        elif isinstance(inner, dict) and "numeric-id" in inner:
            out.append(f"Q{inner['numeric-id']}")
    return out


def _claim_texts(entity: dict[str, Any], prop: str) -> list[str]:
    out = []
    for value in _statements(entity, prop):
        inner = value.get("value")
        if isinstance(inner, str):
            out.append(inner)
        elif isinstance(inner, dict) and isinstance(inner.get("text"), str):
            out.append(inner["text"])
    return out


def _year(entity: dict[str, Any], prop: str) -> int | None:
    for value in _statements(entity, prop):
        inner = value.get("value")
        match = re.match(r"^([+-]\d+)-", inner.get("time", "")) if isinstance(inner, dict) else None
        if match and int(inner.get("precision", 11)) >= 9:  # a year or finer
            return int(match.group(1))
    return None


def _is_name_item(entity: dict[str, Any]) -> bool:
    """A given-name or family-name item (read for its labels, not imported): P31 of one of them."""
    return bool(set(_item_values(entity, "P31")) & {"Q202444", "Q101352", "Q12308941", "Q11879590", "Q3409032"})


def _unique(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        if value and value not in out:
            out.append(value)
    return out


# -- YAML -----------------------------------------------------------------------------------------


def read_yaml(path: Path) -> tuple[list[Incoming], list[Problem]]:
    """The entries of a YAML list in the knowledge base's schema, each with its line."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        return [], [Problem(path, mark.line + 1 if mark else 0, f"YAML syntax error: {err}")]
    if not isinstance(data, list):
        return [], [Problem(path, 1, "expected a list of person entries")]
    people, problems = [], []
    for item, entry in zip(node.value, data, strict=True):
        line = item.start_mark.line + 1
        if not isinstance(entry, dict) or not entry.get("canonical"):
            problems.append(Problem(path, line, "an entry needs a mapping with canonical"))
            continue
        entry = dict(entry)
        entry.setdefault("id", slug(str(entry["canonical"])))
        people.append(Incoming(person_entry(**entry), f"{path}:{line}"))
    return people, problems


def format_of(source: Path) -> str:
    """The import format a file's extension names: ``.csv``, ``.json``/``.jsonl`` (Wikidata), ``.yaml``."""
    suffix = source.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".json", ".jsonl", ".ndjson"):
        return "wikidata"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    raise ValueError(f"{source}: cannot tell the format from the extension; give --format ({', '.join(FORMATS)})")
