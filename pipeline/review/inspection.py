"""Inspect a finished run: what was found, where the pipeline is unsure, what failed.

:func:`load_run` reads an output folder (``documents.jsonl``,
``entities.jsonl``, ``manifest.json``); :class:`Filters` selects mentions
(by entity id, document, label, score range); three row builders give flat
dicts ready for ``jq`` or pandas:

- :func:`mention_rows`: one row per mention that passes the filters;
- :func:`entity_rows`: one row per individual, by mention count, with its
  surface forms (NIL individuals, ``nil:<slug>``, flagged ``in_kb: false``);
- :func:`document_rows`: one row per document, with its status and error.

:func:`summary_text` lays them out as the terminal summary of
``namelink inspect``: entities, NIL individuals, low-confidence links and
documents with errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.output.entities import EntityTable
from pipeline.records import DOCUMENTS, ENTITIES, NIL_PREFIX, check_output_set, read_manifest, read_records, window
from pipeline.resources import person_label

#: Links scored below this are listed as low-confidence.
LOW_SCORE = 0.8


@dataclass
class RunOutput:
    """A finished run, as :func:`load_run` reads it.

    folder (Path): The output folder.
    documents (list): The ``documents.jsonl`` records (:class:`pipeline.records.DocumentRecord`).
    entities (dict): Entity id -> ``entities.jsonl`` row (:class:`pipeline.records.EntityRow`).
    manifest (dict): ``manifest.json``, empty if missing.
    """

    folder: Path
    documents: list[dict[str, Any]]
    entities: dict[str, dict[str, Any]]  # entity id -> entities.jsonl row
    manifest: dict[str, Any] = field(default_factory=dict)


def load_run(folder: str | Path) -> RunOutput:
    """Read an output folder written by ``namelink run``.

    folder (str | Path): The folder with ``documents.jsonl`` (and ``entities.jsonl``, ``manifest.json``).
    RETURNS (RunOutput): The records, the entity rows by id and the manifest.
    RAISES (FileNotFoundError): The folder holds no ``documents.jsonl``.
    RAISES (IncompleteOutputError): Its files are not the set its manifest names.
    """
    folder = Path(folder)
    if not (folder / DOCUMENTS).is_file():
        raise FileNotFoundError(f"no {DOCUMENTS} in {folder}: run `namelink run` first")
    check_output_set(folder)
    entities = {}
    if (folder / ENTITIES).is_file():
        entities = {row["entity_id"]: row for row in read_records(folder / ENTITIES)}
    manifest = read_manifest(folder)
    return RunOutput(folder, read_records(folder / DOCUMENTS), entities, manifest)


@dataclass(frozen=True)
class Filters:
    """Which mentions to show; empty fields select everything."""

    entity: tuple[str, ...] = ()
    doc: tuple[str, ...] = ()
    label: tuple[str, ...] = ()
    min_score: float | None = None
    max_score: float | None = None

    def document(self, record: dict[str, Any]) -> bool:
        """Whether the ``documents.jsonl`` record ``record`` passes the ``doc`` filter."""
        return not self.doc or record["doc_id"] in self.doc

    def mention(self, ent: dict[str, Any]) -> bool:
        """Whether the mention ``ent`` (an :class:`pipeline.records.EntityRecord`) passes the other filters."""
        if self.entity and ent["entity_id"] not in self.entity:
            return False
        if self.label and ent["label"] not in self.label:
            return False
        score = ent["score"]
        if self.min_score is not None and (score is None or score < self.min_score):
            return False
        return self.max_score is None or (score is not None and score <= self.max_score)

    def describe(self) -> str:
        """The filters in effect, e.g. ``label=PERSON score<=0.7`` (empty when none)."""
        named = (("entity", self.entity), ("doc", self.doc), ("label", self.label))
        parts = [f"{name}={','.join(values)}" for name, values in named if values]
        parts += [f"score>={self.min_score}"] if self.min_score is not None else []
        parts += [f"score<={self.max_score}"] if self.max_score is not None else []
        return " ".join(parts)


def mention_rows(run: RunOutput, filters: Filters = Filters()) -> list[dict[str, Any]]:
    """Every mention that passes ``filters``, with its document id and a short context."""
    out = []
    for record in run.documents:
        if not filters.document(record):
            continue
        text = record.get("text") or ""
        for ent in record["entities"]:
            if filters.mention(ent):
                out.append({"doc_id": record["doc_id"], **ent, "context": context(text, ent["start"], ent["end"])})
    return out


def entity_rows(run: RunOutput, mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per linked individual of ``mentions``, most mentioned first; known ids are
    described as the run's ``entities.jsonl`` has them."""
    table = EntityTable(describe=run.entities.get)
    for m in mentions:
        table.add_mention(m["doc_id"], m)
    return list(table.records())


def document_rows(run: RunOutput, filters: Filters = Filters()) -> list[dict[str, Any]]:
    """One row per document: status, error, mention counts (of mentions passing ``filters``)."""
    person = person_label()
    out = []
    for record in run.documents:
        if not filters.document(record):
            continue
        chosen = [e for e in record["entities"] if filters.mention(e)]
        out.append(
            {
                "doc_id": record["doc_id"],
                "source": record["source"],
                "status": record["status"],
                "error": record["error"],
                "characters": len(record.get("text") or ""),
                "mentions": len(chosen),
                "persons": sum(e["label"] == person for e in chosen),
            }
        )
    return out


def context(text: str, start: int, end: int, width: int = 40) -> str:
    """``left [[mention]] right`` on one line."""
    left, mention, right = window(text, start, end, width)
    return f"{left} [[{mention}]] {right}".strip()


# -- the terminal summary ----------------------------------------------------------------------


def summary_text(run: RunOutput, filters: Filters = Filters(), low: float = LOW_SCORE, limit: int = 20) -> str:
    """The readable summary ``namelink inspect`` prints (``limit`` rows per section, 0 for all)."""
    mentions = mention_rows(run, filters)
    entities = entity_rows(run, mentions)
    documents = document_rows(run, filters)
    errors = [d for d in documents if d["status"] == "error"]
    lines = [_headline(run, filters, mentions, entities, documents, errors)]
    lines += _section("Entities by mentions", _entity_lines(entities), limit, _ENTITY_HEADER)
    lines += _section(
        "NIL individuals (not in the knowledge base)", _entity_lines(entities, nil=True), limit, _ENTITY_HEADER
    )
    unsure = sorted(
        (m for m in mentions if m["score"] is not None and m["score"] < low and not _is_nil(m)),
        key=lambda m: (m["score"], m["doc_id"], m["start"]),
    )
    lines += _section(f"Low-confidence links (score < {low:g})", [_mention_line(m) for m in unsure], limit)
    lines += _section("Documents with errors", [f"{d['doc_id']}  {d['source']}: {d['error']}" for d in errors], limit)
    return "\n".join(lines)


def _headline(run: RunOutput, filters: Filters, mentions: list, entities: list, documents: list, errors: list) -> str:
    chosen = filters.describe()
    return (
        f"{run.folder}: {len(documents)} documents ({len(errors)} with errors), {len(mentions)} mentions, "
        f"{len(entities)} linked individuals" + (f"  [filters: {chosen}]" if chosen else "")
    )


def _is_nil(m: dict[str, Any]) -> bool:
    return bool(m["entity_id"]) and m["entity_id"].startswith(NIL_PREFIX)


_ENTITY_HEADER = f"{'mentions':>6} {'docs':>4}  {'id':<30} {'label':<7} {'canonical':<26} surface forms"


def _entity_lines(rows: list[dict[str, Any]], nil: bool = False) -> list[str]:
    out = []
    for row in rows:
        if nil == row["in_kb"]:
            continue
        forms = ", ".join(f"{text} ×{n}" for text, n in list(row["surface_forms"].items())[:6])
        more = len(row["surface_forms"]) - 6
        forms += f", +{more} more" if more > 0 else ""
        out.append(
            f"{row['mentions']:>6} {len(row['documents']):>4}  {row['entity_id']:<30} {row['label']:<7} "
            f"{row['canonical']:<26} {forms}"
        )
    return out


def _mention_line(m: dict[str, Any]) -> str:
    return (
        f"{m['score']:.2f}  {m['doc_id']} {m['start']}-{m['end']}  {m['text']!r} -> {m['entity_id']} "
        f"({m['method']})  {m['context']}"
    )


def _section(title: str, rows: list[str], limit: int, header: str = "") -> list[str]:
    shown = rows if limit <= 0 else rows[:limit]
    out = ["", f"{title} ({len(rows)})"]
    if not rows:
        return out + ["  (none)"]
    out += ["  " + header] if header else []
    out += ["  " + row for row in shown]
    if len(rows) > len(shown):
        out.append(f"  ... {len(rows) - len(shown)} more (--limit 0 shows all)")
    return out
