"""``namelink clean``: print a file's clean text (:class:`pipeline.clean.cleaner.Cleaner`)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import models_option


@click.command("clean")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@models_option()
def clean_command(file: Path, models_dir: Path | None) -> None:
    """Print the clean text of FILE (boilerplate, markup and citations removed, glued words split).

    \b
    Example:
        namelink clean raw/000_e5c80eea1864f996.txt | less
    """
    from pipeline.clean import name_aware_cleaner
    from pipeline.io import InputError, read_document

    try:
        raw = read_document(file)
    except InputError as err:
        raise click.ClickException(str(err)) from err
    click.echo(name_aware_cleaner(models_dir).clean(raw.text).text)
