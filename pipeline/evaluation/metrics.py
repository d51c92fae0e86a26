"""Scoring person mentions and links against gold data (``docs/annotation.md``).

Metrics, all for PERSON and with gold ``ignore`` regions left out:

- **strict** P/R/F1: a predicted mention counts when its raw offsets equal a
  gold mention's;
- **fuzzy** P/R/F1: overlapping spans, matched one-to-one;
- **link B-cubed** P/R/F1 over the strictly matched mentions, all documents
  pooled (how well predicted ids cluster the gold individuals);
- **end-to-end** P/R/F1: a mention counts when its span is exact and its id
  maps to the gold individual, under a one-to-one mapping of predicted ids to
  gold ids chosen greedily by shared mentions;
- **alias recall**: end-to-end recall on gold mentions sharing no word with
  their individual's most frequent multi-word name (Bronstein, Jacson, L. D.).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.records import JsonLinesError, numbered_records, window
from pipeline.resources import person_label

#: The label of a person mention in gold files (``docs/annotation.md``); spans without a label are persons.
GOLD_PERSON = "PERSON"

Span = tuple[int, int]


@dataclass
class GoldDocument:
    """The gold annotation of one document.

    doc_id (str): The document's id (its raw file is ``<doc_id>.txt``).
    spans (dict): Raw (start, end) -> gold individual id, PERSON spans only.
    texts (dict): Raw (start, end) -> the span's text, every label.
    ignore (list): Raw regions left out of scoring.
    """

    doc_id: str
    spans: dict[Span, str]  # raw span -> gold individual id
    texts: dict[Span, str]
    ignore: list[Span] = field(default_factory=list)

    def ignored(self, span: Span) -> bool:
        """Whether ``span`` lies in or overlaps an ``ignore`` region."""
        return any(a <= span[0] and span[1] <= b for a, b in self.ignore) or any(
            span[0] < b and a < span[1] for a, b in self.ignore
        )


def load_gold(path: str | Path) -> dict[str, GoldDocument]:
    """Read a gold JSONL file (``docs/annotation.md``).

    path (str | Path): The file, one document per line.
    RETURNS (dict): Document id -> :class:`GoldDocument`.
    RAISES (JsonLinesError): At the first line that is no gold document (``FILE:LINE: problem``):
        not JSON, no ``doc_id`` or ``spans``, a span without offsets, text or (a person's) ``kb_id``,
        a ``doc_id`` given twice.
    """
    docs, lines = {}, {}
    for number, rec in numbered_records(path):
        problem = gold_line_problem(rec)
        if problem is None and rec["doc_id"] in lines:
            problem = f"doc_id {rec['doc_id']!r} again (first on line {lines[rec['doc_id']]})"
        if problem is not None:
            raise JsonLinesError(path, number, f"{problem} (the gold format: docs/annotation.md)")
        lines[rec["doc_id"]] = number
        persons = [s for s in rec["spans"] if s.get("label", GOLD_PERSON) == GOLD_PERSON]
        spans = {(s["start"], s["end"]): s["kb_id"] for s in persons}
        texts = {(s["start"], s["end"]): s["text"] for s in rec["spans"]}
        docs[rec["doc_id"]] = GoldDocument(rec["doc_id"], spans, texts, [tuple(r) for r in rec.get("ignore", [])])
    return docs


def gold_line_problem(rec: dict[str, Any]) -> str | None:
    """What makes one parsed gold line no gold document (None: nothing)."""
    if not isinstance(rec.get("doc_id"), str) or not rec["doc_id"]:
        return "no doc_id (a string)"
    if not isinstance(rec.get("spans"), list):
        return "no spans (a list)"
    for n, span in enumerate(rec["spans"], 1):
        if not isinstance(span, dict):
            return f"span {n} is not an object"
        start, end = span.get("start"), span.get("end")
        if not (_offset(start) and _offset(end) and start < end):
            return f"span {n}: start and end must be offsets, start < end (got {start!r}, {end!r})"
        if not isinstance(span.get("text"), str):
            return f"span {n}: no text"
        if span.get("label", GOLD_PERSON) == GOLD_PERSON and "kb_id" not in span:
            return f"span {n}: a person without kb_id"
    ignore = rec.get("ignore", [])
    if not isinstance(ignore, list) or not all(
        isinstance(r, list) and len(r) == 2 and _offset(r[0]) and _offset(r[1]) for r in ignore
    ):
        return "ignore must be a list of [start, end] pairs"
    return None


def _offset(value: Any) -> bool:
    """Whether ``value`` is a character offset (an int >= 0, not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def predictions_from_records(
    records: Iterable[dict[str, Any]], label: str | None = None
) -> dict[str, dict[Span, str | None]]:
    """Person predictions per document: raw span -> predicted id (``label``: the person
    label of the run, by default ``rules/labels.yaml``'s)."""
    label = label or person_label()
    out: dict[str, dict[Span, str | None]] = {}
    for rec in records:
        out[rec["doc_id"]] = {
            (e["raw_start"], e["raw_end"]): e["entity_id"] for e in rec["entities"] if e["label"] == label
        }
    return out


def prf(tp: float, n_pred: float, n_gold: float) -> dict[str, float]:
    """Precision, recall and F1 (0 where undefined), rounded to 4 places.

    tp (float): True positives.
    n_pred (float): Predictions.
    n_gold (float): Gold items.
    RETURNS (dict): ``precision``, ``recall``, ``f1``.
    """
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


@dataclass
class Report:
    """Every figure of one evaluation, and the errors behind them.

    strict, fuzzy, bcubed, end_to_end (dict): ``precision``, ``recall``, ``f1`` each.
    alias_recall (float): End-to-end recall on alias mentions.
    counts (dict): Gold, predicted, matched, correctly linked and alias mentions.
    individuals (list): Per gold individual: mentions, linked right, recall.
    misses, false_alarms, wrong_links (list): The errors, with their context.
    """

    strict: dict[str, float]
    fuzzy: dict[str, float]
    bcubed: dict[str, float]
    end_to_end: dict[str, float]
    alias_recall: float
    counts: dict[str, int]
    individuals: list[dict[str, Any]]
    misses: list[dict[str, Any]]
    false_alarms: list[dict[str, Any]]
    wrong_links: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data (for ``--json``)."""
        return self.__dict__.copy()


Key = tuple[str, Span]  # (doc_id, raw span)


def evaluate(
    gold: dict[str, GoldDocument],
    predicted: dict[str, dict[Span, str | None]],
    raw_texts: dict[str, str] | None = None,
) -> Report:
    """Score predictions against gold data (see the module doc for the metrics).

    gold (dict): Gold documents by id (:func:`load_gold`).
    predicted (dict): Raw span -> predicted id, per document id (:func:`predictions_from_records`).
    raw_texts (dict | None): Raw text per document id, for the context of misses and false alarms.
    RETURNS (Report): Every figure, the per-individual recall and the error lists.
    """
    gold_map, pred_map, fuzzy_tp = _pool(gold, predicted)
    matched = [k for k in gold_map if k in pred_map]
    mapping = _greedy_mapping(gold_map, pred_map, matched)
    correct = {k for k in matched if pred_map[k] is not None and mapping.get(pred_map[k]) == gold_map[k]}
    alias_keys = _alias_mentions(gold, gold_map)
    return Report(
        strict=prf(len(matched), len(pred_map), len(gold_map)),
        fuzzy=prf(fuzzy_tp, len(pred_map), len(gold_map)),
        bcubed=_bcubed([(gold_map[k], pred_map[k] or f"none:{k}") for k in matched]),
        end_to_end=prf(len(correct), len(pred_map), len(gold_map)),
        alias_recall=round(len(alias_keys & correct) / len(alias_keys), 4) if alias_keys else 0.0,
        counts={
            "gold": len(gold_map),
            "predicted": len(pred_map),
            "matched": len(matched),
            "linked_correctly": len(correct),
            "alias_mentions": len(alias_keys),
        },
        individuals=_per_individual(gold_map, correct),
        **_errors(gold_map, pred_map, matched, correct, raw_texts or {}),
    )


def _pool(
    gold: dict[str, GoldDocument], predicted: dict[str, dict[Span, str | None]]
) -> tuple[dict[Key, str], dict[Key, str | None], int]:
    """Gold and predicted ids keyed (doc_id, span) over all documents, ignored regions left out,
    and the number of fuzzy matches (counted per document)."""
    gold_map: dict[Key, str] = {}
    pred_map: dict[Key, str | None] = {}
    fuzzy_tp = 0
    for doc_id, g in gold.items():
        pred = {s: i for s, i in predicted.get(doc_id, {}).items() if not g.ignored(s)}
        gspans = {s: i for s, i in g.spans.items() if not g.ignored(s)}
        gold_map.update(((doc_id, s), i) for s, i in gspans.items())
        pred_map.update(((doc_id, s), i) for s, i in pred.items())
        fuzzy_tp += _fuzzy_matches(list(gspans), list(pred))
    return gold_map, pred_map, fuzzy_tp


def _errors(
    gold_map: dict[Key, str], pred_map: dict[Key, str | None], matched: list[Key], correct: set[Key], texts: dict
) -> dict[str, list[dict[str, Any]]]:
    """The misses, false alarms and wrong links, in context, sorted by document and offset."""
    return {
        "misses": [_context(k, gold_map[k], texts) for k in sorted(gold_map) if k not in pred_map],
        "false_alarms": [_context(k, pred_map[k], texts) for k in sorted(pred_map) if k not in gold_map],
        "wrong_links": [
            {**_context(k, pred_map[k], texts), "gold": gold_map[k]} for k in sorted(matched) if k not in correct
        ],
    }


def _fuzzy_matches(gold: list[Span], pred: list[Span]) -> int:
    used: set[Span] = set()
    count = 0
    for g in sorted(gold):
        for p in sorted(pred):
            if p not in used and p[0] < g[1] and g[0] < p[1]:
                used.add(p)
                count += 1
                break
    return count


def _bcubed(pairs: list[tuple[str, str]]) -> dict[str, float]:
    if not pairs:
        return prf(0, 0, 0)
    by_gold, by_pred = defaultdict(list), defaultdict(list)
    for n, (g, p) in enumerate(pairs):
        by_gold[g].append(n)
        by_pred[p].append(n)
    joint = Counter(pairs)
    precision = sum(joint[(g, p)] / len(by_pred[p]) for g, p in pairs) / len(pairs)
    recall = sum(joint[(g, p)] / len(by_gold[g]) for g, p in pairs) / len(pairs)
    f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f, 4)}


def _greedy_mapping(gold_map: dict, pred_map: dict, matched: list) -> dict[str, str]:
    shared = Counter((pred_map[k], gold_map[k]) for k in matched if pred_map[k] is not None)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for (p, g), _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0])):
        if p not in mapping and g not in taken:
            mapping[p] = g
            taken.add(g)
    return mapping


def _alias_mentions(gold: dict[str, GoldDocument], gold_map: dict) -> set:
    names: dict[str, Counter] = defaultdict(Counter)
    for (doc_id, span), ident in gold_map.items():
        text = gold[doc_id].texts.get(span, "")
        if len(text.split()) >= 2:
            names[ident][text.lower()] += 1
    out = set()
    for (doc_id, span), ident in gold_map.items():
        if not names[ident]:
            continue
        main = set(_words(names[ident].most_common(1)[0][0]))
        if not main & set(_words(gold[doc_id].texts.get(span, "").lower())):
            out.add((doc_id, span))
    return out


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _per_individual(gold_map: dict, correct: set) -> list[dict[str, Any]]:
    totals, hits = Counter(gold_map.values()), Counter(gold_map[k] for k in correct)
    return [
        {"individual": ident, "mentions": n, "linked": hits[ident], "recall": round(hits[ident] / n, 4)}
        for ident, n in totals.most_common()
    ]


def _context(key: tuple[str, Span], ident: str | None, texts: dict[str, str]) -> dict[str, Any]:
    doc_id, (start, end) = key
    raw = texts.get(doc_id, "")
    left, mention, right = window(raw, start, end)
    return {
        "doc_id": doc_id,
        "start": start,
        "end": end,
        "text": raw[start:end],
        "id": ident,
        "context": f"{left} [[{mention}]] {right}".strip(),
    }
