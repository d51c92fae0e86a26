"""``namelink evaluate``: score a run against gold data (:func:`pipeline.evaluation.score_run`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.batch.model import ModelNotFoundError
from pipeline.cli.options import gold_option, is_stdout, model_option, models_option, output_option, raw_option
from pipeline.records import IncompleteOutputError
from pipeline.resources import ModelsError


@click.command("evaluate")
@gold_option(help="Gold JSONL (docs/annotation.md format); or --sets.")
@raw_option()
@click.option(
    "--pred",
    "pred_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Score a finished run's documents.jsonl instead of running the pipeline.",
)
@output_option(
    "json_path",
    "Also write the full report (with misses and false alarms) as JSON to this file; - prints it instead "
    "of the table.",
    ("--json",),
    dash=True,
    default=None,
)
@click.option("--baseline", is_flag=True, help="Also score plain spaCy (the model alone, no rules, no linking).")
@click.option(
    "--errors",
    "show_errors",
    type=int,
    default=10,
    show_default=True,
    help="How many misses, false alarms and wrong links to print.",
)
@click.option(
    "--sets",
    "sets_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A sets file (tests/gold/sets.yaml): score every set in it, namelink beside plain spaCy, as one table.",
)
@click.option("--set", "set_names", multiple=True, help="With --sets: only this set (repeatable).")
@click.option("--sealed", is_flag=True, help="With --sets: also the sets measured once, at the end (sealed, holdout).")
@model_option()
@models_option()
def evaluate_command(
    gold_path: Path,
    raw_dir: Path,
    pred_path: Path | None,
    json_path: Path | None,
    baseline: bool,
    show_errors: int,
    sets_path: Path | None,
    set_names: tuple[str, ...],
    sealed: bool,
    model: str,
    models_dir: Path | None,
) -> None:
    """Score PERSON recognition and linking against gold data.

    Prints strict and fuzzy P/R/F1, link B-cubed, end-to-end linked P/R/F1
    and alias recall (see the README for the definitions).

    With --sets, every gold set of a sets file instead, namelink beside
    plain spaCy (HIPE sets by their own scorer; skipped when their data is
    not there).

    \b
    Examples:
        namelink evaluate --gold tests/gold/seeds.jsonl --raw raw --baseline
        namelink evaluate --sets tests/gold/sets.yaml
    """
    if sets_path is not None:
        _evaluate_sets(sets_path, set_names, sealed, model, models_dir)
        return
    if gold_path is None:
        raise click.UsageError("give --gold (one gold file) or --sets (a sets file)")
    from pipeline.evaluation.runner import print_report, score_run

    try:
        reports = score_run(gold_path, raw_dir, pred_path, model, models_dir, baseline)
    except ModelNotFoundError as err:
        raise click.UsageError(str(err)) from err
    except FileNotFoundError as err:
        raise click.ClickException(str(err)) from err
    except IncompleteOutputError as err:
        raise click.UsageError(str(err)) from err
    from pipeline.output.files import json_bytes, write_json

    full = {name: report.as_dict() for name, report in reports.items()}
    if json_path is not None and is_stdout(json_path):
        sys.stdout.buffer.write(json_bytes(full))  # the file's bytes, on standard output
        return
    print_report(reports, show_errors, click.echo)
    if json_path:
        write_json(json_path, full)


def _evaluate_sets(sets_path: Path, names: tuple[str, ...], sealed: bool, model: str, models_dir: Path | None) -> None:
    from pipeline.evaluation.sets import format_table, load_sets, score_sets, select_sets

    try:
        chosen = select_sets(load_sets(sets_path), names, once=sealed)
        rows = score_sets(chosen, model, models_dir)
    except ModelsError:
        raise  # reported by the command group, every problem with its file and line (exit 2)
    except ValueError as err:
        raise click.UsageError(str(err)) from err
    except ModelNotFoundError as err:
        raise click.UsageError(str(err)) from err
    for line in format_table(rows, model):
        click.echo(line)
    skipped = [s.name for s in chosen if not s.available]
    if skipped:
        click.echo(f"\nskipped (data not found): {', '.join(skipped)}")
