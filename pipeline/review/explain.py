"""Who a string would link to, and why: ``namelink kb search``.

:func:`explain` runs the real pipeline (:class:`pipeline.batch.Pipeline`: the
cleaner, the model, ``namelink_person_rules``, ``namelink_linker``, the lane
of the text's language) on a context with the string in it (the string
alone by default) and reads what the linker left on the PERSON span over the
string: ``Span._.namelink_candidates`` (the candidate generator's, best
first) and ``Span._.namelink_link`` (the decision). Nothing of the linker is
done again here. When the recogniser makes no person of the string (a
lower-case word, a place), the string is made a PERSON span of that Doc and
the pipeline's own linker component is run over the Doc again, so the answer
still says who it would name; :attr:`Explanation.recognised` tells which.

Each candidate row adds, from the knowledge base and ``rules/linking.yaml``,
the canonical name, the prominence (the prior among namesakes) and ``score``:
the method's score times the similarity (``method_scores``), the evidence of
the name alone, before the document's context decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from spacy.tokens import Doc, Span

from pipeline.link import component as _linker  # noqa: F401  (the Span extensions read here)

if TYPE_CHECKING:
    from pipeline.batch.document import Pipeline

#: The pipeline name of the linker component (``build_nlp`` adds it under its factory's name).
LINKER = "namelink_linker"


class NotInContext(ValueError):
    """The string is not in the context (or the cleaning drops it)."""


@dataclass
class Explanation:
    """One PERSON span over the string: where (raw offsets in the context), what the pipeline
    made of it (``recognised``: its label there, ``""`` for no entity; ``forced``: linked as a
    PERSON span the recogniser did not make), its candidates and the link decided."""

    text: str
    start: int
    end: int
    language: str
    recognised: str
    forced: bool
    candidates: list[dict[str, Any]] = field(default_factory=list)
    link: dict[str, Any] | None = None
    others: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def occurrences(text: str, context: str) -> list[tuple[int, int]]:
    """Offsets of every occurrence of ``text`` in ``context`` as written, else in any case.
    RAISES (NotInContext): when there is none."""
    out: list[tuple[int, int]] = []
    for haystack, needle in ((context, text), (context.casefold(), text.casefold())):
        at = haystack.find(needle) if needle.strip() else -1
        while at >= 0:
            out.append((at, at + len(needle)))
            at = haystack.find(needle, at + 1)
        if out:
            return out
    raise NotInContext(f"{text!r} is not in the context {context!r}")


def explain(pipe: Pipeline, text: str, context: str | None = None) -> list[Explanation]:
    """What the pipeline ``pipe`` makes of ``text`` in ``context`` (default: ``text`` alone): one
    :class:`Explanation` per PERSON span over it (usually one). The string's first occurrence
    that is a PERSON span of its own is the one explained, else its first. RAISES (NotInContext)."""
    context = text if context is None else context
    found = occurrences(text, context)
    lane = pipe.lane(pipe.language_of(context))
    clean, doc = lane.analyse(context)
    person = lane.shared.labels.person
    kept = [s for s in (clean.mapping.clean_span(a, b) for a, b in found) if s[0] < s[1]]
    if not kept:
        raise NotInContext(f"the cleaning drops {text!r} from the context")
    exact = {(e.start_char, e.end_char) for e in doc.ents if e.label_ == person}
    start, end = next((s for s in kept if s in exact), kept[0])  # the string as a name of its own, if it is one
    over = [e for e in doc.ents if e.start_char < end and start < e.end_char]
    spans = [e for e in over if e.label_ == person]
    recognised, forced = person, False
    if not spans:
        recognised, forced = (over[0].label_ if over else ""), True
        spans = [_as_person(lane, doc, start, end, person)]
    out = []
    for span in spans:
        raw = clean.raw_span(span.start_char, span.end_char)
        out.append(
            Explanation(
                text=context[raw[0] : raw[1]],
                start=raw[0],
                end=raw[1],
                language=lane.language,
                recognised=recognised,
                forced=forced,
                candidates=candidate_rows(lane, span._.namelink_candidates or []),
                link=span._.namelink_link,
                others=_others(doc, span, person),
            )
        )
    return out


def _as_person(lane: Pipeline, doc: Doc, start: int, end: int, person: str) -> Span:
    """The span over clean ``[start, end)`` made a PERSON entity of ``doc`` (entities over it
    dropped), linked again by the pipeline's own linker component; that span of the result."""
    span = doc.char_span(start, end, alignment_mode="expand")
    kept = [e for e in doc.ents if e.end <= span.start or span.end <= e.start]
    doc.ents = sorted([*kept, Span(doc, span.start, span.end, label=person)], key=lambda e: e.start)
    doc = lane.nlp.get_pipe(LINKER)(doc)
    return next(e for e in doc.ents if (e.start, e.end) == (span.start, span.end))


def candidate_rows(lane: Pipeline, candidates: list[list[Any]]) -> list[dict[str, Any]]:
    """``Span._.namelink_candidates`` (``[entity_id, method, similarity]``, best first) as rows with
    the canonical name, the prominence and the name's own score (method score times similarity)."""
    entities, scores = lane.kb.entities, lane.shared.linking.method_scores
    rows = []
    for entity_id, method, similarity in candidates:
        entity = entities.get(entity_id)
        rows.append(
            {
                "entity_id": entity_id,
                "canonical": entity.canonical if entity else "",
                "method": method,
                "similarity": similarity,
                "score": round(scores.get(method, 0.0) * similarity, 3),
                "prominence": entity.prominence if entity else None,
            }
        )
    return rows


def _others(doc: Doc, span: Span, person: str) -> list[dict[str, Any]]:
    """The other persons of the context with their links: the cast the decision weighed."""
    out = []
    for e in doc.ents:
        if e.label_ == person and (e.start, e.end) != (span.start, span.end):
            link = e._.namelink_link or {}
            out.append({"text": e.text, "entity_id": link.get("entity_id", ""), "method": link.get("method", "")})
    return out
