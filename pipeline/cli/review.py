"""``namelink review export|import``: tasks for annotation tools out, corrections in.

Thin commands over :func:`pipeline.review.export.export_tasks` and
:func:`pipeline.review.importing.import_corrections`; the ``--format`` choices
are the registered review formats (:mod:`pipeline.review.formats`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.options import (
    EXIT_USAGE,
    is_stdout,
    label_scheme,
    models_option,
    output_argument,
    output_option,
    raw_option,
    require_run,
    resolve_labels,
    review_format_option,
    run_labels,
)

#: Exit code of an import that rejected some lines (and stored the others).
EXIT_LINES_REJECTED = 1


@click.group("review")
def review_group() -> None:
    """Export review tasks and import the corrections.

    Tasks for Prodigy or doccano; what reviewers corrected is stored under
    MODELS/corrections/ for `namelink train`.

    \b
    Example:
        namelink review export output/ -o review.jsonl --max-score 0.8
        namelink review import review-done.jsonl
    """


@review_group.command("export")
@output_argument()
@output_option("out_file", "Task file to write; - for standard output.", dash=True, required=True)
@review_format_option("prodigy", "Tool.")
@click.option(
    "--unit", type=click.Choice(["doc", "sentence"]), default="doc", show_default=True, help="One task per ..."
)
@click.option(
    "--label", multiple=True, help="Labels to review, any case (repeatable) [default: the person label, PERSON]."
)
@click.option("--all-labels", is_flag=True, help="Review every label, not only --label.")
@click.option("--max-score", type=float, default=None, help="Only spans linked with at most this score.")
def export_command(
    output: Path, out_file: Path, fmt: str, unit: str, label: tuple[str, ...], all_labels: bool, max_score: float | None
) -> None:
    """Write a run's entities as Prodigy or doccano tasks.

    One task per document or sentence of OUTPUT (default output/), with each
    span's label, entity id (kb_id) and score.

    In the tool: delete a wrong span, add a missed one, change a span's id
    (Prodigy: the span's kb_id; either tool: a label written PERSON:<id>),
    then export the annotations and `namelink review import` them.

    \b
    Example:
        namelink review export output/ -o review.jsonl --unit sentence --max-score 0.8
        namelink review export output/ -o - | jq .text
        prodigy db-in my_review review.jsonl   # or upload to doccano
    """
    from pipeline.review.export import export_tasks

    labels = resolve_labels(label, label_scheme(), lambda: run_labels(output))
    require_run(output)
    to_stdout = is_stdout(out_file)
    target = sys.stdout.buffer if to_stdout else out_file
    summary = export_tasks(output, target, fmt, unit, None if all_labels else labels, max_score)
    click.echo(
        f"{summary.tasks} tasks with {summary.spans} spans from {summary.documents} documents -> "
        + ("standard output" if to_stdout else str(out_file)),
        err=to_stdout,
    )


@review_group.command("import")
@click.argument("task_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@models_option()
@review_format_option("auto", "Format of TASK_FILE.", auto=True)
@raw_option(
    default=None,
    help="Folder with the raw files (<doc_id>.txt), for the raw offsets of added spans [default: none, left null].",
)
@click.option(
    "--run",
    "run_dir",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="The run the tasks were exported from (its output folder): each task's text must be its text there.",
)
def import_command(
    task_file: Path, models_dir: Path | None, fmt: str, raw_dir: Path | None, run_dir: Path | None
) -> None:
    """Store reviewed tasks as corrections under MODELS/.

    Every span of every reviewed task becomes a correction (accepted, rejected,
    relinked, added) in a new file under MODELS/corrections/, with provenance
    (task file, line, import date, task hash, offsets). `namelink train` turns
    them into aliases and rules.

    Each line is checked first: a JSON object in a known format, every span
    inside the task's text (integer offsets, start before end), its text the
    text at its offsets, cutting no word, a known label, an id of the knowledge
    base or a new person's nil:<slug>, the task's text the one exported (and,
    with --run, the run's). A bad line is printed as FILE:LINE: reason and
    nothing of it is stored; the good lines are. Paths named in a task (its
    source) are never opened.

    Exit codes: 0 every line stored; 1 some lines rejected (the others
    stored); 2 TASK_FILE or --run unusable as a whole (not a regular file,
    unreadable), nothing stored.

    \b
    Example:
        namelink review import review-done.jsonl --run output/ --raw letters/
        namelink train --gold tests/gold/seeds.jsonl
    """
    from pipeline.resources import ModelsError
    from pipeline.review.importing import import_corrections
    from pipeline.review.validate import UnusableFileError

    try:
        summary = import_corrections(task_file, models_dir, fmt, raw_dir, run=run_dir)
    except ModelsError:
        raise  # the models folder, not the task file: reported by the command group (exit 2)
    except UnusableFileError as err:
        raise UnusableInput(f"{err}; nothing imported") from err
    except ValueError as err:  # a models folder without knowledge base or rules
        raise UnusableInput(str(err)) from err
    for error in summary.rejected:
        click.echo(str(error), err=True)
    counts = ", ".join(f"{n} {action}" for action, n in sorted(summary.actions.items())) or "none"
    click.echo(
        f"{summary.tasks} reviewed tasks stored, {len(summary.rejected)} lines rejected, "
        f"{summary.skipped} not reviewed (skipped); corrections: {counts}"
    )
    if summary.unmapped:
        click.echo(f"{summary.unmapped} added spans without raw offsets (raw file not found; see --raw)", err=True)
    if summary.path is None:
        click.echo("nothing stored")
    elif summary.already_imported:
        click.echo(f"already imported as {summary.path}; nothing stored")
    else:
        click.echo(f"stored {summary.path}")
    if summary.rejected:
        sys.exit(EXIT_LINES_REJECTED)


class UnusableInput(click.ClickException):
    """A task file or run that cannot be read at all: the message, and exit code 2 (a usage error)."""

    exit_code = EXIT_USAGE
