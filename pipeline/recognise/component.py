"""Stage 2, recognise: the ``namelink_person_rules`` component (person names on top of spaCy's NER).

The component runs after ``ner`` and rewrites ``doc.ents``. The rule
families propose spans (see their modules) and the best non-overlapping set
is kept (:func:`~pipeline.recognise.selection.best_non_overlapping`: longest
first; on equal spans the knowledge base wins, then the name shapes, then the
model):

- :mod:`~pipeline.recognise.kb_matches`: the knowledge base's name forms;
- :mod:`~pipeline.recognise.shapes`: spans shaped like names (``names.yaml``);
- :mod:`~pipeline.recognise.inverted`: inverted names of indexes and registers
  (``Sedov, Lev Lvovich``), proposed as shapes;
- :mod:`~pipeline.recognise.line_names`: names alone on a line (bylines,
  credits, signatures: ``By HARRIET M. COLE``, ``Yours, Jan``), proposed as
  shapes; a person the model runs across the line's end, or an inverted name
  overlapping one (``Yours, Jan``), gives way;
- :mod:`~pipeline.recognise.appositions`: an unknown person a role noun
  introduces (``Our guide, Paloma,``) and the same word elsewhere in the
  document, proposed as shapes;
- :mod:`~pipeline.recognise.model_entities`: the model's entities, repaired;
- :mod:`~pipeline.recognise.russian`: Russian names in Cyrillic by pymorphy3's
  tags (``тов. Шалаев``, ``Сергей Миронович``), proposed as shapes; it also trims
  and checks every Cyrillic person proposal (``О Зиновьеве``, not ``СУДЕБНЫЙ ПРОЦЕСС``).

All of them read an OCR-damaged word (``Tr0tsky``, ``Nata1ia 5edova``,
``Golclman``) as its repair (:mod:`~pipeline.recognise.ocr`): the span keeps
the original text and offsets.

Around them, three naming traditions: German genitives are split off known
names before the families read the Doc (:mod:`~pipeline.recognise.genitive`:
``Trotzkis`` -> ``Trotzki`` ``s``); Spanish and Catalan compounds extend the
person proposals (:mod:`~pipeline.recognise.compounds`: ``Josep Puig i
Ferrer``); a one-letter title leaves the spans it starts
(:mod:`~pipeline.recognise.letter_titles`: French ``M. Rosmer``).

Before the choice, filters: a person inside an italic span of the source
(``Doc._.namelink_emphasis``) is the title of a work, a span whose text a
reviewer rejected for its label (``models/learned/``,
:meth:`pipeline.kb.KnowledgeBase.never_entity`) is never proposed, and a
person inside the title or imprint of a cited work is none
(:mod:`~pipeline.recognise.citations`: the author of the citation stays),
and neither is a person whose context makes it a thing named after someone
(:mod:`~pipeline.recognise.eponyms`: towns, ships, prizes, streets).
After the choice, a one-word person that only a place is named, with no
evidence of a person, is that place (:mod:`~pipeline.recognise.places`:
``Palermo`` the model calls a person is a GPE), and the model's other labels
of a person's name become the person's (:mod:`~pipeline.recognise.consistency`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.kb import KnowledgeBase
from pipeline.kb import registered as _registered  # noqa: F401  (the loader named in default_config)
from pipeline.kb.morphology import nominative
from pipeline.kb.shared import LazyShared, SharedDataComponent, SharedKnowledge, SharedLoader, load_shared
from pipeline.link.candidates import FUZZY_CUTOFF, person_candidates
from pipeline.recognise.appositions import RoleAppositions
from pipeline.recognise.citations import CitationSlots
from pipeline.recognise.compounds import CompoundNames
from pipeline.recognise.consistency import consistent_labels
from pipeline.recognise.context import NameContext
from pipeline.recognise.eponyms import Eponyms
from pipeline.recognise.genitive import GenitiveSplitter
from pipeline.recognise.inverted import InvertedNames
from pipeline.recognise.kb_matches import KbMatches
from pipeline.recognise.letter_titles import LetterTitles
from pipeline.recognise.line_names import LineNames
from pipeline.recognise.model_entities import ModelEntities
from pipeline.recognise.ocr import OcrWords, merge_split_words
from pipeline.recognise.places import PlaceNames
from pipeline.recognise.russian import RussianNames
from pipeline.recognise.selection import Proposal, best_non_overlapping, inside_any
from pipeline.recognise.shapes import NameShapes
from pipeline.recognise.state import DocWords
from pipeline.resources import LabelRules

if not Span.has_extension("namelink_source"):
    Span.set_extension("namelink_source", default=None)
if not Doc.has_extension("namelink_emphasis"):
    # (start_char, end_char) of italic text in the source markup, set by the
    # caller before the pipeline runs; names inside are titles of works.
    Doc.set_extension("namelink_emphasis", default=None)


@Language.factory(
    "namelink_person_rules",
    default_config={"models": None, "language": None, "shared": {"@misc": "namelink.shared_knowledge.v1"}},
    requires=["doc.ents", "token.pos"],
    assigns=["doc.ents"],
)
def make_person_rules(
    nlp: Language, name: str, models: str | None, language: str | None, shared: SharedLoader
) -> PersonRules:
    """Person-name rules on top of the model's NER.

    Reads: ``doc.ents`` (the model's entities; its labels mapped to
    namelink's by ``labels.yaml``, so ``PER`` is a person), ``token.pos``
    (coarse tags, e.g. from ``namelink_tag_pos``), ``Doc._.namelink_emphasis``
    (optional (start_char, end_char) italic spans of the source: a name inside
    one is the title of a work, not a person).
    Sets: ``doc.ents`` (labels namelink's: ``PERSON`` and the model's others);
    ``Span._.namelink_source`` (``kb``, ``shape`` or ``model``: the rule
    family that proposed the span); the tokens, where a German genitive ending
    is split off a known name (``Trotzkis`` -> ``Trotzki`` ``s``, same text).

    nlp (Language): the pipeline; its tokenizer splits the name forms.
    name (str): the component's name.
    models (str | None): folder of the knowledge base and rules (``kb/``,
        ``rules/``, ``learned/``); None for ``$NAMELINK_MODELS`` or the
        project's ``models/``.
    language (str | None): the language of the documents, whose rules
        (``rules/<lang>/``, over the general ones) the component reads; None
        for the pipeline's own (``nlp.lang``). The English model reading Spanish
        sets ``es``.
    shared (Callable): the loader of a models folder's shared data
        (``namelink.shared_knowledge.v1``: one knowledge base per pipeline,
        shared with the linker).
    """
    return PersonRules(nlp, models, shared, language)


@dataclass(frozen=True)
class RuleFamilies:
    """The rule families and what the component's filters read, built once per models folder."""

    kb_matches: KbMatches
    shapes: NameShapes
    inverted: InvertedNames
    line_names: LineNames
    appositions: RoleAppositions
    model_entities: ModelEntities
    ocr_words: OcrWords
    genitive: GenitiveSplitter
    compounds: CompoundNames
    letter_titles: LetterTitles
    citations: CitationSlots
    eponyms: Eponyms
    places: PlaceNames
    russian: RussianNames
    labels: LabelRules
    kb: KnowledgeBase
    relabel_as_person: frozenset[str]

    @classmethod
    def build(cls, shared: SharedKnowledge, tokenizer: Callable[[str], Any]) -> RuleFamilies:
        """The families over ``shared``'s data, with the name index as ``tokenizer`` splits it."""
        index = shared.alias_index(tokenizer)
        # The fuzzy cutoff of v1's recogniser: the linker's default, whose generator it then shares.
        people = person_candidates(shared, tokenizer, FUZZY_CUTOFF)
        context = NameContext(shared, index, shared.recognise, people)
        labels = shared.labels
        return cls(
            kb_matches=KbMatches(shared.kb, index, context, labels),
            shapes=NameShapes(context, tuple(shared.names.strong_surname_suffixes), labels),
            inverted=InvertedNames(context, labels),
            line_names=LineNames(context, labels),
            appositions=RoleAppositions(context, labels),
            model_entities=ModelEntities(shared.kb, context, labels),
            ocr_words=OcrWords(people.ocr, context, shared.recognise.ocr_confusion_min_chars),
            genitive=GenitiveSplitter(context, labels),
            compounds=CompoundNames(context, labels),
            letter_titles=LetterTitles(shared.names, labels),
            citations=CitationSlots(context, labels),
            eponyms=Eponyms(context, labels),
            places=PlaceNames.build(context, labels, shared.folder),
            russian=RussianNames(context, shared.morphology, labels),
            labels=labels,
            kb=shared.kb,
            relabel_as_person=frozenset(shared.recognise.relabel_as_person),
        )


class PersonRules(SharedDataComponent):
    """The ``namelink_person_rules`` component (see :func:`make_person_rules`).

    Reads the knowledge base and rules through ``shared`` (a
    :class:`~pipeline.kb.shared.LazyShared`) and builds the rule families on
    the first call, so ``from_disk`` can point it at a saved copy first. Keeps
    no per-document state: each call reads the Doc into a local
    :class:`~pipeline.recognise.state.DocWords`, so one instance serves any
    number of documents in any order.
    """

    def __init__(
        self,
        nlp: Language,
        models: str | Path | None = None,
        shared: SharedLoader = load_shared,
        language: str | None = None,
    ) -> None:
        self.tokenizer = nlp.tokenizer
        self.shared = LazyShared(shared, models, language or nlp.lang)
        self._families: RuleFamilies | None = None

    @property
    def families(self) -> RuleFamilies:
        """The rule families of the current models folder (built on first use)."""
        if self._families is None:
            self._families = RuleFamilies.build(self.shared.get(), self.tokenizer)
        return self._families

    def prepare(self) -> None:
        """Build now what the first document would (the knowledge base compiled, its keys for
        this tokenizer, the fuzzy index): ``namelink kb compile``, before a batch."""
        _ = self.families  # the families build the alias index
        person_candidates(self.shared.get(), self.tokenizer, FUZZY_CUTOFF).prepare()

    def __call__(self, doc: Doc) -> Doc:
        families = self.families
        merge_split_words(doc, families.ocr_words.ocr)
        genitive = families.genitive.split(doc)  # after the OCR joins: both retokenise the Doc
        words = DocWords.read(doc, families.labels, _repairs(families.ocr_words), genitive)
        kb = families.kb_matches.propose(words)
        inverted = families.inverted.propose(words)
        shapes = families.shapes.propose(words, kb)
        lines = families.line_names.propose(words, kb + shapes + inverted)
        inverted = _without_overlap(inverted, lines)  # Yours, Jan: a closing formula, not Surname, Given
        shapes += inverted + lines + families.appositions.propose(words) + families.russian.propose(words)
        proposals = kb + shapes + families.model_entities.propose(words, kb + shapes)
        proposals = families.compounds.extend(words, proposals)
        proposals = families.letter_titles.apply(words, proposals)
        proposals = _not_crossing(proposals, inverted + lines, families.labels.person)
        proposals = _filtered(doc, proposals, families)
        proposals = families.russian.keep(words, proposals)  # Cyrillic: edges trimmed, non-names dropped
        proposals = families.citations.keep(words, proposals)
        proposals = families.eponyms.keep(words, proposals)
        ents = []
        person = families.labels.person
        chosen = families.places.relabel(words, best_non_overlapping(proposals, person))
        relabelled = consistent_labels(doc, chosen, person, families.relabel_as_person)
        for p in _unless_filtered(words, chosen, relabelled, families):
            span = Span(doc, p.start, p.end, label=p.label)
            span._.namelink_source = p.source
            ents.append(span)
        doc.ents = ents
        return doc

    def __getstate__(self) -> dict[str, Any]:
        # Pickled for another process (nlp.pipe(n_process=2) with spawn): rebuilt there on first use.
        return {**self.__dict__, "_families": None}

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> PersonRules:
        super().from_disk(path, exclude=exclude)
        self._families = None  # rebuilt from the saved copy on the next call
        return self


def _repairs(ocr_words: OcrWords) -> Callable[[Doc, frozenset[str]], dict[int, str]]:
    """What the rules read for a word: its OCR repair (``Tr0tsky``), else the nominative of an
    inflected Russian name (``Троцкого`` -> ``Троцкий``, :mod:`pipeline.kb.morphology`)."""

    def repairs(doc: Doc, lower_words: frozenset[str]) -> dict[int, str]:
        out = ocr_words.repairs(doc, lower_words)
        for token in doc:
            if token.i not in out:
                base = nominative(token.text)
                if base is not None:
                    out[token.i] = base
        return out

    return repairs


def _filtered(doc: Doc, proposals: list[Proposal], families: RuleFamilies) -> list[Proposal]:
    """Without titles of works and without the spans a reviewer rejected."""
    person = families.labels.person
    titles = doc._.namelink_emphasis or []
    if titles:  # *Trotsky*, *Writings of Leon Trotsky*: titles of works
        proposals = [p for p in proposals if p.label != person or not inside_any(doc, p, titles)]
    kb = families.kb
    if kb.rejected_entities:  # strings a reviewer rejected (models/learned/negative.yaml)
        proposals = [p for p in proposals if not kb.never_entity(doc[p.start : p.end].text, p.label)]
    return proposals


def _unless_filtered(
    words: DocWords, chosen: list[Proposal], relabelled: list[Proposal], families: RuleFamilies
) -> list[Proposal]:
    """The relabelled persons that the citation and eponym filters keep; the others keep
    the model's label (the Kirov the ballet company stays an organisation)."""
    if all(p.label == q.label for p, q in zip(chosen, relabelled, strict=True)):
        return chosen
    # the filters read the document's other persons too (the author who opens a citation)
    kept = set(families.eponyms.keep(words, families.citations.keep(words, relabelled)))
    return [q if p.label == q.label or q in kept else p for p, q in zip(chosen, relabelled, strict=True)]


def _without_overlap(proposals: list[Proposal], others: list[Proposal]) -> list[Proposal]:
    """``proposals`` without those that share a token with one of ``others``."""
    if not others:
        return proposals
    taken = {k for q in others for k in range(q.start, q.end)}
    return [p for p in proposals if not any(k in taken for k in range(p.start, p.end))]


def _not_crossing(proposals: list[Proposal], anchors: list[Proposal], person: str) -> list[Proposal]:
    """Without the persons that run across the end of an inverted name (``Thatcher, Ian D.`` then
    ``Ian D. A Short Life``) or of a name alone on its line (``JOHN R. SMITH<line end>Staff``):
    the entry's comma and delimiter, or the line's end, are the stronger evidence."""
    if not anchors:
        return proposals

    bounds = sorted({q.start for q in anchors} | {q.end for q in anchors})

    def crosses(p: Proposal) -> bool:  # an anchor's start or end strictly inside p
        k = bisect_right(bounds, p.start)
        return k < len(bounds) and bounds[k] < p.end

    keep = set(map(id, anchors))
    return [p for p in proposals if id(p) in keep or p.label != person or not crosses(p)]
