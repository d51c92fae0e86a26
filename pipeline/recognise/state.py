"""What the rules read of one document, built once per Doc and passed explicitly.

The rule families are shared by every document (and every thread) of a
pipeline, so they keep nothing of a document on themselves: each call of the
component builds one :class:`DocWords` and hands it to them.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from pipeline.resources import LabelRules


@dataclass(frozen=True)
class DocWords:
    """A Doc's words as plain strings (far cheaper to read than spaCy tokens).

    ``words`` the token texts, ``lowers`` their lower-case forms,
    ``lower_words`` the alphabetic words the document writes in lower case
    (a name that is also such a word is ambiguous), ``model_label`` the
    model's label (namelink's name for it) of each token inside one of the
    model's entities, ``genitive`` the tokens that are a genitive ending split
    off a name (:mod:`~pipeline.recognise.genitive`: ``Trotzki`` ``s``).
    """

    doc: Doc
    words: list[str]
    lowers: list[str]
    lower_words: frozenset[str]
    model_label: dict[int, str]
    genitive: frozenset[int] = frozenset()

    @classmethod
    def read(cls, doc: Doc, labels: LabelRules, genitive: frozenset[int] = frozenset()) -> DocWords:
        """Read ``doc`` as the model left it (``doc.ents`` are still the model's); ``genitive``
        the endings the genitive splitter made."""
        words = [t.text for t in doc]
        return cls(
            doc=doc,
            words=words,
            lowers=[w.lower() for w in words],
            lower_words=frozenset(w for w in words if w.islower() and w.isalpha()),
            model_label={k: labels.of_model(e.label_) for e in doc.ents for k in range(e.start, e.end)},
            genitive=genitive,
        )
