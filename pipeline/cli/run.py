"""``namelink run``: clean, recognise and link a batch of documents (:func:`pipeline.batch.run_batch`)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from click.core import ParameterSource

from pipeline.batch.cluster import ClusterError
from pipeline.batch.manifest import RunSummary
from pipeline.batch.model import ModelNotFoundError
from pipeline.batch.run import ENGINES, OutputError
from pipeline.batch.workers import WorkerDiedError
from pipeline.cli.options import (
    EXIT_DOCUMENT_ERRORS,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    language_models_option,
    models_option,
    output_option,
    parse_model_specs,
)
from pipeline.io import DEFAULT_MAX_BYTES
from pipeline.io.formats import FORMATS, ReadOptions

#: Failed documents the summary names before "and K more" (the manifest and documents.jsonl have all).
SHOWN_FAILURES = 5


@click.command("run")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@output_option(
    "out_dir",
    "Folder for documents.jsonl, entities.jsonl and manifest.json (made only once every option is checked).",
    folder=True,
    default=Path("output"),
    show_default=True,
)
@language_models_option()
@models_option()
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes; the output is identical for any number.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES, case_sensitive=False),
    default="local",
    show_default=True,
    help="Where documents are processed: this machine (--jobs), or a Dask cluster (docs/cluster.md; "
    "pip install 'namelink[dask]'). The output is the same.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="With --engine dask: the running cluster's scheduler (tcp://HOST:8786); default a local cluster.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="With --engine dask and no --scheduler: worker processes of the local cluster [--jobs, or 1].",
)
@click.option(
    "--full",
    is_flag=True,
    help="Process every document again, even those unchanged since the last run into the output folder.",
)
@click.option(
    "--output-format",
    default="jsonl",
    show_default=True,
    help="Registered output writer (pipeline.output.output_writer); jsonl is namelink's own format.",
)
@click.option(
    "--span-style",
    type=click.Choice(["namelink", "hipe"]),
    default="namelink",
    show_default=True,
    help=(
        "Where person spans start: namelink's convention (docs/annotation.md, titles outside) "
        "or HIPE's (titles inside)."
    ),
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Largest input file read; a larger one, or anything not a regular file, gets an error line.",
)
@click.option(
    "--format",
    "input_format",
    type=click.Choice(FORMATS, case_sensitive=False),
    default="auto",
    show_default=True,
    help="How inputs are read; auto: by extension (.html/.htm, .hocr, .xml/.tei: TEI, ALTO or PAGE by "
    "the root element, .jsonl, .csv/.tsv, .parquet; anything else is plain text).",
)
@click.option(
    "--id-field",
    help="Collections (JSONL, CSV, Parquet): the field naming each row (doc_id FILE/ID); "
    "default the line or row number.",
)
@click.option("--text-field", default="text", show_default=True, help="Collections: the field holding the text.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
def run_command(
    paths: tuple[Path, ...],
    out_dir: Path,
    model_specs: tuple[str, ...],
    models_dir: Path | None,
    jobs: int,
    engine: str,
    scheduler: str | None,
    workers: int | None,
    full: bool,
    output_format: str,
    span_style: str,
    max_bytes: int,
    input_format: str,
    id_field: str | None,
    text_field: str,
    quiet: bool,
) -> None:
    """Clean, recognise and link every document in PATHS (files or folders; default raw/).

    Writes documents.jsonl (one line per document), entities.jsonl (one
    line per entity) and manifest.json into the -o folder. PATHS may be HTML, XML/TEI,
    OCR layouts (ALTO, hOCR, PAGE: each mention gets its page and box),
    collections (JSONL, CSV, Parquet: one document per row) or - (standard
    input, one document). A document that cannot be
    read (not a regular file, larger than --max-bytes, not text) becomes a
    status "error" line and the batch goes on; the exit code is 1 if any
    document failed. Runs are incremental: a document whose bytes,
    model, models/ data and namelink version are unchanged since the last run
    into the output folder keeps its previous line without being processed (--full to redo).

    \b
    Example:
        namelink run raw/ -o output/
        namelink run archive/ -o archive-out/ --jobs 2
        namelink run archive/ -o archive-out/ --engine dask --workers 2
        namelink run archive/ -o archive-out/ --engine dask --scheduler tcp://10.0.0.5:8786
        namelink run letters/1936.txt --model en_core_web_sm
        namelink run archive/ --model fr=fr_core_news_sm
        namelink run newspapers/ -o hipe-out/ --span-style hipe
        namelink run export.csv -o out/ --id-field letter_id --text-field body
        cat letter.html | namelink run - -o out/
    """
    from pipeline.batch import run_batch
    from pipeline.output import writer_for

    model, language_models = parse_model_specs(model_specs)
    inputs = list(paths) or [Path("raw")]
    # a dangling link gets its error line; - is standard input
    missing = [str(p) for p in inputs if not (p.exists() or p.is_symlink() or str(p) == "-")]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")
    engine = engine.lower()
    if engine == "local" and (scheduler or workers):
        raise click.UsageError("--scheduler and --workers go with --engine dask (on this machine: --jobs)")
    jobs_given = click.get_current_context().get_parameter_source("jobs") is ParameterSource.COMMANDLINE
    if scheduler and (workers or jobs_given):
        raise click.UsageError("--workers starts a local cluster; a cluster at --scheduler has its own workers")
    try:
        writer_for(output_format)
    except ValueError as err:
        raise click.UsageError(str(err)) from err
    try:
        with _interrupt_on_sigterm():
            summary = run_batch(
                inputs,
                out_dir,
                model=model,
                language_models=language_models,
                models=models_dir,
                progress=not quiet,
                jobs=jobs,
                incremental=not full,
                output_format=output_format,
                span_style=span_style,
                max_bytes=max_bytes,
                read_options=ReadOptions(input_format.lower(), id_field, text_field),
                engine=engine,
                scheduler=scheduler,
                workers=workers or jobs,
            )
    except ModelNotFoundError as err:
        raise click.UsageError(str(err)) from err
    except (OutputError, WorkerDiedError, ClusterError) as err:
        click.echo(f"Error: {err}", err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        click.echo(
            f"\nInterrupted: the documents finished so far are checkpointed in {out_dir}; the previous "
            "output is as it was. Run the same command again to go on from there.",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)
    if not quiet:
        for line in summary_lines(summary, out_dir):
            click.echo(line, err=True)
    if summary.errors:
        sys.exit(EXIT_DOCUMENT_ERRORS)


def summary_lines(summary: RunSummary, out_dir: Path, shown: int = SHOWN_FAILURES) -> list[str]:
    """The end-of-run summary: counts, then speed over the documents processed this run only (an
    unchanged re-run has none), then the first ``shown`` failed documents and how many more."""
    resumed = f", {summary.resumed} resumed from an interrupted run" if summary.resumed else ""
    speed = (
        f"{summary.processed_words} words in {summary.seconds:.1f}s ({summary.words_per_second:,.0f} words/s)"
        if summary.processed
        else f"nothing to process, {summary.seconds:.1f}s"
    )
    lines = [
        f"{summary.documents} documents ({summary.processed} processed, {summary.reused} unchanged since the "
        f"last run{resumed}), {summary.mentions} mentions, {summary.entities} entities, {summary.errors} errors; "
        f"{speed} -> {out_dir}"
    ]
    if summary.errors:
        named = ", ".join(summary.failed[:shown])
        more = summary.errors - min(shown, len(summary.failed))
        lines.append(f"failed: {named}" + (f" and {more} more" if more else "") + f' (status "error" in {out_dir})')
    return lines


@contextmanager
def _interrupt_on_sigterm() -> Iterator[None]:
    """SIGTERM (``kill``, a scheduler's stop) ends the run as Ctrl-C does: staged files removed,
    workers stopped, the checkpoint kept for the next run."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set a signal handler
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
