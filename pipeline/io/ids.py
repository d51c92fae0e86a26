"""Document ids: unique and stable names for the files of a run.

A document's ``doc_id`` is its path relative to the folder named on the
command line (a file named directly: its file name), without the extension
(``letters/1936/a.txt`` -> ``letters/1936/a``; the seed ``raw/000_x.txt`` ->
``000_x``). Where that would give two files one id (``x.txt`` and ``x.md``
in one folder) both keep their extension (``x.txt``, ``x.md``); where even
that is shared (the same relative path under two folders named), the
folder's own name goes in front (``2019/x.txt``, ``2020/x.txt``), and a
last tie takes ``~2``, ``~3`` in input order. The same files named the same
way always get the same ids; report pages, review tasks and the
incremental cache all key on them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import NamedTuple


def doc_ids(inputs: Sequence[tuple[Path, str]], roots: Sequence[str] | None = None) -> list[str]:
    """One unique id per input, in order.

    inputs (Sequence[tuple[Path, str]]): (path, relative POSIX name) as
        :func:`pipeline.io.read.iter_inputs` yields them.
    roots (Sequence[str] | None): per input, the name of the folder it was found in
        (or ''), used only to tell apart the same relative name under two folders;
        by default the name of the path's top folder as its relative name leaves it.
    RETURNS (list[str]): the ids, unique within the run.
    """
    roots = list(roots) if roots is not None else [_root_name(path, rel) for path, rel in inputs]
    ids = [_without_suffix(rel) for _, rel in inputs]
    ids = _where_shared(ids, lambda k: inputs[k][1])
    ids = _where_shared(ids, lambda k: f"{roots[k]}/{inputs[k][1]}" if roots[k] else inputs[k][1])
    taken, unique = set(ids), []
    seen: Counter[str] = Counter()
    for ident in ids:
        seen[ident] += 1
        if seen[ident] == 1:
            unique.append(ident)
            continue
        n = seen[ident]
        while f"{ident}~{n}" in taken:  # a file may be named x~2 itself
            n += 1
        taken.add(f"{ident}~{n}")
        unique.append(f"{ident}~{n}")
    return unique


def _where_shared(ids: list[str], better: Callable[[int], str]) -> list[str]:
    counts = Counter(ids)
    return [better(k) if counts[ident] > 1 else ident for k, ident in enumerate(ids)]


def _without_suffix(relative: str) -> str:
    path = PurePosixPath(relative)
    return str(path.with_suffix("")) if path.suffix and path.stem else relative


def _root_name(path: Path, relative: str) -> str:
    """The name of the folder ``relative`` is relative to (``2019`` for ``2019/x.txt`` as ``x.txt``)."""
    depth = len(PurePosixPath(relative).parts)
    parents = path.parents
    return parents[depth - 1].name if depth - 1 < len(parents) else ""


class InputFile(NamedTuple):
    """One file of a run: where it is and the id its record gets."""

    path: Path
    doc_id: str


def input_files(paths: Iterable[str | Path], exclude: Iterable[str | Path] = ()) -> list[InputFile]:
    """The input files of a run (:func:`pipeline.io.read.iter_inputs`) with their unique ids."""
    from pipeline.io.read import iter_inputs

    found = list(iter_inputs(paths, exclude))
    return [InputFile(path, ident) for (path, _), ident in zip(found, doc_ids(found), strict=True)]
