"""``namelink train``: rebuild ``models/learned/`` from the corrections (:func:`pipeline.review.train.train`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.batch.model import ModelNotFoundError
from pipeline.cli.options import EXIT_USAGE, gold_option, model_option, models_option, raw_option
from pipeline.review.corrections import CorrectionsError

if TYPE_CHECKING:
    from pipeline.review.train import TrainResult


@click.command("train")
@models_option()
@gold_option(help="Gold JSONL (docs/annotation.md format): print the evaluation before and after.")
@raw_option(exists=False)  # checked only when --gold is given, by the evaluation (exit 1)
@model_option(help="spaCy pipeline to evaluate with.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--ner", is_flag=True, help="Also fine-tune the spaCy NER (not available, see docs/review-loop.md).")
def train_command(
    models_dir: Path | None, gold_path: Path | None, raw_dir: Path, model: str, dry_run: bool, ner: bool
) -> None:
    """Retrain aliases and rules from the stored corrections.

    Rebuilds MODELS/learned/ (aliases, new persons, negative rules) from the
    knowledge base and every stored correction, prints what changed and logs it
    in MODELS/CHANGELOG.md. Running it twice changes nothing the second time.

    Every stored correction is checked again as `review import` checks it; if
    one fails (a hand-edited file), each bad line is printed as FILE:LINE:
    reason, nothing is learned and the exit code is 2.

    \b
    Example:
        namelink train --gold tests/gold/seeds.jsonl --raw raw/
        namelink train --dry-run
    """
    from pipeline.review.train import train

    if ner:
        click.echo(
            "namelink train --ner is not available: the NER model is not fine-tuned by namelink "
            "(see docs/review-loop.md). Run `namelink train` without --ner to retrain the rules and aliases.",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    try:
        result = train(models_dir, gold_path, raw_dir, model, dry_run)
    except ModelNotFoundError as err:
        raise click.UsageError(str(err)) from err
    except CorrectionsError as err:
        for error in err.errors:
            click.echo(str(error), err=True)
        click.echo(
            f"{len(err.errors)} stored corrections would not pass `namelink review import`: nothing learned, "
            "nothing written. Fix or delete those lines.",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    except FileNotFoundError as err:
        raise click.ClickException(str(err)) from err
    _print_result(result)


def _print_result(result: TrainResult) -> None:
    """What changed, the evaluation before and after (with --gold), and where it was logged."""
    from pipeline.evaluation.runner import print_report
    from pipeline.review.train import evaluation_lines, summary_lines

    for line in summary_lines(result):
        click.echo(line)
    if result.before is not None:
        columns = {"before": result.before, "after": result.after} if result.after else {"current": result.before}
        click.echo("")
        print_report(columns, 0, click.echo)
        for line in evaluation_lines(result) if result.after else []:
            click.echo(line)
    if result.changelog:
        click.echo(f"logged in {result.changelog}")
