"""The ``markdown`` step: delete markdown and wikitext syntax, keep the text it wraps, note the italics.

Wikitext (talk pages, wiki dumps): a link ``[[Leon Trotsky|Trotsky]]`` keeps
both its target and its label, parted by a comma (``Leon Trotsky, Trotsky``:
two mentions, as the guideline counts them), ``[[Leon Trotsky]]`` its text;
two single quotes around a phrase (wikitext italics) are emphasis like
``*italic*`` (mostly titles of works).
"""

from __future__ import annotations

import re

from pipeline.clean.steps import CleaningState, cleaning_step
from pipeline.io.offsets import Edit

#: ``*italic*``: in scraped history pages, the titles of works, mostly.
ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")

#: ``[[target]]`` or ``[[target|label]]`` of wikitext.
WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]+)(\|[^\[\]\n]+)?\]\]")
#: Wikitext italics: a phrase between two single quotes on each side (not bold's three).
WIKI_ITALIC = re.compile(r"(?<!')''(?!')([^'\n]+?)''(?!')")
#: What the ``|`` of a wiki link becomes: target and label stay two names.
WIKI_PIPE = ", "

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
    for match in WIKI_ITALIC.finditer(state.text):
        state.add_emphasis(*match.span(1))
    edits = markdown_edits(state.text)
    _record_images(state, edits)
    taken = [(s, e) for s, e, _ in edits]
    return edits + [e for e in wiki_edits(state.text) if not any(a < e[1] and e[0] < b for a, b in taken)]


def wiki_edits(text: str) -> list[Edit]:
    """Wikitext links and italics: brackets and quote marks deleted, a link's ``|`` a comma."""
    edits: list[Edit] = []
    for m in WIKI_LINK.finditer(text):
        edits += [(m.start(), m.start() + 2, ""), (m.end() - 2, m.end(), "")]
        if m.group(2):
            edits.append((m.start(2), m.start(2) + 1, WIKI_PIPE))
    for m in WIKI_ITALIC.finditer(text):
        edits += [(m.start(), m.start(1), ""), (m.end(1), m.end(), "")]
    return sorted(edits)


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
