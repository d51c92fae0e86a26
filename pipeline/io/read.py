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
    """A document that cannot be read as text (``sha256`` of its bytes when they were read)."""

    sha256: str | None = None


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
    try:
        text, encoding = decode(data, path)
    except InputError as err:
        err.sha256 = digest  # the error record still names the exact bytes
        raise
    return RawDocument(path.stem, str(path), text, encoding, digest)


def decode(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    if not data.strip():
        raise InputError(f"{path}: empty file")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: binary file (contains NUL bytes), not text")
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = _detect(data, path)
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > BINARY_CONTROL_SHARE * min(len(text), 20000):
        raise InputError(f"{path}: binary file ({controls} control characters), not text")
    if not text.strip():
        raise InputError(f"{path}: no text")
    return text, encoding


def _detect(data: bytes, path: str | Path) -> tuple[str, str]:
    """Decode non-UTF-8 bytes with charset-normalizer, leaning to Western encodings.

    Our texts are European: where detection ties, cp1252 (then Latin-1 and
    its kin) wins over cp1250 and the like; and a mostly-ASCII text that a
    CJK encoding "explains" (a few accented letters read as one Chinese
    character) is cp1252 when it decodes as such.
    """
    results = list(from_bytes(data))
    if not results:
        raise InputError(f"{path}: not UTF-8 and no text encoding could be detected")
    best = results[0]
    tied = {m.encoding: m for m in results if m.chaos <= best.chaos and m.coherence >= best.coherence}
    for encoding in _WESTERN:
        if encoding in tied:
            return str(tied[encoding]), encoding
    if best.encoding in _CJK:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            if sum(ord(ch) > 127 for ch in text) <= 0.1 * len(text):
                return text, "cp1252"
    return str(best), best.encoding


#: Preferred in this order when detection ties.
_WESTERN = ("cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2")
_CJK = {
    "big5",
    "big5hkscs",
    "gb2312",
    "gb18030",
    "gbk",
    "hz",
    "johab",
    "euc_jp",
    "euc_kr",
    "euc_jis_2004",
    "shift_jis",
    "shift_jis_2004",
    "shift_jisx0213",
    "cp932",
    "cp949",
    "cp950",
    "iso2022_jp",
    "iso2022_kr",
}


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
