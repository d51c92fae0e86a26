"""Citations of notes and bibliographies: the author is a person, the title is not.

A note cites ``Author, Title (Place: Publisher, Year)``; a bibliography lists
``Surname, Given. Title. Place: Publisher, Year.`` The annotation guideline
marks the author (``Isaac Deutscher``, ``Broué, Pierre``) and never a name
inside the title (``The Prophet Outcast: Trotsky 1929–1940``) or the imprint
(``Charles Scribner's Sons``). :class:`CitationSlots` finds such entries and
returns the tokens of their title and imprint slots, so the component drops
the person proposals there; a translator or editor after a contributor cue
(``trans. Harold Shukman``, ``ed. and trans. X``) stays a person.

An entry is read only when all of this holds, so running prose is left alone:

- it starts a segment: a line (after a note number), or follows ``;``, a
  sentence's full stop or a citation lead (``see``, ``compare``, ``cf.``);
- a person proposal starts it (authors joined by ``and`` count as one slot),
  followed by ``,`` or ``.`` (or the dot of a last initial: ``Ian D.``);
- within ``citation_max_tokens`` on the same line and before any ``;``, an
  imprint ends it: a bracket ``(Place[: Publisher], Year)`` of capitalised
  words, or the line's end ``..., Year.`` of a bibliography entry;
- the title slot holds no lower-case English verb (prose: ``Zinaida Volkova,
  Trotsky's elder daughter, arrived ... (Paris, 1933)``; ``title_verb_min_count``).

Word lists: ``recognise.yaml`` (``citation_leads``, ``contributor_cues``,
``author_joiners``, ``imprint_joiners``, the two maxima). Holds no per-document state.
"""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.recognise.context import YEAR, NameContext
from pipeline.recognise.selection import Proposal
from pipeline.recognise.state import DocWords
from pipeline.resources import LabelRules

#: Parts of speech of a prose verb in a title slot (with a common English word).
_VERBS = ("VERB", "AUX")


class CitationSlots:
    """Finds the title and imprint slots of citations (token indices); keeps no per-document state."""

    def __init__(self, context: NameContext, labels: LabelRules) -> None:
        r = context.rules
        self.context = context
        self.person = labels.person
        self.leads = frozenset(r.citation_leads)
        self.contributors = frozenset(r.contributor_cues)
        self.cue_glue = frozenset(r.contributor_glue)
        self.joiners = frozenset(r.author_joiners)
        self.imprint_joiners = frozenset(r.imprint_joiners)
        self.imprint_max = r.imprint_max_tokens
        self.citation_max = r.citation_max_tokens

    def keep(self, w: DocWords, proposals: list[Proposal]) -> list[Proposal]:
        """``proposals`` without the persons inside a citation's title or imprint slot."""
        person = self.person
        slots = self.title_tokens(w, [p for p in proposals if p.label == person])
        if not slots:
            return proposals
        return [
            p
            for p in proposals
            if p.label != person or not any(k in slots for k in range(p.start, p.end)) or self._contributor(w, p.start)
        ]

    def title_tokens(self, w: DocWords, people: list[Proposal]) -> set[int]:
        """Token indices of the title and imprint slots of every citation of the document."""
        ends: dict[int, list[int]] = {}
        for p in people:
            ends.setdefault(p.start, []).append(p.end)
        slots: set[int] = set()
        for start in sorted(ends):
            if not self._segment_start(w, start):
                continue
            for end in sorted(ends[start], reverse=True):
                author_end = self._authors_end(w, end, ends)
                title_start = self._after_delimiter(w, author_end)
                if title_start is None:
                    continue
                stop = self._imprint_end(w, start, title_start)
                if stop is not None:
                    slots.update(range(title_start, stop))
                    break
        return slots

    # -- the author slot ------------------------------------------------------------------------

    def _segment_start(self, w: DocWords, i: int) -> bool:
        """A line start (a note number may stand before), or after ``;``, a full stop or a citation lead."""
        words, k = w.words, i - 1
        while k >= 0 and words[k].isspace() and "\n" not in words[k]:
            k -= 1
        if k < 0 or "\n" in words[k]:
            return True
        return words[k] in {";", "."} or w.lowers[k] in self.leads

    def _authors_end(self, w: DocWords, end: int, ends: dict[int, list[int]]) -> int:
        """The end of the author slot: more authors joined by ``and`` (Victor Serge and Natalia Sedova Trotsky)."""
        while end + 1 < len(w.words) and w.lowers[end] in self.joiners and end + 1 in ends:
            end = max(ends[end + 1])
        return end

    def _after_delimiter(self, w: DocWords, end: int) -> int | None:
        """Where the title starts: after ``,`` or ``.``, or right after a last initial's own dot."""
        if end < len(w.words) and w.words[end] in {",", "."}:
            return end + 1
        if w.words[end - 1].endswith(".") and len(w.words[end - 1]) <= 3:
            return end  # Thatcher, Ian D. Trotsky.
        return None

    # -- the title and the imprint --------------------------------------------------------------

    def _imprint_end(self, w: DocWords, start: int, title_start: int) -> int | None:
        """The end (exclusive) of the imprint that closes the citation, or None if none does."""
        doc, words = w.doc, w.words
        limit = min(len(words), start + self.citation_max)
        k = title_start
        while k < limit:
            text = words[k]
            if "\n" in text or text == ";":
                break
            if text == "(":
                close = self._bracket_imprint(doc, k)
                if close is not None and k > title_start:
                    return close + 1 if self._title_slot(w, title_start, k) else None
            k += 1
        if self._bibliography_tail(w, k) and self._title_slot(w, title_start, k):
            return k
        return None

    def _bracket_imprint(self, doc: Doc, i: int) -> int | None:
        """The index of ``)`` of ``(Place[: Publisher], Year)`` opened at ``i``, else None."""
        k = i + 1
        while k < len(doc) and k - i <= self.imprint_max and doc[k].text != ")":
            if "\n" in doc[k].text:
                return None
            k += 1
        if k >= len(doc) or doc[k].text != ")" or k - i < 4:
            return None
        inner = doc[i + 1 : k]
        if not (YEAR.match(inner[-1].text) and inner[-2].text == "," and inner[0].text[:1].isupper()):
            return None
        ok = all(
            t.is_punct or YEAR.match(t.text) or t.text[:1].isupper() or t.lower_ in self.imprint_joiners for t in inner
        )
        return k if ok else None

    def _bibliography_tail(self, w: DocWords, k: int) -> bool:
        """The citation's line ends ``..., Year.`` (``London: Routledge, 2003.``) at ``k``."""
        words = w.words
        j = k - 1
        while j >= 0 and words[j].isspace() and "\n" not in words[j]:
            j -= 1
        if j >= 0 and words[j] == ".":
            j -= 1
        return j >= 2 and bool(YEAR.match(words[j])) and words[j - 1] == "," and (k >= len(words) or "\n" in words[k])

    def _title_slot(self, w: DocWords, start: int, end: int) -> bool:
        """No lower-case English verb of prose between ``start`` and ``end`` (contributor cues aside)."""
        english, common = self.context.english, self.context.rules.title_verb_min_count
        for tok in w.doc[start:end]:
            if tok.is_lower and tok.pos_ in _VERBS and tok.lower_ not in self.contributors:
                if english.get(tok.lower_, 0.0) >= common:
                    return False
        return True

    def _contributor(self, w: DocWords, start: int) -> bool:
        """A translator or editor: a contributor cue right before (``trans.``, ``ed. and trans.``)."""
        k, seen = start - 1, False
        while k >= 0 and (w.lowers[k] in self.contributors or w.lowers[k] in self.cue_glue):
            seen = seen or w.lowers[k] in self.contributors
            k -= 1
        return seen
