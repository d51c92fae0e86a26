"""``namelink export``: a run as a flat table or a standard format (:mod:`pipeline.export`)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import EXIT_USAGE, RegistryChoice, output_argument
from pipeline.records import DOCUMENTS, ENTITIES, MANIFEST


def _format_names() -> list[str]:
    from pipeline.export import format_names

    return format_names()


@click.command("export")
@output_argument()
@click.option("--format", "fmt", type=RegistryChoice(_format_names), required=True, help="What to write.")
@click.option(
    "-o",
    "--output",
    "target",
    required=True,
    metavar="PATH",
    help="File to write (replaced only once complete); - for standard output (text formats).",
)
@click.option("--label", multiple=True, help="Only mentions with this label, any case (repeatable) [default: all].")
def export_command(output: Path, fmt: str, target: str, label: tuple[str, ...]) -> None:
    """Export a run: one row per mention, or a standard format.

    Reads OUTPUT (default output/; its files must be the set its manifest
    names) and writes one of:

    \b
      csv, parquet   one row per mention: doc_id, raw_start, raw_end, start,
                     end, text, label, entity_id, canonical, wikidata, score,
                     method, reason, language, page, box
      sqlite         tables mentions (those rows), documents, entities
      conll          CoNLL-2003-style TOKEN TAG lines, IOB2
      hipe-tsv       HIPE-2020 TSV, for the HIPE scorer
      docbin         spaCy DocBin: doc.ents with kb_id_ the entity id
      label-studio   Label Studio tasks with the mentions as predictions
      displacy       JSON Lines for displacy.render(obj, style="ent", manual=True)

    Offsets start/end index the clean text (documents.jsonl's text), which
    the token formats are made of; raw_start/raw_end the input file.

    \b
    Example:
        namelink export output/ --format csv -o mentions.csv
        namelink export output/ --format hipe-tsv --label PERSON -o - | less
    """
    from pipeline.export import FORMATS, STDOUT, ExportRun, export_run
    from pipeline.records import IncompleteOutputError

    if target == STDOUT and not FORMATS[fmt].text:
        raise click.UsageError(f"--format {fmt} is binary: give a file with -o, not -")
    if target != STDOUT:
        _check_target(output, Path(target))
    try:
        run = ExportRun.load(output, label)
    except (FileNotFoundError, IncompleteOutputError) as err:
        raise click.UsageError(str(err)) from err
    try:
        count = export_run(run, fmt, target)
    except OSError as err:
        raise CannotWrite(f"cannot write {target}: {err.strerror or err}; nothing written") from err
    where = "standard output" if target == STDOUT else target
    documents = sum(1 for _ in run.texts())
    click.echo(f"{count} mentions of {documents} documents -> {where} ({fmt})", err=True)


def _check_target(output: Path, target: Path) -> None:
    """A usage error for a target that is a folder or one of the run's own files."""
    if target.is_dir():
        raise click.UsageError(f"-o {target} is a folder: name the file to write")
    own = {(output / name).resolve() for name in (DOCUMENTS, ENTITIES, MANIFEST)}
    if target.resolve() in own:
        raise click.UsageError(f"-o {target} is a file of the run it exports: name another file")


class CannotWrite(click.ClickException):
    """The export's file could not be written (a folder that cannot be written, a full disk): exit 2."""

    exit_code = EXIT_USAGE
