"""What the rules read of one document, built once per Doc and passed explicitly.

The rule families are shared by every document (and every thread) of a
pipeline, so they keep nothing of a document on themselves: each call of the
component builds one :class:`DocWords` and hands it to them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Token

from pipeline.resources import LabelRules


class RepairedToken:
    """A token as the rules read it once its OCR damage is repaired: ``text`` and the
    tests on it are the repaired spelling's, and its part of speech is ``PROPN`` (the
    tagger read the damage, not the name). Everything else (``i``, ``idx``,
    ``whitespace_``, ``ent_type_``...) is the token's own."""

    __slots__ = ("token", "text")

    def __init__(self, token: Token, text: str) -> None:
        self.token = token
        self.text = text

    def __getattr__(self, name: str) -> Any:
        return getattr(self.token, name)

    def __len__(self) -> int:
        return len(self.token)

    def __repr__(self) -> str:
        return f"RepairedToken({self.token.text!r} -> {self.text!r})"

    lower_ = property(lambda self: self.text.lower())
    is_alpha = property(lambda self: self.text.isalpha())
    is_upper = property(lambda self: self.text.isupper())
    is_lower = property(lambda self: self.text.islower())
    is_title = property(lambda self: self.text.istitle())
    is_digit = property(lambda self: False)
    like_num = property(lambda self: False)
    is_punct = property(lambda self: False)
    is_space = property(lambda self: False)
    pos_ = property(lambda self: "PROPN")


@dataclass(frozen=True)
class DocWords:
    """A Doc's words as plain strings (far cheaper to read than spaCy tokens).

    ``words`` the token texts, ``lowers`` their lower-case forms,
    ``lower_words`` the alphabetic words the document writes in lower case
    (a name that is also such a word is ambiguous), ``model_label`` the
    model's label (namelink's name for it) of each token inside one of the
    model's entities. ``tokens`` are the Doc's tokens as the rules read them:
    an OCR-damaged word (``Tr0tsky``) is a
    :class:`RepairedToken` with its repaired text, which
    ``words`` and ``lowers`` hold too; ``repaired`` maps its index to that text.
    A repaired word that the model took for a number, a date... (labels.yaml:
    ``never_people``; ``5talin`` CARDINAL) has no model label: the model read the digits.
    ``genitive`` the tokens that are a genitive ending split off a name
    (:mod:`~pipeline.recognise.genitive`: ``Trotzki`` ``s``).
    """

    doc: Doc
    words: list[str]
    lowers: list[str]
    lower_words: frozenset[str]
    model_label: dict[int, str]
    tokens: list[Any]
    repaired: dict[int, str]
    genitive: frozenset[int] = frozenset()

    @classmethod
    def read(
        cls,
        doc: Doc,
        labels: LabelRules,
        repair: Callable[[Doc, frozenset[str]], dict[int, str]] | None = None,
        genitive: frozenset[int] = frozenset(),
    ) -> DocWords:
        """Read ``doc`` as the model left it (``doc.ents`` are still the model's); ``repair``
        (:meth:`pipeline.recognise.ocr.OcrWords.repairs`) gives the repaired words, ``genitive``
        the endings the genitive splitter made."""
        original = [t.text for t in doc]
        lower_words = frozenset(w for w in original if w.islower() and w.isalpha())
        repaired = repair(doc, lower_words) if repair is not None else {}
        words = [repaired.get(k, word) for k, word in enumerate(original)]
        return cls(
            doc=doc,
            words=words,
            lowers=[w.lower() for w in words],
            lower_words=lower_words,
            model_label=_model_labels(doc, labels, repaired),
            tokens=[RepairedToken(t, repaired[t.i]) if t.i in repaired else t for t in doc],
            repaired=repaired,
            genitive=genitive,
        )


def _model_labels(doc: Doc, labels: LabelRules, repaired: dict[int, str]) -> dict[int, str]:
    """namelink's label of the model's entity at each token, but none for a repaired word read as a number."""
    out = {}
    for e in doc.ents:
        label = labels.of_model(e.label_)
        for k in range(e.start, e.end):
            if not (k in repaired and label in labels.never_people):
                out[k] = label
    return out
