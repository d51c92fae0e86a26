"""The text of an HTML page or an XML/TEI file, with a character map back into the raw file.

:class:`TextBuilder` assembles the text a reader extracts and keeps, for each
character, the raw span it came from, in the form of
:class:`~pipeline.io.offsets.MappedText` (the cleaner then starts from that map,
so every mention's ``raw_start``/``raw_end`` index the file as written):

- text copied from the file maps character by character; a resolved reference
  (``&oacute;`` -> ``ó``) maps to the whole reference;
- a run of white space in HTML or XML text becomes one space, a break a block
  element makes ``\\n`` or ``\\n\\n``, and a space between two words of a layout is
  one too; all are insertions: an empty span at the raw position where they
  were asked for, so they never widen a mention. Breaks wait for the next text,
  so the text neither starts nor ends with one and two blocks give one blank line.

:func:`html_text` and :func:`xml_text` read the events of :mod:`pipeline.io.events`.
The element lists below are facts of the HTML and TEI vocabularies, not tuned
word lists, and files are read before any models folder is chosen, so they are
module constants.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from pipeline.io.events import Event, html_events, xml_events
from pipeline.io.offsets import MappedText

#: HTML elements whose content is never text of the page (the head's only text is its title, kept).
HTML_DROPPED = frozenset({"script", "style", "template", "noscript", "svg", "math"})
#: HTML elements that end a line, and those that end a paragraph (HTML's block-level content).
HTML_LINE = frozenset({"br", "tr", "dt", "dd", "figcaption", "caption", "option", "hr"})
HTML_PARAGRAPH = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "table", "blockquote", "pre",
     "section", "article", "aside", "header", "footer", "nav", "main", "address", "figure", "form",
     "fieldset", "details", "summary", "title", "body", "html", "td", "th"}
)
#: HTML elements in italics by default: titles of works, mostly (the cleaner's emphasis).
HTML_EMPHASIS = frozenset({"i", "em", "cite"})
#: HTML elements whose white space is kept as written.
HTML_PRE = frozenset({"pre", "textarea"})

#: TEI elements that are metadata or apparatus, not the text.
TEI_DROPPED = frozenset({"teiHeader", "facsimile", "sourceDoc", "standOff", "fw"})
#: TEI alternatives of which only the editor's reading is kept (``choice``: sic/corr, orig/reg, abbr/expan).
TEI_ALTERNATIVES = frozenset({"sic", "orig", "abbr"})
TEI_LINE = frozenset({"lb", "l", "addrLine", "item", "row", "salute", "signed", "dateline", "byline", "label"})
TEI_PARAGRAPH = frozenset(
    {"p", "head", "div", "div1", "div2", "div3", "ab", "lg", "opener", "closer", "postscript", "address",
     "list", "table", "cell", "note", "quote", "sp", "speaker", "argument", "epigraph", "trailer",
     "titlePage", "docTitle", "front", "back", "body", "text", "pb", "cb", "figure", "floatingText"}
)
TEI_EMPHASIS = frozenset({"title"})
#: Values of ``rend``/``rendition`` that mean italics.
ITALIC_RENDS = ("italic", "ital", "it")

_BREAKS = {"": 0, " ": 1, "\n": 2, "\n\n": 3}


@dataclass(frozen=True)
class Extracted:
    """What a reader takes from a file.

    mapping (MappedText): The text and each character's raw span (offsets into the decoded file).
    emphasis (tuple[tuple[int, int], ...]): Raw spans in italics in the source.
    words (tuple): The layout's words (:class:`pipeline.io.layout.LayoutWord`), in raw order; empty
        for a format without coordinates.
    """

    mapping: MappedText
    emphasis: tuple[tuple[int, int], ...] = ()
    words: tuple = field(default=())


class TextBuilder:
    """Extracted text and its map to raw offsets (rules in the module docstring)."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.pieces: list[str] = []
        self.starts, self.ends = array("q"), array("q")
        self._pending, self._pending_at = "", 0
        self._started = False

    def brk(self, separator: str, raw_pos: int) -> None:
        """Ask for a separator (``' '``, ``'\\n'``, ``'\\n\\n'``) before the next text; the strongest asked wins."""
        if _BREAKS[separator] > _BREAKS[self._pending]:
            self._pending, self._pending_at = separator, raw_pos

    def copy(self, text: str, raw_start: int, raw_end: int) -> None:
        """Add text as written (``pre``): character by character when it is the raw text, else the whole span."""
        if not text:
            return
        self._flush()
        self.pieces.append(text)
        if self.raw.startswith(text, raw_start) and raw_start + len(text) <= raw_end:
            self.starts.extend(range(raw_start, raw_start + len(text)))
            self.ends.extend(range(raw_start + 1, raw_start + len(text) + 1))
        else:
            self.starts.extend([raw_start] * len(text))
            self.ends.extend([raw_end] * len(text))

    def flow(self, text: str, raw_start: int, raw_end: int) -> None:
        """Add text whose white space collapses (HTML, XML): each run asks for one space."""
        exact = self.raw.startswith(text, raw_start)
        pos, n = 0, len(text)
        while pos < n:
            space = text[pos].isspace()
            end = pos
            while end < n and text[end].isspace() == space:
                end += 1
            if space:
                self.brk(" ", raw_start + pos if exact else raw_start)
            elif exact:
                self.copy(text[pos:end], raw_start + pos, raw_start + end)
            else:
                self.copy(text[pos:end], raw_start, raw_end)
            pos = end

    def _flush(self) -> None:
        if self._pending and self._started:
            self.pieces.append(self._pending)
            self.starts.extend([self._pending_at] * len(self._pending))
            self.ends.extend([self._pending_at] * len(self._pending))
        self._pending, self._started = "", True

    @property
    def length(self) -> int:
        """Characters of text so far (a pending separator not counted)."""
        return len(self.starts)

    def mapped(self) -> MappedText:
        """The text and its map to the raw text."""
        return MappedText("".join(self.pieces), self.starts, self.ends, len(self.raw))


def _italic(attrs: dict[str, str]) -> bool:
    rend = (attrs.get("rend", "") + " " + attrs.get("rendition", "") + " " + attrs.get("style", "")).lower()
    return any(word in rend.replace("#", " ").replace(":", " ").split() for word in ITALIC_RENDS)


def html_text(raw: str) -> Extracted:
    """The text of an HTML page: script, style and the head (but its title) dropped, references
    resolved, a line or paragraph break at each block element, ``i``/``em``/``cite`` as emphasis."""
    return _walk(raw, html_events(raw), HTML_DROPPED, HTML_LINE, HTML_PARAGRAPH, HTML_EMPHASIS)


def xml_text(raw: str, path: str = "<text>", events: list[Event] | None = None) -> Extracted:
    """The text of an XML or TEI file: the TEI header and apparatus dropped (and a ``choice``'s
    sic/orig/abbr), a break at each TEI block element (in other XML every element is one),
    ``title`` and italic ``rend`` as emphasis. RAISES (InputError): not well-formed XML."""
    if events is None:
        events, _ = xml_events(raw, path)
    root = next((name for kind, name, *_ in events if kind == "start"), "")
    tei = root in {"TEI", "TEI.2", "teiCorpus"}
    if not tei:
        return _walk(raw, events, frozenset(), frozenset(), _EVERY, frozenset())
    return _walk(raw, events, TEI_DROPPED, TEI_LINE, TEI_PARAGRAPH, TEI_EMPHASIS, tei=True)


class _Every(frozenset):
    def __contains__(self, item: object) -> bool:
        return True


_EVERY = _Every()


def _walk(
    raw: str,
    events: list[Event],
    dropped: frozenset[str],
    line: frozenset[str],
    paragraph: frozenset[str],
    emphasis: frozenset[str],
    tei: bool = False,
) -> Extracted:
    builder = TextBuilder(raw)
    stack: list[tuple[str, bool, int | None]] = []  # (name, dropped here, emphasis start)
    hidden = pre = 0
    spans: list[tuple[int, int]] = []
    for kind, name, attrs, start, end in events:
        if kind == "text":
            if not hidden:
                (builder.copy if pre else builder.flow)(name, start, end)
        elif kind == "start":
            drop = name in dropped or (tei and name in TEI_ALTERNATIVES and bool(stack) and stack[-1][0] == "choice")
            hidden += drop
            pre += name in HTML_PRE
            italic = not hidden and (name in emphasis or _italic(attrs))
            stack.append((name, drop, end if italic else None))
            _break(builder, name, line, paragraph, end)
        elif any(name == open_name for open_name, _, _ in stack):
            while stack:  # close up to the element the end tag names (HTML may leave some open)
                top, was_dropped, italic_start = stack.pop()
                hidden -= was_dropped
                pre -= top in HTML_PRE
                if italic_start is not None and start > italic_start:
                    spans.append((italic_start, start))
                _break(builder, top, line, paragraph, start)
                if top == name:
                    break
    return Extracted(builder.mapped(), tuple(spans))


def _break(builder: TextBuilder, name: str, line: frozenset[str], paragraph: frozenset[str], raw_pos: int) -> None:
    if name in paragraph:
        builder.brk("\n\n", raw_pos)
    elif name in line:
        builder.brk("\n", raw_pos)
