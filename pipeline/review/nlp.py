"""The blank English pipeline that cuts review tasks into sentences and tokenizes them for Prodigy."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def sentencizer() -> Any:
    """A blank English ``Language`` with a rule-based ``sentencizer``, built once (spaCy imported on first use).

    RETURNS (Language): used for ``.sents`` (sentence tasks) and ``.make_doc`` (Prodigy tokens).
    """
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp
