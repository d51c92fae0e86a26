"""The registry of export formats and :func:`export_run`, which writes one run in one of them.

A format is a function ``write(run, target) -> mentions written`` registered with
``@export_format("name", suffix=".csv", text=True)``. ``target`` is a binary handle,
or, for a format registered ``to_path=True`` (SQLite), the path of a file to write.
:func:`export_run` gives the function a temporary file beside the destination and
renames it into place only when the function returns (:mod:`pipeline.output.files`,
as a run's files are written), so a failed export leaves no half-written file and
the previous one stays; ``-`` writes a ``text`` format to standard output.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pipeline.export.rows import ExportRun
from pipeline.output.files import atomic_path, atomic_writer

#: ``-o -``: standard output.
STDOUT = "-"


@dataclass(frozen=True)
class ExportFormat:
    """A registered format.

    name (str): Its ``--format`` name.
    write (Callable): ``(run, target) -> number of mentions written``.
    suffix (str): The usual file name ending (for help and examples).
    text (bool): Whether it is text, so that ``-o -`` may write it to standard output.
    to_path (bool): Whether ``write`` takes a file path instead of a binary handle.
    """

    name: str
    write: Callable[[ExportRun, Any], int]
    suffix: str
    text: bool
    to_path: bool = False


#: Registered formats by name, in registration order.
FORMATS: dict[str, ExportFormat] = {}


def export_format(
    name: str, *, suffix: str, text: bool, to_path: bool = False
) -> Callable[[Callable[[ExportRun, Any], int]], Callable[[ExportRun, Any], int]]:
    """Register ``write`` as the format ``name`` (see :class:`ExportFormat`)."""

    def register(write: Callable[[ExportRun, Any], int]) -> Callable[[ExportRun, Any], int]:
        if name in FORMATS:
            raise ValueError(f"export format {name!r} is registered already")
        FORMATS[name] = ExportFormat(name, write, suffix, text, to_path)
        return write

    return register


def format_names() -> list[str]:
    """The registered formats' names, in registration order."""
    return list(FORMATS)


def export_run(run: ExportRun, fmt: str, target: str | Path, stdout: IO[bytes] | None = None) -> int:
    """Write ``run`` in format ``fmt`` to ``target`` (a file, or ``-``: ``stdout``, default the
    process's standard output); the number of mentions written.

    RAISES (ValueError): An unknown format, or ``-`` for a binary format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    spec = FORMATS[fmt]
    if str(target) == STDOUT:
        if not spec.text:
            raise ValueError(f"{fmt} is a binary format: give a file with -o, not -")
        out = stdout if stdout is not None else sys.stdout.buffer
        count = spec.write(run, out)
        out.flush()
        return count
    if spec.to_path:
        with atomic_path(target) as tmp:
            return spec.write(run, tmp)
    with atomic_writer(target) as handle:
        return spec.write(run, handle)
