"""The knowledge base: entries, their name forms, the index and keys they are matched by.

- :mod:`~pipeline.kb.entries`: :class:`Entity`, :class:`NameForm` and the form kinds;
- :mod:`~pipeline.kb.forms`: every name form of an entry, generated from its parts;
- :mod:`~pipeline.kb.pet_names`: Russian pet names generated from given names and diminutives;
- :mod:`~pipeline.kb.base`: :class:`KnowledgeBase`, loaded from ``models/kb/`` and ``models/learned/``;
- :mod:`~pipeline.kb.keys`: :func:`fold` and :class:`NameKeys`, the keys spellings meet under;
- :mod:`~pipeline.kb.index`: :class:`AliasIndex`, forms by the keys of their tokens;
- :mod:`~pipeline.kb.relations`: who persons are to each other (``related``), with inverses;
- :mod:`~pipeline.kb.learned`: the layer ``namelink train`` writes;
- :mod:`~pipeline.kb.lexicon`: English word counts and given names;
- :mod:`~pipeline.kb.shared`: one loaded copy per pipeline, through a registered loader
  (imported on its own: it needs spaCy's registry).
"""

from pipeline.kb.base import KnowledgeBase
from pipeline.kb.entries import ALIAS, FULL, SHORT, Entity, KnowledgeBaseError, NameForm
from pipeline.kb.index import AliasIndex
from pipeline.kb.keys import NameKeys, fold

__all__ = [
    "ALIAS",
    "FULL",
    "SHORT",
    "AliasIndex",
    "Entity",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "NameForm",
    "NameKeys",
    "fold",
]
