"""Files written atomically: a temporary file in the target folder, renamed into place when complete.

A crash, a full disk or an exception in the middle never leaves a
half-written file: the previous file (if any) stays as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson


@contextmanager
def atomic_writer(path: str | Path) -> Iterator[Any]:
    """A binary file handle whose content replaces ``path`` only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class StagedFiles:
    """Several files written to temporary files and put in place together at :meth:`commit`.

    A run's files belong together (``documents.jsonl``, ``entities.jsonl``,
    ``manifest.json``): nothing replaces the previous run's until all are
    complete, then they are renamed in the order they were opened (the
    manifest last). :meth:`discard` removes the temporary files.
    """

    def __init__(self) -> None:
        self._open: list[tuple[Path, str, Any]] = []

    def open(self, path: str | Path) -> Any:
        """A binary handle for ``path``'s new content."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        handle = os.fdopen(fd, "wb")
        self._open.append((path, tmp, handle))
        return handle

    def commit(self) -> None:
        for _, tmp, handle in self._open:
            if not handle.closed:
                handle.flush()
                os.fsync(handle.fileno())
                handle.close()
            os.chmod(tmp, 0o666 & ~_umask())
        for path, tmp, _ in self._open:
            os.replace(tmp, path)
        self._open = []

    def discard(self) -> None:
        for _, tmp, handle in self._open:
            handle.close()
            Path(tmp).unlink(missing_ok=True)
        self._open = []


def json_bytes(data: Any) -> bytes:
    """Indented, key-sorted JSON (the manifest's form)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_json(path: str | Path, data: Any) -> None:
    """Write ``data`` as indented, key-sorted JSON, atomically."""
    with atomic_writer(path) as handle:
        handle.write(json_bytes(data))
