"""Files written atomically: a temporary file in the target folder, renamed into place when complete.

A crash, a full disk or an exception in the middle never leaves a
half-written file: the previous file (if any) stays as it was. The
temporary files are named ``.<name>.<random>.tmp`` (a run's staged files
``.<name>.namelink-run-<random>.tmp``); a staged file a killed run left behind
is removed by the next run into the folder (:func:`remove_stale`),
which holds the folder's lock (:class:`FolderLock`) while it writes, so it
never takes a live run's file for a stale one.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import orjson

#: The marker in the name of a run's staged files (``.documents.jsonl.namelink-run-k2x9.tmp``): only
#: these are a killed run's leftovers; other commands' temporary files and the user's are not.
_STAGED = "namelink-run-"
_TEMPORARY = re.compile(r"^\..+\." + _STAGED + r"[A-Za-z0-9_]+\.tmp$")


class FolderBusyError(OSError):
    """Another run holds the output folder's lock."""


class FolderLock:
    """An exclusive lock on an output folder (``flock`` on the folder itself, no lock file): one
    run writes into a folder at a time; the kernel lets go of it when the run ends, however it ends."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.folder, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            os.close(fd)
            raise FolderBusyError("another namelink run is writing into this folder") from err
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def remove_stale(folder: Path) -> list[Path]:
    """Remove the temporary files a killed run left in ``folder`` (call it holding the lock)."""
    removed = []
    for path in Path(folder).iterdir() if Path(folder).is_dir() else []:
        if _TEMPORARY.match(path.name) and path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def file_digest(path: str | Path) -> str:
    """The sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _HashingFile:
    """A binary file handle that hashes and counts what is written through it."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.sha256 = hashlib.sha256()
        self.bytes = 0

    def write(self, data: bytes) -> int:
        written = self.handle.write(data)
        self.sha256.update(data)
        self.bytes += len(data)
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)


@contextmanager
def atomic_writer(path: str | Path) -> Iterator[Any]:
    """A binary file handle whose content replaces ``path`` only on success."""
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """The path of an empty temporary file beside ``path`` that replaces ``path`` only on success,
    for writers that want a file name rather than a handle (``sqlite3.connect``); removed on failure."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
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
    manifest last, naming the checksums of the others: :meth:`digests`, so a
    reader can tell a set cut short between two renames).
    :meth:`discard` removes the temporary files.
    """

    def __init__(self) -> None:
        self._open: list[tuple[Path, str, Any]] = []

    def open(self, path: str | Path) -> Any:
        """A binary handle for ``path``'s new content."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{_STAGED}", suffix=".tmp", dir=path.parent)
        handle = _HashingFile(os.fdopen(fd, "wb"))
        self._open.append((path, tmp, handle))
        return handle

    def digests(self) -> dict[str, dict[str, Any]]:
        """File name -> ``{"sha256", "bytes"}`` of what was written to each file so far."""
        return {path.name: {"sha256": h.sha256.hexdigest(), "bytes": h.bytes} for path, _, h in self._open}

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
