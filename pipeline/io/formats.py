"""Input formats: which reader a file gets, by ``--format`` or (``auto``) by its extension.

========== =========================================== =======================================
format     auto for                                    reader
========== =========================================== =======================================
text       every other extension (``.txt``, ``.md``)   the decoded file as it is (as before)
html       ``.html``, ``.htm``, ``.xhtml``              :func:`pipeline.io.extract.html_text`
                                                       (an ``ocr_page`` in it: hOCR)
hocr       ``.hocr``                                   :func:`pipeline.io.layout.hocr_text`
xml        ``.xml``, ``.tei``                          by the root element: ``alto`` ALTO,
                                                       ``PcGts`` PAGE, else XML/TEI text
tei, alto, page                                        that reader, whatever the extension
jsonl      ``.jsonl``, ``.ndjson``                     one document per line (collections.py)
csv        ``.csv``, ``.tsv``                          one document per row
parquet    ``.parquet``                                one document per row
========== =========================================== =======================================

Standard input (``-``) is read as ``text`` unless it starts with ``<``, when it
is sniffed as HTML or XML. A file a reader cannot parse (XML that is not
well-formed) is an :class:`~pipeline.io.read.InputError`: an error record.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.io.collections import Unreadable
from pipeline.io.events import html_events, xml_events
from pipeline.io.extract import Extracted, html_text, xml_text
from pipeline.io.ids import InputFile
from pipeline.io.layout import alto_text, hocr_text, page_text
from pipeline.io.read import DEFAULT_MAX_BYTES, Fetched, InputError, RawDocument, decode, read_bytes

#: Every ``--format`` value.
FORMATS = ("auto", "text", "html", "hocr", "xml", "tei", "alto", "page", "jsonl", "csv", "parquet")
#: Formats of one document per row or line.
COLLECTIONS = frozenset({"jsonl", "csv", "parquet"})
_BY_EXTENSION = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".hocr": "hocr",
    ".xml": "xml",
    ".tei": "xml",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
}


@dataclass(frozen=True)
class ReadOptions:
    """How a run reads its inputs: ``--format``, and for collections ``--id-field`` and ``--text-field``."""

    format: str = "auto"
    id_field: str | None = None
    text_field: str = "text"

    def fingerprint(self) -> str | None:
        """What the incremental cache must know of these options (None: the defaults)."""
        if self == ReadOptions():
            return None
        return f"format={self.format} id={self.id_field} text={self.text_field}"


def format_of(path: str | Path, requested: str = "auto") -> str:
    """The format a file is read as: ``requested``, or by its extension under ``auto``."""
    if requested != "auto":
        return requested
    return _BY_EXTENSION.get(PurePosixPath(str(path)).suffix.lower(), "text")


def sniff(text: str) -> str:
    """The format of a text whose name says nothing (standard input): markup if it starts with ``<``."""
    head = text.lstrip("\ufeff \t\r\n")[:512].lower()
    if not head.startswith("<"):
        return "text"
    if head.startswith("<!doctype html") or head.startswith("<html"):
        return "html"
    return "xml"


def extract(text: str, fmt: str, path: str = "<text>") -> Extracted | None:
    """The text a reader takes from a decoded file (None for ``text``: the file is its own text).
    RAISES (InputError): markup the reader cannot parse."""
    if fmt == "text":
        return None
    if fmt in ("html", "hocr"):
        return hocr_text(text) if fmt == "hocr" or _is_hocr(text) else html_text(text)
    if fmt not in ("xml", "tei", "alto", "page"):
        raise InputError(f"{path}: {fmt} is a collection format, not one of a single document")
    events, _ = xml_events(text, path)
    root = next((name for kind, name, *_ in events if kind == "start"), "")
    dialect = fmt if fmt != "xml" else {"alto": "alto", "PcGts": "page"}.get(root, "tei")
    if dialect == "alto":
        return alto_text(text, path, events)
    if dialect == "page":
        return page_text(text, path, events)
    return xml_text(text, path, events)


def _is_hocr(text: str) -> bool:
    """An HTML file with an ``ocr_page`` element is hOCR (the hOCR specification's marker)."""
    events = html_events(text)
    return any(kind == "start" and "ocr_page" in attrs.get("class", "").split() for kind, _, attrs, *_ in events)


def document_from_bytes(data: bytes, source: str, doc_id: str, fmt: str, sniffing: bool = False) -> RawDocument:
    """A document from a file's bytes: decoded, then read as ``fmt`` (``sniffing``: an ``auto``
    decided by the content, for standard input). RAISES (InputError): with the bytes' sha256."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        text, encoding = decode(data, source)
        if sniffing and fmt == "auto":
            fmt = sniff(text)
        extracted = extract(text, fmt, source)
        if extracted is not None and not extracted.mapping.text.strip():
            raise InputError(f"{source}: no text in the {fmt} markup")
    except InputError as err:
        err.sha256 = digest  # the error record still names the exact bytes
        raise
    if extracted is None:
        return RawDocument(doc_id, source, text, encoding, digest)
    mapping = extracted.mapping
    return RawDocument(doc_id, source, mapping.text, encoding, digest, mapping, extracted.emphasis, extracted.words)


def read_input(file: InputFile, max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    """The document of one input: the one given already (a row, standard input), or its file read
    (at most ``max_bytes``, only a regular file; or its bytes :class:`~pipeline.io.read.Fetched`
    already) by its format's reader.
    RAISES (InputError): why it cannot be read, with the sha256 of its bytes where known."""
    if isinstance(file.given, RawDocument):
        return file.given
    if isinstance(file.given, Unreadable):
        err = InputError(file.given.error)
        err.sha256 = file.given.sha256
        raise err
    data = file.given.data if isinstance(file.given, Fetched) else read_bytes(file.path, max_bytes)
    return document_from_bytes(data, str(file.path), file.doc_id, file.format)
