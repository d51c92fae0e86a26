"""A typed, compiled view of ``models/rules/cleaning.yaml``.

The YAML stays the one source of the rules; :class:`CleanConfig` only checks
that the keys are there, compiles the patterns once per :class:`Cleaner` and
gives the policy numbers names the steps can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TeaserPolicy:
    """When a trailing run of related-article teasers is dropped (``teasers:``).

    max_lines (int): Filled lines one teaser takes at most (title, summary, byline, date, tag).
    lines_before_date (int): Lines of a teaser before its date line (title, summary, byline).
    max_line_chars (int): A longer line is article text, never a teaser.
    header_max_words (int): A line just above the teasers with at most this many
        words and no closing punctuation is their header ("More stories").
    """

    max_lines: int
    lines_before_date: int
    max_line_chars: int
    header_max_words: int


@dataclass(frozen=True)
class TablePolicy:
    """What counts as a table (``tables:``): its lines are content, each cell a segment.

    separators (tuple[str, ...]): Cell separators (``|``, a tab).
    min_rows (int): Consecutive lines with the same count of one separator that make a table.
    min_separators (int): Separators a row has at least.
    surname_joiner (str): What the separator between a cell of one word in capitals and a cell
        of given names becomes (``AMUNDSEN<TAB>Torvald`` -> ``AMUNDSEN, Torvald``: one inverted
        name); empty for a cell break there too.
    """

    separators: tuple[str, ...]
    min_rows: int
    min_separators: int
    surname_joiner: str = ""


@dataclass(frozen=True)
class NameShapePolicy:
    """When a line holds name-shaped content and so is never dropped as navigation (``name_shape:``).

    menu_words (frozenset[str]): Words of site menus; two capitalised ones in a row are not a name.
    common_count (float): A word this frequent in English counts (wordsegment's) is a common
        word, and two capitalised common words in a row ("House Museums") are a title, not a name.
    """

    menu_words: frozenset[str]
    common_count: float


@dataclass(frozen=True)
class HardWrapPolicy:
    """When a document counts as hard-wrapped (``hard_wrap:``).

    min_lines (int): Fewer non-empty lines never count.
    min_width, max_width (int): The width band of a wrapped line.
    min_wrapped_share (float): Share of lines that must fall in the band.
    long_width (int): A line longer than this is long ...
    max_long_share (float): ... and at most this share of lines may be (a
        rejoined hyphenation makes a few).
    column_min_width, column_full_ratio, column_full_share: a narrow column
        counts when ``column_full_share`` of its lines are at least
        ``column_full_ratio`` of its 90th-percentile width, itself at least
        ``column_min_width``; the width is the ``column_percentile`` of the
        line widths; and ``column_lower_start_share`` of the lines after the
        first start in lower case (sentences run on over the line ends).
    """

    min_lines: int
    min_width: int
    max_width: int
    long_width: int
    max_long_share: float
    min_wrapped_share: float
    column_min_width: int
    column_full_ratio: float
    column_full_share: float
    column_percentile: float
    column_lower_start_share: float


@dataclass(frozen=True)
class CleanConfig:
    """The cleaning rules of one models folder, compiled.

    steps (tuple[str, ...]): Names of the cleaning steps, in the order they run.
    social_words (frozenset[str]): A line made only of these is a share bar.
    breadcrumb_separators (tuple[str, ...]): Separators of a breadcrumb line.
    breadcrumb_min_separators (int): A breadcrumb has at least this many.
    breadcrumb_max_words_per_segment (int): ... and segments this short.
    footer (tuple[re.Pattern, ...]): A line matching one starts a dropped footer paragraph.
    date_line (re.Pattern): A teaser's date line.
    citation (re.Pattern): Citation markers to delete.
    keep_hyphen_prefixes (frozenset[str]): Words that keep their hyphen at a line end.
    teasers (TeaserPolicy): See :class:`TeaserPolicy`.
    tables (TablePolicy): See :class:`TablePolicy`.
    name_shape (NameShapePolicy): See :class:`NameShapePolicy`.
    hard_wrap (HardWrapPolicy): See :class:`HardWrapPolicy`.
    segmentation (dict[str, Any]): The glued-word splitter's settings, as in the YAML.
    letter_forms (dict[str, str]): Historical letter forms and the letter they are read as (``ſ`` -> ``s``).
    """

    steps: tuple[str, ...]
    social_words: frozenset[str]
    breadcrumb_separators: tuple[str, ...]
    breadcrumb_min_separators: int
    breadcrumb_max_words_per_segment: int
    footer: tuple[re.Pattern, ...]
    date_line: re.Pattern
    citation: re.Pattern
    keep_hyphen_prefixes: frozenset[str]
    teasers: TeaserPolicy
    tables: TablePolicy
    name_shape: NameShapePolicy
    hard_wrap: HardWrapPolicy
    segmentation: dict[str, Any]
    letter_forms: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_rules(cls, rules: dict[str, Any]) -> CleanConfig:
        """Build the view from the loaded YAML (``pipeline.resources.rules("cleaning")``).

        rules (dict[str, Any]): The parsed cleaning.yaml.
        RETURNS (CleanConfig): The compiled rules.
        RAISES (KeyError): If a key is missing.
        """
        return cls(
            steps=tuple(rules["steps"]),
            social_words=frozenset(rules["social_words"]),
            breadcrumb_separators=tuple(rules["breadcrumb_separators"]),
            breadcrumb_min_separators=int(rules["breadcrumb_min_separators"]),
            breadcrumb_max_words_per_segment=int(rules["breadcrumb_max_words_per_segment"]),
            footer=tuple(re.compile(p, re.I) for p in rules["footer_patterns"]),
            date_line=re.compile(rules["date_line"], re.I),
            citation=re.compile(rules["citation_pattern"], re.I),
            keep_hyphen_prefixes=frozenset(rules["keep_hyphen_prefixes"]),
            teasers=TeaserPolicy(**rules["teasers"]),
            tables=TablePolicy(
                separators=tuple(rules["tables"]["separators"]),
                min_rows=int(rules["tables"]["min_rows"]),
                min_separators=int(rules["tables"]["min_separators"]),
                surname_joiner=str(rules["tables"]["surname_joiner"]),
            ),
            name_shape=NameShapePolicy(
                menu_words=frozenset(w.lower() for w in rules["name_shape"]["menu_words"]),
                common_count=float(rules["name_shape"]["common_count"]),
            ),
            hard_wrap=HardWrapPolicy(**rules["hard_wrap"]),
            segmentation=rules["segmentation"],
            letter_forms=dict(rules.get("letter_forms", {})),
        )
