"""The writer interface: how a run's records reach files, and the registry of formats.

A writer receives every document's record in input order (with its JSON
Lines bytes, which an incremental run copies unchanged from the previous
run), then writes what aggregates over the run, then the manifest. Every
file is staged (:class:`~pipeline.output.files.StagedFiles`) and put in
place only when the run completes; if it fails, the folder keeps the
previous run's files, all of them. The manifest, renamed last, names the
sha256 of every other file, so a set cut short between two renames is told
apart by every reader (:func:`pipeline.records.check_output_set`). One run
writes into a folder at a time (its lock); temporary files a killed run
left behind go at the start of the next.

Add a format: subclass :class:`OutputWriter`, decorate it with
``@output_writer("name")``, and ``namelink run --output-format name`` (or
``run_batch(..., output_format="name")``) uses it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from pipeline.kb.base import KnowledgeBase
from pipeline.output.files import FolderLock, StagedFiles, json_bytes, remove_stale
from pipeline.records import MANIFEST, DocumentRecord

#: Registered writers by format name.
OUTPUT_WRITERS: dict[str, type[OutputWriter]] = {}


def output_writer(name: str) -> Callable[[type[OutputWriter]], type[OutputWriter]]:
    """Register a writer class under ``name``."""

    def register(cls: type[OutputWriter]) -> type[OutputWriter]:
        if name in OUTPUT_WRITERS:
            raise ValueError(f"output format {name!r} is registered already")
        cls.name = name
        OUTPUT_WRITERS[name] = cls
        return cls

    return register


def writer_for(name: str) -> type[OutputWriter]:
    """The writer class of a format, with a clear error for an unknown one."""
    try:
        return OUTPUT_WRITERS[name]
    except KeyError:
        known = ", ".join(sorted(OUTPUT_WRITERS))
        raise ValueError(f"unknown output format {name!r} (known: {known})") from None


class OutputWriter(ABC):
    """Writes one run into ``out_dir``.

    ``kb`` gives the knowledge base the run linked against (called when first
    needed, so a run that reuses every line never loads the model for it).
    Use as a context manager: leaving it normally puts every file in place,
    an exception discards them all (:meth:`abort`). Open files with
    :meth:`stage`. ``writes_documents``: whether the format writes
    ``documents.jsonl``, which incremental runs read back (the manifest
    records the run's fingerprint only then).
    """

    name = ""
    writes_documents = False

    def __init__(self, out_dir: Path, kb: Callable[[], KnowledgeBase]) -> None:
        self.out_dir = Path(out_dir)
        self.kb = kb
        self._files = StagedFiles()
        self._lock = FolderLock(self.out_dir)
        #: Called once the files are in place, before the folder's lock is let go.
        self.after_commit: list[Callable[[], None]] = []

    def __enter__(self) -> OutputWriter:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._lock.acquire()
        try:
            remove_stale(self.out_dir)  # a killed run's temporary files: nobody else holds the lock
            self.open()
        except BaseException:
            self.abort()
            raise
        return self

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        try:
            if error is None:
                self._files.commit()
                for done in self.after_commit:
                    done()  # still under the lock (the run's checkpoint goes only now)
            else:
                self.abort()
        except BaseException:
            self.abort()
            raise
        finally:
            self._lock.release()

    def stage(self, name: str) -> IO[bytes]:
        """A binary handle for the file ``name`` of the output folder, put in place on success."""
        return self._files.open(self.out_dir / name)

    @abstractmethod
    def open(self) -> None:
        """Start the files (called on entering the context)."""

    @abstractmethod
    def add(self, line: bytes, record: DocumentRecord) -> None:
        """One document's record; ``line`` is its ``documents.jsonl`` line."""

    @abstractmethod
    def finish(self) -> int:
        """Write what aggregates over the run; the number of entities."""

    def abort(self) -> None:
        """Discard every file begun; the previous run's files stay."""
        self._files.discard()

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Stage the manifest, last, with the checksums of every other file of the set (``files``)."""
        if not self.writes_documents and "fingerprint" in manifest:
            manifest = {**manifest, "fingerprint": None}  # nothing here an incremental run could reuse
        manifest = {**manifest, "files": self._files.digests()}
        self.stage(MANIFEST).write(json_bytes(manifest))
