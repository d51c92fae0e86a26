"""Markup parsed to a flat list of events, each with its exact character offsets in the raw text.

The readers of :mod:`pipeline.io.extract` and :mod:`pipeline.io.layout` walk these
events; no regular expression ever reads markup. Two well-kept parsers of the
standard library report where each event starts, which lxml does not:

- HTML (and hOCR): :class:`html.parser.HTMLParser` with ``convert_charrefs=False``,
  fed the decoded text: each tag, run of text and character reference arrives
  with its line and column, turned here into a character offset; a reference
  (``&oacute;``, ``&#233;``, ``&amp`` without its semicolon) is resolved by
  :func:`html.unescape` of its own raw characters.
- XML (TEI, ALTO, PAGE): expat, fed the decoded text (so a declared encoding
  never disagrees with the decoding already done), reports the byte offset of
  each event in the UTF-8 of that text, turned here into a character offset. An
  entity that no DTD defines (``&oacute;`` in a TEI file) is resolved by its
  HTML name; a character run's raw span ends where the next event begins.

An :data:`Event` is ``(kind, name, attrs, start, end)``: kind ``start`` (an
element's start tag, ``[start, end)`` the tag), ``end`` (its end, an empty span
at the end tag), or ``text`` (``name`` the decoded text, ``[start, end)`` the raw
characters it came from, entities and all). Element and attribute names are
lower case for HTML and local names (namespace dropped) for XML.
"""

from __future__ import annotations

import html
from html.entities import html5
from html.parser import HTMLParser
from xml.parsers import expat

from pipeline.io.read import InputError

#: (kind, name or text, attributes, raw start, raw end)
Event = tuple[str, str, dict[str, str], int, int]

_NO_ATTRS: dict[str, str] = {}


class _HtmlEvents(HTMLParser):
    """Collects :data:`Event` s with character offsets (see the module)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.raw = text
        self.events: list[Event] = []
        self._line_starts = [0]
        pos = text.find("\n")
        while pos >= 0:
            self._line_starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def _pos(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._pos()
        source = self.get_starttag_text() or ""
        self.events.append(("start", tag, {k: v or "" for k, v in attrs}, start, start + len(source)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        end = self.events[-1][4]
        self.events.append(("end", tag, _NO_ATTRS, end, end))

    def handle_endtag(self, tag: str) -> None:
        pos = self._pos()
        self.events.append(("end", tag, _NO_ATTRS, pos, pos))

    def handle_data(self, data: str) -> None:
        start = self._pos()
        self.events.append(("text", data, _NO_ATTRS, start, start + len(data)))

    def _reference(self, prefix: str, name: str) -> None:
        start = self._pos()
        end = start + len(prefix) + len(name)
        if self.raw.startswith(";", end):
            end += 1
        self.events.append(("text", html.unescape(self.raw[start:end]), _NO_ATTRS, start, end))

    def handle_entityref(self, name: str) -> None:
        self._reference("&", name)

    def handle_charref(self, name: str) -> None:
        self._reference("&#", name)


def html_events(text: str) -> list[Event]:
    """The events of an HTML (or hOCR) text; the parser is lenient, so this never fails."""
    parser = _HtmlEvents(text)
    parser.feed(text)
    parser.close()
    return parser.events


def xml_events(text: str, path: str = "<text>") -> tuple[list[Event], str]:
    """The events of an XML text, and the namespace of its root element ('' if none).
    RAISES (InputError): the text is not well-formed XML (line and column named)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.UseForeignDTD(True)  # undefined entities become skipped ones, resolved below
    parser.buffer_text = False
    marks: list[tuple[str, str, dict[str, str], int]] = []  # (kind, name, attrs, byte offset)
    root: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if not root:
            root.append(name.rpartition(" ")[0])
        local = {key.rpartition(" ")[2]: value for key, value in attrs.items()}
        marks.append(("start", name.rpartition(" ")[2], local, parser.CurrentByteIndex))

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: marks.append(
        ("end", name.rpartition(" ")[2], _NO_ATTRS, parser.CurrentByteIndex)
    )
    parser.CharacterDataHandler = lambda data: marks.append(("text", data, _NO_ATTRS, parser.CurrentByteIndex))
    parser.SkippedEntityHandler = lambda name, is_parameter: marks.append(
        ("text", html5.get(name + ";", f"&{name};"), _NO_ATTRS, parser.CurrentByteIndex)
    )
    try:
        parser.Parse(text, True)
    except expat.ExpatError as err:
        raise InputError(
            f"{path}: not well-formed XML (line {err.lineno}, column {err.offset + 1}): "
            f"{expat.ErrorString(err.code)}"
        ) from err
    return _with_char_offsets(marks, text), root[0] if root else ""


def _with_char_offsets(marks: list[tuple[str, str, dict[str, str], int]], text: str) -> list[Event]:
    """Byte offsets (in ``text``'s UTF-8) to character offsets; each event ends where the next begins
    (an end tag: an empty span)."""
    data = text.encode("utf-8")
    chars, last_byte, last_char = [], 0, 0
    for _, _, _, byte in marks:
        last_char += len(data[last_byte:byte].decode("utf-8"))
        last_byte = byte
        chars.append(last_char)
    chars.append(len(text))
    events: list[Event] = []
    for k, (kind, name, attrs, _) in enumerate(marks):
        start = chars[k]
        events.append((kind, name, attrs, start, start if kind == "end" else chars[k + 1]))
    return events
