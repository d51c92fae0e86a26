"""Reading input documents: decoding, with a clear error for bad files.

UTF-8 is read as is (no newline translation, a byte-order mark stays as
character 0), so offsets agree with ``open(path, encoding="utf-8",
newline="")``. Other encodings are detected with charset-normalizer and
recorded; offsets then index the decoded text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

#: Share of control characters above which a file is taken as binary.
BINARY_CONTROL_SHARE = 0.05


class InputError(ValueError):
    """A document that cannot be read as text."""


@dataclass(frozen=True)
class RawDocument:
    doc_id: str
    source: str
    text: str
    encoding: str
    sha256: str


def read_document(path: str | Path) -> RawDocument:
    """Read one file; raise :class:`InputError` with a clear message if it is not text."""
    import hashlib

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from err
    digest = hashlib.sha256(data).hexdigest()
    text, encoding = decode(data, path)
    return RawDocument(path.stem, str(path), text, encoding, digest)


def decode(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    if not data.strip():
        raise InputError(f"{path}: empty file")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: binary file (contains NUL bytes), not text")
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            raise InputError(f"{path}: not UTF-8 and no text encoding could be detected") from None
        text, encoding = str(best), best.encoding
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > BINARY_CONTROL_SHARE * min(len(text), 20000):
        raise InputError(f"{path}: binary file ({controls} control characters), not text")
    if not text.strip():
        raise InputError(f"{path}: no text")
    return text, encoding


def iter_input_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and every non-hidden file under folders named, in sorted order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if child.is_file() and not any(part.startswith(".") for part in relative.parts):
                    yield child
        else:
            yield path
