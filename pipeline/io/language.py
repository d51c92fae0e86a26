"""A document's language, by a well-kept offline identifier (py3langid, BSD, its model bundled).

:class:`LanguageIdentifier` reads a sample of a document's text (a third
from its start, its middle and its end, ``sample_chars`` in all) and gives
the language among ``detect`` (``rules/languages.yaml``), or the default
language when the identifier is not sure (``min_confidence``) or the text
has no letters. The sample keeps the cost flat in the document's length
(about a millisecond a document).

:meth:`LanguageIdentifier.segments` tells where a longer document changes
language (an émigré paper quoting a French report): windows of whole
paragraphs, ``segment_chars`` or more each, are told one by one (each read
whole); a window the
identifier is not sure of takes its neighbour's language; neighbours of one
language are one segment. A document of one language is one segment, in the
language :meth:`~LanguageIdentifier.detect` gives it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.resources import LanguageRules


@dataclass(frozen=True)
class Detected:
    """The language a document is read as; ``confidence`` the identifier's probability
    (0.0 when it was not asked), ``sure`` whether it cleared ``min_confidence``."""

    language: str
    confidence: float
    sure: bool


@dataclass(frozen=True)
class Segment:
    """``text[start:end]`` is in ``language``."""

    start: int
    end: int
    language: str


#: The break between two paragraphs: a window ends only there.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


class LanguageIdentifier:
    """Tells a text's language among the configured ones (see the module)."""

    def __init__(self, rules: LanguageRules) -> None:
        import py3langid.langid as langid

        self.rules = rules
        self._identifier = langid.LanguageIdentifier.from_modelpath(
            langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True
        )
        self._identifier.set_languages(list(rules.detect))

    def detect(self, text: str, sample_chars: int | None = None) -> Detected:
        """The language of ``text`` (see the module), from a sample of ``sample_chars`` (default
        the rules' ``sample_chars``)."""
        sample = _sample(text, sample_chars or self.rules.sample_chars)
        if not any(ch.isalpha() for ch in sample):
            return Detected(self.rules.default, 0.0, False)
        language, probability = self._identifier.classify(sample)
        if probability < self.rules.min_confidence:
            return Detected(self.rules.default, float(probability), False)
        return Detected(str(language), float(probability), True)


    def segments(self, text: str) -> list[Segment]:
        """The runs of one language in ``text`` (see the module); one segment when it has one."""
        whole = [Segment(0, len(text), self.detect(text).language)]
        size = self.rules.segment_chars
        if not size or len(text) < 2 * size:
            return whole
        windows = _windows(text, size)
        told = [self._sure_language(text[a:b]) for a, b in windows]
        if len({t for t in told if t is not None}) < 2:
            return whole
        languages = _filled(told, whole[0].language)
        out: list[Segment] = []
        for (a, b), language in zip(windows, languages, strict=True):
            if out and out[-1].language == language:
                out[-1] = Segment(out[-1].start, b, language)
            else:
                out.append(Segment(a, b, language))
        return out if len(out) > 1 else whole

    def _sure_language(self, text: str) -> str | None:
        found = self.detect(text, len(text))  # the whole window: a sample of it can miss a change inside
        return found.language if found.sure else None


def _windows(text: str, size: int) -> list[tuple[int, int]]:
    """(start, end) of runs of whole paragraphs, each ``size`` characters or more (the last may be
    shorter only when it is all there is after the others); together they cover ``text``."""
    cuts = [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
    out: list[tuple[int, int]] = []
    start = 0
    for cut in cuts:
        if cut - start >= size and len(text) - cut >= size // 2:
            out.append((start, cut))
            start = cut
    out.append((start, len(text)))
    return out


def _filled(told: list[str | None], default: str) -> list[str]:
    """Each window's language; a window not told takes the one before it (the first: the next told)."""
    first = next((t for t in told if t is not None), default)
    out: list[str] = []
    for language in told:
        out.append(language if language is not None else (out[-1] if out else first))
    return out


def _sample(text: str, size: int) -> str:
    """``size`` characters of ``text``: all of it, or a third each from its start, middle and end."""
    if len(text) <= size:
        return text
    third = size // 3
    middle = len(text) // 2 - third // 2
    return " ".join((text[:third], text[middle : middle + third], text[-third:]))
