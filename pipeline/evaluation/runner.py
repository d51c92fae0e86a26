"""Running an evaluation: predictions for a gold file, and the printed report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.evaluation.metrics import Report, evaluate, load_gold, predictions_from_records
from pipeline.io import read_document
from pipeline.records import DOCUMENTS, check_output_set, read_records
from pipeline.resources import LabelRules, LanguageRules, person_label


def score_run(
    gold_path: Path,
    raw_dir: Path,
    pred_path: Path | None,
    model: str,
    models: Path | None,
    baseline: bool = False,
) -> dict[str, Report]:
    """Score the pipeline (or a finished run) on gold data.

    gold_path (Path): Gold JSONL.
    raw_dir (Path): Folder with the gold's raw files (``<doc_id>.txt``).
    pred_path (Path | None): A run's ``documents.jsonl`` to score instead of running the pipeline.
    model (str): The spaCy pipeline.
    models (Path | None): The models folder.
    baseline (bool): Also score the spaCy model alone.
    RETURNS (dict): Reports keyed ``namelink`` (and ``spacy`` with ``baseline``); when the
        documents are in several languages (their records' ``language``), also one per language
        keyed ``namelink:LANG`` (and ``spacy:LANG``).
    RAISES (FileNotFoundError): Raw files are missing and there is no ``pred_path``.
    RAISES (IncompleteOutputError): ``pred_path`` is a run's output whose files are not the set
        its manifest names.
    """
    gold = load_gold(gold_path)
    files = {doc_id: raw_dir / f"{doc_id}.txt" for doc_id in gold}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing and pred_path is None:
        raise FileNotFoundError(f"raw files of the gold not found: {', '.join(missing[:5])}")
    texts = {doc_id: read_document(p).text for doc_id, p in files.items() if p.is_file()}
    if pred_path is not None:
        pred_path = Path(pred_path)
        folder = pred_path if pred_path.is_dir() else pred_path.parent
        if pred_path.is_dir() or pred_path.name == DOCUMENTS:
            check_output_set(folder)  # a set a kill cut short is no run to score
        records = read_records(pred_path / DOCUMENTS if pred_path.is_dir() else pred_path)
    else:
        from pipeline.batch import Pipeline

        pipe = Pipeline(model, models)
        records = [pipe.process_file(files[doc_id]) for doc_id in gold]
    ours = predictions_from_records(records, person_label(models))
    reports = {"namelink": evaluate(gold, ours, texts)}
    languages = {r["doc_id"]: r.get("language") or "?" for r in records}
    plain = plain_spacy_predictions(texts, model, languages, models) if baseline else None
    if plain is not None:
        reports["spacy"] = evaluate(gold, plain, texts)
    if len(set(languages.values())) > 1:  # a report per language too, keyed "namelink:fr", "spacy:fr"
        for language in sorted(set(languages.values())):
            ids = {doc_id for doc_id in gold if languages.get(doc_id) == language}
            part = {doc_id: gold[doc_id] for doc_id in ids}
            reports[f"namelink:{language}"] = evaluate(part, {k: ours.get(k, {}) for k in ids}, texts)
            if plain is not None:
                reports[f"spacy:{language}"] = evaluate(part, {k: plain.get(k, {}) for k in ids}, texts)
    return reports


def plain_spacy_predictions(
    texts: dict[str, str],
    model: str,
    languages: dict[str, str] | None = None,
    models: Path | None = None,
) -> dict[str, dict[tuple[int, int], str]]:
    """The model alone on the raw text: its PERSON spans, each linked by its exact string. With
    ``languages`` (doc id -> language), each document is read by its language's pipeline
    (:class:`PlainModels`), as namelink reads it."""
    plain = PlainModels(model, models)
    labels = LabelRules.load()
    out = {}
    for doc_id, text in texts.items():
        doc = plain.for_language((languages or {}).get(doc_id, ""))(text)
        out[doc_id] = {
            (e.start_char, e.end_char): e.text for e in doc.ents if labels.of_model(e.label_) == labels.person
        }
    return out


class PlainModels:
    """Plain spaCy for each language, loaded once each: the language's spaCy pipeline of
    ``rules/languages.yaml`` (``model`` the default language's), or the default's where the
    language has none of its own (read by namelink's rules alone, or not listed)."""

    def __init__(self, model: str, models: Path | None = None) -> None:
        from pipeline.batch.document import language_pipelines

        self.model = model
        self.pipelines = language_pipelines(LanguageRules.load(models), model)
        self._loaded: dict[str, Any] = {}

    def for_language(self, language: str) -> Any:
        from pipeline.batch.nlp import RULES_ONLY, load_model

        name = self.pipelines.get(language, self.model)
        name = self.model if name.startswith(RULES_ONLY) else name
        if name not in self._loaded:
            self._loaded[name] = load_model(name)
        return self._loaded[name]


def print_report(reports: dict[str, Report], show_errors: int, echo: Callable[[str], None]) -> None:
    """Print reports side by side as a table, then the first report's individuals and errors.

    reports (dict): Column name -> :class:`Report` (e.g. ``namelink`` and ``spacy``).
    show_errors (int): How many individuals, misses, false alarms and wrong links to list (0: none).
    echo (Callable): Prints one line (``click.echo``, ``print``).
    """
    names = [n for n in reports if ":" not in n]
    _print_table(reports, names, echo)
    by_language = [n for n in reports if ":" in n]
    if by_language:
        echo("\nby language (documents as their records' language):")
        _print_table(reports, by_language, echo)
    main = reports[names[0]]
    echo("mentions: " + ", ".join(f"{k} {v}" for k, v in main.counts.items()))
    if show_errors <= 0:
        return
    _print_errors(main, show_errors, echo)


def _print_table(reports: dict[str, Report], names: list[str], echo: Callable[[str], None]) -> None:
    echo(person_label().ljust(26) + "".join(n.rjust(22) for n in names))
    rows = [
        ("strict P/R/F1", lambda r: r.strict),
        ("fuzzy P/R/F1", lambda r: r.fuzzy),
        ("link B-cubed P/R/F1", lambda r: r.bcubed),
        ("end-to-end P/R/F1", lambda r: r.end_to_end),
    ]
    for title, get in rows:
        cells = ["{precision:.3f}/{recall:.3f}/{f1:.3f}".format(**get(reports[n])) for n in names]
        echo(title.ljust(26) + "".join(c.rjust(22) for c in cells))
    echo("alias recall".ljust(26) + "".join(f"{reports[n].alias_recall:.3f}".rjust(22) for n in names))
    echo("gold mentions".ljust(26) + "".join(str(reports[n].counts["gold"]).rjust(22) for n in names))


def _print_errors(main: Report, show_errors: int, echo: Callable[[str], None]) -> None:
    echo("\nindividuals (gold mentions, linked right):")
    for row in main.individuals[:show_errors]:
        echo(f"  {row['individual']:<32} {row['mentions']:>5} {row['linked']:>5}  recall {row['recall']:.3f}")
    for title, items in (
        ("misses", main.misses),
        ("false alarms", main.false_alarms),
        ("wrong links", main.wrong_links),
    ):
        echo(f"\n{title} ({len(items)}):")
        for item in items[:show_errors]:
            extra = f" (gold {item['gold']})" if "gold" in item else ""
            echo(f"  {item['doc_id']} {item['start']}-{item['end']} -> {item['id']}{extra}: {item['context']}")
