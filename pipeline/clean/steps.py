"""The cleaning-step registry, the per-document state, and the small steps.

A cleaning step is a function ``step(state) -> list[Edit]``: it reads
``state.text`` (the text as the previous steps left it) and the rules in
``state.config``, and returns non-overlapping edits on that text. The
:class:`~pipeline.clean.Cleaner` applies them (keeping the map to raw offsets)
before the next step runs. ``@cleaning_step("name")`` registers a step under
the name ``models/rules/cleaning.yaml`` lists it by in ``steps:``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

import ftfy

from pipeline.clean.config import CleanConfig, HardWrapPolicy
from pipeline.clean.glue import GlueSplitter
from pipeline.io.offsets import Edit, MappedText, line_edits


class Dropped(TypedDict):
    """A raw span cleaning deleted as not being the document's text, and why (``step:rule``)."""

    raw_start: int
    raw_end: int
    reason: str


@dataclass
class CleaningState:
    """What one :meth:`Cleaner.clean` call knows about its document; made per call.

    config (CleanConfig): The Cleaner's rules (shared, read-only).
    splitter (GlueSplitter): The Cleaner's glued-word splitter (shared).
    mapped (MappedText): The text so far and its map to raw offsets; the
        Cleaner replaces it after each step.
    emphasis (list[tuple[int, int]]): Raw spans a step found in italics (the
        markdown step records them before it deletes the asterisks).
    dropped (list[Dropped]): Raw spans a step deleted as not being the
        document's text, each with its reason (``"boilerplate:breadcrumb"``).
    kept (list[tuple[int, int]]): Raw spans a step found to be content (the
        tables step's tables), which later steps must not drop.
    """

    config: CleanConfig
    splitter: GlueSplitter
    mapped: MappedText
    emphasis: list[tuple[int, int]] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    kept: list[tuple[int, int]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The current text, the one a step's edits index."""
        return self.mapped.text

    def add_emphasis(self, start: int, end: int) -> None:
        """Record ``[start, end)`` of the current text as emphasis (kept as raw offsets,
        so that later edits cannot shift it)."""
        self.emphasis.append(self.mapped.raw_span(start, end))

    def drop(self, start: int, end: int, reason: str) -> Edit:
        """Record ``[start, end)`` of the current text as dropped for ``reason`` (kept as raw
        offsets) and return the edit that deletes it."""
        raw_start, raw_end = self.mapped.raw_span(start, end)
        self.dropped.append({"raw_start": raw_start, "raw_end": raw_end, "reason": reason})
        return (start, end, "")

    def keep(self, start: int, end: int) -> None:
        """Record ``[start, end)`` of the current text as content no later step may drop."""
        self.kept.append(self.mapped.raw_span(start, end))

    def is_kept(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` of the current text overlaps a span recorded by :meth:`keep`."""
        raw_start, raw_end = self.mapped.raw_span(start, end)
        return any(raw_start < b and a < raw_end for a, b in self.kept)


CleaningStep = Callable[[CleaningState], list[Edit]]

#: Step name -> function; filled by :func:`cleaning_step`.
CLEANING_STEPS: dict[str, CleaningStep] = {}


def cleaning_step(name: str) -> Callable[[CleaningStep], CleaningStep]:
    """Register a function as the cleaning step ``name`` (a decorator).

    name (str): The name ``steps:`` in ``models/rules/cleaning.yaml`` uses.
    RETURNS (Callable): The decorator; it returns the function unchanged.
    RAISES (ValueError): If another function is registered under ``name``.

    Example (then add ``shout`` to ``steps:``)::

        @cleaning_step("shout")
        def shout(state: CleaningState) -> list[Edit]:
            return [(0, len(state.text), state.text.upper())]
    """

    def register(step: CleaningStep) -> CleaningStep:
        known = CLEANING_STEPS.get(name)
        if known is not None and known is not step:
            raise ValueError(f"cleaning step {name!r} is already registered ({known.__module__}.{known.__qualname__})")
        CLEANING_STEPS[name] = step
        return step

    return register


def resolve_steps(names: Sequence[str]) -> list[tuple[str, CleaningStep]]:
    """The registered steps of ``names``, in that order.

    names (Sequence[str]): Step names, as in ``steps:`` of cleaning.yaml.
    RETURNS (list[tuple[str, CleaningStep]]): Each name with its function.
    RAISES (ValueError): For a name no step is registered under; the message
        names it and the known steps.
    """
    unknown = [name for name in names if name not in CLEANING_STEPS]
    if unknown:
        raise ValueError(
            f"unknown cleaning step {unknown[0]!r} in steps: of rules/cleaning.yaml; "
            f"known steps: {', '.join(sorted(CLEANING_STEPS))}"
        )
    return [(name, CLEANING_STEPS[name]) for name in names]


_LINE = re.compile(r"[^\n]*\n?")


def line_spans(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of each line's content, without its newline."""
    for match in _LINE.finditer(text):
        if not match.group():
            break
        end = match.end() - (1 if match.group().endswith("\n") else 0)
        yield match.start(), end


# -- the small steps ---------------------------------------------------------------------------------------------

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_ODD_SPACE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_DOUBLE_DASH = re.compile(r"(?<=\S)-{2,}(?=\S)")
_LINE_END_HYPHEN = re.compile(r"(\w+)([-¬])[ \t]*\n[ \t]*(?=(\w))")
#: Line ends that close a sentence or a heading: never a wrap.
_CLOSING = (".", "!", "?", ":", '"', "”")


def _repair_unicode(line: str) -> str:
    return ftfy.fix_text(line, uncurl_quotes=False)


@cleaning_step("unicode")
def unicode_edits(state: CleaningState) -> list[Edit]:
    """Repair mojibake and normalise to NFC (ftfy), line by line; curly quotes stay; historical
    letter forms read as today's letter (``letter_forms``: ``ſ`` -> ``s``)."""
    forms = state.config.letter_forms
    if not forms:
        return line_edits(state.text, _repair_unicode)
    table = str.maketrans(forms)
    return line_edits(state.text, lambda line: _repair_unicode(line).translate(table))


@cleaning_step("invisible")
def invisible_edits(state: CleaningState) -> list[Edit]:
    """Delete soft hyphens and zero-width characters, turn odd spaces and tabs into
    spaces and a glued ``--`` into a spaced dash."""
    text = state.text
    edits = [(m.start(), m.end(), "") for m in _INVISIBLE.finditer(text)]
    edits += [(m.start(), m.end(), " ") for m in _ODD_SPACE.finditer(text)]
    edits += [(m.start(), m.end(), " -- ") for m in _DOUBLE_DASH.finditer(text)]
    return edits


@cleaning_step("citations")
def citation_edits(state: CleaningState) -> list[Edit]:
    """Delete citation markers (``citation_pattern``: ``[3]``, ``[citation needed]``);
    a marker glued between two words becomes a space."""
    text = state.text
    edits = []
    for m in state.config.citation.finditer(text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        glued = not before.isspace() and after.isalnum()
        edits.append((m.start(), m.end(), " " if glued else ""))
    return edits


@cleaning_step("hyphenation")
def hyphenation_edits(state: CleaningState) -> list[Edit]:
    """Rejoin words hyphenated across a line end (``-`` or ``¬``).

    The hyphen stays before a capital (``Trotsky-\\nLenin``) and after a word of
    ``keep_hyphen_prefixes`` (``self-\\nmade``); the line break always goes.
    """
    edits = []
    for m in _LINE_END_HYPHEN.finditer(state.text):
        word, mark, nxt = m.group(1), m.group(2), m.group(3)
        if mark == "-" and (nxt.isupper() or word.lower() in state.config.keep_hyphen_prefixes):
            edits.append((m.end(2), m.end(), ""))  # keep the hyphen, drop the break
        else:
            edits.append((m.start(2), m.end(), ""))
    return edits


@cleaning_step("hard_wrap")
def hard_wrap_edits(state: CleaningState) -> list[Edit]:
    """Join lines wrapped inside a paragraph.

    A newline is a wrap when the next line continues the sentence (starts in
    lower case) or when the document is hard-wrapped (``hard_wrap:`` of
    cleaning.yaml: most lines of a similar, bounded width) and the line does
    not end a sentence or heading.
    """
    text = state.text
    lines = list(line_spans(text))
    wrapped = is_hard_wrapped(lines, state.config, text)
    edits = []
    for (s, e), (ns, ne) in zip(lines, lines[1:], strict=False):
        line, nxt = text[s:e].rstrip(), text[ns:ne].lstrip()
        if not line or not nxt:
            continue
        continues = nxt[0].islower() and line[-1].isalpha() or line[-1] == ","
        if continues or (wrapped and not line.endswith(_CLOSING)):
            edits.append((s + len(line), ns + (ne - ns - len(text[ns:ne].lstrip())), " "))
    return edits


def is_hard_wrapped(lines: list[tuple[int, int]], config: CleanConfig, text: str = "") -> bool:
    """Whether the lines (spans from :func:`line_spans` of ``text``) have the widths of a
    hard-wrapped text: most in the width band, or a narrow column whose sentences run on
    from line to line."""
    policy = config.hard_wrap
    widths = [e - s for s, e in lines if e > s]
    if len(widths) < policy.min_lines:
        return False
    # A few long lines are allowed: hyphenated words rejoined two wrapped lines.
    long_lines = sum(w > policy.long_width for w in widths)
    if long_lines > policy.max_long_share * len(widths):
        return False
    in_band = sum(policy.min_width <= w <= policy.max_width for w in widths)
    if in_band >= policy.min_wrapped_share * len(widths):
        return True
    firsts = [text[s:e].lstrip()[:1] for s, e in lines if text[s:e].strip()]
    return _narrow_column(widths, policy) and _runs_on(firsts, policy.column_lower_start_share)


def _narrow_column(widths: list[int], policy: HardWrapPolicy) -> bool:
    """Most lines nearly as wide as the column (its ``column_percentile`` width): an OCR newspaper's."""
    column = sorted(widths)[int(policy.column_percentile * (len(widths) - 1))]
    if not policy.column_min_width <= column <= policy.max_width:
        return False
    full = sum(w >= policy.column_full_ratio * column for w in widths)
    return full >= policy.column_full_share * len(widths)


def _runs_on(firsts: list[str], min_share: float) -> bool:
    """Sentences run on over the line ends: enough lines after the first start in lower case
    (a list, an index, a block of credits start every line with a capital or a digit)."""
    later = firsts[1:]
    return bool(later) and sum(c.islower() for c in later) >= min_share * len(later)


@cleaning_step("glued_words")
def glued_word_edits(state: CleaningState) -> list[Edit]:
    """Split words glued by lost spacing (:class:`~pipeline.clean.GlueSplitter`)."""
    return state.splitter.edits(state.text)


@cleaning_step("whitespace")
def whitespace_edits(state: CleaningState) -> list[Edit]:
    """Collapse runs of spaces, strip line ends and the text's start, and keep at most
    one empty line between paragraphs."""
    text = state.text
    edits = [(m.start(), m.end(), " ") for m in re.finditer(r"(?<=\S) {2,}(?=\S)", text)]
    edits += [(m.start(), m.end(), "") for m in re.finditer(r"(?m)^ +| +$", text)]
    edits += [(m.start(), m.end(), "\n\n") for m in re.finditer(r"\n(?: *\n){2,}", text)]
    lead = re.match(r"\s+", text)
    if lead:
        edits.append((0, lead.end(), ""))
    return _drop_overlaps(edits)


def _drop_overlaps(edits: list[Edit]) -> list[Edit]:
    kept: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e[0], -e[1])):
        if not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)
    return kept
