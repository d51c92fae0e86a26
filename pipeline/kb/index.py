"""Name forms indexed by the skeleton keys of their tokens."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from pipeline.kb.base import KnowledgeBase
from pipeline.kb.entries import NameForm
from pipeline.kb.keys import NameKeys


class AliasIndex:
    """Every name form of a knowledge base under the skeleton keys of its tokens.

    ``tokenize`` must split text the way the documents are split (the spaCy
    pipeline's tokenizer), so that a form matches the tokens of a document.
    ``by_key`` maps a key tuple to its forms; ``first_keys`` holds the keys a
    name can start with (most tokens of a text start none); ``max_tokens`` is
    the longest form in tokens.
    """

    def __init__(self, kb: KnowledgeBase, tokenize: Callable[[str], list[str]], keys: NameKeys) -> None:
        self.kb = kb
        self.keys = keys
        self.by_key: dict[tuple[str, ...], list[NameForm]] = defaultdict(list)
        for form in kb.forms:
            key = keys.phrase(tokenize(form.text))
            if key and form not in self.by_key[key]:
                self.by_key[key].append(form)
        self.max_tokens = max((len(k) for k in self.by_key), default=1)
        self.first_keys = {k[0] for k in self.by_key}

    def lookup(self, words: list[str] | tuple[str, ...]) -> list[NameForm]:
        """The forms under the words' key; for words in Cyrillic, under any of their
        romanisations' keys too (:meth:`NameKeys.phrases`), in that order."""
        found = self.by_key.get(self.keys.phrase(words), [])
        if not any(_is_cyrillic(w) for w in words):
            return found
        out = list(found)
        for key in self.keys.phrases(words)[1:]:
            out += [f for f in self.by_key.get(key, []) if f not in out]
        return out


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)
