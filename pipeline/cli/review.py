"""``namelink review export|import``: tasks for annotation tools out, corrections in.

Thin commands over :func:`pipeline.review.export.export_tasks` and
:func:`pipeline.review.importing.import_corrections`; the ``--format`` choices
are the registered review formats (:mod:`pipeline.review.formats`).
"""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import models_option, output_argument, raw_option, require_run, review_format_option


@click.group("review")
def review_group() -> None:
    """Export review tasks and import the corrections.

    Tasks for Prodigy or doccano; what reviewers corrected is stored under
    MODELS/corrections/ for `namelink train`.

    \b
    Example:
        namelink review export output/ --out review.jsonl --max-score 0.8
        namelink review import review-done.jsonl
    """


@review_group.command("export")
@output_argument()
@click.option(
    "--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Task file to write."
)
@review_format_option("prodigy", "Tool.")
@click.option(
    "--unit", type=click.Choice(["doc", "sentence"]), default="doc", show_default=True, help="One task per ..."
)
@click.option("--label", multiple=True, help="Labels to review (repeatable) [default: the person label, PERSON].")
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
        namelink review export output/ --out review.jsonl --unit sentence --max-score 0.8
        prodigy db-in my_review review.jsonl   # or upload to doccano
    """
    from pipeline.review.export import export_tasks

    require_run(output)
    summary = export_tasks(output, out_file, fmt, unit, None if all_labels else label, max_score)
    click.echo(f"{summary.tasks} tasks with {summary.spans} spans from {summary.documents} documents -> {out_file}")


@review_group.command("import")
@click.argument("task_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@models_option()
@review_format_option("auto", "Format of TASK_FILE.", auto=True)
@raw_option(
    default=None,
    help="Folder with the raw files (<doc_id>.txt), if not at their source path, for raw offsets of added spans.",
)
def import_command(task_file: Path, models_dir: Path | None, fmt: str, raw_dir: Path | None) -> None:
    """Store reviewed tasks as corrections under MODELS/.

    Every span of every reviewed task becomes a correction (accepted, rejected,
    relinked, added) in a new file under MODELS/corrections/, with provenance
    (task file, import date, task hash, offsets). `namelink train` turns them
    into aliases and rules.

    \b
    Example:
        namelink review import review-done.jsonl
        namelink train --gold tests/gold/seeds.jsonl
    """
    from pipeline.resources import ModelsError
    from pipeline.review.importing import import_corrections

    try:
        summary = import_corrections(task_file, models_dir, fmt, raw_dir)
    except ModelsError:
        raise  # the models folder, not the task file: reported by the command group (exit 2)
    except (ValueError, KeyError) as err:
        raise click.ClickException(f"{task_file}: not a reviewed task file ({err})") from err
    counts = ", ".join(f"{n} {action}" for action, n in sorted(summary.actions.items())) or "no corrections"
    click.echo(f"{summary.tasks} reviewed tasks ({summary.skipped} not reviewed, skipped): {counts}")
    if summary.unmapped:
        click.echo(f"{summary.unmapped} added spans without raw offsets (raw file not found; see --raw)", err=True)
    if summary.path is None:
        click.echo("nothing stored")
    elif summary.already_imported:
        click.echo(f"already imported as {summary.path}; nothing stored")
    else:
        click.echo(f"stored {summary.path}")
