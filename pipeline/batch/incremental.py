"""Incremental runs: reuse the lines of the previous run that cannot have changed.

A ``documents.jsonl`` line depends only on the raw bytes of its file and on
what processed it: namelink's code, the spaCy pipeline, the data under
``models/`` and the gazetteer's version (:mod:`pipeline.kb.gazetteer`).
:func:`run_fingerprint` hashes them (without loading the model) and the
manifest records it; on the next run into the same folder,
a file whose source path, id and raw sha256 match a line of the previous run
is not processed again, its line is copied byte for byte. Only a
``documents.jsonl`` whose sha256 the manifest names is trusted (a file edited
by hand is not). A changed model,
knowledge base, rule file, gazetteer or namelink version changes the fingerprint, and
every document runs again.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from pipeline import __version__
from pipeline.batch.model import ModelNotFoundError, resolve_model
from pipeline.io.read import DEFAULT_MAX_BYTES, InputError, read_bytes
from pipeline.kb.gazetteer import gazetteer_version
from pipeline.output.files import file_digest
from pipeline.records import DOCUMENTS, read_manifest
from pipeline.resources import hash_tree, models_fingerprint

#: The whole namelink package: a change to any stage's code changes every document's output.
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def run_fingerprint(
    model: str,
    models: str | Path | None,
    span_style: str = "namelink",
    languages: dict[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    reading: str | None = None,
) -> dict[str, str]:
    """What a document's output depends on besides its own bytes; ``languages`` the spaCy
    pipeline of each language (the versions of those other than ``model`` count too);
    ``max_bytes`` the largest file read (a file over it is an error line); ``reading`` the
    input options that are not the defaults (:meth:`pipeline.io.formats.ReadOptions.fingerprint`)."""
    fingerprint = {
        "namelink": __version__,
        "code": hash_tree(PACKAGE_DIR, "*.py"),
        "model": model_version(model),
        "models": models_fingerprint(models),
        "gazetteer": gazetteer_version(),
    }
    if span_style != "namelink":  # the default adds nothing, so runs made before the option still match
        fingerprint["span_style"] = span_style
    if max_bytes != DEFAULT_MAX_BYTES:
        fingerprint["max_bytes"] = str(max_bytes)
    if reading:  # like the two above: the defaults add nothing
        fingerprint["reading"] = reading
    others = {lang: model_version(name) for lang, name in sorted((languages or {}).items()) if name != model}
    if others:
        fingerprint["languages"] = ", ".join(f"{lang}={version}" for lang, version in others.items())
    return fingerprint


def model_meta(model: str) -> dict[str, Any]:
    """The meta.json of an installed spaCy pipeline (package name or path), read
    without importing spaCy; empty if it cannot be found."""
    try:
        model = resolve_model(model)
    except ModelNotFoundError:
        return {}
    path = Path(model)
    meta_path = path / "meta.json" if path.is_dir() else None
    if meta_path is None and model.isidentifier():
        try:
            spec = importlib.util.find_spec(model)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin:
            meta_path = Path(spec.origin).parent / "meta.json"
    if meta_path is None or not meta_path.is_file():
        return {}
    return orjson.loads(meta_path.read_bytes())


def model_version(model: str) -> str:
    """``lang_name version (as asked for)`` of a spaCy pipeline."""
    meta = model_meta(model)
    if not meta:
        return model
    return f"{meta.get('lang', '')}_{meta.get('name', '')} {meta.get('version', '')} ({model})"


def file_sha256(path: Path) -> str | None:
    """The sha256 of a regular file's bytes, or None if it cannot be read as one (a pipe or a
    device put where a file was is never read: :func:`pipeline.io.read.read_bytes`)."""
    try:
        return hashlib.sha256(read_bytes(path)).hexdigest()
    except InputError:
        return None


@dataclass(frozen=True)
class _Line:
    sha256: str
    doc_id: str
    offset: int
    length: int


class PreviousRun:
    """The reusable lines of the run in ``out_dir``, if its fingerprint matches.

    Only an index (source -> sha256, byte range) is kept in memory; lines are
    read back from the old file when copied.
    """

    def __init__(self, out_dir: Path, fingerprint: dict[str, str]) -> None:
        self.path = out_dir / DOCUMENTS
        self.lines: dict[str, _Line] = {}
        self._handle = None
        manifest = read_manifest(out_dir)
        #: The previous run's spaCy component names (the same pipeline when reused).
        self.pipe_names = manifest.get("pipeline")
        if manifest.get("fingerprint") == fingerprint and self._written_by_a_run(manifest):
            self._index()

    def _written_by_a_run(self, manifest: dict[str, Any]) -> bool:
        """Only a ``documents.jsonl`` whose checksum the manifest names is trusted: a file
        edited by hand, or cut short, or left by a run that never finished, is not."""
        listed = (manifest.get("files") or {}).get(DOCUMENTS)
        return self.path.is_file() and isinstance(listed, dict) and file_digest(self.path) == listed.get("sha256")

    def _index(self) -> None:
        offset = 0
        with open(self.path, "rb") as handle:
            for line in handle:
                try:
                    record = orjson.loads(line)
                except orjson.JSONDecodeError:
                    self.lines.clear()  # a damaged file is not trusted at all
                    return
                if record.get("sha256"):
                    self.lines[record["source"]] = _Line(record["sha256"], record["doc_id"], offset, len(line))
                offset += len(line)
        # Keep the old file open: the new one replaces it by rename, the data stays readable.
        self._handle = open(self.path, "rb")  # noqa: SIM115

    def reusable(self, path: Path | str, doc_id: str | None = None, sha256: str | None = None) -> bytes | None:
        """The previous line for ``path`` (a record's ``source``) if its raw bytes are unchanged (and
        its id is ``doc_id``: a file added beside it may have changed it), else None. ``sha256``: the
        bytes' hash when known (a collection's row, standard input), else the file's is read."""
        line = self.lines.get(str(path))
        if line is None or self._handle is None or (doc_id is not None and line.doc_id != doc_id):
            return None
        if (sha256 if sha256 is not None else file_sha256(Path(path))) != line.sha256:
            return None
        self._handle.seek(line.offset)
        return self._handle.read(line.length)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
