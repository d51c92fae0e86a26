"""spaCy EntityRuler patterns of a knowledge base: ``namelink kb patterns``.

:func:`ruler_patterns` gives one ``{"label", "pattern", "id"}`` per name form
of every entry (the forms :mod:`pipeline.kb.forms` and
:mod:`pipeline.kb.pet_names` generate, as the linker matches them), the
pattern a phrase string: the EntityRuler matches it on the tokens of the
form as its pipeline's tokenizer splits it, on ``ORTH`` by default (the
text as written; ``phrase_matcher_attr: LOWER`` in the ruler's config for
any case). ``label`` is the entry's namelink label (``PERSON``, ``GPE``...)
and ``id`` its knowledge-base id, so ``ent.ent_id_`` names the individual.
Reads a loaded :class:`~pipeline.kb.KnowledgeBase`; sets nothing.

>>> import spacy                                                      # doctest: +SKIP
>>> nlp = spacy.blank("en")                                           # doctest: +SKIP
>>> nlp.add_pipe("entity_ruler").from_disk("patterns.jsonl")          # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline.kb.base import KnowledgeBase
from pipeline.kb.entries import ALIAS, FULL, SHORT

#: The form kinds ``--kind`` chooses from (:mod:`pipeline.kb.entries`).
KINDS = (FULL, ALIAS, SHORT)


def ruler_patterns(kb: KnowledgeBase, kinds: Iterable[str] = KINDS, label: str | None = None) -> list[dict[str, Any]]:
    """EntityRuler patterns of every name form of ``kb`` whose kind is one of ``kinds`` (and
    whose entry has ``label``, any case, when given): one per (label, text, id), sorted by
    label, id and text."""
    wanted, only = set(kinds), label.casefold() if label else None
    seen: set[tuple[str, str, str]] = set()
    for form in kb.forms:
        entity = kb.entities[form.entity_id]
        if form.kind in wanted and (only is None or entity.label.casefold() == only) and form.text.strip():
            seen.add((entity.label, form.entity_id, form.text))
    return [{"label": lab, "pattern": text, "id": eid} for lab, eid, text in sorted(seen)]
