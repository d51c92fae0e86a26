"""Rule family 2b: inverted names of lists, indexes, registers and bibliographies.

:class:`InvertedNames` proposes, as persons with source ``shape``, a span
``Surname, Given [Patronymic | Initials | particle]`` as ONE mention
(``Sedov, Lev Lvovich``, ``Thatcher, Ian D.``, ``BRONSTEIN, Lev Davidovich``,
``Heijenoort, Jean van``): the annotation guideline's rule for inverted names.

Running text also puts a comma between names (``Kamenev, Zinoviev and
Stalin``; ``Trotsky, Natalia and Lev``), so the span is proposed only when

- the part after the comma starts with a given name (lexicon or knowledge
  base) or dotted initials, and holds only given names, patronymics,
  initials and a trailing particle (never a surname: ``Zinoviev, Lev
  Kamenev`` is two people);
- the part before is one to ``inverted_surname_words`` capitalised or
  all-capitals name words (a hyphen or a Spanish or Catalan ``y`` / ``i``
  may join two: ``Ibarra y Quintana, Tomás``);
- a list delimiter follows (``inverted_name_ends`` of ``recognise.yaml``, a
  line end, a comma before a number or an index's lower-case gloss, ``geb.``
  or ``eigentl.`` included, a marker of another name of the same person
  (``linking.yaml`` same_person_markers: ``geb.``, ``dit``), or a parenthesis
  holding a date or a quoted alias), never ``and``.

Registers and police reports also write the surname first in capitals with no
comma (``BRONSTEIN Léon, dit TROTSKY``; ``MARTIN des PALLIÈRES Jeanne``): one to
``inverted_surname_words`` all-capitals name words, then given names written
in title case, then the same delimiters.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from pipeline.kb.keys import fold
from pipeline.recognise.context import INITIALS, NameContext
from pipeline.recognise.lines import starts_line
from pipeline.recognise.selection import SHAPE, Proposal
from pipeline.recognise.shapes import caps_name_word
from pipeline.recognise.state import DocWords
from pipeline.resources import LabelRules

#: Quotes that open an alias inside an index entry's parenthesis (``("Lyova", 1906–1938)``).
_QUOTES = frozenset({'"', "“", "”", "«", "»", "'", "‘", "’"})


class InvertedNames:
    """Proposes ``Surname, Given ...`` spans (source ``shape``); holds no per-document state."""

    def __init__(self, context: NameContext, labels: LabelRules) -> None:
        rules = context.rules
        self.context = context
        self.rules = rules
        self.person = labels.person
        self.places = frozenset(labels.places)
        self.ends = frozenset(rules.inverted_name_ends)
        self.coordinators = frozenset(rules.coordinators)
        self.not_gloss_pos = frozenset(rules.inverted_not_gloss_pos)

    def propose(self, w: DocWords) -> list[Proposal]:
        """One proposal per comma that joins a surname and the given names after it, and per
        surname in capitals before given names (``BRONSTEIN Léon,``)."""
        doc = w.doc
        out: list[Proposal] = []
        last_end = 0
        for k, token in enumerate(doc):
            if k < last_end:
                continue
            span = self._around(w, k) if token.text == "," else self._capitals_first(w, k)
            if span is not None and span[0] >= last_end and not self.context.inside_other_name(doc, *span):
                out.append(Proposal(span[0], span[1], self.person, SHAPE))
                last_end = span[1]
        return out

    def _capitals_first(self, w: DocWords, given: int) -> tuple[int, int] | None:
        """(start, end) of ``SURNAME Given`` whose given names start at ``given``, if it is one."""
        doc = w.doc
        token = doc[given]
        if given == 0 or not (token.is_title and doc[given - 1].is_upper):  # cheap tests first: every token
            return None
        if not self.context.given_evidence_word(token):
            return None
        end = self._given_end(doc, given)
        if end is None or not self._delimited(doc, end, initials_only=False):
            return None
        start, words = given, 0
        while start > 0 and words < self.rules.inverted_surname_words:
            tok = doc[start - 1]
            if _capital_surname_word(self.context, tok):
                start, words = start - 1, words + 1
            elif tok.lower_ in self.context.particles and words and start >= 2 and doc[start - 2].is_upper:
                start -= 1  # MARTIN des PALLIÈRES
            else:
                break
        if not words or not doc[start].is_upper or not self._surname_part(w, start, given - 1, given, capitals=True):
            return None
        return start, end

    def _around(self, w: DocWords, comma: int) -> tuple[int, int] | None:
        """(start, end) of the inverted name around the comma at ``comma``, if it is one."""
        doc = w.doc
        end = self._given_end(doc, comma + 1)
        if end is None:
            end = self._register_given_end(doc, comma)
        if end is None or not self._delimited(doc, end, initials_only=_dotted_initials(doc[comma + 1])):
            return None
        start = self._surname_start(doc, comma)
        if start is None or not self._surname_part(w, start, comma):
            return None
        if not self.context.given_like(doc[comma + 1]) and not _dotted_initials(doc[comma + 1]):
            if not starts_line(doc, start):
                return None  # a given name of the census lexicon only in an entry that starts a line
        return start, end

    def _register_given_end(self, doc: Doc, comma: int) -> int | None:
        """``AMUNDSEN, Torvald Martin`` at the start of a line (a register's or a manifest's
        row, a table's surname cell joined to its given names): after a surname in capitals,
        any capitalised words are the given names, in a lexicon or not."""
        start = self._surname_start(doc, comma)
        if start is None or not starts_line(doc, start):
            return None
        surname = [t for t in doc[start:comma] if t.is_alpha]
        if not surname or not all(t.is_upper and len(t.text) > 1 for t in surname):
            return None
        end, most = comma + 1, comma + 1 + self.rules.inverted_given_words
        dates = self.rules.date_words
        while end < len(doc) and end < most and self.context.capitalised_word(doc[end]):
            if doc[end].lower_.rstrip(".") in dates:
                return None  # a dateline: MOSCOW, March 3
            end += 1
        return end if end > comma + 1 else None

    def _surname_part(
        self, w: DocWords, start: int, comma: int, stop: int | None = None, capitals: bool = False
    ) -> bool:
        """Not a place (``Brooklyn, N. Y.``: the model's or the knowledge base's, unless a given name
        that is no place follows the comma) and not a full
        name in natural order (``Emel Lurie, N.D. Lurie``: two people), which starts with a given name."""
        doc, context = w.doc, self.context
        after = comma + 1
        stop = comma if stop is None else stop  # the surname's end: the comma, or the given name
        given_after = context.given_evidence_word(doc[after]) and w.model_label.get(after) not in self.places
        if not given_after and any(
            w.model_label.get(k) in self.places and not context.name_word(doc[k]) for k in range(start, stop)
        ):
            return False  # the model's place (Atlanta, Georgia), unless a known person's name word
            # (it calls Kamenev a place) or a given name follows (it calls Pemberton, Marjorie a place)
        if any(self.kb_labels(doc[k].text) - {self.person} for k in range(start, stop)):
            return False
        return capitals or stop - start == 1 or not context.given_like(doc[start])  # MARTIN des PALLIÈRES

    def kb_labels(self, word: str) -> set[str]:
        """The labels of the knowledge-base entries a word names on its own (a place, a person...)."""
        entities = self.context.index.kb.entities
        return {entities[f.entity_id].label for f in self.context.index.lookup([word])}

    # -- the part after the comma ---------------------------------------------------------------

    def _given_end(self, doc: Doc, i: int) -> int | None:
        """End of the given names after the comma (None unless they start with one or with initials)."""
        context = self.context
        if i >= len(doc) or not (context.given_evidence_word(doc[i]) or _dotted_initials(doc[i])):
            return None  # a given name of any lexicon (Bakke, Ingrid; Jacson, Frank)
        end, most = i + 1, i + self.rules.inverted_given_words
        while end < len(doc) and end < most:
            tok = doc[end]
            if doc[end - 1].text.endswith(".") and not _dotted_initials(tok):
                break  # Thatcher, Ian D. A Short Life: after a dotted initial, only more initials
            if context.given_evidence_word(tok) or context.is_patronymic(tok) or INITIALS.match(tok.text):
                end += 1
            elif tok.lower_ in context.particles and end + 1 < len(doc) and self._delimited(doc, end + 1, False):
                return end + 1  # Heijenoort, Jean van
            else:
                break
        return end

    def _delimited(self, doc: Doc, end: int, initials_only: bool) -> bool:
        """Does a list or index delimiter follow (or end) the name ending at ``end``? The dot of a
        last initial ends a bibliography's author (``Thatcher, Ian D. Trotsky...``), but not when
        the initials stand alone (``Emel Lurie, N.D. Lurie``: initials of the next name)."""
        if end >= len(doc) or "\n" in doc[end].text:
            return True
        if doc[end - 1].text.endswith(".") and not initials_only:
            return True
        text = doc[end].text
        if text == ",":
            return self._gloss_follows(doc, end + 1)
        if fold(text).rstrip(".") in self.context.same_person_markers:
            return True  # Bronstein, Natalja geb. Sedowa; KLEMENT Rudolf dit Adolphe
        if text == "(":
            return self._apparatus_in_brackets(doc, end + 1)
        return text in self.ends

    def _gloss_follows(self, doc: Doc, i: int) -> bool:
        """After ``Name,``: page numbers, a date, or an index's lower-case gloss (``see``,
        ``postmistress at``), not ``and``, ``who`` or another name."""
        if i >= len(doc) or "\n" in doc[i].text:
            return True
        tok = doc[i]
        if tok.like_num or tok.text[:1].isdigit():
            return True
        word = tok.text[:-1] if tok.text.endswith(".") and len(tok.text) > 2 else tok.text  # geb., eigentl.
        gloss = word.isalpha() and word.islower()
        return gloss and tok.lower_ not in self.coordinators and tok.pos_ not in self.not_gloss_pos

    def _apparatus_in_brackets(self, doc: Doc, i: int) -> bool:
        """A parenthesis of an index entry: it holds a date or a quoted alias (``(1906–1938)``,
        ``("Liza")``), not a running remark (``(his wife)``)."""
        while i < len(doc) and doc[i].text != ")" and "\n" not in doc[i].text:
            if doc[i].text[:1].isdigit() or doc[i].text in _QUOTES:
                return True
            i += 1
        return False

    # -- the part before the comma --------------------------------------------------------------

    def _surname_start(self, doc: Doc, comma: int) -> int | None:
        """Start of the surname words just before the comma (None if there are none)."""
        start, words = comma, 0
        while start > 0 and words < self.rules.inverted_surname_words:
            tok = doc[start - 1]
            if self._surname_word(tok):
                start, words = start - 1, words + 1
            elif tok.text == "-" and words and start >= 2 and self._surname_word(doc[start - 2]):
                start -= 1  # MEILMAN-GORODETSKAYA
            elif tok.text in self.context.joiners and words and start >= 2 and self._surname_word(doc[start - 2]):
                start -= 1  # Gutiérrez y Olmedo, Anselmo: a Spanish compound surname
            elif tok.lower_ in self.context.particles and tok.lower_ not in self.context.governing_articles and words:
                start -= 1  # van Heijenoort, Jean (not the article of der Bronstein, Natalja)
                break
            else:
                break
        if start < comma and doc[start].text == "-":
            start += 1
        return start if words else None

    def _surname_word(self, token: Token) -> bool:
        """A capitalised or all-capitals name word (the comma and the given name vouch for it)."""
        context = self.context
        if context.capitalised_word(token):
            return True
        text = token.text
        if not text[:1].isupper() or not text.isalpha() or token.lower_ in context.titles:
            return False
        return caps_name_word(context, token) or (token.pos_ == "PROPN" and token.lower_ not in context.institutions)


def _capital_surname_word(context: NameContext, token: Token) -> bool:
    """An all-capitals word of two letters or more that may be a surname (not a title, an
    institution's word or a common English word in capitals: ``SEDOV``, ``MOLINIER``)."""
    text = token.text
    if not (text.isupper() and text.isalpha() and len(text) > 1) or token.lower_ in context.titles:
        return False
    return caps_name_word(context, token)


def _dotted_initials(token: Token) -> bool:
    """``N.``, ``L.D.``: initials with their dots (a bare capital may be the pronoun ``I``)."""
    return bool(INITIALS.match(token.text)) and token.text.endswith(".")
