"""``namelink report``: a static HTML report of a run (:func:`pipeline.review.report.write_report`)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import models_option, output_argument, output_option, require_run


@click.command("report")
@output_argument()
@output_option("html_dir", "Folder for index.html and its pages.", ("--html",), folder=True, required=True)
@models_option()
def report_command(output: Path, html_dir: Path, models_dir: Path | None) -> None:
    """Write a static HTML report of a run.

    Reads OUTPUT (default output/) and writes an index of documents (by title,
    with their people) and individuals; each document with its entities
    highlighted (hover a mark: canonical name, description, Wikidata link;
    a persons-only switch); a page per individual (description, Wikidata
    link, every mention in context, 200 a page); a search box on every page.
    Descriptions come from the knowledge base of --models. Opens offline in
    any browser.

    \b
    Example:
        namelink report output/ -o report/
        xdg-open report/index.html
    """
    from pipeline.review.report import write_report

    require_run(output)
    summary = write_report(output, html_dir, models=models_dir)
    click.echo(
        f"{summary.documents} document pages, {summary.pages} entity pages for {summary.entities} individuals"
        f" -> {summary.index}"
    )
    if not summary.described:
        click.echo("the knowledge base could not be read: the report has no descriptions", err=True)
