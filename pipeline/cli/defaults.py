"""Option defaults read from a configuration file of the current folder, as click's ``default_map``.

The first of these is read (they are not merged):

1. ``namelink.toml``: its keys at the top level;
2. ``pyproject.toml``: its ``[tool.namelink]`` table (a pyproject without one is skipped).

A key is named like an option, without the dashes (``model``, ``models``, ``jobs``,
``max_bytes`` or ``max-bytes``) and applies to every command that has that option; a
table named after a command (``[run]``, ``[kb.patterns]``; in pyproject
``[tool.namelink.run]``) holds keys for that command alone, over the general ones.
The command line wins over an environment variable (``$NAMELINK_MODELS``), which wins
over the file, which wins over the built-in default (click's order of value sources).
A key no command has, a TOML syntax error or a file that cannot be read is a usage
error (exit 2) naming the file.
"""

from __future__ import annotations

import difflib
import importlib
import sys
from pathlib import Path
from typing import Any

import click

#: The files looked for in the current folder, in order, and the table each keeps namelink's keys in.
CONFIG_FILES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("namelink.toml", ()),
    ("pyproject.toml", ("tool", "namelink")),
)


class ConfigError(click.UsageError):
    """A configuration file namelink cannot use: its name and the problem, exit code 2."""


def find_config(folder: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """(file, namelink's table) of the first configuration file of ``folder`` (default: the current
    folder) that has one; None when there is none."""
    folder = Path.cwd() if folder is None else folder
    for name, table in CONFIG_FILES:
        path = folder / name
        if not path.is_file():
            continue
        toml = _toml(path)
        try:
            data: Any = toml.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, toml.TOMLDecodeError) as err:
            raise ConfigError(f"{path}: cannot be read as TOML: {err}") from err
        for key in table:
            data = data.get(key) if isinstance(data, dict) else None
        if isinstance(data, dict):
            return path, data
    return None


def _toml(path: Path) -> Any:
    """The TOML parser: the standard library's ``tomllib`` (Python 3.11), else the ``tomli`` package."""
    try:
        return importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")
    except ImportError as err:  # pragma: no cover - Python 3.10 without tomli
        raise ConfigError(f"{path}: reading it needs Python 3.11 or the tomli package") from err


def option_keys(command: click.Command) -> dict[str, click.Option]:
    """Config key -> option of ``command``: each shown long name without its dashes, with ``-`` and ``_``
    both accepted (``max-bytes``, ``max_bytes``), and the parameter's own name."""
    keys: dict[str, click.Option] = {}
    for param in command.params:
        if not isinstance(param, click.Option) or param.hidden or param.name in (None, "help"):
            continue
        old = getattr(param, "old_names", ())
        for opt in param.opts + param.secondary_opts:
            if opt.startswith("--") and opt not in old:
                keys[opt[2:]] = keys[opt[2:].replace("-", "_")] = param
        keys[param.name] = param
    return keys


def default_map(group: click.Group, table: dict[str, Any], path: Path) -> dict[str, Any]:
    """click's ``default_map`` for ``group`` and its commands from a configuration ``table``.

    A scalar key applies to the group's own option of that name and to every command's; a table
    named after a command, to that command (a table of a subgroup, to its commands in turn).
    RAISES (ConfigError): a key that names no option of any command (with the close ones).
    """
    general = {k: v for k, v in table.items() if not (isinstance(v, dict) and k in group.commands)}
    used: set[str] = set()
    out = _defaults(group, general, used)
    out.update(_commands(group, general, table, path, used, ()))
    unknown = sorted(set(general) - used)
    if unknown:
        known = sorted({k for c in _all_commands(group) for k in option_keys(c)})
        close = difflib.get_close_matches(unknown[0], known, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ConfigError(f"{path}: no command has an option {unknown[0]!r}{hint}")
    return out


def _commands(
    group: click.Group, general: dict[str, Any], table: dict[str, Any], path: Path, used: set[str], prefix: tuple
) -> dict[str, Any]:
    """The default maps of ``group``'s commands: ``general`` keys they have, then their own table's."""
    out: dict[str, Any] = {}
    for name, command in group.commands.items():
        own = table.get(name) if isinstance(table.get(name), dict) else {}
        where = ".".join((*prefix, name))
        keys = option_keys(command)
        for key in own:
            if key not in keys and not (isinstance(command, click.Group) and key in command.commands):
                close = difflib.get_close_matches(key, sorted(keys), n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                command_line = " ".join(where.split("."))
                raise ConfigError(f"{path}: [{where}] has {key!r}, no option of `namelink {command_line}`{hint}")
        scalars = {k: v for k, v in own.items() if not isinstance(v, dict)}
        mapping = {**_defaults(command, general, used), **_defaults(command, scalars, set())}
        if isinstance(command, click.Group):
            mapping.update(_commands(command, {**general, **scalars}, own, path, used, (*prefix, name)))
        if mapping:
            out[name] = mapping
    return out


def _defaults(command: click.Command, values: dict[str, Any], used: set[str]) -> dict[str, Any]:
    """Parameter name -> value of every key of ``values`` that names an option of ``command``."""
    keys = option_keys(command)
    out: dict[str, Any] = {}
    for key, value in values.items():
        option = keys.get(key)
        if option is None:
            continue
        used.add(key)
        out[option.name] = [value] if option.multiple and not isinstance(value, list) else value
    return out


def _all_commands(group: click.Group) -> list[click.Command]:
    """``group`` and every command under it."""
    found: list[click.Command] = [group]
    for command in group.commands.values():
        found += _all_commands(command) if isinstance(command, click.Group) else [command]
    return found


def load_defaults(group: click.Group, folder: Path | None = None) -> tuple[Path | None, dict[str, Any]]:
    """(the file read, its ``default_map``) for ``group`` from ``folder`` (default: the current folder);
    (None, {}) without a configuration file."""
    found = find_config(folder)
    if found is None:
        return None, {}
    path, table = found
    return path, default_map(group, table, path)
