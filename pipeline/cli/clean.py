"""``namelink clean``: print a file's clean text (:class:`pipeline.clean.cleaner.Cleaner`) and,
with ``--show-dropped``, the raw spans the cleaning dropped and why."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.options import models_option

#: Characters of a dropped span shown on its line before it is cut with an ellipsis.
SHOWN_CHARS = 70


@click.command("clean")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@models_option()
@click.option(
    "--show-dropped",
    is_flag=True,
    help="After the clean text, list each dropped raw span: raw offsets, reason, its text on one line.",
)
@click.option("--no-text", is_flag=True, help="With --show-dropped: print only the dropped spans.")
def clean_command(file: Path, models_dir: Path | None, show_dropped: bool, no_text: bool) -> None:
    """Print the clean text of FILE, - for standard input (boilerplate, markup and citations removed,
    glued words split).

    \b
    Examples:
        namelink clean raw/000_e5c80eea1864f996.txt | less
        namelink clean --show-dropped --no-text raw/001_8f575d694cbba0d8.txt
        pdftotext letter.pdf - | namelink clean -
    """
    from pipeline.clean import name_aware_cleaner
    from pipeline.io import InputError

    try:
        text = _read_text(file)
    except InputError as err:
        raise click.ClickException(str(err)) from err
    clean = name_aware_cleaner(models_dir).clean(text)
    if not (show_dropped and no_text):
        click.echo(clean.text)
    if show_dropped:
        click.echo(f"-- dropped: {len(clean.dropped)} span(s)")
        for span in clean.dropped:
            click.echo(dropped_line(text, span["raw_start"], span["raw_end"], span["reason"]))


def _read_text(file: Path) -> str:
    """The decoded text of ``file``, or of standard input for ``-`` (at most the default --max-bytes)."""
    from pipeline.io import DEFAULT_MAX_BYTES, InputError, read_document
    from pipeline.io.read import decode

    if str(file) != "-":
        return read_document(file).text
    data = sys.stdin.buffer.read(DEFAULT_MAX_BYTES + 1)
    if len(data) > DEFAULT_MAX_BYTES:
        raise InputError(f"-: standard input is longer than the limit of {DEFAULT_MAX_BYTES:,} bytes")
    return decode(data, "-")[0]


def dropped_line(raw: str, start: int, end: int, reason: str) -> str:
    """``start-end  reason  text``: a dropped span on one line, its whitespace collapsed and cut."""
    text = " ".join(raw[start:end].split())
    if len(text) > SHOWN_CHARS:
        text = text[: SHOWN_CHARS - 1] + "…"
    return f"{start}-{end}\t{reason}\t{text}"
