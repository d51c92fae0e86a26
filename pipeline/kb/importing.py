"""People of an import file merged into ``kb/persons.yaml``: ``namelink kb import``.

The readers are :mod:`pipeline.kb.import_formats` (CSV, Wikidata JSON, YAML).
:func:`import_people` merges their people with the persons there by id or
Wikidata id: a new person is appended; a known one gains the names, relations
and empty fields the import brings (its own values win: a differing value is a
note); then the whole folder is checked
(:func:`pipeline.kb.validate.check_models`) before the file is replaced
atomically, or left untouched with every problem. The file is edited as text
(the entries changed are rewritten in place, the new ones appended), so its
comments and layout stay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.kb.append import _replace, appended, entry_text, person_entry, problems_with
from pipeline.kb.import_formats import LIST_FIELDS, QID, Incoming, format_of, read_csv, read_wikidata, read_yaml
from pipeline.kb.validate import KB_PERSONS
from pipeline.resources import ModelsError, models_dir

#: Fields a known person takes from an import only when it has none.
FILLED_FIELDS = ("canonical", "sex", "wikidata", "description", "born", "died", "prominence", "source")


@dataclass
class ImportReport:
    """What an import did: ids added and changed, entries unchanged, skipped with why, notes."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    path: Path | None = None

    def summary(self) -> str:
        return (
            f"added {len(self.added)}, changed {len(self.changed)}, unchanged {len(self.unchanged)}, "
            f"skipped {len(self.skipped)}"
        )


# -- merging and writing ----------------------------------------------------------------------------


def import_people(
    source: Path, fmt: str | None = None, models: str | Path | None = None, write: bool = True
) -> ImportReport:
    """Import the people of ``source`` (format by ``fmt`` or its extension) into the persons file of
    the models folder ``models`` (see the module).

    RAISES (ModelsError): With every problem of the file read or of the folder as it would be; the
    knowledge base untouched.
    """
    fmt = fmt or format_of(source)
    report = ImportReport()
    if fmt == "csv":
        people, problems = read_csv(source)
    elif fmt == "wikidata":
        people, problems, report.skipped = read_wikidata(source)
    else:
        people, problems = read_yaml(source)
    if problems:
        raise ModelsError(problems)
    folder = models_dir(models)
    path = folder / "kb" / KB_PERSONS
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    blocks = _entry_blocks(text)
    merged = _merge(blocks, people, report)
    new_text, first_new = _rewritten(text, blocks, merged, report)
    found = problems_with(folder, new_text, first_new_line=first_new)
    if found:
        raise ModelsError(found)
    if write and (report.added or report.changed):
        _replace(path, new_text)
    report.path = path
    return report


@dataclass
class _Block:
    """An entry of the persons file: its data and its lines (0-based, end exclusive)."""

    entry: dict[str, Any]
    start: int
    end: int


def _entry_blocks(text: str) -> list[_Block]:
    """The entries of the persons file with the lines each is written on (comments between kept out)."""
    if not text.strip():
        return []
    node = yaml.compose(text)
    data = yaml.safe_load(text) or []
    blocks = []
    for item, entry in zip(node.value if node is not None else [], data, strict=True):
        last = max((value.end_mark for _, value in item.value), key=lambda m: (m.line, m.column), default=item.end_mark)
        end = last.line + 1 if last.column > 0 else last.line
        blocks.append(_Block(entry, item.start_mark.line, end))
    return blocks


def _merge(blocks: list[_Block], people: list[Incoming], report: ImportReport) -> dict[int | str, dict[str, Any]]:
    """Block index -> its merged entry (the known people changed) and new id -> entry (the new ones),
    the imported relations' Wikidata ids made knowledge-base ids."""
    by_id = {b.entry.get("id"): n for n, b in enumerate(blocks)}
    by_qid = {b.entry.get("wikidata"): n for n, b in enumerate(blocks) if b.entry.get("wikidata")}
    ids_of_qid = {q: blocks[n].entry["id"] for q, n in by_qid.items()}
    targets: list[tuple[int | str, dict[str, Any], Incoming]] = []
    new: dict[str, dict[str, Any]] = {}
    for person in people:
        entry = person.entry
        qid = entry.get("wikidata")
        known = by_qid.get(qid) if qid in by_qid else by_id.get(entry["id"])
        if known is not None and qid and blocks[known].entry.get("wikidata") not in (None, qid):
            entry = {**entry, "id": f"{entry['id']}-{qid.lower()}"}  # a namesake: same slug, another person
            known = None
        if known is None:
            if entry["id"] in new or entry["id"] in by_id:
                entry = {**entry, "id": f"{entry['id']}-{(qid or str(len(new))).lower()}"}
            new[entry["id"]] = entry
            targets.append((entry["id"], entry, person))
        else:
            targets.append((known, entry, person))
        if qid:
            ids_of_qid.setdefault(qid, entry["id"] if known is None else blocks[known].entry["id"])
    merged: dict[int | str, dict[str, Any]] = {}
    for key, entry, person in targets:
        entry = _with_related_ids(entry, ids_of_qid, person, report)
        if isinstance(key, str):
            merged[key] = entry
            report.added.append(key)
            continue
        base = merged.get(key, blocks[key].entry)
        combined = _combined(base, entry, person, report)
        if combined != blocks[key].entry:
            merged[key] = combined
            if base["id"] not in report.changed:
                report.changed.append(base["id"])
        elif base["id"] not in report.unchanged:
            report.unchanged.append(base["id"])
    return merged


def _with_related_ids(
    entry: dict[str, Any], ids_of_qid: dict[str, str], person: Incoming, report: ImportReport
) -> dict[str, Any]:
    """``related`` with Wikidata ids as the knowledge base's ids; a relation to nobody known is a note."""
    related: dict[str, list[str]] = {}
    for kind, others in (entry.get("related") or {}).items():
        for other in others:
            if QID.match(str(other)):
                if other not in ids_of_qid:
                    report.notes.append(f"{person.where}: {kind} {other} is nobody of the knowledge base or the file")
                    continue
                other = ids_of_qid[other]
            related.setdefault(kind, []).append(other)
    return person_entry(**{**entry, "related": related})


def _combined(base: dict[str, Any], incoming: dict[str, Any], person: Incoming, report: ImportReport) -> dict[str, Any]:
    """A known person with what an import adds: new names and relations, fields it has none of."""
    out = dict(base)
    for name in LIST_FIELDS:
        values = list(base.get(name) or [])
        values += [v for v in incoming.get(name) or [] if v not in values and v != base.get("canonical")]
        out[name] = values
    related = {k: list(v) for k, v in (base.get("related") or {}).items()}
    for kind, others in (incoming.get("related") or {}).items():
        related.setdefault(kind, [])
        related[kind] += [o for o in others if o not in related[kind]]
    out["related"] = related
    for name in FILLED_FIELDS:
        if incoming.get(name) in (None, ""):
            continue
        if base.get(name) in (None, ""):
            out[name] = incoming[name]
        elif base[name] != incoming[name] and name not in ("source", "canonical", "prominence"):
            kept = f"{base['id']} keeps its {name} {base[name]!r}"
            report.notes.append(f"{person.where}: {kept} (the import has {incoming[name]!r})")
    return person_entry(**out)


def _rewritten(
    text: str, blocks: list[_Block], merged: dict[int | str, dict[str, Any]], report: ImportReport
) -> tuple[str, int]:
    """The persons file with the changed entries rewritten in place and the new ones appended, and
    the first line of the appended part (1-based)."""
    lines = text.splitlines(keepends=True)
    for n in sorted((k for k in merged if isinstance(k, int)), reverse=True):
        block = blocks[n]
        lines[block.start : block.end] = entry_text(merged[n]).splitlines(keepends=True)
    out = "".join(lines)
    first_new = out.count("\n") + 2
    for key in report.added:
        out = appended(out, merged[key])
    return out, first_new
