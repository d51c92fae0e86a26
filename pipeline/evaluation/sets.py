"""Every gold set side by side: namelink beside plain spaCy, for one model.

A sets file (``tests/gold/sets.yaml``) lists the gold sets with their kind:
``annotation`` sets (gold JSONL to ``docs/annotation.md`` and raw files) are
scored with :func:`pipeline.evaluation.metrics.evaluate` (strict F1,
end-to-end linked F1, alias recall); ``hipe`` sets (a HIPE-2020 folder) by
the scorer shipped with the data, PERSON strict and fuzzy F1 in token mode
with PERSON, LOC and ORG scored together, as the HIPE README scores it. A
``hipe`` set whose folder is missing is skipped (the data is never copied
into the project). ``once`` sets are measured at the end of a piece of work
only: :func:`select_sets` leaves them out unless asked for.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.evaluation.metrics import evaluate, load_gold, predictions_from_records
from pipeline.evaluation.runner import PlainModels, plain_spacy_predictions
from pipeline.io import read_document
from pipeline.resources import LabelRules, person_label


@dataclass(frozen=True)
class GoldSet:
    """One entry of a sets file, its paths resolved against the file's folder."""

    name: str
    kind: str
    description: str = ""
    once: bool = False
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        return all(p.exists() for p in self.paths.values())


@dataclass(frozen=True)
class SetRow:
    """One set and one system: the figures of its kind (``None`` where a kind has none)."""

    set_name: str
    system: str
    figures: dict[str, float]
    gold_mentions: int | None = None


def load_sets(path: Path) -> list[GoldSet]:
    """The sets of a sets file; a clear ``ValueError`` for an entry without name or kind."""
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    base = Path(path).parent
    sets = []
    for entry in entries:
        if not isinstance(entry, dict) or "name" not in entry or entry.get("kind") not in ("annotation", "hipe"):
            raise ValueError(f"{path}: every set needs a name and a kind (annotation or hipe): {entry!r}")
        keys = ("gold", "raw") if entry["kind"] == "annotation" else ("folder", "scorer")
        missing = [k for k in keys if k not in entry]
        if missing:
            raise ValueError(f"{path}: set {entry['name']!r} ({entry['kind']}) needs {', '.join(missing)}")
        paths = {k: (base / entry[k]).resolve() for k in keys}
        sets.append(GoldSet(entry["name"], entry["kind"], entry.get("description", ""), bool(entry.get("once")), paths))
    return sets


def select_sets(sets: list[GoldSet], names: Iterable[str] = (), once: bool = False) -> list[GoldSet]:
    """The sets named (all of them when none is), without the ``once`` sets unless named or ``once``."""
    wanted = list(names)
    unknown = set(wanted) - {s.name for s in sets}
    if unknown:
        raise ValueError(f"no such gold set: {', '.join(sorted(unknown))} (known: {', '.join(s.name for s in sets)})")
    if wanted:
        return [s for s in sets if s.name in wanted]
    return [s for s in sets if once or not s.once]


def score_sets(
    sets: list[GoldSet], model: str, models: Path | None = None, span_style: str = "namelink"
) -> list[SetRow]:
    """namelink and plain spaCy on every available set, with one pipeline for all of them."""
    from pipeline.batch import Pipeline

    pipe = Pipeline(model, models, span_style=span_style)
    rows: list[SetRow] = []
    for gold_set in sets:
        if not gold_set.available:
            continue
        score = _score_annotation if gold_set.kind == "annotation" else _score_hipe
        rows.extend(score(gold_set, pipe, model, models))
    return rows


def _score_annotation(gold_set: GoldSet, pipe: Any, model: str, models: Path | None) -> list[SetRow]:
    gold = load_gold(gold_set.paths["gold"])
    files = {doc_id: gold_set.paths["raw"] / f"{doc_id}.txt" for doc_id in gold}
    texts = {doc_id: read_document(p).text for doc_id, p in files.items()}
    records = [pipe.process_file(files[doc_id]) for doc_id in gold]
    systems = {
        "namelink": predictions_from_records(records, person_label(models)),
        "spacy": plain_spacy_predictions(texts, model, {r["doc_id"]: r.get("language") or "" for r in records}, models),
    }
    rows = []
    for system, predicted in systems.items():
        report = evaluate(gold, predicted, texts)
        figures = {"strict": report.strict["f1"], "end_to_end": report.end_to_end["f1"], "alias": report.alias_recall}
        rows.append(SetRow(gold_set.name, system, figures, report.counts["gold"]))
    return rows


def _score_hipe(gold_set: GoldSet, pipe: Any, model: str, models: Path | None) -> list[SetRow]:
    folder, scorer = gold_set.paths["folder"], gold_set.paths["scorer"]
    texts = sorted(folder.glob("*.txt"))
    with tempfile.TemporaryDirectory(prefix="namelink-hipe-") as tmp:
        predicted = {"namelink": Path(tmp) / "namelink.jsonl", "spacy": Path(tmp) / "spacy.jsonl"}
        records = [pipe.process_file(path) for path in texts]
        _write_lines(predicted["namelink"], records)
        languages = {path.stem: record.get("language") or "" for path, record in zip(texts, records, strict=True)}
        _write_lines(predicted["spacy"], _plain_records(texts, model, languages, models))
        return [
            SetRow(gold_set.name, system, _hipe_person(scorer, folder / "gold.jsonl", path))
            for system, path in predicted.items()
        ]


def _plain_records(
    paths: list[Path], model: str, languages: dict[str, str], models: Path | None
) -> Iterable[dict[str, Any]]:
    """The model alone over the raw texts (each document by its language's pipeline, as namelink
    reads it), as records the HIPE scorer reads."""
    plain, labels = PlainModels(model, models), LabelRules.load()
    for path in paths:
        text = read_document(path).text
        ents = [
            {"raw_start": e.start_char, "raw_end": e.end_char, "label": labels.of_model(e.label_), "text": e.text}
            for e in plain.for_language(languages.get(path.stem, ""))(text).ents
        ]
        yield {"doc_id": path.stem, "status": "ok", "entities": ents}


def _write_lines(path: Path, records: Iterable[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _hipe_person(scorer: Path, gold: Path, predicted: Path) -> dict[str, float]:
    """PERSON strict and fuzzy F1 from the HIPE scorer's table."""
    command = [sys.executable, str(scorer), "score", str(gold), str(predicted), "--labels", "PERSON,LOC,ORG"]
    result = subprocess.run([*command, "--mode", "token"], check=True, capture_output=True, text=True)
    line = next((row for row in result.stdout.splitlines() if row.startswith("PERSON")), None)
    if line is None:
        raise ValueError(f"{scorer} printed no PERSON row:\n{result.stdout[-500:]}")
    numbers = [float(x) for x in re.findall(r"\b\d\.\d{3}\b", line)]
    return {"strict": numbers[2], "fuzzy": numbers[5]}


def format_table(rows: list[SetRow], model: str) -> list[str]:
    """A markdown table: one line per set and system."""
    lines = [
        f"model: {model}",
        "",
        "| set | system | strict F1 | end-to-end F1 | alias recall | HIPE fuzzy F1 | gold mentions |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = [_cell(row.figures.get(k)) for k in ("strict", "end_to_end", "alias", "fuzzy")]
        count = "" if row.gold_mentions is None else str(row.gold_mentions)
        lines.append(f"| {row.set_name} | {row.system} | " + " | ".join(cells) + f" | {count} |")
    return lines


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"
