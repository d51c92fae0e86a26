"""``namelink evaluate``: score a run against gold data (:func:`pipeline.evaluation.score_run`)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.batch.model import ModelNotFoundError
from pipeline.cli.options import gold_option, model_option, models_option, raw_option


@click.command("evaluate")
@gold_option(required=True)
@raw_option()
@click.option(
    "--pred",
    "pred_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Score a finished run's documents.jsonl instead of running the pipeline.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the full report (with misses and false alarms) as JSON.",
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
@model_option()
@models_option()
def evaluate_command(
    gold_path: Path,
    raw_dir: Path,
    pred_path: Path | None,
    json_path: Path | None,
    baseline: bool,
    show_errors: int,
    model: str,
    models_dir: Path | None,
) -> None:
    """Score PERSON recognition and linking against gold data.

    Prints strict and fuzzy P/R/F1, link B-cubed, end-to-end linked P/R/F1
    and alias recall (see the README for the definitions).

    \b
    Example:
        namelink evaluate --gold tests/gold/seeds.jsonl --raw raw --baseline
    """
    from pipeline.evaluation.runner import print_report, score_run

    try:
        reports = score_run(gold_path, raw_dir, pred_path, model, models_dir, baseline)
    except ModelNotFoundError as err:
        raise click.UsageError(str(err)) from err
    except FileNotFoundError as err:
        raise click.ClickException(str(err)) from err
    print_report(reports, show_errors, click.echo)
    if json_path:
        from pipeline.output.files import write_json

        write_json(json_path, {name: report.as_dict() for name, report in reports.items()})
