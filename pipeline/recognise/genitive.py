"""German genitive ``-s`` on a known name: ``Trotzkis Sohn``, ``im Auftrag Trotzkis``.

The annotation guideline keeps a genitive ending that German adds to a name
outside the mention, like English ``'s`` (``Radeks Brief`` -> ``Radek``), but
the tokenizer leaves ``Trotzkis`` one token, so no span can hold ``Trotzki``
alone. :class:`GenitiveSplitter` splits such a word into the name and its
ending (``Doc.retokenize``, the text unchanged) before the rule families read
the document, when

- the word is capitalised, not all capitals, and no known name itself;
- what is left once a ``genitive_endings`` ending (``recognise.yaml``) is
  cut is a known person's name of at least ``genitive_min_stem`` characters;
- a capitalised noun stands right before or after it, as German writes its
  nouns (``Tochter Trotzkis``, ``Trotzkis Sohn``), that is no name word (in a
  document no tagger read, a language read by rules alone, any capitalised
  word that is no name word);
- no family determiner or number stands before it (``the Trotskys``, ``both
  Sedovs`` are families, English plurals).

Reads: the Doc's tokens and ``token.pos``. Sets: the split tokens (the ending
gets ``pos`` PART); returns the indices of the endings, which the document's
:class:`~pipeline.recognise.state.DocWords` carries: a model entity holding
one is dropped (the knowledge base proposes the name before it).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from pipeline.recognise.context import NameContext
from pipeline.resources import LabelRules

#: Parts of speech of the noun beside a genitive (the English tagger calls German nouns either).
_NOUN_POS = frozenset({"NOUN", "PROPN"})


class GenitiveSplitter:
    """Splits genitive endings off known names; holds no per-document state."""

    def __init__(self, context: NameContext, labels: LabelRules) -> None:
        self.context = context
        self.endings = tuple(sorted(context.rules.genitive_endings, key=len, reverse=True))
        self.min_stem = context.rules.genitive_min_stem
        self.person = labels.person

    def split(self, doc: Doc) -> frozenset[int]:
        """Split the genitives of ``doc`` in place; the token indices of their endings afterwards."""
        found = [(t.i, ending) for t in doc if (ending := self._ending(doc, t))]
        if not found:
            return frozenset()
        with doc.retokenize() as retokenizer:
            for i, ending in found:
                token = doc[i]
                stem = token.text[: -len(ending)]
                retokenizer.split(token, [stem, ending], heads=[(token, 1), token])
        endings = frozenset(i + n + 1 for n, (i, _) in enumerate(found))  # each split shifts the rest by one
        for k in endings:
            doc[k].pos_ = "PART"
        return endings

    def _ending(self, doc: Doc, token: Token) -> str | None:
        """The genitive ending of ``token`` if it is a known name with one, else None."""
        text = token.text
        if not (text.endswith(self.endings) and text[:1].isupper() and text.isalpha() and not text.isupper()):
            return None
        if self.context.index.lookup([text]):
            return None  # a name of its own (Jones, Saint-Just)
        for ending in self.endings:
            stem = text[: -len(ending)]
            if not text.endswith(ending) or len(stem) < self.min_stem or not self._known_person(stem):
                continue
            if self._counted(doc, token.i) or not self._noun_beside(doc, token.i):
                return None
            return ending
        return None

    def _known_person(self, word: str) -> bool:
        entities = self.context.index.kb.entities
        return any(entities[f.entity_id].label == self.person for f in self.context.index.lookup([word]))

    def _counted(self, doc: Doc, i: int) -> bool:
        """A family determiner or a number before: the Trotskys, both Sedovs, the two Levs."""
        if i == 0:
            return False
        before = doc[i - 1]
        return before.like_num or before.lower_ in self.context.family_determiners

    def _noun_beside(self, doc: Doc, i: int) -> bool:
        """A capitalised noun right before or after ``i`` that is no name word (``Sohn``, ``Auftrag``)."""
        context = self.context
        for k in (i - 1, i + 1):
            if not 0 <= k < len(doc):
                continue
            near = doc[k]
            text = near.text
            if not (text[:1].isupper() and text.isalpha() and not text.isupper()):
                continue
            if near.pos_ and near.pos_ not in _NOUN_POS:  # untagged (read by rules alone): the capital says noun
                continue
            if not (context.name_word(near) or near.lower_ in context.titles):  # Herr heads a name
                return True
        return False
