"""The ``boilerplate`` step: web-page furniture that is not the document's text.

Three kinds of lines are deleted (their content; the newlines stay for the
later steps): share bars, link-only lines and breadcrumbs; footer paragraphs
(a line matching ``footer_patterns`` and the rest of its paragraph); and a
trailing run of related-article teasers.
"""

from __future__ import annotations

import re

from pipeline.clean.config import CleanConfig, TeaserPolicy
from pipeline.clean.steps import CleaningState, cleaning_step, line_spans
from pipeline.io.offsets import Edit

Lines = list[tuple[int, int]]

_LINK_ONLY = re.compile(r"(\[[^\]]*\]\([^)]*\)|<?https?://\S+>?|www\.\S+)+")


@cleaning_step("boilerplate")
def boilerplate_edits(state: CleaningState) -> list[Edit]:
    """Delete share bars, link-only lines, breadcrumbs, footer paragraphs and trailing teasers.

    Reads ``social_words``, ``breadcrumb_*``, ``footer_patterns``, ``date_line``
    and ``teasers:`` of cleaning.yaml.
    """
    text, config = state.text, state.config
    lines = list(line_spans(text))
    drop = [is_boilerplate_line(text[s:e], config) for s, e in lines]
    _mark_footer_paragraphs(text, lines, drop, config)
    _mark_teasers(text, lines, drop, config)
    return [(s, e, "") for (s, e), gone in zip(lines, drop, strict=True) if gone and e > s]


def is_boilerplate_line(line: str, config: CleanConfig) -> bool:
    """Whether one line, on its own, is a share bar, a link-only line or a breadcrumb."""
    words = [w.strip(".,:;!?()").lower() for w in line.split()]
    words = [w for w in words if w]
    if not words:
        return False
    if all(w in config.social_words for w in words):
        return True
    if _is_link_only(line):
        return True
    return _is_breadcrumb(line, config)


def _is_link_only(line: str) -> bool:
    stripped = re.sub(r"[*_\s]", "", line)
    return bool(stripped) and bool(_LINK_ONLY.fullmatch(stripped))


def _is_breadcrumb(line: str, config: CleanConfig) -> bool:
    seps = config.breadcrumb_separators
    count = sum(line.count(sep) for sep in seps)
    if count < config.breadcrumb_min_separators:
        return False
    parts = re.split("|".join(map(re.escape, seps)), line)
    limit = config.breadcrumb_max_words_per_segment
    return all(len(p.split()) <= limit for p in parts)


def _mark_footer_paragraphs(text: str, lines: Lines, drop: list[bool], config: CleanConfig) -> None:
    in_footer = False
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        if not line.strip():
            in_footer = False
        elif in_footer or any(p.search(line) for p in config.footer):
            drop[i] = in_footer = True


def _mark_teasers(text: str, lines: Lines, drop: list[bool], config: CleanConfig) -> None:
    """Drop a trailing run of related-article teasers (title, summary, byline, date).

    Only at the very end of the text, only short lines, at least two
    teasers in a row: an article, or a book of many, is never cut.
    """
    policy = config.teasers
    # Indices into ``lines`` of the filled lines left, and positions in ``filled`` of the date lines.
    filled = [i for i, (s, e) in enumerate(lines) if text[s:e].strip() and not drop[i]]
    dates = [k for k, i in enumerate(filled) if config.date_line.match(text[slice(*lines[i])])]
    start = _teaser_start(dates, len(filled), policy)
    if start is None:
        return
    if start > 0 and _looks_like_header(text[slice(*lines[filled[start - 1]])], policy):
        start -= 1
    tail = filled[start:]
    if any(lines[k][1] - lines[k][0] > policy.max_line_chars for k in tail):
        return
    for k in tail:
        drop[k] = True


def _teaser_start(dates: list[int], filled: int, policy: TeaserPolicy) -> int | None:
    """Position (among ``filled`` lines) of the first line of the trailing teasers, if any.

    dates: positions of the date lines; teasers end near the last line and come
    at most ``max_lines`` apart, two at least.
    """
    if not dates or dates[-1] < filled - policy.max_lines:
        return None
    first = len(dates) - 1
    while first > 0 and dates[first] - dates[first - 1] <= policy.max_lines:
        first -= 1
    if len(dates) - first < 2:
        return None
    # The first teaser's title, summary and byline, but nothing of the date line before it.
    return max(dates[first] - policy.lines_before_date, dates[first - 1] + 1 if first else 0)


def _looks_like_header(line: str, policy: TeaserPolicy) -> bool:
    line = line.strip()
    return 0 < len(line.split()) <= policy.header_max_words and not line.endswith((".", "!", "?", ":", '"'))
