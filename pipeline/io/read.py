"""Reading input documents: decoding, with a clear error for bad files.

Only regular files are read, and at most ``max_bytes`` of them (default
:data:`DEFAULT_MAX_BYTES`, ``namelink run --max-bytes``): a named pipe, a
device such as ``/dev/zero``, a socket, a directory or a dangling symbolic
link is an :class:`InputError` with a message that says which, never a read
that blocks or grows without limit. The file is opened without blocking and
checked again on the open descriptor, so a file swapped for a pipe between
the check and the read is caught too.

UTF-8 is read as is (no newline translation, a byte-order mark stays as
character 0), so offsets agree with ``open(path, encoding="utf-8",
newline="")``. UTF-16 is recognised with or without a byte-order mark (NUL
bytes in every other position); a stray NUL byte in a text (export noise) is
kept as a character, not taken for a binary file. Other encodings are
detected with charset-normalizer and recorded; offsets then index the
decoded text.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

from pipeline.io.offsets import MappedText

#: Share of control characters (NUL bytes included) above which a file is taken as binary. A
#: module constant, not models/ data: files are read before any models folder is chosen.
BINARY_CONTROL_SHARE = 0.05
#: The largest input file read by default (``--max-bytes``): generous for a text, a stop for a
#: device or a runaway file. Longer documents go through the model in pieces.
DEFAULT_MAX_BYTES = 200_000_000
#: Bytes sampled to tell text from binary and UTF-16 from the rest.
_SAMPLE = 8192
#: Share of NUL bytes at the odd (or even) positions of a sample that makes it UTF-16 LE (BE).
_UTF16_NUL_SHARE = 0.3
#: The same for a text in another script, whose only NULs are the high bytes of its spaces and
#: punctuation (then it must also read as text in that byte order, and no NUL at the other parity).
_UTF16_SPACE_SHARE = 0.05
#: What "reads as text" means for such a sample: printable characters and letters, as shares.
_TEXT_PRINTABLE_SHARE = 0.98
_TEXT_LETTER_SHARE = 0.5


class InputError(ValueError):
    """A document that cannot be read as text.

    The message says why (missing, empty, binary, undecodable); ``sha256`` is
    the hash of the file's bytes when they could be read, so the error record
    still names the exact input.
    """

    sha256: str | None = None


@dataclass(frozen=True)
class Fetched:
    """A file's bytes read ahead of its processing, by a process that can see the file (a cluster's
    client ships them to workers that cannot): the document is made from them as from the file."""

    source: str
    data: bytes


@dataclass(frozen=True)
class RawDocument:
    """One input document, decoded (and, for markup, its text extracted).

    doc_id (str): Its id in the run (:mod:`pipeline.io.ids`: the path relative to the folder
        named, without the extension where that stays unique).
    source (str): The path as given (``PATH:LINE`` for a collection's row, ``-`` for standard input).
    text (str): The text the pipeline reads: the decoded file, or what a reader of
        :mod:`pipeline.io.formats` extracted from it.
    encoding (str): ``utf-8`` or the encoding charset-normalizer detected.
    sha256 (str): Hash of the raw bytes (incremental runs compare it).
    mapping (MappedText | None): For extracted text, each character's span in the decoded file,
        which the output's raw offsets index; None: ``text`` is the decoded file itself.
    emphasis (tuple): Raw spans the markup puts in italics.
    words (tuple): An OCR layout's words (:class:`pipeline.io.layout.LayoutWord`), for the
        mentions' ``page`` and ``box``.
    """

    doc_id: str
    source: str
    text: str
    encoding: str
    sha256: str
    mapping: MappedText | None = None
    emphasis: tuple[tuple[int, int], ...] = ()
    words: tuple = ()


def read_document(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, doc_id: str | None = None) -> RawDocument:
    """Read and decode one file.

    path (str | Path): The file to read: a regular file (or a link to one).
    max_bytes (int): The largest file read; a larger one is an error.
    doc_id (str | None): Its id in the run (:mod:`pipeline.io.ids`); default its file name
        without the extension.
    RETURNS (RawDocument): Its text, encoding and sha256.
    RAISES (InputError): With a clear message if the file is no regular file, is too
        large, cannot be read or is not text.
    """
    import hashlib

    path = Path(path)
    data = read_bytes(path, max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    try:
        text, encoding = decode(data, path)
    except InputError as err:
        err.sha256 = digest  # the error record still names the exact bytes
        raise
    return RawDocument(path.stem if doc_id is None else doc_id, str(path), text, encoding, digest)


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; :class:`InputError` for anything else."""
    with open_regular(path, max_bytes) as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"{path}: larger than the limit of {max_bytes:,} bytes (it grew while read; --max-bytes)")
    return data


def open_regular(path: str | Path, max_bytes: int | None = None) -> BinaryIO:
    """A regular file (or a link to one) of at most ``max_bytes`` opened for binary reading, never
    a read that blocks (a FIFO) or never ends (a device): the file is opened without blocking and
    its kind checked on the open descriptor, so a file swapped after the first check is caught too.
    RAISES (InputError): naming the file and why (missing, a dangling link, no regular file, too large).
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError as err:
        if path.is_symlink():
            raise InputError(f"{path}: dangling symbolic link (to {os.readlink(path)}, which does not exist)") from err
        raise InputError(f"{path}: no such file") from err
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from err
    _check_regular(path, info, max_bytes)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from err
    try:
        _check_regular(path, os.fstat(fd), max_bytes)  # the file opened is the file checked
    except InputError:
        os.close(fd)
        raise
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _check_regular(path: Path, info: os.stat_result, max_bytes: int | None) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: not a regular file ({_kind(info.st_mode)}); only regular files are read")
    if max_bytes is not None and info.st_size > max_bytes:
        raise InputError(f"{path}: {info.st_size:,} bytes, larger than the limit of {max_bytes:,} (--max-bytes)")


def _kind(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a file")


def decode(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode a file's bytes: UTF-8 as is, anything else by detection.

    data (bytes): The raw bytes.
    path (str | Path): Named in error messages only.
    RETURNS (tuple[str, str]): The text and the encoding used.
    RAISES (InputError): For empty, binary (more NUL bytes or control characters
        than :data:`BINARY_CONTROL_SHARE`) or undecodable data.
    """
    if not data.strip():
        raise InputError(f"{path}: empty file")
    utf16 = _utf16(data)
    if utf16 is not None:
        text, encoding = _decode_utf16(data, utf16, path)
    else:
        nuls = data[:_SAMPLE].count(0)
        if nuls > BINARY_CONTROL_SHARE * min(len(data), _SAMPLE):
            raise InputError(f"{path}: binary file ({nuls} NUL bytes in the first {_SAMPLE:,}), not text")
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


def _utf16(data: bytes) -> str | None:
    """``utf-16`` (a byte-order mark), ``utf-16-le`` or ``utf-16-be`` (NUL bytes in every other
    position, as the Latin letters of UTF-16 without a mark have them), or None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:_SAMPLE]
    half = len(sample) // 2
    if half < 2:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if odd >= _UTF16_NUL_SHARE * half and even < 0.01 * half:
        return "utf-16-le"
    if even >= _UTF16_NUL_SHARE * half and odd < 0.01 * half:
        return "utf-16-be"
    # Other scripts (Cyrillic) leave NULs only at their spaces and punctuation: fewer, but all
    # at one parity, and the sample then reads as text in that byte order.
    for encoding, nuls, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if nuls >= _UTF16_SPACE_SHARE * half and others == 0 and _reads_as_text(sample, encoding):
            return encoding
    return None


def _reads_as_text(sample: bytes, encoding: str) -> bool:
    """The sample decodes in ``encoding`` to letters, digits, spaces and punctuation."""
    try:
        text = sample[: len(sample) // 2 * 2].decode(encoding)
    except UnicodeDecodeError:
        return False
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    letters = sum(ch.isalpha() for ch in text)
    return printable >= _TEXT_PRINTABLE_SHARE * len(text) and letters >= _TEXT_LETTER_SHARE * len(text)


def _decode_utf16(data: bytes, encoding: str, path: str | Path) -> tuple[str, str]:
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: looks like {encoding.upper()} but does not decode as it ({err.reason})") from err


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


def iter_input_files(paths: Iterable[str | Path], exclude: Iterable[str | Path] = ()) -> Iterator[Path]:
    """The input files of a run (see :func:`iter_inputs`), as paths."""
    for path, _ in iter_inputs(paths, exclude):
        yield path


def iter_inputs(paths: Iterable[str | Path], exclude: Iterable[str | Path] = ()) -> Iterator[tuple[Path, str]]:
    """The input files of a run, each with its name relative to the folder it was found in.

    paths (Iterable[str | Path]): Files and folders as given on the command line.
    exclude (Iterable[str | Path]): Folders never read from (the run's own output folder).
    YIELDS (tuple[Path, str]): Each path named (relative name: its file name), and every
        non-hidden entry under each folder named that is not a folder (recursively, sorted;
        relative name: its POSIX path under that folder), in the order given: named pipes,
        devices, dangling links and links to folders (never followed: a loop) too, so that each
        gets its error record
        (:func:`read_document`) instead of being skipped unseen.
    """
    skipped = [Path(p).resolve() for p in exclude]
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if child.is_dir() and not child.is_symlink():
                    continue  # its files are listed; a link to a folder is not followed but gets its error line
                if not _inside_any(child, skipped):
                    yield child, relative.as_posix()
        else:
            yield path, path.name


def _inside_any(path: Path, folders: list[Path]) -> bool:
    resolved = path.parent.resolve() / path.name  # the entry itself may be a dangling link
    return any(resolved.is_relative_to(folder) for folder in folders)
