"""OCR layouts: the text of an ALTO, hOCR or PAGE XML file in reading order, with its words' boxes.

Each reader gives an :class:`~pipeline.io.extract.Extracted`: the text (words
parted by a space, lines by a line break, blocks or regions by a blank line; the
cleaner then joins a word an OCR line end hyphenated) with its map to raw
offsets, and every word as a :class:`LayoutWord`: its raw span (the characters
of the file its text came from), its page and its box. :func:`place_mentions`
then gives each mention the ``page`` and ``box`` of the words its raw span
covers.

- ALTO (v2-v4, any namespace): ``String/@CONTENT`` in document order (the raw
  span is the attribute's value in the start tag), ``SP`` a space, ``HYP`` its
  content; a box is ``HPOS, VPOS, WIDTH, HEIGHT`` as written (in the file's
  ``MeasurementUnit``).
- hOCR: the text of each ``ocrx_word`` (else of each ``ocr_line``) in document
  order; its box from ``bbox x0 y0 x1 y1`` of its ``title``.
- PAGE XML: the first ``TextEquiv/Unicode`` of each ``Word`` (else ``TextLine``,
  else ``TextRegion``), regions in the order of ``ReadingOrder`` (those it does not
  name after, in document order); a box is the bounding box of ``Coords/@points``.

``page`` is the page's number in the file, from 1; ``box`` is ``[x, y, w, h]``,
the union of the mention's words' boxes on its first page.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any, NamedTuple

from pipeline.io.events import Event, html_events, xml_events
from pipeline.io.extract import Extracted, TextBuilder

Box = tuple[float, float, float, float]


class LayoutWord(NamedTuple):
    """One word of a layout: the raw characters its text came from, its page (from 1) and box (x, y, w, h)."""

    raw_start: int
    raw_end: int
    page: int
    box: Box


def _number(value: str) -> float:
    number = float(value)
    return int(number) if number.is_integer() else number


def attribute_span(raw: str, tag_start: int, name: str) -> tuple[int, int] | None:
    """The raw span of the value of attribute ``name`` in the start tag at ``tag_start`` (a tag the
    XML parser accepted, so quotes are balanced), or None. Reads the tag character by character."""
    pos = tag_start + 1
    while pos < len(raw) and not raw[pos].isspace() and raw[pos] not in "/>":
        pos += 1  # the element's name
    while pos < len(raw):
        while pos < len(raw) and raw[pos].isspace():
            pos += 1
        if pos >= len(raw) or raw[pos] in "/>":
            return None
        key_start = pos
        while pos < len(raw) and raw[pos] != "=" and not raw[pos].isspace():
            pos += 1
        key = raw[key_start:pos]
        while pos < len(raw) and raw[pos] != "=":
            pos += 1
        pos += 1
        while pos < len(raw) and raw[pos].isspace():
            pos += 1
        quote = raw[pos] if pos < len(raw) else '"'
        value_start = pos + 1
        value_end = raw.find(quote, value_start)
        if value_end < 0:
            return None
        if key.rpartition(":")[2] == name:
            return value_start, value_end
        pos = value_end + 1
    return None


# -- ALTO ----------------------------------------------------------------------------------------


def alto_text(raw: str, path: str = "<text>", events: list[Event] | None = None) -> Extracted:
    """The text of an ALTO file and its words (see the module). RAISES (InputError): not well-formed XML."""
    if events is None:
        events, _ = xml_events(raw, path)
    builder, words, page = TextBuilder(raw), [], 0
    for kind, name, attrs, start, end in events:
        if kind == "start" and name == "Page":
            page += 1
            builder.brk("\n\n", start)
        elif name in ("TextBlock", "ComposedBlock", "Illustration") and kind != "text":
            builder.brk("\n\n", start)
        elif name == "TextLine" and kind != "text":
            builder.brk("\n", start)
        elif kind == "start" and name == "SP":
            builder.brk(" ", start)
        elif kind == "start" and name in ("String", "HYP") and attrs.get("CONTENT"):
            if name == "String":
                builder.brk(" ", start)
            span = attribute_span(raw, start, "CONTENT") or (start, end)
            builder.copy(attrs["CONTENT"], *span)
            if name == "String":
                box = tuple(_number(attrs.get(key) or "0") for key in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
                words.append(LayoutWord(span[0], span[1], max(page, 1), box))  # type: ignore[arg-type]
    return Extracted(builder.mapped(), (), tuple(words))


# -- hOCR ----------------------------------------------------------------------------------------

#: hOCR classes (the hOCR 1.2 specification) that end a paragraph, and those that end a line.
HOCR_PARAGRAPH = frozenset({"ocr_page", "ocr_carea", "ocrx_block", "ocr_par", "ocr_table", "ocr_float"})
HOCR_LINE = frozenset({"ocr_line", "ocrx_line", "ocr_header", "ocr_caption", "ocr_textfloat"})
#: Elements of an hOCR file whose content is not the page's text.
HOCR_DROPPED = frozenset({"head", "script", "style"})


def _bbox(title: str) -> Box | None:
    for prop in title.split(";"):
        parts = prop.split()
        if len(parts) == 5 and parts[0] == "bbox":
            x0, y0, x1, y1 = (_number(p) for p in parts[1:])
            return (x0, y0, x1 - x0, y1 - y0)
    return None


def hocr_text(raw: str) -> Extracted:
    """The text of an hOCR page and its words (see the module)."""
    events = html_events(raw)
    unit = "ocrx_word" if any(_classes(a) >= {"ocrx_word"} for k, _, a, *_ in events if k == "start") else "ocr_line"
    builder, words, page, hidden = TextBuilder(raw), [], 0, 0
    stack: list[tuple[str, set[str], Box | None, list[tuple[int, int]]]] = []  # name, classes, box, text spans
    for kind, name, attrs, start, end in events:
        if kind == "text":
            inside = next((entry for entry in reversed(stack) if unit in entry[1]), None)
            if inside is not None and not hidden and name.strip():
                builder.flow(name, start, end)
                inside[3].append((start, end))
        elif kind == "start":
            classes = _classes(attrs)
            page += "ocr_page" in classes
            hidden += name in HOCR_DROPPED
            _hocr_break(builder, classes, start)
            if unit in classes:
                builder.brk(" ", start)
            stack.append((name, classes, _bbox(attrs.get("title", "")), []))
        elif any(entry[0] == name for entry in stack):
            while stack:  # close up to the element the end tag names
                top, classes, box, spans = stack.pop()
                hidden -= top in HOCR_DROPPED
                _hocr_break(builder, classes, start)
                if unit in classes and box is not None and spans:
                    words.append(LayoutWord(spans[0][0], spans[-1][1], max(page, 1), box))
                if top == name:
                    break
    return Extracted(builder.mapped(), (), tuple(sorted(words)))


def _classes(attrs: dict[str, str]) -> set[str]:
    return set(attrs.get("class", "").split())


def _hocr_break(builder: TextBuilder, classes: set[str], raw_pos: int) -> None:
    if classes & HOCR_PARAGRAPH:
        builder.brk("\n\n", raw_pos)
    elif classes & HOCR_LINE:
        builder.brk("\n", raw_pos)


# -- PAGE XML ------------------------------------------------------------------------------------

_PAGE_LEVELS = ("Word", "TextLine", "TextRegion")


class _Unit(NamedTuple):
    region: int
    line: int
    page: int
    box: Box | None
    texts: list[tuple[str, int, int]]


def page_text(raw: str, path: str = "<text>", events: list[Event] | None = None) -> Extracted:
    """The text of a PAGE XML file in reading order and its words (see the module).
    RAISES (InputError): not well-formed XML."""
    if events is None:
        events, _ = xml_events(raw, path)
    units, region_ids, order = _page_units(events)
    rank = {region: k for k, region in enumerate(order)}
    regions = sorted(range(len(region_ids)), key=lambda r: (rank.get(region_ids[r], len(rank)), r))
    builder, words = TextBuilder(raw), []
    for region in regions:
        last_line = None
        for unit in (u for u in units if u.region == region):
            at = unit.texts[0][1]
            builder.brk("\n\n" if last_line is None else "\n" if unit.line != last_line else " ", at)
            last_line = unit.line
            for text, start, end in unit.texts:
                builder.flow(text, start, end)
            if unit.box is not None:
                words.append(LayoutWord(at, unit.texts[-1][2], unit.page, unit.box))
    return Extracted(builder.mapped(), (), tuple(sorted(words)))


_GROUPS = frozenset({"OrderedGroup", "UnorderedGroup", "OrderedGroupIndexed", "UnorderedGroupIndexed"})


def _page_units(events: list[Event]) -> tuple[list[_Unit], list[str], list[str]]:
    """The text units of a PAGE file (at the finest level that has text), the ids of its regions
    in document order, and the region ids in reading order."""
    level = _page_level(events)
    units: list[_Unit] = []
    region_ids: list[str] = []
    refs: list[tuple[tuple[int, ...], str]] = []
    # Per open element: [name, box of its Coords, a TextEquiv of it read already, the unit it collects]
    stack: list[list[Any]] = []
    page, lines = 0, 0
    path, counters = [], [0]  # the reading order's index of each enclosing group; children seen per group
    for kind, name, attrs, start, end in events:
        parent = stack[-1] if stack else None
        if kind == "text":
            if parent and parent[0] == "Unicode" and len(stack) > 1 and stack[-2][3] is not None:
                stack[-2][3].texts.append((name, start, end))
            continue
        if kind == "end":
            if stack and stack.pop()[0] in _GROUPS:
                path.pop()
                counters.pop()
            continue
        collects = None
        if name == "Page":
            page += 1
        elif name == "TextRegion" and not any(entry[0] == "TextRegion" for entry in stack):
            region_ids.append(attrs.get("id", str(len(region_ids))))
        elif name == "TextLine":
            lines += 1
        elif name in _GROUPS:
            path.append(_index(attrs, counters))
            counters.append(0)
        elif name in ("RegionRefIndexed", "RegionRef"):
            refs.append(((*path, _index(attrs, counters)), attrs.get("regionRef", "")))
        elif name == "Coords" and parent is not None:
            parent[1] = _points_box(attrs.get("points", ""))
        elif name == "TextEquiv" and parent is not None and parent[0] == level and not parent[2]:
            parent[2] = True
            collects = _Unit(len(region_ids) - 1, lines, max(page, 1), parent[1], [])
            units.append(collects)
        stack.append([name, None, False, collects])
    units = [u for u in units if any(text.strip() for text, _, _ in u.texts)]
    return units, region_ids, [ref for _, ref in sorted(refs)]


def _index(attrs: dict[str, str], counters: list[int]) -> int:
    """A reading-order child's ``index`` (else its place among its group's children, counted here)."""
    counters[-1] += 1
    try:
        return int(attrs.get("index", ""))
    except ValueError:
        return counters[-1]


def _page_level(events: Iterable[Event]) -> str:
    """The finest PAGE level whose elements carry a TextEquiv."""
    levels, stack = set(), []
    for kind, name, *_ in events:
        if kind == "start":
            if name == "TextEquiv" and stack:
                levels.add(stack[-1])
            stack.append(name)
        elif kind == "end" and stack:
            stack.pop()
    return next((level for level in _PAGE_LEVELS if level in levels), "TextRegion")


def _points_box(points: str) -> Box | None:
    pairs = [p.split(",") for p in points.split()]
    try:
        xs = [_number(p[0]) for p in pairs]
        ys = [_number(p[1]) for p in pairs]
    except (IndexError, ValueError):
        return None
    if not xs:
        return None
    return (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


# -- mentions ------------------------------------------------------------------------------------


def place_mentions(entities: list[dict[str, Any]], words: tuple[LayoutWord, ...]) -> None:
    """Give each entity (a record with ``raw_start``/``raw_end``) the ``page`` and ``box`` of the
    words its raw span covers: the union of their boxes on the first one's page. Sets the two keys
    in place; an entity that covers no word gets neither."""
    starts = [w.raw_start for w in words]
    ends = [w.raw_end for w in words]
    for entity in entities:
        hits = words[bisect_right(ends, entity["raw_start"]) : bisect_left(starts, entity["raw_end"])]
        hits = [w for w in hits if w.raw_start < entity["raw_end"] and entity["raw_start"] < w.raw_end]
        if not hits:
            continue
        page = hits[0].page
        boxes = [w.box for w in hits if w.page == page]
        x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
        x1, y1 = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
        entity["page"] = page
        entity["box"] = [x0, y0, _round(x1 - x0), _round(y1 - y0)]


def _round(value: float) -> float:
    return int(value) if float(value).is_integer() else round(value, 3)
