"""``namelink check-models``: every problem of a models folder at once (:func:`pipeline.kb.validate.check_models`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.options import EXIT_USAGE


@click.command("check-models")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path), required=False)
def check_models_command(folder: Path | None) -> None:
    """Check every file of a models folder against its schema and list every problem.

    FOLDER defaults to the models folder in use: $NAMELINK_MODELS, else the
    checkout's models/ or the copy installed with the package. Reads kb/*.yaml, rules/*.yaml (and rules/<lang>/),
    learned/*.yaml and the word lists, and prints one `file:line: problem`
    line per problem: YAML syntax, unknown keys, wrong types (a string where
    a list belongs), missing keys and files, duplicate ids, an empty
    knowledge base, unknown labels, relation kinds and ids. Exit code 0 when
    the folder is clean, 2 when it is not (as every command that loads it).

    \b
    Example:
        namelink check-models
        namelink check-models my-models/
    """
    from pipeline.kb.validate import check_models, summary
    from pipeline.resources import models_dir

    folder = models_dir(folder)
    problems = check_models(folder)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{folder}: {len(problems)} problem{'s' if len(problems) != 1 else ''}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"{folder} OK: {summary(folder)}")
