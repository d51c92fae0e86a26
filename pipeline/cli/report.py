"""``namelink report``: a static HTML report of a run (:func:`pipeline.review.report.write_report`)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import output_argument, output_option, require_run


@click.command("report")
@output_argument()
@output_option("html_dir", "Folder for index.html, docs/ and entities/.", ("--html",), folder=True, required=True)
def report_command(output: Path, html_dir: Path) -> None:
    """Write a static HTML report of a run.

    Reads OUTPUT (default output/) and writes an index of documents and
    individuals, each document with its entities highlighted, and a page per
    individual with every mention in context. Opens offline in any browser.

    \b
    Example:
        namelink report output/ -o report/
        xdg-open report/index.html
    """
    from pipeline.review.report import write_report

    require_run(output)
    summary = write_report(output, html_dir)
    click.echo(f"{summary.documents} document pages, {summary.entities} entity pages -> {summary.index}")
