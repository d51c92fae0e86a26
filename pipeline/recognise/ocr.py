"""OCR-damaged words as the rules read them: ``Tr0tsky`` as ``Trotsky``.

Before the rule families run, :class:`OcrWords` finds the words of a document
whose OCR confusions (``names.yaml``: ``ocr_confusions``; :mod:`pipeline.kb.ocr`)
hide a name, and the spelling the rules should read instead:

- a word with digits among its letters (``Tr0tsky``, ``5edova``, ``0tto``,
  ``Farre11``): the first repair that is a known name word (the knowledge
  base's) or a given name, else its clear repair (every digit its first
  letter) if that is shaped like a name, capitalised and no common word of the
  document or of English (``Exi1e`` and ``Mexic0`` stay as they are);
- a rare capitalised word that is no known name (``Golclman``, ``Dcwey``,
  ``Jolin``): the first repair that is a known name word or a given name.

Numbers (``1937``, ``5th``, ``No. 5``) and lower-case words are never touched.
The rules read a repaired word through a
:class:`~pipeline.recognise.state.RepairedToken` (``DocWords.tokens``, ``DocWords.words``), and their proposals keep the
token offsets: the document's text is never rewritten, so a span's text is
the damaged original. :func:`merge_split_words` first rejoins a damaged word
that the tokenizer cut after a digit (spaCy's unit suffixes cut ``Sta1in``
into ``Sta1`` + ``in``, as ``5in``).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from pipeline.kb.keys import fold
from pipeline.kb.ocr import OcrConfusions
from pipeline.recognise.context import NameContext

#: Spellings tried per word: far more than one word's confusions combine to.
MAX_SPELLINGS = 64
_VOWELS = frozenset("aeiouy")


class OcrWords:
    """Finds the repaired spelling of a document's damaged words; holds no per-document state.

    ``ocr`` the confusions; ``context`` the word tests (known name words, given
    names, English counts); ``min_chars`` the shortest word tried for letter
    confusions (``recognise.yaml``: ``ocr_confusion_min_chars``).
    """

    def __init__(self, ocr: OcrConfusions, context: NameContext, min_chars: int) -> None:
        self.ocr = ocr
        self.context = context
        self.min_chars = min_chars

    def repairs(self, doc: Doc, lower_words: frozenset[str]) -> dict[int, str]:
        """Token index -> the spelling the rules read, for the damaged words of ``doc``;
        ``lower_words`` the words the document writes in lower case (not names)."""
        out = {}
        for token in doc:
            text = token.text
            if not text[:1].isalnum() or text[:1].islower():
                continue
            if self.ocr.digit_damaged(text):
                repaired = self._digit_repair(text, lower_words)
            elif token.is_alpha and len(text) >= self.min_chars:
                repaired = self._letter_repair(token, lower_words)
            else:
                repaired = None
            if repaired is not None:
                out[token.i] = repaired
        return out

    def _digit_repair(self, text: str, lower_words: frozenset[str]) -> str | None:
        for spelling, _ in self.ocr.spellings(text, MAX_SPELLINGS):
            if spelling.isalpha() and _capitalised(spelling) and self._known(spelling):
                return spelling
        clear = self.ocr.clear(text)
        if clear is None or not _capitalised(clear) or not _VOWELS & set(clear.lower()):
            return None
        lower = fold(clear)
        if lower in lower_words or self.context.english.get(lower, 0.0) >= self.context.rules.common_count:
            return None  # Exi1e, Mexic0: a word, not a name
        return clear

    def _letter_repair(self, token: Token, lower_words: frozenset[str]) -> str | None:
        """A rare capitalised word no name of the knowledge base: the first repair that is one."""
        context, text = self.context, token.text
        if not _capitalised(text) or self._known(text) or context.index.lookup([text]):
            return None
        if token.lower_ in lower_words or context.english.get(token.lower_, 0.0) >= context.rules.rare_count:
            return None
        for spelling, _ in self.ocr.spellings(text, MAX_SPELLINGS):
            if _capitalised(spelling) and self._known(spelling):
                return spelling
        return None

    def _known(self, text: str) -> bool:
        """A word of a known person's name or a given name."""
        context = self.context
        key = context.keys.skeleton(text)
        return key in context.name_words or key in context.given_keys or fold(text) in context.given


def merge_split_words(doc: Doc, ocr: OcrConfusions) -> None:
    """Rejoin the damaged words the tokenizer cut after a digit (``Sta1`` + ``in``), in place:
    a token ending in a digit, glued to the letters that follow, together digit-damaged."""
    spans = []
    k = 0
    while k < len(doc) - 1:
        end = k + 1
        while end < len(doc) and _glued_at_digit(doc[end - 1], doc[end]):
            end += 1
        if end > k + 1 and ocr.digit_damaged(doc[k:end].text):
            spans.append(doc[k:end])
        k = end
    if spans:
        with doc.retokenize() as retokenizer:
            for span in spans:
                retokenizer.merge(span)


def _glued_at_digit(before: Token, after: Token) -> bool:
    return not before.whitespace_ and before.text[-1:].isdigit() and after.text[:1].isalpha() and after.is_alpha


def _capitalised(text: str) -> bool:
    """``Trotsky`` or ``TROTSKY``: a capital, then lower case only or capitals only."""
    return text[:1].isupper() and text.isalpha() and (text[1:].islower() or text.isupper())
