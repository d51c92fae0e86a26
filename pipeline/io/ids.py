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
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pipeline.io.collections import Unreadable
    from pipeline.io.formats import ReadOptions
    from pipeline.io.read import Fetched, RawDocument

#: The doc_id of a document read from standard input (``namelink run -``).
STDIN_ID = "stdin"


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
    return numbered(ids)


def numbered(ids: Sequence[str]) -> list[str]:
    """``ids`` with every repeat after the first numbered ``~2``, ``~3`` in order (never taking
    an id that is there already)."""
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
    """One document of a run: where it is, the id its record gets, and how it is read.

    path (Path): The file (a collection's rows share it; standard input is ``-``).
    doc_id (str): Its unique id.
    format (str): The reader (:mod:`pipeline.io.formats`): ``text``, ``html``, ``xml``, ...
    given (RawDocument | Unreadable | Fetched | None): A document read already (a collection's row,
        standard input), why it cannot be (a bad row), or the file's bytes read ahead (shipped to a
        cluster's worker); None: read ``path`` when processed.
    """

    path: Path
    doc_id: str
    format: str = "text"
    given: RawDocument | Unreadable | Fetched | None = None

    @property
    def source(self) -> str:
        """Its ``source`` in the output: the path, or ``PATH:LINE`` of a row, ``-`` for standard input."""
        return self.given.source if self.given is not None else str(self.path)

    @property
    def size(self) -> int:
        """About how many bytes it is (to make batches of like size)."""
        if self.given is not None:
            return len(getattr(self.given, "data", None) or getattr(self.given, "text", ""))
        try:
            return self.path.stat().st_size
        except OSError:
            return 0


def input_files(
    paths: Iterable[str | Path],
    exclude: Iterable[str | Path] = (),
    options: ReadOptions | None = None,
    max_bytes: int | None = None,
) -> list[InputFile]:
    """The documents of a run (:func:`pipeline.io.read.iter_inputs`) with their unique ids and
    formats (``options``: ``--format``, ``--id-field``, ``--text-field``): a collection's rows
    and standard input (``-``) are read here, each file up to ``max_bytes``."""
    from pipeline.io.formats import COLLECTIONS, ReadOptions, format_of
    from pipeline.io.read import DEFAULT_MAX_BYTES, iter_inputs

    options = options or ReadOptions()
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    found = list(iter_inputs(paths, exclude))
    files: list[InputFile] = []
    for (path, _), ident in zip(found, doc_ids(found), strict=True):
        fmt = format_of(path, options.format)
        if str(path) == "-":
            files.append(_stdin(options.format, limit))
        elif fmt in COLLECTIONS:
            files.extend(_rows(path, ident, fmt, options, limit))
        else:
            files.append(InputFile(path, ident, fmt))
    return [file._replace(doc_id=ident) for file, ident in zip(files, numbered([f.doc_id for f in files]), strict=True)]


def _rows(path: Path, ident: str, fmt: str, options: ReadOptions, max_bytes: int) -> list[InputFile]:
    """A collection's rows as documents ``FILE/ID``; one error document if it cannot be read."""
    from pipeline.io.collections import Unreadable, collection_rows
    from pipeline.io.read import InputError, RawDocument

    rows: list[InputFile] = []
    try:
        for line, row_id, given in collection_rows(path, fmt, options.text_field, options.id_field, max_bytes):
            name = f"{ident}/{row_id if row_id is not None else line}"
            if isinstance(given, RawDocument):
                given = RawDocument(name, given.source, given.text, given.encoding, given.sha256)
            rows.append(InputFile(path, name, "text", given))
    except InputError as err:
        rows.append(InputFile(path, ident, fmt, Unreadable(str(path), str(err), err.sha256)))
    return rows


def _stdin(requested: str, max_bytes: int) -> InputFile:
    """Standard input as one document (read now: it can be read only once)."""
    import sys

    from pipeline.io.collections import Unreadable
    from pipeline.io.formats import document_from_bytes
    from pipeline.io.read import InputError

    data = sys.stdin.buffer.read(max_bytes + 1)
    try:
        if len(data) > max_bytes:
            raise InputError(f"-: standard input is longer than the limit of {max_bytes:,} bytes (--max-bytes)")
        given = document_from_bytes(data, "-", STDIN_ID, requested, sniffing=True)
    except InputError as err:
        return InputFile(Path("-"), STDIN_ID, "text", Unreadable("-", str(err), err.sha256))
    return InputFile(Path("-"), STDIN_ID, "text", given)
