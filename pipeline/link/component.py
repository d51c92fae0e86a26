"""The component ``namelink_linker``: every entity of a document linked to the individual it names.

It runs after ``namelink_person_rules``. For each PERSON span it builds a
mention with its candidates (:mod:`pipeline.link.candidates`, kept apart from
the decision as in scispacy) and decides over the whole document
(:mod:`pipeline.link.decision`); places and organisations link on exact or
variant names only (:mod:`pipeline.link.others`); other labels are not linked.
A (string, id) pair a reviewer rejected (``models/learned/``) is never linked.

Config:
    ``models``: the models folder (knowledge base and rules); null for the
    project's ``models/`` or ``$NAMELINK_MODELS``.
    ``language``: the documents' language, whose rules (``rules/<lang>/``)
    it reads; null for the pipeline's own (``nlp.lang``).
    ``fuzzy_cutoff``: lowest rapidfuzz ratio (0-100) for an OCR-damaged name.
    ``shared``: the registered loader of the knowledge base,
    ``namelink.shared_knowledge.v1``: every component of a pipeline gets the
    same loaded copy.
Reads: ``doc.ents`` (their labels are namelink's, ``rules/labels.yaml``).
Sets: ``Span.kb_id_`` of each linked entity; ``Span._.namelink_link``, a plain
dict ``{entity_id, canonical, score, method}``, with ``reason`` when a cue or
a relation decided (``"'daughter': child of zinaida-volkova"``; serialised with the Doc, so
``Doc.to_bytes``, ``DocBin(store_user_data=True)`` and ``nlp.pipe(n_process=2)``
keep it); ``Span._.namelink_candidates`` of each PERSON, its candidates as
``[entity_id, method, similarity]`` lists, best first. ``Doc._.namelink_links``
reads the links back as ``{(start_char, end_char): dict}``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.kb import registered as _registered  # noqa: F401  (the loader named in default_config)
from pipeline.kb.shared import LazyShared, SharedDataComponent, SharedKnowledge, SharedLoader, load_shared
from pipeline.link.candidates import FUZZY_CUTOFF, person_candidates
from pipeline.link.decision import PersonDecider
from pipeline.link.mentions import Link, MentionBuilder
from pipeline.link.others import OtherLinker


def _links_of(doc: Doc) -> dict[tuple[int, int], dict[str, Any]]:
    return {(e.start_char, e.end_char): e._.namelink_link for e in doc.ents if e._.namelink_link is not None}


for _name in ("namelink_link", "namelink_candidates"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)
if not Doc.has_extension("namelink_links"):
    Doc.set_extension("namelink_links", getter=_links_of)


@Language.factory(
    "namelink_linker",
    default_config={
        "models": None,
        "language": None,
        "fuzzy_cutoff": FUZZY_CUTOFF,
        "shared": {"@misc": "namelink.shared_knowledge.v1"},
    },
    requires=["doc.ents"],
    assigns=["doc.ents", "span._.namelink_link", "span._.namelink_candidates"],
)
def make_linker(
    nlp: Language, name: str, models: str | None, language: str | None, fuzzy_cutoff: float, shared: SharedLoader
) -> EntityLinker:
    """The ``namelink_linker`` factory (config: see the module docstring)."""
    return EntityLinker(nlp, models, fuzzy_cutoff, shared, language)


class EntityLinker(SharedDataComponent):
    """Links ``doc.ents`` (see the module docstring for config, reads and sets)."""

    #: The decision weighs every mention of the document: the batch layer joins a
    #: long document's pieces before this component runs (pipeline.batch.document).
    whole_document = True

    def __init__(
        self,
        nlp: Language,
        models: str | Path | None = None,
        fuzzy_cutoff: float = FUZZY_CUTOFF,
        shared: SharedLoader = load_shared,
        language: str | None = None,
    ) -> None:
        self.shared = LazyShared(shared, models, language or nlp.lang)
        self.fuzzy_cutoff = fuzzy_cutoff
        self._tokenizer = nlp.tokenizer

    @property
    def data(self) -> SharedKnowledge:
        return self.shared.get()

    def __getstate__(self) -> dict[str, Any]:
        # Pickled for another process (nlp.pipe(n_process=2) with spawn): rebuilt there on first use.
        return {k: v for k, v in self.__dict__.items() if k != "_parts"}

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> EntityLinker:
        super().from_disk(path, exclude=exclude)
        self.__dict__.pop("_parts", None)  # rebuilt from the saved data on first use
        return self

    @cached_property
    def _parts(self) -> tuple[MentionBuilder, PersonDecider, OtherLinker, str]:
        """The linker's pieces, built once from the shared data on first use."""
        data = self.data
        index = data.alias_index(self._tokenizer)
        persons = person_candidates(data, self._tokenizer, self.fuzzy_cutoff)
        return (
            MentionBuilder(data.kb, data.keys, persons, data.names, data.linking, data.morphology),
            PersonDecider(data.kb, data.linking, persons),
            OtherLinker(data.kb, index, data.labels, data.linking, data.names, self.fuzzy_cutoff),
            data.labels.person,
        )

    def prepare(self) -> None:
        """Build now what the first document would (see the recogniser's ``prepare``)."""
        self._parts[0].persons.prepare()

    def __call__(self, doc: Doc) -> Doc:
        build, decide, others, person = self._parts
        people = [build(ent) for ent in doc.ents if ent.label_ == person]
        decide(people)
        links: dict[tuple[int, int], Link] = {}
        for m in people:
            if m.link:
                links[(m.span.start_char, m.span.end_char)] = m.link
        for ent in doc.ents:
            if others.handles(ent.label_):
                link = others(ent)
                if link:
                    links[(ent.start_char, ent.end_char)] = link
        doc.ents = [_linked(e, links.get((e.start_char, e.end_char))) for e in doc.ents]
        # Extension values live in doc.user_data under the span's offsets: plain data, serialisable.
        for m in people:
            m.span._.namelink_candidates = [[c.entity_id, c.method, c.similarity] for c in m.candidates]
        for ent in doc.ents:
            link = links.get((ent.start_char, ent.end_char))
            if link is not None:
                ent._.namelink_link = link.as_dict()
        return doc


def _linked(ent: Span, link: Link | None) -> Span:
    if link is None:
        return ent
    return Span(doc=ent.doc, start=ent.start, end=ent.end, label=ent.label_, kb_id=link.entity_id)
