"""Options, arguments and checks that several ``namelink`` commands share, each declared once.

Every decorator here is a factory (``@models_option()``), so a command can
adjust what really differs (whether ``--gold`` is required, the help text)
while names, types, defaults and checks stay in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from pipeline.batch.model import DEFAULT_MODEL
from pipeline.records import DOCUMENTS, IncompleteOutputError, JsonLinesError, check_output_set
from pipeline.resources import ModelsError

#: Exit code when at least one document failed (its documents.jsonl line has ``status: "error"``).
EXIT_DOCUMENT_ERRORS = 1
#: Exit code of a usage error (bad option, missing input, unknown model); click's own.
EXIT_USAGE = 2
#: The run was interrupted (Ctrl-C, SIGTERM); what it finished is checkpointed (128 + SIGINT).
EXIT_INTERRUPTED = 130

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def model_option(
    help: str = "Installed spaCy pipeline (package name or path) to recognise entities with.",
) -> Decorator:
    """``--model``: the spaCy pipeline (default :data:`pipeline.batch.nlp.DEFAULT_MODEL`), passed as ``model``."""
    return click.option("--model", default=DEFAULT_MODEL, show_default=True, help=help)


def language_models_option() -> Decorator:
    """``--model``, repeatable: ``NAME`` for the default language's spaCy pipeline, ``LANG=NAME`` for
    one language's (``rules/languages.yaml`` has the defaults); passed as ``model_specs``."""
    return click.option(
        "--model",
        "model_specs",
        multiple=True,
        metavar="[LANG=]NAME",
        help=(
            "spaCy pipeline (package name or path) for the default language, or LANG=NAME for one "
            f"language's (repeatable; default {DEFAULT_MODEL}, and rules/languages.yaml's per language)."
        ),
    )


def parse_model_specs(specs: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """(default language's pipeline, language -> pipeline) of ``--model`` values; a usage error
    for ``=NAME`` or ``LANG=``."""
    default, by_language = DEFAULT_MODEL, {}
    for spec in specs:
        language, equals, name = spec.partition("=")
        if not equals:
            default = spec
        elif not language or not name:
            raise click.UsageError(f"--model {spec!r}: write NAME, or LANG=NAME (e.g. fr=fr_core_news_md)")
        else:
            by_language[language.strip().lower()] = name.strip()
    return default, by_language


def models_option() -> Decorator:
    """``--models`` (or ``$NAMELINK_MODELS``): the models folder, passed as ``models_dir`` (None: the default,
    :data:`pipeline.resources.DEFAULT_MODELS_DIR`); a folder that is no models folder is a usage error
    (:func:`check_models_folder`)."""
    return click.option(
        "--models",
        "models_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        envvar="NAMELINK_MODELS",
        show_envvar=True,
        callback=check_models_folder,
        help=(
            "Folder with the knowledge base and rules; else $NAMELINK_MODELS "
            "[default: the checkout's models/, or the copy installed with the package]."
        ),
    )


#: What a models folder holds at least (``namelink check-models`` checks the rest, file by file).
MODELS_FOLDER_PARTS = ("kb", "rules")


def check_models_folder(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """A click callback: ``value`` unchanged if it is None or a folder with ``kb/`` or ``rules/``;
    else a usage error (exit 2) saying what is missing, before the command does anything."""
    if value is None:
        return None
    if not value.exists():
        raise click.BadParameter(f"no such folder: {value}", ctx, param)
    missing = [part for part in MODELS_FOLDER_PARTS if not (value / part).is_dir()]
    if len(missing) == len(MODELS_FOLDER_PARTS):
        raise click.BadParameter(
            f"{value} is not a models folder: it has no {' and no '.join(f'{m}/' for m in missing)} "
            "(a models folder holds kb/persons.yaml and rules/*.yaml, as the project's models/ does; "
            "copy that one to start)",
            ctx,
            param,
        )
    return value


def into_option() -> Decorator:
    """``--into`` (or ``$NAMELINK_MODELS``): the models folder a command writes to (``kb add``), passed as
    ``models_dir`` (None: the models folder in use, :func:`pipeline.resources.models_dir`)."""
    return click.option(
        "--into",
        "models_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=None,
        envvar="NAMELINK_MODELS",
        show_envvar=True,
        callback=check_models_folder,
        help=(
            "Models folder to write to; else $NAMELINK_MODELS "
            "[default: the checkout's models/, or the copy installed with the package]."
        ),
    )


class UnknownIdError(click.ClickException):
    """An id the knowledge base does not have, as the command line reports it: the ids it
    probably meant (``did you mean``), no traceback, exit code 2 (a usage error)."""

    exit_code = EXIT_USAGE

    def __init__(self, wrong: str, suggestions: Sequence[str], where: str = "entry {!r} in the knowledge base") -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else " (`namelink kb list` lists them)"
        super().__init__(f"no {where.format(wrong)}{hint}")


def gold_option(required: bool = False, help: str = "Gold JSONL (docs/annotation.md format).") -> Decorator:
    """``--gold``: an existing gold JSONL file, passed as ``gold_path`` (None when not required and not given)."""
    return click.option(
        "--gold",
        "gold_path",
        required=required,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help=help,
    )


def raw_option(
    default: Path | None = Path("raw"),
    exists: bool = True,
    help: str = "Folder with the gold's raw files (<doc_id>.txt).",
) -> Decorator:
    """``--raw``: a folder of raw ``<doc_id>.txt`` files, passed as ``raw_dir``.

    default (Path | None): The folder when the option is not given (shown in the help unless None).
    exists (bool): Whether click checks that the folder exists (a usage error, exit 2, if not).
    """
    return click.option(
        "--raw",
        "raw_dir",
        type=click.Path(exists=exists, file_okay=False, path_type=Path),
        default=default,
        show_default=default is not None,
        help=help,
    )


def output_argument() -> Decorator:
    """``OUTPUT``: a run's output folder (default ``output/``), passed as ``output``."""
    return click.argument(
        "output",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("output"),
        required=False,
    )


class AliasedOption(click.Option):
    """A :class:`click.Option` with old names (``old_names``) that still work but ``--help`` does not show."""

    def __init__(self, *args: Any, old_names: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.old_names = tuple(old_names)

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        """The help line of the current names only."""
        shown = self.opts
        self.opts = [name for name in shown if name not in self.old_names]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = shown


def output_option(
    name: str,
    help: str,
    old_names: Sequence[str] = ("--out",),
    folder: bool = False,
    dash: bool = False,
    **kwargs: Any,
) -> Decorator:
    """``-o/--output``: where a command writes, passed as ``name``; ``old_names`` (``--out``) still work, unshown.

    folder (bool): A folder (else a file).
    dash (bool): ``-`` is standard output (a file output only; the command writes there, never to a file ``-``).
    kwargs: Passed on to :func:`click.option` (``default``, ``required``, ``show_default``).
    """
    kind = click.Path(file_okay=not folder, dir_okay=folder, allow_dash=dash, path_type=Path)
    return click.option("-o", "--output", *old_names, name, cls=AliasedOption, old_names=old_names, type=kind,
                        help=help, **kwargs)


def is_stdout(path: Path | str) -> bool:
    """Whether an output option's value is ``-``: standard output."""
    return str(path) == "-"


def resolve_labels(
    given: Sequence[str], known: Sequence[str], more: Callable[[], Iterable[str]] | None = None, hint: str = "--label"
) -> tuple[str, ...]:
    """The labels ``given`` as ``known`` spells them, any case (``person`` -> ``PERSON``); an unknown
    one is a usage error (exit 2) listing the known labels. ``more`` gives further labels (a run's
    own), read only when ``known`` lacks one of ``given``."""
    by_key = {label.casefold(): label for label in known}
    if more is not None and any(label.casefold() not in by_key for label in given):
        by_key.update({label.casefold(): label for label in more() if label.casefold() not in by_key})
    unknown = [label for label in given if label.casefold() not in by_key]
    if unknown:
        raise click.BadParameter(
            f"unknown label {', '.join(map(repr, unknown))} (labels: {', '.join(sorted(set(by_key.values())))})",
            param_hint=hint,
        )
    return tuple(by_key[label.casefold()] for label in given)


def run_labels(output: Path) -> set[str]:
    """Every label of a run's mentions (its ``documents.jsonl``; none if it has no such file)."""
    from pipeline.records import read_records

    path = output / DOCUMENTS
    return {e["label"] for r in read_records(path) for e in r["entities"]} if path.is_file() else set()


def label_scheme(models_dir: Path | None = None) -> list[str]:
    """Every label namelink knows (``rules/labels.yaml``: its own, the model labels it maps, the others)."""
    from pipeline.resources import LabelRules

    rules = LabelRules.load(models_dir)
    return sorted(
        {rules.person, rules.kb_default, *rules.model_labels, *rules.model_labels.values(), *rules.linked}
        | {*rules.places, *rules.groups, *rules.never_people, *rules.other_labels}
    )


class RegistryChoice(click.Choice):
    """A :class:`click.Choice` whose choices are read when used, so a format registered later is offered too."""

    def __init__(self, names: Callable[[], Sequence[str]], extra: Sequence[str] = ()) -> None:
        self._names, self._extra = names, tuple(extra)
        super().__init__((), case_sensitive=True)

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        """The extra choices (``auto``), then the registry's names as they are now."""
        return self._extra + tuple(self._names())

    @choices.setter
    def choices(self, _value: Any) -> None:
        """Ignored: the choices always come from the registry."""
        pass  # click.Choice.__init__ sets them; ours come from the registry


def review_format_option(default: str, help: str, auto: bool = False) -> Decorator:
    """``--format``: a registered review format (:func:`pipeline.review.formats.format_names`), as ``fmt``.

    default (str): The format when the option is not given.
    help (str): The option's help.
    auto (bool): Also offer ``auto`` (detect each task's format) before the formats.
    """
    from pipeline.review.formats import format_names

    choice = RegistryChoice(format_names, ("auto",) if auto else ())
    return click.option("--format", "fmt", type=choice, default=default, show_default=True, help=help)


def require_run(output: Path) -> None:
    """Stop with a usage error (exit 2) unless ``output`` holds a run's ``documents.jsonl``, with
    the files its manifest names (not a set a killed run or a hand edit left)."""
    if not (output / DOCUMENTS).is_file():
        raise click.UsageError(f"no {DOCUMENTS} in {output}: run `namelink run` first")
    try:
        check_output_set(output)
    except IncompleteOutputError as err:
        raise click.UsageError(str(err)) from err


class ModelsDataError(click.ClickException):
    """A malformed models folder, as the command line reports it: every problem on a line
    of its own (``file:line: problem``), no traceback, exit code 2 (a usage error)."""

    exit_code = EXIT_USAGE

    def __init__(self, error: ModelsError) -> None:
        problems = [str(p) for p in error.problems] or [str(error)]
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        lines = "\n".join(f"  {line}" for line in problems)
        super().__init__(f"the models data has {count}:\n{lines}\n(`namelink check-models` lists them all)")


class BadLineError(click.ClickException):
    """A JSON Lines file given to a command (a gold file, a run's output) with a line that cannot
    be read, as the command line reports it: ``FILE:LINE: problem``, no traceback, exit code 2."""

    exit_code = EXIT_USAGE


class ModelsCheckedGroup(click.Group):
    """A command group whose commands all report a :class:`~pipeline.resources.ModelsError`
    (a malformed models folder) as :class:`ModelsDataError`, and a
    :class:`~pipeline.records.JsonLinesError` as :class:`BadLineError`: exit code 2 with the problems."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ModelsError as err:
            raise ModelsDataError(err) from err
        except JsonLinesError as err:
            raise BadLineError(str(err)) from err
