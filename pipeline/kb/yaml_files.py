"""YAML files of a models folder, read with the line of every node: whole, or a long list in chunks.

:func:`read_yaml` parses a file once into its data and its node tree (PyYAML's
``compose``, for the lines of problems); a syntax error or a key written twice
in one mapping is a problem of the file.

:func:`read_list` reads a long list of entries (a ``kb/persons.yaml`` of
100,000 people) in chunks cut at its top-level items (lines that start with
``- ``), parsed and checked by worker processes forked for it, one per core,
and joined in order (in a process that runs threads, one chunk after another
in the process itself). Each chunk is parsed after as many blank lines as
precede it in the file, so its nodes and errors carry the file's own line
numbers. Only the data comes back: a problem found later (a duplicate id) asks
:meth:`YamlFile.item_node`, which parses that one chunk again. A file the cut
cannot read the same way as a whole (a second document, a mapping at the top,
an anchor used in a later chunk, a quoted string over lines that start with
``- ``) fails in some chunk and is read whole instead, so its problems are
those of :func:`read_yaml`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from pipeline.kb.bulk import paused_gc
from pipeline.resources import ModelsError, Problem, yaml_problem

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: A list file at least this long is read in chunks (:func:`read_list`).
CHUNKED_BYTES = 4 << 20
#: About this many bytes per chunk: small enough that a worker's nodes stay small.
CHUNK_BYTES = 2 << 20
#: The start of a top-level item; and a top-level line that is neither item, comment nor indented.
_ITEM = re.compile(rb"^-(?=[ \t\r\n])", re.MULTILINE)
_OTHER_TOP = re.compile(rb"^(?:[^\s#-]|-[^ \t\r\n])", re.MULTILINE)

#: Checks one item of a list: (file, its index in the list, its data, its node); adds problems to the file.
ItemCheck = Callable[["YamlFile", int, Any, Node], None]


@dataclasses.dataclass(frozen=True)
class Chunk:
    """Items ``first`` to ``first + count`` of a list file: bytes ``start`` to ``end``, from line ``line`` (0-based)."""

    start: int
    end: int
    line: int
    first: int
    count: int


@dataclasses.dataclass
class YamlFile:
    """One YAML file: its data, its node tree (for lines) and the problems found in it.

    A file read in chunks has no ``node``: :meth:`item_node` parses the chunk of the item asked for.
    """

    path: Path
    data: Any = None
    node: Node | None = None
    problems: list[Problem] = dataclasses.field(default_factory=list)
    chunks: list[Chunk] = dataclasses.field(default_factory=list)
    unreadable: bool = False  # a syntax error: no data, no nodes
    _parsed: tuple[Chunk, Node] | None = dataclasses.field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, node: Node | None, message: str) -> None:
        self.problems.append(Problem(self.path, node.start_mark.line + 1 if node is not None else 1, message))

    def item_node(self, index: int) -> Node | None:
        """The node of item ``index`` of the file's top-level list."""
        if self.node is not None:
            return self.node.value[index] if isinstance(self.node, SequenceNode) else None
        chunk = next((c for c in self.chunks if c.first <= index < c.first + c.count), None)
        if chunk is None:
            return None
        if self._parsed is None or self._parsed[0] != chunk:
            self._parsed = (chunk, _compose(_chunk_text(self.path, chunk))[0])
        return self._parsed[1].value[index - chunk.first]


def read_yaml(path: Path) -> YamlFile:
    """Parse ``path`` once into data and nodes; a syntax error or a key written twice is a problem."""
    found = YamlFile(path)
    try:
        found.node, found.data = _compose(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        found.problems.append(yaml_problem(path, err))
        found.unreadable = True
        return found
    _check_keys(found, found.node)
    return found


def read_list(path: Path, check: ItemCheck, workers: int | None = None) -> YamlFile:
    """``path`` read as :func:`read_yaml` does, each item of its top-level list then given to
    ``check`` (a module-level function: it runs in the workers). A file shorter than
    :data:`CHUNKED_BYTES` or that is no plain list of items is read whole; a longer one in
    chunks on ``workers`` processes (None: one per core)."""
    chunks = _chunks(path) if path.stat().st_size >= CHUNKED_BYTES else None
    if chunks:
        found = _read_chunked(path, chunks, check, workers or os.cpu_count() or 1)
        if found is not None:
            return found
    found = read_yaml(path)
    if isinstance(found.node, SequenceNode) and isinstance(found.data, list):  # a key written twice too
        for index, (item, node) in enumerate(zip(found.data, found.node.value, strict=True)):
            check(found, index, item, node)
    return found


def load_long(path: Path) -> Any:
    """The data of a long file, as PyYAML's loader gives it (a syntax error is a
    :class:`~pipeline.resources.ModelsError`): a list in chunks on every core, with no node
    kept and nothing checked (the folder was checked before)."""
    chunks = _chunks(path) if path.stat().st_size >= CHUNKED_BYTES else None
    found = _read_chunked(path, chunks, None, os.cpu_count() or 1) if chunks else None
    if found is not None:
        return found.data
    try:
        return _compose(path.read_text(encoding="utf-8"))[1]
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ModelsError([yaml_problem(path, err)]) from err


def _read_chunked(path: Path, chunks: list[Chunk], check: ItemCheck | None, workers: int) -> YamlFile | None:
    """The file from its chunks, or None when one of them is not read as it would be in the whole."""
    jobs = [(path, chunk, check) for chunk in chunks]
    with paused_gc():  # the workers' parsing and the results unpickled here
        if workers > 1 and len(chunks) > 1 and can_fork():
            with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=get_context("fork")) as pool:
                results = list(pool.map(_read_chunk, jobs))
        else:
            results = [_read_chunk(job) for job in jobs]
    if any(result is None for result in results):
        return None
    found = YamlFile(path, data=[], chunks=chunks)
    for data, problems in results:  # type: ignore[misc]
        found.data += data
        found.problems += problems
    return found


def can_fork() -> bool:
    """Workers are forked, and only from a process with no other thread (a thread's locks would
    be copied held). Not spawned: a spawned worker imports the caller's main module again, which
    runs a script that loads a knowledge base at its top level once more in every worker."""
    return "fork" in get_all_start_methods() and threading.active_count() == 1


def _read_chunk(job: tuple[Path, Chunk, ItemCheck | None]) -> tuple[list[Any], list[Problem]] | None:
    """A chunk's items and problems (none looked for without ``check``); None when it does not
    parse to its items on its own."""
    path, chunk, check = job
    try:
        node, data = _compose(_chunk_text(path, chunk))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None
    if not isinstance(node, SequenceNode) or not isinstance(data, list) or len(data) != chunk.count:
        return None
    part = YamlFile(path, node=node)
    if check is None:
        return data, []
    _check_keys(part, node)
    for offset, (item, item_node) in enumerate(zip(data, node.value, strict=True)):
        check(part, chunk.first + offset, item, item_node)
    return data, part.problems


def _chunks(path: Path) -> list[Chunk] | None:
    """Where ``path``'s top-level list may be cut (None: it is no plain list of ``- `` items)."""
    raw = path.read_bytes()
    starts = [m.start() for m in _ITEM.finditer(raw)]
    if not starts or _OTHER_TOP.search(raw):
        return None
    cuts = [0]  # the first chunk takes the comments before the first item
    for start in starts:
        if start - cuts[-1] >= CHUNK_BYTES:
            cuts.append(start)
    out, line, item = [], 0, 0
    for start, end in zip(cuts, cuts[1:] + [len(raw)], strict=True):
        count = bisect_left(starts, end) - item
        out.append(Chunk(start, end, line, item, count))
        line += raw.count(b"\n", start, end)
        item += count
    return out


def _chunk_text(path: Path, chunk: Chunk) -> str:
    with open(path, "rb") as handle:
        handle.seek(chunk.start)
        raw = handle.read(chunk.end - chunk.start)
    return "\n" * chunk.line + raw.decode("utf-8")  # the file's line numbers for the chunk's nodes


def _compose(text: str) -> tuple[Node | None, Any]:
    loader = _Loader(text)
    try:
        with paused_gc():  # see pipeline/kb/bulk.py: three times as fast on a 2 MB chunk
            node = loader.get_single_node()
            return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def _check_keys(file: YamlFile, root: Node | None) -> None:
    """A key written twice in one mapping is a problem (YAML keeps only the last)."""
    for node in _mappings(root):
        seen: dict[str, Node] = {}
        for key, _ in node.value:
            if isinstance(key, ScalarNode) and key.value in seen:
                first = seen[key.value].start_mark.line + 1
                file.problem(
                    key,
                    f"key {key.value!r} written twice in one mapping (also on line {first}): YAML keeps only the last",
                )
            seen.setdefault(key.value, key)


def _mappings(node: Node | None) -> Iterator[MappingNode]:
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, MappingNode):
            yield current
            stack += [n for pair in current.value for n in pair]
        elif isinstance(current, SequenceNode):
            stack += current.value


def node_at(node: Node | None, loc: tuple[Any, ...], key: bool = False) -> Node | None:
    """The deepest node along ``loc`` (mapping keys, list indices; ``[key]``: the key itself);
    with ``key``, the key of the last mapping value reached (``teasers:`` rather than its first line)."""
    found_key = None
    for part in loc:
        if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node, found_key = node.value[part], None
        elif isinstance(node, MappingNode):
            pair = next((p for p in node.value if isinstance(p[0], ScalarNode) and p[0].value == str(part)), None)
            if pair is None:
                break
            node, found_key = (pair[0] if part == "[key]" else pair[1]), pair[0]
        else:
            break
    return found_key if key and found_key is not None else node
