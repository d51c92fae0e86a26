"""Stage 2, recognise: person names on top of spaCy's NER.

Importing this package registers the spaCy factories ``namelink_person_rules``
(:func:`make_person_rules`, :class:`PersonRules`) and ``namelink_tag_pos``
(:mod:`pipeline.recognise.pos`). Modules:

- ``component``: the factory and the thin component (filters, selection, ``doc.ents``);
- ``state``: :class:`DocWords`, what the rules read of one document;
- ``context``: :class:`NameContext`, the word tests the rule families share;
- ``kb_matches``, ``shapes``, ``inverted``, ``model_entities``: the rule families (``evidence``: the
  signs of a person that let a model span pass the blanket tests);
- ``selection``: :class:`Proposal` and the best non-overlapping choice.
"""

from pipeline.recognise.component import PersonRules, RuleFamilies, make_person_rules
from pipeline.recognise.context import NameContext
from pipeline.recognise.kb_matches import KbMatches
from pipeline.recognise.model_entities import ModelEntities
from pipeline.recognise.pos import make_tag_pos
from pipeline.recognise.selection import Proposal, best_non_overlapping
from pipeline.recognise.shapes import NameShapes
from pipeline.recognise.state import DocWords

__all__ = [
    "DocWords",
    "KbMatches",
    "ModelEntities",
    "NameContext",
    "NameShapes",
    "PersonRules",
    "Proposal",
    "RuleFamilies",
    "best_non_overlapping",
    "make_person_rules",
    "make_tag_pos",
]
