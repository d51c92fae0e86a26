"""Rule family: names alone on a line (bylines, author lines, credits, signatures).

A name on a line of its own has no sentence around it, so the model often
misses it or reads it as a place. :class:`LineNames` reads the Doc line by
line (the cleaner keeps the source's line breaks; a line ends at a token
holding ``\\n``) and proposes, as persons with source ``shape``, the 1 to
``line_name_max_words`` name-shaped words of a line that holds nothing else
but a cue before them (``recognise.yaml``):

- a cue of ``line_cues_strong`` (``By``, ``Photograph by``, ``Courtesy of``)
  or a closing formula (a run of ``closing_words``: ``Yours,``, ``Your``,
  ``Cheers,``): the words are a name with any evidence, a rare capitalised
  word or an all-capitals name word included (``By HARRIET M. COLE``);
- a cue of ``line_cues`` (``Photo:``, a dash): the words need
  evidence of a person (below);
- a closing line before it (``Yours,``, ``With all my heart,``: a short line
  ending in a comma with no name in it, or a run of closing words): the
  line is a signature, evidence as after a strong cue (``Jeanne``, ``L.D.``);
- no cue: at least two words, the first a given name of any lexicon or
  initials, the others no common English word, or the whole line a
  knowledge-base person (``Maren Aas`` under a title, ``JAMES MADISON.``).

After a cue or a closing line a gloss may follow the name (``, Staff
Writer``, ``(David Whitlow, Leeds)``); with no cue only closing punctuation.
Evidence of a person: a given name of any lexicon, initials before a word, a
knowledge-base person's name, or a word of a person the other families or
the model name in the same document. A line whose words are a known place or
organisation is none, and neither is a word the document writes in lower
case (``By May Day``). A sign-off at the end of a paragraph line (``... not
on display. Maren``) is a name with such evidence after a sentence end,
followed by a blank line, the end, or a short line (``Reply``).

Holds nothing of a document: :meth:`LineNames.propose` reads a
:class:`~pipeline.recognise.state.DocWords` and the other families' persons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Token

from pipeline.kb.keys import fold
from pipeline.recognise.context import NameContext
from pipeline.recognise.selection import SHAPE, Proposal
from pipeline.recognise.shapes import caps_name_word
from pipeline.recognise.state import DocWords
from pipeline.resources import LabelRules

#: Initials written with their dots (``L.``, ``L.D.``, ``M.``): a lone capital is too often ``A`` or ``I``.
DOTTED_INITIALS = re.compile(r"^(?:[A-Z]\.){1,3}$")
#: Brackets and quotes that may open a credit line (``(Photograph by ...)``).
OPENERS = frozenset({"(", "[", '"', "“", "‘", "'"})
#: Punctuation that may close a name line (``JOHN RUMSEY.``, ``ROBERT HAMILTON,``).
CLOSERS = frozenset({".", ",", ";", ")", "]", '"', "”", "’", "'", "!"})
#: Punctuation between a cue and the name (``Photo: M. Alvarez``, ``Yours, Jan``).
CUE_MARKS = frozenset({":", ",", "-", "—", "–", ")"})
#: What may start a gloss after a name of a cued line (``, Staff Writer``, ``(Leeds)``).
GLOSS_STARTS = frozenset({",", "(", "[", "—", "–", "-"})
#: Sentence ends before a sign-off (``... on display. Maren``).
SENTENCE_ENDS = frozenset({".", "!", "?"})

STRONG, WEAK, NONE = "strong", "weak", "none"
#: Folded words of the document's persons and the token indexes where they stand.
Names = dict[str, set[int]]


@dataclass(frozen=True)
class _Line:
    """The non-space token indexes of one line, and whether a blank line (or the end) follows."""

    tokens: list[int]
    blank_after: bool


class LineNames:
    """Proposes the names alone on a line (source ``shape``); holds no per-document state."""

    def __init__(self, context: NameContext, labels: LabelRules) -> None:
        rules = context.rules
        self.context = context
        self.rules = rules
        self.person = labels.person
        self.strong_cues = _phrases(rules.line_cues_strong)
        self.weak_cues = _phrases(rules.line_cues)
        self.closing = frozenset(rules.closing_words)
        self.closing_run = self.closing | frozenset(rules.closing_glue)
        self.function_pos = frozenset(rules.line_not_name_pos)

    def propose(self, w: DocWords, people: list[Proposal]) -> list[Proposal]:
        """Persons alone on a line of ``w``; ``people`` the other families' proposals (their
        persons' words are evidence)."""
        names = self._document_names(w, people)
        lines = _lines(w)
        out = []
        for n, line in enumerate(lines):
            after_closing = n > 0 and self._closing_line(w, lines[n - 1].tokens)
            found = self._line_name(w, line.tokens, after_closing, names)
            if found is None:
                found = self._sign_off(w, line, lines[n + 1] if n + 1 < len(lines) else None, names)
            if found is not None:
                out.append(Proposal(found[0], found[1], self.person, SHAPE))
        return out

    # -- one line ---------------------------------------------------------------------------

    def _line_name(self, w: DocWords, line: list[int], after_closing: bool, names: Names) -> tuple[int, int] | None:
        """The name of a line that holds only a cue and a name (token offsets), if any."""
        toks = w.tokens
        k = 0
        while k < len(line) and toks[line[k]].text in OPENERS:
            k += 1
        cue, k = self._cue(w, line, k)
        if cue == NONE and after_closing:
            cue = STRONG
        while cue != NONE and k < len(line) and toks[line[k]].text in CUE_MARKS:
            k += 1
        start = k
        while k < len(line) and k - start < self.rules.line_name_max_words and self._name_token(w, toks[line[k]], cue):
            k += 1
        if k == start or not self._ends_line(toks, line[k:], cue):
            return None
        words = [toks[i] for i in line[start:k]]
        if not self._evidence(w, words, cue, names):
            return None
        return line[start], line[k - 1] + 1

    def _cue(self, w: DocWords, line: list[int], k: int) -> tuple[str, int]:
        """The kind of cue at position ``k`` of ``line`` and the position after it."""
        lowers = [w.lowers[i] for i in line]
        first = w.words[line[k]] if k < len(line) else ""
        if first[:1].islower():
            return NONE, k  # "by John Smith, who": a sentence an OCR column wrapped, not a byline
        for kind, cues in ((STRONG, self.strong_cues), (WEAK, self.weak_cues)):
            for cue in cues:
                if tuple(lowers[k : k + len(cue)]) == cue:
                    return kind, k + len(cue)
        end = k
        most = self.rules.closing_line_max_words  # With all my love, Jan
        while end < len(lowers) and end - k < most and lowers[end] in self.closing_run:
            end += 1
        if any(lowers[j] in self.closing for j in range(k, end)):
            return STRONG, end
        return NONE, k

    def _ends_line(self, toks: list[Token], rest: list[int], cue: str) -> bool:
        """Only closing punctuation after the name, or (after a cue) a gloss."""
        if not rest:
            return True
        if cue != NONE and toks[rest[0]].text in GLOSS_STARTS:
            return True
        return all(toks[i].text in CLOSERS for i in rest)

    def _closing_line(self, w: DocWords, line: list[int]) -> bool:
        """A valediction on a line of its own: closing words only (``Sincerely Yours.``), or a short
        line ending in a comma with no digit and no name in it (``With all my heart,``)."""
        if not line:
            return False
        toks = w.tokens
        words = [toks[i] for i in line if toks[i].is_alpha]
        last = toks[line[-1]].text
        if words and all(t.lower_ in self.closing_run for t in words):
            if any(t.lower_ in self.closing for t in words) and (last in (",", ".", "!") or toks[line[-1]].is_alpha):
                return True
        if last != "," or not words or len(words) > self.rules.closing_line_max_words:
            return False
        if any(toks[i].like_num or toks[i].text in ("|", ";", ":") for i in line):
            return False
        return not any(self._evidence_word(w, t) for t in words if t.text[:1].isupper())

    # -- the words ----------------------------------------------------------------------------

    def _name_token(self, w: DocWords, token: Token, cue: str) -> bool:
        """Initials, or a capitalised or all-capitals word that may be a name word here."""
        context, text = self.context, token.text
        if DOTTED_INITIALS.match(text):
            return True
        plain = text.replace("’", "").replace("'", "").replace("-", "")
        if not (text[:1].isupper() and plain.isalpha()):
            return False
        lower = token.lower_
        if lower in context.titles or lower in context.institutions or lower in context.group_words:
            return False
        known = self._evidence_word(w, token) or context.surname_like(token)
        if known:
            return True
        if lower in w.lower_words or token.pos_ in self.function_pos:
            return False  # By May Day, By Our Special Correspondent
        if text.isupper():
            return cue != NONE or caps_name_word(context, token)
        return cue != NONE or context.english.get(lower, 0.0) < self.rules.common_count

    def _evidence_word(self, w: DocWords, token: Token) -> bool:
        """A given name of any lexicon or a word of a known person's name."""
        return fold(token.text) in self.context.given_evidence or self.context.name_word(token)

    def _evidence(self, w: DocWords, words: list[Token], cue: str, names: Names) -> bool:
        """Do the name words of a line name a person (see the module docstring)?"""
        context = self.context
        texts = [t.text for t in words]
        forms = context.index.lookup(texts)
        kinds = {context.index.kb.entities[f.entity_id].label for f in forms}
        if kinds and self.person not in kinds:
            return False  # a known place or organisation
        if self.person in kinds:
            return True
        initials = [bool(DOTTED_INITIALS.match(t)) for t in texts]
        if all(initials):
            return cue == STRONG
        if cue == NONE:
            first = words[0]
            return len(words) > 1 and (initials[0] or fold(first.text) in context.given_evidence)
        if fold(words[0].text) in context.given_evidence or any(initials[:-1]):
            return True
        if any(_named_elsewhere(names, t) for t in words if not DOTTED_INITIALS.match(t.text)):
            return True
        if cue != STRONG:
            return False
        return all(init or self._rare_name_word(t) for init, t in zip(initials, words, strict=True))

    def _rare_name_word(self, token: Token) -> bool:
        """A capitalised or all-capitals word rare in English (or a known name word)."""
        if token.text.isupper():
            return caps_name_word(self.context, token)
        return self.context.english.get(token.lower_, 0.0) < self.rules.rare_count

    def _document_names(self, w: DocWords, people: list[Proposal]) -> Names:
        """Where the folded capitalised words of the persons the other families and the model
        name stand (token indexes)."""
        indexes = {k for p in people if p.label == self.person for k in range(p.start, p.end)}
        indexes |= {k for k, label in w.model_label.items() if label == self.person}
        titles = self.context.titles
        names: dict[str, set[int]] = {}
        for k in indexes:
            word = w.words[k]
            if word[:1].isupper() and word.isalpha() and fold(word) not in titles:
                names.setdefault(fold(word), set()).add(k)
        return names

    # -- a sign-off at the end of a line ----------------------------------------------------

    def _sign_off(self, w: DocWords, line: _Line, nxt: _Line | None, names: Names) -> tuple[int, int] | None:
        """``... not on display. Maren``: one or two name words with evidence after the last
        sentence end of a line, before a blank line, the end, or a short line."""
        toks, tokens = w.tokens, line.tokens
        if not line.blank_after and nxt is not None and len(nxt.tokens) > self.rules.sign_off_next_line_max_words:
            return None
        for size in (1, 2):
            if len(tokens) <= size + 1 or toks[tokens[-size - 1]].text not in SENTENCE_ENDS:
                continue
            words = [toks[i] for i in tokens[-size:]]
            if not all(t.text[:1].isupper() and t.is_alpha and not t.is_upper for t in words):
                continue
            if any(w.model_label.get(t.i) not in (None, self.person) for t in words):
                continue  # the model read it as something else in its sentence
            given = fold(words[0].text) in self.context.given_evidence
            if given or all(_named_elsewhere(names, t) for t in words) or self._evidence(w, words, NONE, {}):
                return tokens[-size], tokens[-1] + 1
        return None


def _named_elsewhere(names: Names, token: Token) -> bool:
    """Is the word of ``token`` a person's word somewhere else in the document?"""
    where = names.get(fold(token.text), ())
    return len(where) > 1 or (bool(where) and token.i not in where)  # no copy of the set per word


def _phrases(cues: Iterable[str]) -> list[tuple[str, ...]]:
    """Cue phrases as token tuples, the longest first."""
    return sorted((tuple(c.lower().split()) for c in cues), key=len, reverse=True)


def _lines(w: DocWords) -> list[_Line]:
    """The non-blank lines of the Doc: their non-space tokens, and whether a blank line follows."""
    out: list[_Line] = []
    current: list[int] = []
    for t in w.doc:
        if "\n" not in t.text:
            if not t.is_space:
                current.append(t.i)
            continue
        if current:
            out.append(_Line(current, t.text.count("\n") > 1))
            current = []
        elif out and not out[-1].blank_after:
            out[-1] = _Line(out[-1].tokens, True)  # a line of spaces only: a blank line
    if current:
        out.append(_Line(current, True))
    return out
