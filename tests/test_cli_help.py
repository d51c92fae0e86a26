"""Every ``namelink`` command and subcommand has ``--help`` with an example of its use."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import cli


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The argument lists that name each command of ``group``, subcommands of subgroups included."""
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths += command_paths(command, (*prefix, name))
    return paths


COMMANDS = command_paths(cli)


def test_every_command_is_found():
    expected = {"run", "clean", "evaluate", "inspect", "report", "review", "train"}
    assert expected <= {path[0] for path in COMMANDS}
    assert {("review", "export"), ("review", "import")} <= set(COMMANDS)


@pytest.mark.parametrize("command", [(), *COMMANDS], ids=lambda c: " ".join(c) or "namelink")
def test_help_has_an_example(command):
    for flag in ("--help", "-h"):
        result = CliRunner().invoke(cli, [*command, flag])
        assert result.exit_code == 0, result.output
        assert "Example" in result.output, command
        assert "namelink " in result.output.split("Example", 1)[1], command
