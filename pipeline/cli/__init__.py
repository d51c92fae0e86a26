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

Options several commands take are declared once, in :mod:`.options`; option defaults
may come from ``namelink.toml`` or ``pyproject.toml``'s ``[tool.namelink]``
(:mod:`.defaults`); ``-v`` and ``--log-level`` show the library's log (:mod:`.logs`).

Exit codes: 0 all documents processed; 1 at least one document failed (its
line in documents.jsonl has ``status: "error"``); 2 usage error (bad option,
missing input, unknown model, a malformed models folder: every command that
loads it reports each problem as ``file:line: problem``, :class:`.options.ModelsCheckedGroup`; a line of a
JSON Lines file given to it, a gold file or a run's output, that cannot be read, ``file:line: problem`` too).
"""

from __future__ import annotations

from typing import Any

import click

from pipeline import __version__
from pipeline.cli.check_models import check_models_command
from pipeline.cli.clean import clean_command
from pipeline.cli.defaults import load_defaults
from pipeline.cli.evaluate import evaluate_command
from pipeline.cli.export import export_command
from pipeline.cli.inspect import inspect_command
from pipeline.cli.kb import kb_group
from pipeline.cli.logs import LEVELS, configure, level_of
from pipeline.cli.options import EXIT_DOCUMENT_ERRORS, EXIT_USAGE, ModelsCheckedGroup
from pipeline.cli.report import report_command
from pipeline.cli.review import review_group
from pipeline.cli.run import run_command
from pipeline.cli.train import train_command

__all__ = ["EXIT_DOCUMENT_ERRORS", "EXIT_USAGE", "cli", "main"]


#: Every environment variable namelink reads, and what for (``--help`` lists them).
ENVIRONMENT = {
    "NAMELINK_MODELS": "the models folder when --models (--into for kb add) is not given",
    "NAMELINK_INDEX_DIR": "where compiled knowledge bases are kept (default: $XDG_CACHE_HOME/namelink/index)",
    "XDG_CACHE_HOME": "the user's cache (default ~/.cache), home of namelink/index",
    "MALLOC_TRIM_THRESHOLD_": "set by a Dask nanny: a --engine dask worker sets glibc's thresholds back up",
}

_EPILOG = (
    "\b\nEnvironment:\n"
    + "\n".join(f"  {name}  {what}" for name, what in ENVIRONMENT.items())
    + "\n\n\b\nDefaults: option values may be set in namelink.toml, else pyproject.toml's [tool.namelink],"
    "\nof the current folder (keys named like the options: model, models, jobs, max_bytes; a [run]"
    "\ntable for one command); the command line wins, then the environment, then the file."
)


class NamelinkGroup(ModelsCheckedGroup):
    """The top command: its ``default_map`` read from the current folder's configuration file
    (:func:`.defaults.load_defaults`) unless a caller passed one."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        if "default_map" not in extra:
            extra["default_map"] = load_defaults(self)[1]
        return super().make_context(info_name, args, parent, **extra)


@click.group(cls=NamelinkGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=_EPILOG)
@click.version_option(__version__, prog_name="namelink")
@click.option("-v", "--verbose", count=True, help="Log what the pipeline does to standard error (-vv: in detail).")
@click.option(
    "--log-level",
    type=click.Choice(LEVELS, case_sensitive=False),
    default=None,
    help="Log level of standard error's log, over -v [default: WARNING].",
)
def cli(verbose: int, log_level: str | None) -> None:
    """Find people in historical text and link every mention to the individual it means.

    \b
    Example:
        namelink run raw/ -o output/
    """
    configure(level_of(verbose, log_level))


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
