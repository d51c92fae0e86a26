"""A run's checkpoint: the lines of the documents finished so far, so that a killed run resumes.

While a run goes, the ``documents.jsonl`` line of every document processed is
appended to ``OUT/.namelink-journal``: a header naming the run's fingerprint
(:func:`pipeline.batch.incremental.run_fingerprint`), then one entry per
line, ``<sha256 of the line> <the line>``, flushed as it is written and
synced to disk at most every ``sync_seconds``. A run killed by ``kill -9``,
``SIGTERM``, Ctrl-C or a power cut leaves it behind; the next run into the
same folder with the same fingerprint copies the line of every file whose
path, id and raw bytes are unchanged from it instead of processing the file
again (an entry whose checksum fails, such as the last one a kill cut in
half, is ignored), so its output is byte for byte that of an uninterrupted
run. A run that completes removes it once its own output is in place.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import orjson

from pipeline.batch.incremental import file_sha256

JOURNAL_NAME = ".namelink-journal"
_HEADER = b"namelink-journal 1 "


@dataclass(frozen=True)
class _Entry:
    sha256: str
    doc_id: str
    offset: int
    length: int


class Journal:
    """The checkpoint of the runs into ``out_dir`` with ``fingerprint`` (see the module)."""

    def __init__(self, out_dir: Path, fingerprint: dict[str, str], sync_seconds: float = 1.0) -> None:
        self.path = Path(out_dir) / JOURNAL_NAME
        self.key = hashlib.sha256(orjson.dumps(fingerprint, option=orjson.OPT_SORT_KEYS)).hexdigest()
        self.sync_seconds = sync_seconds
        self.entries: dict[str, _Entry] = {}
        self._writer: IO[bytes] | None = None
        self._reader: IO[bytes] | None = None
        self._synced = 0.0
        self._good_end = 0  # where the last whole entry loaded ends: a torn tail is cut off there

    # -- resuming ------------------------------------------------------------------------------

    def load(self) -> int:
        """Index the entries a previous, unfinished run of the same fingerprint left; their number."""
        try:
            handle = open(self.path, "rb")  # noqa: SIM115 (kept to read lines back)
        except OSError:
            return 0
        header = handle.readline()
        if header != _HEADER + self.key.encode() + b"\n":
            handle.close()
            return 0
        offset = len(header)
        self._good_end = offset
        for raw in handle:
            entry = _entry(raw, offset)
            if entry is not None:
                self.entries[entry[0]] = entry[1]
            offset += len(raw)
            if raw.endswith(b"\n"):
                self._good_end = offset
        self._reader = handle
        return len(self.entries)

    def reusable(self, path: Path | str, doc_id: str, sha256: str | None = None) -> bytes | None:
        """The checkpointed line of ``path`` (a record's ``source``) if its id and raw bytes are
        unchanged, else None; ``sha256`` as for :meth:`PreviousRun.reusable`."""
        entry = self.entries.get(str(path))
        if entry is None or self._reader is None or entry.doc_id != doc_id:
            return None
        if (sha256 if sha256 is not None else file_sha256(Path(path))) != entry.sha256:
            return None
        self._reader.seek(entry.offset)
        return self._reader.read(entry.length)

    # -- checkpointing -------------------------------------------------------------------------

    def open(self) -> None:
        """Start appending: to the entries loaded, or to a new journal for this fingerprint."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._reader is not None:
            self._writer = open(self.path, "r+b")  # noqa: SIM115
            self._writer.truncate(self._good_end)  # a line a kill cut short would swallow the next entry
            self._writer.seek(self._good_end)
        else:
            self._writer = open(self.path, "wb")  # noqa: SIM115
            self._writer.write(_HEADER + self.key.encode() + b"\n")
        self._sync(force=True)

    def add(self, line: bytes) -> None:
        """Checkpoint one document's finished line."""
        if self._writer is None:
            return
        self._writer.write(hashlib.sha256(line).hexdigest().encode() + b" " + line)
        self._writer.flush()
        self._sync()

    def _sync(self, force: bool = False) -> None:
        now = time.monotonic()
        if self._writer is not None and (force or now - self._synced >= self.sync_seconds):
            self._writer.flush()
            os.fsync(self._writer.fileno())
            self._synced = now

    def close(self) -> None:
        """Stop writing; the journal stays for a run that resumes."""
        for handle in (self._writer, self._reader):
            if handle is not None:
                handle.close()
        self._writer = self._reader = None

    def remove(self) -> None:
        """The run completed and its output is in place: nothing to resume."""
        self.close()
        self.path.unlink(missing_ok=True)


def _entry(raw: bytes, offset: int) -> tuple[str, _Entry] | None:
    """(source, entry) of one journal line whose checksum holds, else None."""
    checksum, space, line = raw.partition(b" ")
    if not space or not line.endswith(b"\n") or hashlib.sha256(line).hexdigest().encode() != checksum:
        return None
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(record, dict) or not record.get("sha256") or not isinstance(record.get("source"), str):
        return None
    start = offset + len(checksum) + 1
    return record["source"], _Entry(record["sha256"], str(record.get("doc_id")), start, len(line))
