"""The ``markdown`` step: delete markdown syntax, keep the text it wraps, note the italics."""

from __future__ import annotations

import re

from pipeline.clean.steps import CleaningState, cleaning_step
from pipeline.io.offsets import Edit

#: ``*italic*``: in scraped history pages, the titles of works, mostly.
ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")

#: (pattern, group kept); ``None`` deletes the whole match. Earlier patterns win overlaps.
_MARKDOWN: list[tuple[re.Pattern, int | None]] = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), None),  # images: drop whole
    (re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)"), 1),  # links: keep the text
    (re.compile(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+"), None),  # heading marks
    (re.compile(r"(?m)^[ \t]*>[ \t]?"), None),  # blockquote marks
    (re.compile(r"(?m)^[ \t]*[-*+][ \t]+"), None),  # bullets
    (re.compile(r"(?m)^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$"), None),  # rules
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), 1),  # bold
    (re.compile(r"__(?=\S)(.+?)(?<=\S)__"), 1),
    (ITALIC, 1),
    (re.compile(r"`([^`\n]+)`"), 1),
]


@cleaning_step("markdown")
def markdown_step(state: CleaningState) -> list[Edit]:
    """Delete markdown syntax and record the ``*italic*`` spans as the document's emphasis.

    Sets ``state.emphasis`` (through :meth:`CleaningState.add_emphasis`) to the
    italic contents, found before the asterisks go.
    """
    for match in ITALIC.finditer(state.text):
        state.add_emphasis(*match.span(1))
    edits = markdown_edits(state.text)
    _record_images(state, edits)
    return edits


def _record_images(state: CleaningState, edits: list[Edit]) -> None:
    """List each deleted image (alt text and address: content the text loses) as ``markdown:image``."""
    for match in _MARKDOWN[0][0].finditer(state.text):
        if any(s <= match.start() and match.end() <= e for s, e, _ in edits):
            state.drop(match.start(), match.end(), "markdown:image")  # the edit itself is already in ``edits``


def markdown_edits(text: str) -> list[Edit]:
    """Delete markdown syntax, keeping the text it wraps (deletions only).

    text (str): The text.
    RETURNS (list[Edit]): Deletions of images, link targets, heading, quote and
        bullet marks, rules, and bold, italic and code delimiters.
    """
    deleted = bytearray(len(text))
    for pattern, keep in _MARKDOWN:
        for m in pattern.finditer(text):
            kept = m.span(keep) if keep else (m.end(), m.end())
            # Nested syntax is fine (a link inside bold); a delimiter already deleted is not.
            if any(deleted[m.start() : kept[0]]) or any(deleted[kept[1] : m.end()]):
                continue
            for i in range(m.start(), kept[0]):
                deleted[i] = 1
            for i in range(kept[1], m.end()):
                deleted[i] = 1
    return [(m.start(), m.end(), "") for m in re.finditer(b"\x01+", bytes(deleted))]
