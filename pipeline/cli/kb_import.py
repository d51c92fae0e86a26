"""``namelink kb import``: people from CSV, Wikidata JSON or YAML merged into ``kb/persons.yaml``.

A thin command over :mod:`pipeline.kb.importing`.
"""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import EXIT_USAGE, into_option
from pipeline.resources import ModelsError


class ImportRejected(click.ClickException):
    """Nothing was imported: every problem, ``file:line``, the knowledge base untouched; exit code 2."""

    exit_code = EXIT_USAGE

    def __init__(self, source: Path, error: ModelsError) -> None:
        problems = "\n".join(f"  {p}" for p in error.problems) or f"  {error}"
        super().__init__(f"{source}: nothing imported (the knowledge base is untouched):\n{problems}")


@click.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "wikidata", "yaml"]),
    default=None,
    help="The file's format [default: by extension: .csv, .json/.jsonl (Wikidata), .yaml].",
)
@click.option("--dry-run", is_flag=True, help="Check and print the summary; write nothing.")
@click.option("--notes/--no-notes", default=True, show_default=True, help="Print what was kept or dropped, and why.")
@into_option()
def import_command(source: Path, fmt: str | None, dry_run: bool, notes: bool, models_dir: Path | None) -> None:
    """Import people into the knowledge base (kb/persons.yaml of --into).

    \b
    CSV: a header of id, canonical, sex, wikidata, description, born, died,
    given, patronymic, surname, diminutives, aliases, related, prominence,
    source (any subset with canonical; list fields separated by |, related as
    kind:id|kind:id; an empty id is made from the canonical name).
    Wikidata: JSON entities, as a dump writes them (one a line) or as
    wbgetentities answers; humans only (P31 Q5), every label and alias in
    every language, birth name, pseudonyms, nicknames, given and family
    names (when their items are in the file), sex, years, and spouse,
    child, father, mother, sibling relations to people known.

    A person already there (same id or Wikidata id) gains the new names,
    relations and empty fields; its own values win (each difference is a
    note). The folder as it would be is checked like `namelink
    check-models` first: any problem (file:line) and nothing is written.

    \b
    Example:
        namelink kb import delegates.csv --into my-models
        namelink kb import soviet-officials.json --format wikidata --dry-run
    """
    from pipeline.kb.importing import import_people

    try:
        report = import_people(source, fmt, models_dir, write=not dry_run)
    except ModelsError as err:
        raise ImportRejected(source, err) from err
    except ValueError as err:
        raise click.UsageError(str(err)) from err
    verb = "would import" if dry_run else "imported"
    click.echo(f"{verb} {source} into {report.path}: {report.summary()}")
    for label, ids in (("added", report.added), ("changed", report.changed)):
        if ids:
            click.echo(f"  {label}: {', '.join(ids[:20])}{' ...' if len(ids) > 20 else ''}")
    for where, why in report.skipped:
        click.echo(f"  skipped {where}: {why}")
    if notes:
        for note in report.notes:
            click.echo(f"  note {note}", err=True)
