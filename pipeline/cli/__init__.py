"""The ``namelink`` command line: a thin layer over the library, one module per command.

- ``run`` (:mod:`.run`): clean, recognise and link a batch of documents;
- ``clean`` (:mod:`.clean`): print a file's clean text;
- ``evaluate`` (:mod:`.evaluate`): score against gold data;
- ``inspect`` (:mod:`.inspect`), ``report`` (:mod:`.report`): look at a run;
- ``export`` (:mod:`.export`): a run as CSV, Parquet, SQLite, CoNLL, HIPE TSV, DocBin, Label Studio, displaCy;
- ``review export|import`` (:mod:`.review`), ``train`` (:mod:`.train`): the review loop;
- ``kb list|show|search|patterns|add`` (:mod:`.kb`, :mod:`.kb_add`): the knowledge base: what it holds,
  who a string links to and why, EntityRuler patterns, a person added;
- ``check-models`` (:mod:`.check_models`): every problem of a models folder at once.

Options several commands take are declared once, in :mod:`.options`.

Exit codes: 0 all documents processed; 1 at least one document failed (its
line in documents.jsonl has ``status: "error"``); 2 usage error (bad option,
missing input, unknown model, a malformed models folder: every command that
loads it reports each problem as ``file:line: problem``, :class:`.options.ModelsCheckedGroup`; a line of a
JSON Lines file given to it, a gold file or a run's output, that cannot be read, ``file:line: problem`` too).
"""

from __future__ import annotations

import click

from pipeline import __version__
from pipeline.cli.check_models import check_models_command
from pipeline.cli.clean import clean_command
from pipeline.cli.evaluate import evaluate_command
from pipeline.cli.export import export_command
from pipeline.cli.inspect import inspect_command
from pipeline.cli.kb import kb_group
from pipeline.cli.options import EXIT_DOCUMENT_ERRORS, EXIT_USAGE, ModelsCheckedGroup
from pipeline.cli.report import report_command
from pipeline.cli.review import review_group
from pipeline.cli.run import run_command
from pipeline.cli.train import train_command

__all__ = ["EXIT_DOCUMENT_ERRORS", "EXIT_USAGE", "cli", "main"]


@click.group(cls=ModelsCheckedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="namelink")
def cli() -> None:
    """Find people in historical text and link every mention to the individual it means.

    \b
    Example:
        namelink run raw/ --out output/
    """


for _command in (
    run_command,
    clean_command,
    evaluate_command,
    inspect_command,
    export_command,
    report_command,
    review_group,
    train_command,
    kb_group,
    check_models_command,
):
    cli.add_command(_command)


def main() -> None:
    """The console entry point (``namelink``, ``python -m pipeline``): runs :data:`cli`."""
    cli(prog_name="namelink")
