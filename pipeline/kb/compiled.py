"""The compiled knowledge base: built once from the YAML, cached by content hash, never stale.

:func:`open_compiled` returns the :class:`~pipeline.kb.store.KbStore` of a
models folder for a language. Its file is named by a hash of everything the
store is made from: the folder's content (:func:`pipeline.resources.models_fingerprint`:
``kb/``, ``rules/``, ``learned/``), the language, the source of the modules
that generate forms and keys, and the store's schema. An edited entry, rule
or namelink version is another name, so an old file is never read for new
data; the file also carries its hash inside (``meta``), and a file whose hash
or schema does not match (copied, damaged, half a disk) is built again.

A build writes a temporary file and renames it into place (a reader never
sees half a file), under a lock file, so ``--jobs`` workers started together
build it once and the others wait and open it. Older builds of the same folder
and language are deleted once a new one is in place.

Where: ``$NAMELINK_INDEX_DIR`` if set, else ``$XDG_CACHE_HOME/namelink/index``
(``~/.cache/namelink/index``): one cache for every models folder, since a file
is named by its content. Not inside the models folder: a folder may be
read-only (an installed wheel), a temporary copy that a cached pipeline
outlives (``namelink train`` measures on one), or saved once per component
inside a spaCy pipeline (``nlp.to_disk``), and the same content should be
compiled once and stay readable whatever happens to the folder. Files of a
folder that is gone are deleted a day later.

The same folder keeps the marks of :func:`pipeline.kb.validate.ensure_valid`:
a folder content checked once is not parsed again by the next process.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from pipeline.kb.store import SCHEMA_VERSION, KbStore

log = logging.getLogger(__name__)

#: The modules whose code shapes the stored forms, keys and tables.
_SOURCES = (
    "base.py", "build.py", "compiled.py", "entries.py", "forms.py", "fuzzy.py", "index.py", "keys.py",
    "learned.py", "lexicon.py", "pet_names.py", "relations.py", "store.py",
)  # fmt: skip
#: Packages whose behaviour the keys follow (folding, romanisation).
_PACKAGES = ("anyascii", "iuliia", "wordsegment")
#: A compiled file of a folder that no longer exists is deleted after this long.
_GONE_SECONDS = 24 * 3600


def code_fingerprint() -> str:
    """A hash of the code and package versions the compiled data depends on."""
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    here = Path(__file__).parent
    for name in _SOURCES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    for package in _PACKAGES:
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(package.encode())
    return digest.hexdigest()[:16]


def index_dir(folder: Path | None = None) -> Path:
    """Where compiled files live (see the module): one folder for every models folder, since a
    file is named by its content."""
    chosen = os.environ.get("NAMELINK_INDEX_DIR")
    if chosen:
        return Path(chosen)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "namelink" / "index"


def compiled_key(fingerprint: str, lang: str | None) -> str:
    """The hash a compiled file is named and marked by."""
    return hashlib.sha256(f"{fingerprint}\0{lang or ''}\0{code_fingerprint()}".encode()).hexdigest()[:20]


def open_compiled(folder: Path, fingerprint: str, lang: str | None, build: Callable[[Path], KbStore]) -> KbStore:
    """The store of ``folder``'s content ``fingerprint`` for ``lang``: the cached file when it
    is this content's, else ``build(path)`` into a new file (see the module)."""
    key = compiled_key(fingerprint, lang)
    where = index_dir(folder)
    path = where / f"kb-{key}.sqlite"
    found = _open_if_current(path, key)
    if found is not None:
        return found
    where.mkdir(parents=True, exist_ok=True)
    with _locked(path.with_suffix(".lock")):
        found = _open_if_current(path, key)
        if found is not None:
            return found
        for orphan in where.glob(f"{path.stem}.tmp*"):  # left by a build that was killed: never renamed
            orphan.unlink(missing_ok=True)
        scratch = path.with_suffix(f".tmp{os.getpid()}")
        log.info("compiling the knowledge base of %s into %s", folder, path)
        try:
            build(scratch).close()
            _remove(path)  # and what was derived from a file of this name
            os.replace(scratch, path)
        finally:
            scratch.unlink(missing_ok=True)
        _forget_older(where, path, folder, lang)
    found = _open_if_current(path, key)
    if found is None:
        raise sqlite3.DatabaseError(f"{path}: the knowledge base just compiled cannot be read back")
    return found


def store_meta(folder: Path, fingerprint: str, lang: str | None) -> dict[str, str]:
    """What a compiled file says it is of (``meta``)."""
    return {"key": compiled_key(fingerprint, lang), "folder": str(folder.resolve()), "lang": lang or ""}


def _open_if_current(path: Path, key: str) -> KbStore | None:
    if not path.is_file():
        return None
    try:
        store = KbStore.open(path)
        if store.meta("key") == key:
            return store
        store.close()
        log.warning("%s is not the compiled knowledge base it is named for: building it again", path)
    except sqlite3.DatabaseError as err:
        log.warning("%s cannot be read (%s): building it again", path, err)
    _remove(path)
    return None


def _remove(path: Path) -> None:
    """A compiled file and what was derived from it (the key filters of :mod:`pipeline.kb.index`)."""
    for derived in path.parent.glob(f"{path.name}.*"):
        derived.unlink(missing_ok=True)
    path.unlink(missing_ok=True)


def _forget_older(where: Path, kept: Path, folder: Path, lang: str | None) -> None:
    """Delete the other compiled files of the same folder and language (an older content), and
    those of folders that are gone (a temporary copy) once a day has passed."""
    for other in where.glob("kb-*.sqlite"):
        if other == kept:
            continue
        try:
            store = KbStore.open(other)
            of = store.meta("folder") or ""
            same = of == str(folder.resolve()) and store.meta("lang") == (lang or "")
            store.close()
            gone = not Path(of).is_dir() and time.time() - other.stat().st_mtime > _GONE_SECONDS
        except (sqlite3.DatabaseError, OSError):
            same = gone = False
        if same or gone:
            _remove(other)
            other.with_suffix(".lock").unlink(missing_ok=True)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` between processes (POSIX ``flock``; none where it is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: a duplicate build is wasted time, never wrong
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def validated_mark(folder: Path, fingerprint: str, complete: bool, checker: str) -> Path:
    """The file that says ``folder``'s content ``fingerprint`` passed the check (its code ``checker``)."""
    digest = hashlib.sha256(f"{fingerprint}\0{complete}\0{checker}".encode()).hexdigest()[:20]
    return index_dir(folder) / f"valid-{digest}"
