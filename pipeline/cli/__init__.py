"""The ``namelink`` command line: a thin layer over the library.

Exit codes: 0 all documents processed; 1 at least one document failed (its
line in documents.jsonl has ``status: "error"``); 2 usage error (bad option,
missing input, unknown model).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline import __version__
from pipeline.batch.nlp import DEFAULT_MODEL, ModelNotFoundError

EXIT_DOCUMENT_ERRORS = 1
EXIT_USAGE = 2

_model_option = click.option(
    "--model",
    default=DEFAULT_MODEL,
    show_default=True,
    help="Installed spaCy pipeline (package name or path) to recognise entities with.",
)
_models_option = click.option(
    "--models",
    "models_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="NAMELINK_MODELS",
    help="Folder with the knowledge base and rules [default: the project's models/].",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="namelink")
def cli() -> None:
    """Find people in historical text and link every mention to the individual it means.

    \b
    Example:
        namelink run raw/ --out output/
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder for documents.jsonl, entities.jsonl and manifest.json.",
)
@_model_option
@_models_option
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes; the output is identical for any number.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Process every document again, even those unchanged since the last run into OUT.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
def run(
    paths: tuple[Path, ...], out_dir: Path, model: str, models_dir: Path | None, jobs: int, full: bool, quiet: bool
) -> None:
    """Clean, recognise and link every document in PATHS (files or folders; default raw/).

    Writes OUT/documents.jsonl (one line per document), OUT/entities.jsonl
    (one line per entity) and OUT/manifest.json. A document that cannot be
    read becomes a status "error" line and the batch goes on; the exit code
    is 1 if any document failed. Runs are incremental: a document whose bytes,
    model, models/ data and namelink version are unchanged since the last run
    into OUT keeps its previous line without being processed (--full to redo).

    \b
    Example:
        namelink run raw/ --out output/
        namelink run archive/ --out archive-out/ --jobs 2
        namelink run letters/1936.txt --model en_core_web_trf
    """
    from pipeline.batch import run_batch

    inputs = list(paths) or [Path("raw")]
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")
    try:
        summary = run_batch(
            inputs, out_dir, model=model, models=models_dir, progress=not quiet, jobs=jobs, incremental=not full
        )
    except ModelNotFoundError as err:
        raise click.UsageError(str(err)) from err
    if not quiet:
        click.echo(
            f"{summary.documents} documents, {summary.mentions} mentions, {summary.entities} entities, "
            f"{summary.errors} errors, {summary.reused} unchanged since the last run; "
            f"{summary.words} words in {summary.seconds:.1f}s "
            f"({summary.words_per_second:,.0f} words/s) -> {out_dir}",
            err=True,
        )
    if summary.errors:
        sys.exit(EXIT_DOCUMENT_ERRORS)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_models_option
def clean(file: Path, models_dir: Path | None) -> None:
    """Print the clean text of FILE (boilerplate, markup and citations removed, glued words split).

    \b
    Example:
        namelink clean raw/000_e5c80eea1864f996.txt | less
    """
    from pipeline.clean import Cleaner
    from pipeline.io import InputError, read_document
    from pipeline.kb.base import KnowledgeBase

    try:
        raw = read_document(file)
    except InputError as err:
        raise click.ClickException(str(err)) from err
    kb = KnowledgeBase.load(models_dir)
    click.echo(Cleaner(names=kb.name_words(), models=models_dir).clean(raw.text).text)


@cli.command()
@click.option(
    "--gold",
    "gold_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Gold JSONL (ANNOTATION.md format).",
)
@click.option(
    "--raw",
    "raw_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("raw"),
    show_default=True,
    help="Folder with the gold's raw files (<doc_id>.txt).",
)
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
@_model_option
@_models_option
def evaluate(
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
        from pipeline.output.jsonl import write_json

        write_json(json_path, {name: report.as_dict() for name, report in reports.items()})


# The review loop (inspect, report, review export|import, train): see pipeline/cli_loop.py.
from pipeline.cli.loop import inspect_command, report_command, review_group, train_command  # noqa: E402

cli.add_command(inspect_command)
cli.add_command(report_command)
cli.add_command(review_group)
cli.add_command(train_command)


def main() -> None:
    cli(prog_name="namelink")
