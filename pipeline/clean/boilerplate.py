"""The ``boilerplate`` step: web-page furniture that is not the document's text.

Three kinds of lines are deleted (their content; the newlines stay for the
later steps): share bars, link-only lines and breadcrumbs; footer paragraphs
(a line matching ``footer_patterns`` and the rest of its paragraph); and a
trailing run of related-article teasers. Only on positive evidence: a line the
``tables`` step kept is never dropped, nor a breadcrumb or link-only line
holding name-shaped content; every deleted line is listed in the state's
``dropped`` with its rule (``boilerplate:breadcrumb``, ``:link``, ``:social``,
``:footer``, ``:teaser``).
"""

from __future__ import annotations

import re

from pipeline.clean.config import CleanConfig, TeaserPolicy
from pipeline.clean.steps import CleaningState, cleaning_step, line_spans
from pipeline.io.offsets import Edit
from pipeline.kb.lexicon import english_segmenter

Lines = list[tuple[int, int]]
#: Per line: the rule that drops it (``breadcrumb``, ``footer``...), or None.
Rules = list[str | None]

#: A word, for the name-shape test.
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
#: A markdown link's target or a bare address: not the visible text of a link.
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<?https?://\S+>?|www\.\S+")
_LINK_ONLY = re.compile(r"(\[[^\]]*\]\([^)]*\)|<?https?://\S+>?|www\.\S+)+")


@cleaning_step("boilerplate")
def boilerplate_edits(state: CleaningState) -> list[Edit]:
    """Delete share bars, link-only lines, breadcrumbs, footer paragraphs and trailing teasers.

    Reads ``social_words``, ``breadcrumb_*``, ``name_shape:``, ``footer_patterns``,
    ``date_line`` and ``teasers:`` of cleaning.yaml. A line the ``tables`` step kept
    is never dropped; a link-only line or breadcrumb holding name-shaped content
    (:func:`has_name_shape`) neither. Every deleted line is recorded in
    ``state.dropped`` as ``boilerplate:<rule>``.
    """
    text, config = state.text, state.config
    lines = list(line_spans(text))
    kept = [state.is_kept(s, e) for s, e in lines]
    pairs = zip(lines, kept, strict=True)
    drop: Rules = [None if k else boilerplate_rule(text[s:e], state, text) for (s, e), k in pairs]
    _mark_footer_paragraphs(text, lines, drop, config)
    _mark_teasers(text, lines, drop, config)
    gone = zip(lines, drop, kept, strict=True)
    return [state.drop(s, e, f"boilerplate:{rule}") for (s, e), rule, keep in gone if rule and not keep and e > s]


def boilerplate_rule(line: str, state: CleaningState, text: str = "") -> str | None:
    """The rule that makes one line, on its own, boilerplate: ``social`` (a share bar),
    ``link`` (a link-only line) or ``breadcrumb``; None for a line of content.

    line (str): The line.
    state (CleaningState): The document's state (its rules and the name words).
    text (str): The whole text: a breadcrumb's last segment may hold a name the text repeats.
    """
    config = state.config
    words = [w.strip(".,:;!?()").lower() for w in line.split()]
    words = [w for w in words if w]
    if not words:
        return None
    if all(w in config.social_words for w in words):
        return "social"
    if _is_link_only(line):
        return None if has_name_shape(_LINK_TARGET.sub("", line), state) else "link"
    return "breadcrumb" if _is_breadcrumb(line, state, text) else None


def has_name_shape(segment: str, state: CleaningState) -> bool:
    """Whether ``segment`` holds name-shaped content: a capitalised word the knowledge base
    knows as a name, or two capitalised words in a row that are neither all menu words nor
    all common English words (``name_shape:`` of cleaning.yaml)."""
    policy = state.config.name_shape
    words = _WORD.findall(segment)
    capital = [w[0].isupper() and w.lower() not in policy.menu_words for w in words]
    if any(cap and state.splitter.is_name(w) for w, cap in zip(words, capital, strict=True)):
        return True
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        pair_capital = a[0].isupper() and b[0].isupper() and (capital[i] or capital[i + 1])
        if pair_capital and not (_is_common(a, policy.common_count) and _is_common(b, policy.common_count)):
            return True
    return False


def _is_common(word: str, count: float) -> bool:
    return english_segmenter().unigrams.get(word.lower(), 0.0) >= count


def _is_link_only(line: str) -> bool:
    stripped = re.sub(r"[*_\s]", "", line)
    return bool(stripped) and bool(_LINK_ONLY.fullmatch(stripped))


def _is_breadcrumb(line: str, state: CleaningState, text: str) -> bool:
    """Short segments between enough separators, and no name in them but in the last one
    (the current page's title) when the text repeats it."""
    config = state.config
    seps = config.breadcrumb_separators
    count = sum(line.count(sep) for sep in seps)
    if count < config.breadcrumb_min_separators:
        return False
    parts = re.split("|".join(map(re.escape, seps)), line)
    limit = config.breadcrumb_max_words_per_segment
    if not all(len(p.split()) <= limit for p in parts):
        return False
    if any(has_name_shape(p, state) for p in parts[:-1]):
        return False
    last = parts[-1].strip()
    return not has_name_shape(last, state) or text.count(last) > 1


def _mark_footer_paragraphs(text: str, lines: Lines, drop: Rules, config: CleanConfig) -> None:
    in_footer = False
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        if not line.strip():
            in_footer = False
        elif in_footer or any(p.search(line) for p in config.footer):
            drop[i] = drop[i] or "footer"
            in_footer = True


def _mark_teasers(text: str, lines: Lines, drop: Rules, config: CleanConfig) -> None:
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
        drop[k] = "teaser"


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
