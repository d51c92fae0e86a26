"""Rule family 1: the knowledge base's name forms found in the text.

:class:`KbMatches` proposes every name form of every entry (``pipeline.kb``),
matched on skeleton keys so spelling variants match too (``Trotzki``), the
longest match first at each token; a match may run over one line break that
an OCR column made if it is a person's (``Leon<line end>Trotsky``,
:mod:`~pipeline.recognise.lines`), never over another. The context vetoes a match that is part of
another name (``Trotsky Museum``, ``Order of Lenin``) or the title of a work.
A bare given name or surname must be a proper noun (tagger) or a model
person; one that is also a common word (``Service``) is proposed only where
the document names its bearer in full (an *anchor*). Proposals have source
``kb`` and carry the ids of the entries they name.
"""

from __future__ import annotations

from spacy.tokens import Token

from pipeline.kb import FULL, SHORT, AliasIndex, KnowledgeBase, NameForm
from pipeline.kb.keys import fold
from pipeline.recognise.context import NameContext
from pipeline.recognise.lines import ends_line, starts_line, wrapped_breaks
from pipeline.recognise.selection import KB, Proposal
from pipeline.recognise.state import DocWords
from pipeline.resources import LabelRules

#: :meth:`KbMatches._accept` of a bare name that is also a common word (Service).
NEEDS_ANCHOR = "needs-anchor"
#: :meth:`KbMatches._accept` of a match its context makes part of something else: no part of it
#: is a name either (``Museo Casa de León Trotsky``: not ``Trotsky``).
VETOED = "vetoed"
_Match = tuple[int, list[NameForm]]


class KbMatches:
    """Proposes knowledge-base matches (source ``kb``); holds no per-document state."""

    def __init__(self, kb: KnowledgeBase, index: AliasIndex, context: NameContext, labels: LabelRules) -> None:
        self.kb = kb
        self.index = index
        self.context = context
        self.rules = context.rules
        self.not_name_pos = frozenset(context.rules.not_name_pos)
        self.person = labels.person
        self.never_people = frozenset(labels.never_people)
        self.date_words = frozenset(context.rules.date_words)

    def propose(self, w: DocWords) -> list[Proposal]:
        """The longest knowledge-base name at each token that its context accepts; a bare
        name that is also a common word only where the document names its bearer in full."""
        keys = [self.context.keys.skeleton(word) for word in w.words]
        breaks = ["\n" in word for word in w.words]  # spaCy keeps newlines as tokens of their own
        wrapped = wrapped_breaks(w.doc, self.rules.wrapped_line_min_share) if any(breaks) else frozenset()
        for k in wrapped:
            keys[k] = ""  # no part of the name: Leon<line end>Trotsky is the key (leon, trotski)
        out: list[Proposal] = []
        pending: list[tuple[int, int, set[str]]] = []  # common words and initials that need a full name
        i, n = 0, len(w.doc)
        while i < n:
            match = self._longest_match(w, keys, (breaks, wrapped), i, n)
            if match is None:
                i += 1
                continue
            end, forms = match
            label = self._accept(w, i, end, forms)
            if label == NEEDS_ANCHOR:
                pending.append((i, end, {f.entity_id for f in forms}))
                i = end
            elif label == VETOED:
                i = end
            elif label:
                out.append(Proposal(i, end, label, KB, frozenset(f.entity_id for f in forms)))
                i = end
            else:
                i += 1
        return out + self._anchored(out, pending)

    def _anchored(self, out: list[Proposal], pending: list[tuple[int, int, set[str]]]) -> list[Proposal]:
        """The pending common words and initials whose bearer a multi-word match names (the
        ids kept are those the document names)."""
        person = self.person
        named = {e for p in out if p.end - p.start > 1 and p.label == person for e in p.entities}
        return [Proposal(a, b, person, KB, frozenset(ids & named)) for a, b, ids in pending if ids & named]

    def _longest_match(
        self, w: DocWords, keys: list[str], lines: tuple[list[bool], frozenset[int]], i: int, n: int
    ) -> _Match | None:
        """The longest name form at token ``i``; ``lines`` the line breaks and those of them that
        an OCR column made, of which the match may run over one."""
        words = w.words
        if not words[i][:1].isalpha() or (keys[i] and keys[i] not in self.index.first_keys):
            return None
        last, crossed = self._reach(lines, i, n)
        last = min(last, i + self.index.prefix_reach(keys[i : last + 1]) - 1)  # no form's key goes further
        for end in range(last + 1, i, -1):
            if words[end - 1][:1].isalpha():
                forms = self._forms_at(w, keys, lines[0], crossed, i, end)
                if forms:
                    return end, forms
        return None

    def _reach(self, lines: tuple[list[bool], frozenset[int]], i: int, n: int) -> tuple[int, bool]:
        """The last token a match at ``i`` may reach, and whether it crosses a wrapped line end."""
        breaks, wrapped = lines
        last, crossed = i, False
        while last + 1 < min(n, i + self.index.max_tokens + self.rules.match_extra_tokens):
            if breaks[last]:
                if crossed or last not in wrapped:
                    break
                crossed = True
            last += 1
        return last, crossed

    def _forms_at(
        self, w: DocWords, keys: list[str], breaks: list[bool], crossed: bool, i: int, end: int
    ) -> list[NameForm]:
        """The name forms of tokens ``i:end`` as written; over a line end a person's only."""
        wraps = crossed and any(breaks[i:end])
        if wraps and starts_line(w.doc, i) and ends_line(w.doc, end):
            return []  # two whole lines (a list) are two names
        key = tuple(k for k in keys[i:end] if k)
        forms = list(self.index.forms(key))
        if forms and wraps:  # only a person's name runs over a line end (places stay as they were)
            forms = [f for f in forms if self.kb.entities[f.entity_id].label == self.person]
        return self._as_written(forms, w.words, key, i, end) if forms else []

    def _as_written(
        self, forms: list[NameForm], words: list[str], key: tuple[str, ...], i: int, end: int
    ) -> list[NameForm]:
        """The forms of a key match that the text's spelling allows."""
        text = "".join(words[i:end])
        if "." not in text:  # initials need their dots (not "As", "In")
            forms = [f for f in forms if f.part != "initials"]
        if forms and len("".join(key)) <= self.rules.exact_only_key_letters:  # Je, Yu, Li: too short for variants
            bare = fold(text).replace(".", "")
            forms = [f for f in forms if fold(f.text).replace(".", "").replace(" ", "") == bare]
        return forms

    def _accept(self, w: DocWords, start: int, end: int, forms: list[NameForm]) -> str | None:
        """The label of a knowledge-base match, None when the match is no name here, ``VETOED``
        when its context makes it part of something else, or ``NEEDS_ANCHOR`` for a bare name
        that is also a common word (Service) or initials alone."""
        span = w.tokens[start:end]
        if self._context_vetoes(w, start, end, forms):
            return VETOED
        if all(f.part == "initials" for f in forms) and not self._prominent(forms):
            return NEEDS_ANCHOR  # A. D. after a year is no Alexander D.: only where he is named in full
        model = w.model_label.get(start)
        label = self._label(w, start, forms, model)
        if label == self.person and len(span) == 1 and all(f.kind == SHORT for f in forms):
            return self._accept_short(w, span[0], forms, model)
        elif label != self.person and len(span) == 1 and self.context.common_word(w, span[0]):
            return None
        return label

    def _headline_name(self, token: Token) -> bool:
        """A word in capitals a headline may hold as a name: not one the truecaser found running
        text writes in lower case (``DIES``; :mod:`~pipeline.recognise.case`), nor tagged so."""
        if not token.is_upper or len(token.text) < self.rules.headline_min_chars:
            return False
        return token.idx not in token.doc._.namelink_word_forms and token.pos_ not in self.not_name_pos

    def _prominent(self, forms: list[NameForm]) -> bool:
        """Initials of someone the texts call by them alone (L.D., N.I. in the household's
        letters and diaries): prominence of at least ``initials_alone_min_prominence``."""
        least = self.rules.initials_alone_min_prominence
        return any(self.kb.entities[f.entity_id].prominence >= least for f in forms)

    def _context_vetoes(self, w: DocWords, start: int, end: int, forms: list[NameForm]) -> bool:
        """Part of another name, the title of a work, or lower-case text that is no full name."""
        tokens = w.tokens
        if self.context.inside_other_name(tokens, start, end) or self.context.is_work_title(w, start):
            return True
        span = tokens[start:end]
        if not any(t.text[:1].isupper() for t in span):
            # lower-case text only for multi-word full names (title lines)
            if len(span) < 2 or not any(f.kind == FULL for f in forms):
                return True
        return False

    def _label(self, w: DocWords, start: int, forms: list[NameForm], model: str | None) -> str:
        """A person when the forms name one (or the model says so of a name shared with a place)."""
        person = self.person
        labels = {self.kb.entities[f.entity_id].label for f in forms}
        if person in labels and len(labels) > 1:
            after_preposition = start > 0 and w.doc[start - 1].pos_ == "ADP"
            labels = {model} if model in labels and not after_preposition else labels - {person}
        return person if person in labels else sorted(labels)[0]

    def _accept_short(self, w: DocWords, token: Token, forms: list[NameForm], model: str | None) -> str | None:
        """A bare given name or surname: a proper noun, not a date; a common word
        only where the document names its bearer in full."""
        if model == self.person:
            return self.person
        released = _swallowed_at_end(token) and token.lower_.rstrip(".") not in self.date_words
        if (model in self.never_people and not released) or not token.text[:1].isupper():
            return None
        rules = self.rules
        proper = (
            token.pos_ == "PROPN"
            or self._headline_name(token)
            or self.context.english.get(token.lower_, 0.0) < rules.rare_count  # not English (Trotzki tagged NNS)
        )
        if self.context.common_word(w, token) or not proper:
            return NEEDS_ANCHOR
        exact = any(fold(f.text) == fold(token.text) for f in forms)
        return self.person if exact or len(token.text) >= rules.short_variant_min_chars else None


def _swallowed_at_end(token: Token) -> bool:
    """The last word of a longer model entity after a word that is no number: the model
    ran a date on into the name after it (``October Revolution Trotsky``), while a date
    that starts with a name word (``May 1937``) keeps it."""
    doc, i = token.doc, token.i
    inside = token.ent_iob_ == "I"
    last = i + 1 == len(doc) or doc[i + 1].ent_iob_ != "I"
    return inside and last and not doc[i - 1].like_num
