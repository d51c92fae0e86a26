"""Spanish and Catalan compound names: two surnames joined by ``y`` / ``i``, one mention.

``Raúl Carrancá y Trujillo`` and ``Josep Puig i Ferrer`` are one person each
(annotation guideline), but the same words join two people (``Trotsky y
Rivera``, ``Diego Rivera y Frida Kahlo``). :class:`CompoundNames` decides by
shape (:meth:`~pipeline.recognise.context.NameContext.joined_surname`: a
given name and a surname before the joiner, one surname-shaped word after it
that ends the name) and

- extends a person proposal of any family over the joined surname
  (the model's ``Raúl Carrancá`` becomes ``Raúl Carrancá y Trujillo``);
- proposes, as a shape, every other occurrence in the document of a compound
  surname found so (``the witness Gutiérrez y Olmedo`` after ``Anselmo
  Gutiérrez y Olmedo``): the document itself vouches for it.

The joiners are ``names.yaml`` ``surname_joiners``. The linker never reduces
such a compound to a part of it (:meth:`pipeline.link.candidates.CandidateGenerator.partial`).
"""

from __future__ import annotations

from pipeline.recognise.context import NameContext
from pipeline.recognise.selection import SHAPE, Proposal
from pipeline.recognise.state import DocWords
from pipeline.resources import LabelRules


class CompoundNames:
    """Extends person proposals over joined surnames; holds no per-document state."""

    def __init__(self, context: NameContext, labels: LabelRules) -> None:
        self.context = context
        self.person = labels.person

    def extend(self, w: DocWords, proposals: list[Proposal]) -> list[Proposal]:
        """``proposals``, plus each person proposal extended over a joined surname, plus the
        document's other occurrences of the compound surnames found so."""
        joined = self.context.joined_surname
        out = list(proposals)
        surnames: set[tuple[str, ...]] = set()  # lower-case (surname, joiner, surname)
        for p in proposals:
            if p.label != self.person or p.end - p.start < 2:
                continue
            end = p.end
            if joined(w, end, p.start):
                out.append(Proposal(p.start, end + 2, self.person, p.source))
                end += 2
            for k in range(p.start + 2, end - 1):  # inside the span: the model's own or the one just extended
                if joined(w, k, p.start):
                    surnames.add(tuple(w.lowers[k - 1 : k + 2]))
        return out + self._attested(w, surnames, out)

    def _attested(self, w: DocWords, surnames: set[tuple[str, ...]], proposals: list[Proposal]) -> list[Proposal]:
        """Each occurrence of a compound surname of ``surnames`` that no person proposal holds whole."""
        if not surnames:
            return []
        doc = w.doc
        people = [p for p in proposals if p.label == self.person]
        out = []
        for i in range(len(doc) - 2):
            if tuple(w.lowers[i : i + 3]) not in surnames or any(p.start <= i and i + 3 <= p.end for p in people):
                continue
            if doc[i].text[:1].isupper() and not self.context.inside_other_name(doc, i, i + 3):
                out.append(Proposal(i, i + 3, self.person, SHAPE))
        return out
