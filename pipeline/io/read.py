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

#: Share of control characters above which a file is taken as binary. A module
#: constant, not models/ data: files are read before any models folder is chosen.
BINARY_CONTROL_SHARE = 0.05


class InputError(ValueError):
    """A document that cannot be read as text.

    The message says why (missing, empty, binary, undecodable); ``sha256`` is
    the hash of the file's bytes when they could be read, so the error record
    still names the exact input.
    """

    sha256: str | None = None


@dataclass(frozen=True)
class RawDocument:
    """One input file, decoded.

    doc_id (str): The file name without its extension.
    source (str): The path as given.
    text (str): The decoded text; all offsets of the output index it.
    encoding (str): ``utf-8`` or the encoding charset-normalizer detected.
    sha256 (str): Hash of the raw bytes (incremental runs compare it).
    """

    doc_id: str
    source: str
    text: str
    encoding: str
    sha256: str


def read_document(path: str | Path) -> RawDocument:
    """Read and decode one file.

    path (str | Path): The file to read.
    RETURNS (RawDocument): Its text, encoding and sha256.
    RAISES (InputError): With a clear message if the file cannot be read or is not text.
    """
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
    """Decode a file's bytes: UTF-8 as is, anything else by detection.

    data (bytes): The raw bytes.
    path (str | Path): Named in error messages only.
    RETURNS (tuple[str, str]): The text and the encoding used.
    RAISES (InputError): For empty, binary (NUL bytes, or more control characters
        than :data:`BINARY_CONTROL_SHARE`) or undecodable data.
    """
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
    """The input files of a run.

    paths (Iterable[str | Path]): Files and folders as given on the command line.
    YIELDS (Path): Each file named, and every non-hidden file under each folder
        named (recursively, sorted), in the order given.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if child.is_file() and not any(part.startswith(".") for part in relative.parts):
                    yield child
        else:
            yield path
