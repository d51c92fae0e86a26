"""The review loop on the command line: ``inspect``, ``report``, ``review export|import``, ``train``.

Thin click commands over :mod:`pipeline.inspection`, :mod:`pipeline.report`,
:mod:`pipeline.review` and :mod:`pipeline.train`; :mod:`pipeline.cli`
registers them on the ``namelink`` group. Exit codes as in ``pipeline.cli``:
0 done, 2 usage error (missing output folder, bad option).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.batch.nlp import DEFAULT_MODEL, ModelNotFoundError
from pipeline.records import DOCUMENTS, dumps
from pipeline.review.formats import format_names
from pipeline.review.inspection import LOW_SCORE, RunOutput, load_run

EXIT_USAGE = 2

_output_argument = click.argument(
    "output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    required=False,
)
_models_option = click.option(
    "--models",
    "models_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="NAMELINK_MODELS",
    help="Folder with the knowledge base and rules [default: the project's models/].",
)


def _load(output: Path) -> RunOutput:
    try:
        return load_run(output)
    except FileNotFoundError as err:
        raise click.UsageError(str(err)) from err


def _require_run(output: Path) -> None:
    if not (output / DOCUMENTS).is_file():
        raise click.UsageError(f"no {DOCUMENTS} in {output}: run `namelink run` first")


# -- inspect -----------------------------------------------------------------------------------


@click.command("inspect")
@_output_argument
@click.option("--entity", multiple=True, help="Only mentions linked to this id (repeatable).")
@click.option("--doc", multiple=True, help="Only this document (repeatable).")
@click.option("--label", multiple=True, help="Only entities with this label, e.g. PERSON (repeatable).")
@click.option("--min-score", type=float, default=None, help="Only links scored at least this.")
@click.option("--max-score", type=float, default=None, help="Only links scored at most this.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True, help="Output format."
)
@click.option(
    "--rows",
    type=click.Choice(["mentions", "entities", "documents"]),
    default="mentions",
    show_default=True,
    help="What one jsonl line is.",
)
@click.option("--low", type=float, default=LOW_SCORE, show_default=True, help="Links below this score are unsure.")
@click.option("--limit", type=int, default=20, show_default=True, help="Rows per table section (0: all).")
def inspect_command(
    output: Path,
    entity: tuple[str, ...],
    doc: tuple[str, ...],
    label: tuple[str, ...],
    min_score: float | None,
    max_score: float | None,
    fmt: str,
    rows: str,
    low: float,
    limit: int,
) -> None:
    """Summarise a run: entities, NILs, unsure links, errors.

    Reads OUTPUT (default output/) and lists the entities by mention count with
    their surface forms, the NIL individuals, the low-confidence links and the
    documents with errors, after the filters.

    With --format jsonl, one JSON object per line (a mention, an entity or a
    document, see --rows) for jq or pandas.read_json(lines=True).

    \b
    Example:
        namelink inspect output/ --label PERSON --max-score 0.7
        namelink inspect --entity leon-trotsky --format jsonl | jq -r .context
    """
    from pipeline.review.inspection import Filters, document_rows, entity_rows, mention_rows, summary_text

    run = _load(output)
    filters = Filters(entity, doc, label, min_score, max_score)
    if fmt == "table":
        click.echo(summary_text(run, filters, low=low, limit=limit))
        return
    mentions = mention_rows(run, filters)
    table = {
        "mentions": lambda: mentions,
        "entities": lambda: entity_rows(run, mentions),
        "documents": lambda: document_rows(run, filters),
    }[rows]()
    for row in table:
        click.echo(dumps(row), nl=False)


# -- report ------------------------------------------------------------------------------------


@click.command("report")
@_output_argument
@click.option(
    "--html",
    "html_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write index.html, docs/ and entities/ into.",
)
def report_command(output: Path, html_dir: Path) -> None:
    """Write a static HTML report of a run.

    Reads OUTPUT (default output/) and writes an index of documents and
    individuals, each document with its entities highlighted, and a page per
    individual with every mention in context. Opens offline in any browser.

    \b
    Example:
        namelink report output/ --html report/
        xdg-open report/index.html
    """
    from pipeline.review.report import write_report

    _require_run(output)
    summary = write_report(output, html_dir)
    click.echo(f"{summary.documents} document pages, {summary.entities} entity pages -> {summary.index}")


# -- review ------------------------------------------------------------------------------------


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
@_output_argument
@click.option(
    "--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Task file to write."
)
@click.option(
    "--format", "fmt", type=click.Choice(format_names()), default="prodigy", show_default=True, help="Tool."
)
@click.option(
    "--unit", type=click.Choice(["doc", "sentence"]), default="doc", show_default=True, help="One task per ..."
)
@click.option("--label", multiple=True, default=("PERSON",), show_default=True, help="Labels to review (repeatable).")
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

    _require_run(output)
    summary = export_tasks(output, out_file, fmt, unit, None if all_labels else label, max_score)
    click.echo(f"{summary.tasks} tasks with {summary.spans} spans from {summary.documents} documents -> {out_file}")


@review_group.command("import")
@click.argument("task_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_models_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", *format_names()]),
    default="auto",
    show_default=True,
    help="Format of TASK_FILE.",
)
@click.option(
    "--raw",
    "raw_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
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
    from pipeline.review.importing import import_corrections

    try:
        summary = import_corrections(task_file, models_dir, fmt, raw_dir)
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


# -- train -------------------------------------------------------------------------------------


@click.command("train")
@_models_option
@click.option(
    "--gold",
    "gold_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Gold JSONL (ANNOTATION.md format): print the evaluation before and after.",
)
@click.option(
    "--raw",
    "raw_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("raw"),
    show_default=True,
    help="Folder with the gold's raw files (<doc_id>.txt).",
)
@click.option(
    "--model",
    default=DEFAULT_MODEL,
    show_default=True,
    help="spaCy pipeline to evaluate with.",
)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--ner", is_flag=True, help="Also fine-tune the spaCy NER (not available, see docs/review-loop.md).")
def train_command(
    models_dir: Path | None, gold_path: Path | None, raw_dir: Path, model: str, dry_run: bool, ner: bool
) -> None:
    """Retrain aliases and rules from the stored corrections.

    Rebuilds MODELS/learned/ (aliases, new persons, negative rules) from the
    knowledge base and every stored correction, prints what changed and logs it
    in MODELS/CHANGELOG.md. Running it twice changes nothing the second time.

    \b
    Example:
        namelink train --gold tests/gold/seeds.jsonl --raw raw/
        namelink train --dry-run
    """
    from pipeline.evaluation.runner import print_report
    from pipeline.review.train import evaluation_lines, summary_lines, train

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
    except FileNotFoundError as err:
        raise click.ClickException(str(err)) from err
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
