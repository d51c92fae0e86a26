"""``namelink kb add``: a person appended to ``kb/persons.yaml``, checked first (:mod:`pipeline.kb.append`)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import EXIT_USAGE, into_option
from pipeline.resources import ModelsError

#: ``source`` of a person added without ``--source``.
DEFAULT_SOURCE = "added with namelink kb add"


class EntryRejected(click.ClickException):
    """The person was not added: every problem the check found, the file untouched; exit code 2."""

    exit_code = EXIT_USAGE

    def __init__(self, entity_id: str, error: ModelsError) -> None:
        problems = "\n".join(f"  {p}" for p in error.problems) or f"  {error}"
        super().__init__(f"{entity_id} not added (the knowledge base is untouched):\n{problems}")


def _related(values: tuple[str, ...]) -> dict[str, list[str]]:
    """``KIND=ID`` values as a ``related`` mapping (kind -> ids, in the order given)."""
    out: dict[str, list[str]] = {}
    for value in values:
        kind, equals, other = value.partition("=")
        if not equals or not kind.strip() or not other.strip():
            raise click.BadParameter(f"{value!r}: write KIND=ID, e.g. spouse=natalia-sedova", param_hint="--related")
        out.setdefault(kind.strip(), []).append(other.strip())
    return out


@click.command("add")
@click.option("--id", "entity_id", required=True, help="The new id: a lower-case slug (given-surname).")
@click.option("--canonical", default=None, help="The most usual name (required).")
@click.option("--given", multiple=True, help="A given name (repeatable: --given Lev --given Leon).")
@click.option("--patronymic", multiple=True, help="A patronymic (repeatable).")
@click.option("--surname", multiple=True, help="A surname: birth, adopted, married (repeatable).")
@click.option("--diminutive", multiple=True, help="A pet name used alone as a name (repeatable).")
@click.option("--alias", multiple=True, help="A pseudonym or a name the parts do not make (repeatable).")
@click.option("--wikidata", default=None, metavar="QID", help="Wikidata id (Q and digits), only where certain.")
@click.option("--sex", type=click.Choice(["M", "F"], case_sensitive=False), default=None, help="M or F.")
@click.option("--description", default=None, help="One line: who the person is (years where known).")
@click.option("--born", type=int, default=None, help="Year of birth, where certain.")
@click.option("--died", type=int, default=None, help="Year of death, where certain.")
@click.option("--related", multiple=True, metavar="KIND=ID", help="Who another person is to this one (repeatable).")
@click.option("--prominence", type=float, default=None, help="Prior among namesakes [knowledge base default: 1].")
@click.option("--source", default=DEFAULT_SOURCE, show_default=True, help="Where the entry comes from.")
@click.option("--dry-run", is_flag=True, help="Check the entry and print it; write nothing.")
@into_option()
def add_command(
    entity_id: str,
    canonical: str | None,
    given: tuple[str, ...],
    patronymic: tuple[str, ...],
    surname: tuple[str, ...],
    diminutive: tuple[str, ...],
    alias: tuple[str, ...],
    wikidata: str | None,
    sex: str | None,
    description: str | None,
    born: int | None,
    died: int | None,
    related: tuple[str, ...],
    prominence: float | None,
    source: str,
    dry_run: bool,
    models_dir: Path | None,
) -> None:
    """Add a person to the knowledge base (kb/persons.yaml of --into).

    The entry is appended as text, in the file's layout: its comments and
    every other entry stay as they are. The folder with it is checked by the
    same schema as `namelink check-models` first: a duplicate id, a bad
    Wikidata id, a missing canonical name or an unknown related id is an
    error (exit 2) and the file is left untouched. The name forms (full
    names, initials, the surname alone...) are generated from the parts, as
    for every entry.

    \b
    Example:
        namelink kb add --id henk-sneevliet --canonical "Henk Sneevliet" \\
            --given Henk --surname Sneevliet --alias Maring --sex M \\
            --description "Dutch communist, Comintern envoy to China as Maring (1883-1942)"
    """
    from pipeline.kb.append import append_person, entry_text, person_entry

    entry = person_entry(
        id=entity_id,
        canonical=canonical,
        sex=sex.upper() if sex else None,
        wikidata=wikidata,
        description=description,
        born=born,
        died=died,
        given=list(given),
        patronymic=list(patronymic),
        surname=list(surname),
        diminutives=list(diminutive),
        aliases=list(alias),
        related=_related(related),
        prominence=prominence,
        source=source,
    )
    try:
        path = append_person(entry, models_dir, write=not dry_run)
    except ModelsError as err:
        raise EntryRejected(entity_id, err) from err
    if dry_run:
        click.echo(entry_text(entry), nl=False)
        return
    click.echo(f"added {entity_id} to {path}")
    _note_shared_names(models_dir, entity_id)


def _note_shared_names(models_dir: Path | None, entity_id: str) -> None:
    """A note (standard error) for each full name or alias of the new person another entry has
    too: the same person twice, or namesakes the linker tells apart by context and prominence."""
    from pipeline.kb.base import KnowledgeBase
    from pipeline.kb.entries import SHORT
    from pipeline.kb.keys import fold

    kb = KnowledgeBase.load(models_dir)
    own = {fold(f.text): f.text for f in kb.forms_of(entity_id) if f.kind != SHORT}
    for key, text in sorted(own.items()):
        others = sorted({f.entity_id for f in kb.forms_named(key) if f.entity_id != entity_id})
        if others:
            click.echo(f"note: {text!r} names {', '.join(others)} too", err=True)
