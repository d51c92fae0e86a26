"""Rule family 2: spans shaped like a person's name (``models/rules/names.yaml``).

:class:`NameShapes` proposes, as persons with source ``shape``:

- a given name or initials followed by capitalised name words, the last a
  known name word or surname-shaped (``Aleksandra Sokolovskaya``), over
  particles (``Anne des Vignes``, ``Ruiz de la Peña``);
- a capitalised word followed by a patronymic (``Lev Davidovich``);
- registers' capitals: an all-capitals name word continues a run of name
  words (``Natalia Ivanovna SEDOVA``, ``Tamara Petrovna ZUEVA``), an
  all-capitals common word never does (``LEON TROTSKY SPEAKS``);
- the surname-shaped name after a title (``Comrade Zinoviev``: the title
  stays outside), any capitalised word after a personal honorific
  (``Dr. Read``: names.yaml ``personal_honorifics``), or an OCR-damaged word
  after a title (``Sergeant 0rtiz``: the tagger cannot judge it, its repair
  is shaped like a name, :mod:`~pipeline.recognise.ocr`);
- a word with an unmistakable surname ending (``-skaya``, ``-ovich``);
- a rare proper noun that is a misspelt known person (``Srnirnov``), where
  the knowledge base matched nothing.

None inside the name of something else (``Trotsky Museum``).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from pipeline.kb.keys import fold
from pipeline.recognise.context import INITIALS, NameContext
from pipeline.recognise.selection import SHAPE, Proposal
from pipeline.recognise.state import DocWords
from pipeline.resources import LabelRules


class NameShapes:
    """Proposes name-shaped spans (source ``shape``); holds no per-document state."""

    def __init__(self, context: NameContext, strong_ends: tuple[str, ...], labels: LabelRules) -> None:
        self.context = context
        self.rules = context.rules
        self.strong_ends = strong_ends
        self.person = labels.person

    def propose(self, w: DocWords, kb: list[Proposal]) -> list[Proposal]:
        """Shapes outside other names; a damaged known name only where ``kb`` matched nothing."""
        doc = w.tokens  # the Doc's tokens, OCR-damaged words repaired
        out: list[Proposal] = []
        covered = {k for p in kb for k in range(p.start, p.end)}
        i, n = 0, len(doc)
        while i < n:
            found = self._shape_at(doc, i, w.repaired)
            if found is None and i not in covered and self._damaged_known_name(w, doc[i]):
                found = (i, i + 1)
            if found is not None and not self.context.inside_other_name(doc, *found):
                out.append(Proposal(found[0], found[1], self.person, SHAPE))
                i = found[1]
            else:
                i += 1
        return out

    def _damaged_known_name(self, w: DocWords, token: Token) -> bool:
        """A rare capitalised word that is a misspelt known person (Srnirnov, Schildback),
        not a plural or derived word (Trotskys, Trotskyist)."""
        context = self.context
        text = token.text
        if (
            len(text) < self.rules.damaged_name_min_chars
            or not token.is_alpha
            or not text[:1].isupper()
            or token.pos_ != "PROPN"
        ):
            return False
        if context.english.get(token.lower_, 0.0) >= self.rules.rare_count or token.lower_ in w.lower_words:
            return False
        if context.index.lookup([text[:-1]]) or context.derived_stem(fold(text)) is not None:
            return False
        return bool(context.people([text]))

    def _shape_at(self, doc: Doc, i: int, repaired: dict[int, str]) -> tuple[int, int] | None:
        """The name shaped span starting at (or, after a title, right after) token ``i``;
        ``repaired`` the OCR-damaged words read as their repair."""
        token = doc[i]
        if not token.text[:1].isupper():
            return None
        context = self.context
        if context.after_honorific(doc, i):
            return i, self._extend(doc, i) or i + 1
        if fold(token.text) in context.titles and i + 1 < len(doc):
            nxt = doc[i + 1]
            if context.capitalised_word(nxt) and (context.surname_like(nxt) or i + 1 in repaired):
                return i + 1, self._extend(doc, i + 1) or i + 2
            return None
        end = self._name_shape_end(doc, i)
        return (i, end) if end else None

    def _name_shape_end(self, doc: Doc, i: int) -> int | None:
        context = self.context
        token = doc[i]
        word = fold(token.text)
        given = context.given_like(token)
        if given or INITIALS.match(token.text):
            end = self._extend(doc, i)
            if end and (context.surname_like(doc[end - 1]) or given):
                return end
            return None
        if token.is_alpha and len(word) >= self.rules.strong_surname_min_chars and word.endswith(self.strong_ends):
            return self._extend(doc, i) or i + 1
        if context.capitalised_word(token) and i + 1 < len(doc) and context.is_patronymic(doc[i + 1]):
            return self._extend(doc, i)
        return None

    def _extend(self, doc: Doc, i: int) -> int | None:
        """End of a run of name words after the first name word at i (None if alone)."""
        capitalised, most = self.context.capitalised_word, self.rules.max_name_words
        end = i + 1
        while end < len(doc) and end - i < most:
            tok = doc[end]
            if INITIALS.match(tok.text) or capitalised(tok) or caps_name_word(self.context, tok):
                end += 1
            elif run := self.context.particle_run(doc, end):  # de la Peña, van der Waals
                end += run + 1
            elif tok.text == "-" and end + 1 < len(doc) and capitalised(doc[end + 1]):
                end += 2
            else:
                break
        while end > i + 1 and INITIALS.match(doc[end - 1].text):
            end -= 1
        return end if end > i + 1 else None


def caps_name_word(context: NameContext, token: Token) -> bool:
    """An all-capitals word that may be a name word (registers write ``SEDOVA``, ``TAŞKIRAN``):
    a known name word, surname-shaped, or no common English word (not ``SPEAKS``, ``LINE``)."""
    text = token.text
    if not (text.isupper() and text.isalpha() and len(text) >= context.rules.headline_min_chars):
        return False
    lower = token.lower_
    if lower in context.titles or lower in context.institutions:
        return False
    if context.name_word(token) or context.surname_like(token):
        return True
    return context.english.get(lower, 0.0) < context.rules.rare_count
