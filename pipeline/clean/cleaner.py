"""Stage 1, clean: raw text -> clean text plus a map back to raw offsets.

Steps, in order, each a list of edits on a :class:`~pipeline.offsets.MappedText`:
Unicode repair (ftfy, NFC), invisible characters, boilerplate lines,
markdown syntax, citation markers, hyphenation across line ends, hard-wrapped
lines, glued words (wordsegment, with the knowledge base's names in its
vocabulary) and whitespace. The rules live in ``models/rules/cleaning.yaml``.

>>> cleaner = Cleaner(names=["Trotsky", "Sokolovskaya"])
>>> cleaner.clean("When Trotskyconsideredescaping[3]Sokolovskaya agreed.").text
'When Trotsky considered escaping Sokolovskaya agreed.'
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ftfy
import wordsegment

from pipeline.io.offsets import Edit, MappedText
from pipeline.kb.lexicon import english_segmenter
from pipeline.resources import rules

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_ODD_SPACE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_LINE = re.compile(r"[^\n]*\n?")
_WORD = re.compile(r"[\w'’&.-]+")


def _line_spans(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of each line's content, without its newline."""
    for match in _LINE.finditer(text):
        if not match.group():
            break
        end = match.end() - (1 if match.group().endswith("\n") else 0)
        yield match.start(), end


@dataclass
class CleanText:
    """The clean text of one document and the way back to the raw file."""

    text: str
    mapping: MappedText = field(repr=False)
    #: Clean spans that were in italics in the source: titles of works, mostly.
    emphasis: list[tuple[int, int]] = field(default_factory=list)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        return self.mapping.raw_span(start, end)


class GlueSplitter:
    """Splits words glued together by lost spacing, never real words.

    ``Trotskyconsideredescaping`` -> ``Trotsky considered escaping``;
    ``ZinaidaVolkova`` -> ``Zinaida Volkova``. A letter run is split only when
    it is not a known word and every piece is frequent (wordsegment's unigram
    counts) or a name from ``vocabulary``.
    """

    def __init__(self, config: dict, names: Iterable[str] = (), is_name: Callable[[str], bool] | None = None) -> None:
        english = english_segmenter()
        self.names = {word.lower() for word in names if word.isalpha()}
        self.is_name = is_name or (lambda word: word.lower() in self.names)
        name_count = float(config["rare_count"]) * 50
        # Names join the vocabulary without touching the shared English counts.
        self.unigrams = ChainMap(dict.fromkeys(self.names, name_count), english.unigrams)
        self._segmenter = wordsegment.Segmenter()
        self._segmenter.unigrams = self.unigrams
        self._segmenter.bigrams = english.bigrams
        self._segmenter.total = english.total
        self._segmenter.limit = english.limit
        self.min_length = int(config["min_length"])
        self.common = float(config["common_count"])
        self.rare = float(config["rare_count"])
        self.short_words = set(config["short_words"])
        self.prefixes = sorted(config["prefixes"], key=len, reverse=True)
        self.suffixes = sorted(config["suffixes"], key=len, reverse=True)
        self.camel_prefixes = set(config["camel_prefixes"])
        self.camel_words = set(config["camel_words"])
        self._split = lru_cache(maxsize=200_000)(self._split_uncached)

    def edits(self, text: str) -> list[Edit]:
        edits: list[Edit] = []
        for match in _LETTER_RUN.finditer(text):
            for cut in self._split(match.group()):
                edits.append((match.start() + cut, match.start() + cut, " "))
        return edits

    def _split_uncached(self, run: str) -> tuple[int, ...]:
        cuts: list[int] = []
        start = 0
        for cut in self._camel_cuts(run) + [len(run)]:
            cuts.extend(start + c for c in self._segment_cuts(run[start:cut]))
            if cut < len(run):
                cuts.append(cut)
            start = cut
        return tuple(cuts)

    def _camel_cuts(self, run: str) -> list[int]:
        if run in self.camel_words or run.isupper() or run.islower():
            return []
        cuts, part_start = [], 0
        for i in range(1, len(run)):
            if run[i].isupper() and run[i - 1].islower():
                part = run[part_start:i]
                if len(part) >= 2 and part not in self.camel_prefixes:
                    cuts.append(i)
                part_start = i
        return cuts

    def _known(self, word: str) -> bool:
        if word in self.names:
            return True
        if len(word) < 4 and word not in self.short_words:
            return False  # short shards (tre-phi-ned, in-sky) are how real words get broken
        count = self.unigrams.get(word, 0.0)
        return count >= (self.common if len(word) < 7 else self.rare)

    def _is_word(self, word: str) -> bool:
        """A known word, a name, or a known word with a prefix or suffix."""
        if word in self.unigrams or self.is_name(word):
            return True
        for prefix in self.prefixes:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                if self._known(word[len(prefix) :]):
                    return True
        for suffix in self.suffixes:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                if self._known(word[: -len(suffix)]):
                    return True
        return False

    def _segment_cuts(self, part: str) -> list[int]:
        lower = part.lower()
        if len(part) < self.min_length or self._is_word(lower):
            return []
        pieces = self._segmenter.segment(lower)
        if len(pieces) < 2 or "".join(pieces) != lower or not all(map(self._known, pieces)):
            return []
        # A capitalised run is a proper noun unless it starts with a known name.
        if part[0].isupper() and not self.is_name(pieces[0]):
            return []
        cuts, pos = [], 0
        for piece in pieces[:-1]:
            pos += len(piece)
            cuts.append(pos)
        return cuts


class Cleaner:
    """Turns raw text into clean text with a character-exact offset map.

    ``names``: name words the glued-word splitter must know (the knowledge
    base's), so that ``Sokolovskayafullyendorsed`` splits after the name
    instead of inside it; ``is_name`` optionally recognises spelling variants
    of them (a skeleton-key lookup).
    """

    def __init__(
        self,
        names: Iterable[str] = (),
        is_name: Callable[[str], bool] | None = None,
        models: str | Path | None = None,
    ) -> None:
        self.config = rules("cleaning", models)
        self.splitter = GlueSplitter(self.config["segmentation"], names, is_name)
        self._footer = [re.compile(p, re.I) for p in self.config["footer_patterns"]]
        self._date_line = re.compile(self.config["date_line"], re.I)
        self._citation = re.compile(self.config["citation_pattern"], re.I)
        self._social = set(self.config["social_words"])
        self._keep_hyphen = set(self.config["keep_hyphen_prefixes"])

    @classmethod
    def for_names(
        cls, words: Iterable[str], skeleton: Callable[[str], str], models: str | Path | None = None
    ) -> Cleaner:
        """A cleaner that knows ``words`` (a knowledge base's name words) and, through
        ``skeleton`` (the name key), their spelling variants."""
        words = set(words)
        keys = {skeleton(w) for w in words}
        return cls(names=words, is_name=lambda word: skeleton(word) in keys, models=models)

    def clean(self, raw: str) -> CleanText:
        mapped = MappedText.from_raw(raw)
        mapped = mapped.transform_lines(_repair_unicode)
        italics: list[tuple[int, int]] = []
        for step in (
            self._invisible_edits,
            self._boilerplate_edits,
            _markdown_edits,
            self._citation_edits,
            self._hyphenation_edits,
            _hard_wrap_edits,
            lambda text: self.splitter.edits(text),
            _whitespace_edits,
        ):
            if step is _markdown_edits:
                italics = [mapped.raw_span(*m.span(1)) for m in _ITALIC.finditer(mapped.text)]
            mapped = mapped.apply(step(mapped.text))
        emphasis = [mapped.clean_span(a, b) for a, b in italics]
        return CleanText(mapped.text, mapped, [(a, b) for a, b in emphasis if a < b])

    # -- steps ---------------------------------------------------------------

    @staticmethod
    def _invisible_edits(text: str) -> list[Edit]:
        edits = [(m.start(), m.end(), "") for m in _INVISIBLE.finditer(text)]
        edits += [(m.start(), m.end(), " ") for m in _ODD_SPACE.finditer(text)]
        edits += [(m.start(), m.end(), " -- ") for m in re.finditer(r"(?<=\S)-{2,}(?=\S)", text)]
        return edits

    def _boilerplate_edits(self, text: str) -> list[Edit]:
        lines = list(_line_spans(text))
        drop = [self._is_boilerplate_line(text[s:e]) for s, e in lines]
        self._mark_footer_paragraphs(text, lines, drop)
        self._mark_teasers(text, lines, drop)
        return [(s, e, "") for (s, e), gone in zip(lines, drop, strict=True) if gone and e > s]

    def _is_boilerplate_line(self, line: str) -> bool:
        words = [w.strip(".,:;!?()").lower() for w in line.split()]
        words = [w for w in words if w]
        if not words:
            return False
        if all(w in self._social for w in words):
            return True
        if _is_link_only(line):
            return True
        return self._is_breadcrumb(line)

    def _is_breadcrumb(self, line: str) -> bool:
        seps = self.config["breadcrumb_separators"]
        count = sum(line.count(sep) for sep in seps)
        if count < 2:
            return False
        parts = re.split("|".join(map(re.escape, seps)), line)
        limit = self.config["breadcrumb_max_words_per_segment"]
        return all(len(p.split()) <= limit for p in parts)

    def _mark_footer_paragraphs(self, text: str, lines: list[tuple[int, int]], drop: list[bool]) -> None:
        in_footer = False
        for i, (s, e) in enumerate(lines):
            line = text[s:e]
            if not line.strip():
                in_footer = False
            elif in_footer or any(p.search(line) for p in self._footer):
                drop[i] = in_footer = True

    def _mark_teasers(self, text: str, lines: list[tuple[int, int]], drop: list[bool]) -> None:
        """Drop a trailing run of related-article teasers (title, summary, byline, date).

        Only at the very end of the text, only short lines, at least two
        teasers in a row: an article, or a book of many, is never cut.
        """
        filled = [i for i, (s, e) in enumerate(lines) if text[s:e].strip() and not drop[i]]
        dates = [k for k, i in enumerate(filled) if self._date_line.match(text[slice(*lines[i])])]
        if not dates or dates[-1] < len(filled) - _TEASER_LINES:
            return
        first = len(dates) - 1
        while first > 0 and dates[first] - dates[first - 1] <= _TEASER_LINES:
            first -= 1
        if len(dates) - first < 2:
            return
        start = max(dates[first] - 3, dates[first - 1] + 1 if first else 0)  # title, summary, byline, date
        header = filled[start - 1] if start > 0 else None
        if header is not None and _looks_like_header(text[slice(*lines[header])]):
            start -= 1
        tail = filled[start:]
        if any(lines[k][1] - lines[k][0] > _TEASER_MAX_CHARS for k in tail):
            return
        for k in tail:
            drop[k] = True

    def _citation_edits(self, text: str) -> list[Edit]:
        edits = []
        for m in self._citation.finditer(text):
            before = text[m.start() - 1] if m.start() else " "
            after = text[m.end()] if m.end() < len(text) else " "
            glued = not before.isspace() and after.isalnum()
            edits.append((m.start(), m.end(), " " if glued else ""))
        return edits

    def _hyphenation_edits(self, text: str) -> list[Edit]:
        edits = []
        for m in re.finditer(r"(\w+)([-¬])[ \t]*\n[ \t]*(?=(\w))", text):
            word, mark, nxt = m.group(1), m.group(2), m.group(3)
            if mark == "-" and (nxt.isupper() or word.lower() in self._keep_hyphen):
                edits.append((m.end(2), m.end(), ""))  # keep the hyphen, drop the break
            else:
                edits.append((m.start(2), m.end(), ""))
        return edits


def _repair_unicode(line: str) -> str:
    return ftfy.fix_text(line, uncurl_quotes=False)


def _is_link_only(line: str) -> bool:
    stripped = re.sub(r"[*_\s]", "", line)
    return bool(stripped) and bool(re.fullmatch(r"(\[[^\]]*\]\([^)]*\)|<?https?://\S+>?|www\.\S+)+", stripped))


def _looks_like_header(line: str) -> bool:
    line = line.strip()
    return 0 < len(line.split()) <= 5 and not line.endswith((".", "!", "?", ":", '"'))


_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")
#: Filled lines a related-article teaser takes at most (title, summary, byline, date, tag).
_TEASER_LINES = 5
#: A teaser line is short; a longer line is article text.
_TEASER_MAX_CHARS = 400

_MARKDOWN = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), None),  # images: drop whole
    (re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)"), 1),  # links: keep the text
    (re.compile(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+"), None),  # heading marks
    (re.compile(r"(?m)^[ \t]*>[ \t]?"), None),  # blockquote marks
    (re.compile(r"(?m)^[ \t]*[-*+][ \t]+"), None),  # bullets
    (re.compile(r"(?m)^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$"), None),  # rules
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), 1),  # bold
    (re.compile(r"__(?=\S)(.+?)(?<=\S)__"), 1),
    (_ITALIC, 1),
    (re.compile(r"`([^`\n]+)`"), 1),
]


def _markdown_edits(text: str) -> list[Edit]:
    """Delete markdown syntax, keeping the text it wraps (deletions only)."""
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


def _hard_wrap_edits(text: str) -> list[Edit]:
    """Join lines wrapped inside a paragraph.

    A newline is a wrap when the next line continues the sentence (starts in
    lower case) or when the document is hard-wrapped (most lines of a similar,
    bounded width) and the line does not end a sentence or heading.
    """
    lines = list(_line_spans(text))
    wrapped = _is_hard_wrapped(text, lines)
    edits = []
    for (s, e), (ns, ne) in zip(lines, lines[1:], strict=False):
        line, nxt = text[s:e].rstrip(), text[ns:ne].lstrip()
        if not line or not nxt:
            continue
        continues = nxt[0].islower() and line[-1].isalpha() or line[-1] == ","
        if continues or (wrapped and not line.endswith((".", "!", "?", ":", '"', "”"))):
            edits.append((s + len(line), ns + (ne - ns - len(text[ns:ne].lstrip())), " "))
    return edits


def _is_hard_wrapped(text: str, lines: list[tuple[int, int]]) -> bool:
    widths = [e - s for s, e in lines if e > s]
    if len(widths) < 5:
        return False
    # A few long lines are allowed: hyphenated words rejoined two wrapped lines.
    long_lines = sum(w > 120 for w in widths)
    return long_lines <= 0.2 * len(widths) and sum(40 <= w <= 100 for w in widths) >= 0.6 * len(widths)


def _whitespace_edits(text: str) -> list[Edit]:
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
