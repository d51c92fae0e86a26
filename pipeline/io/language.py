"""A document's language, by a well-kept offline identifier (py3langid, BSD, its model bundled).

:class:`LanguageIdentifier` reads a sample of a document's text (a third
from its start, its middle and its end, ``sample_chars`` in all) and gives
the language among ``detect`` (``rules/languages.yaml``), or the default
language when the identifier is not sure (``min_confidence``) or the text
has no letters. The sample keeps the cost flat in the document's length
(about a millisecond a document).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.resources import LanguageRules


@dataclass(frozen=True)
class Detected:
    """The language a document is read as; ``confidence`` the identifier's probability
    (0.0 when it was not asked), ``sure`` whether it cleared ``min_confidence``."""

    language: str
    confidence: float
    sure: bool


class LanguageIdentifier:
    """Tells a text's language among the configured ones (see the module)."""

    def __init__(self, rules: LanguageRules) -> None:
        import py3langid.langid as langid

        self.rules = rules
        self._identifier = langid.LanguageIdentifier.from_modelpath(
            langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True
        )
        self._identifier.set_languages(list(rules.detect))

    def detect(self, text: str) -> Detected:
        """The language of ``text`` (see the module)."""
        sample = _sample(text, self.rules.sample_chars)
        if not any(ch.isalpha() for ch in sample):
            return Detected(self.rules.default, 0.0, False)
        language, probability = self._identifier.classify(sample)
        if probability < self.rules.min_confidence:
            return Detected(self.rules.default, float(probability), False)
        return Detected(str(language), float(probability), True)


def _sample(text: str, size: int) -> str:
    """``size`` characters of ``text``: all of it, or a third each from its start, middle and end."""
    if len(text) <= size:
        return text
    third = size // 3
    middle = len(text) // 2 - third // 2
    return " ".join((text[:third], text[middle : middle + third], text[-third:]))
