"""What a knowledge base holds, as rows and pages a person reads: ``namelink kb list`` and ``kb show``.

:func:`entry_rows` lists every entry (id, canonical name, label, Wikidata id,
number of name forms), :func:`entry_page` one entry in full (its name forms
with their kinds, its relations with the other person's canonical name), and
:func:`suggest_ids` the ids a mistyped one probably meant. All read a loaded
:class:`~pipeline.kb.KnowledgeBase` and set nothing.
"""

from __future__ import annotations

import difflib
from typing import Any

from pipeline.kb.base import KnowledgeBase
from pipeline.kb.entries import ALIAS, FULL, PET, NameForm
from pipeline.kb.keys import fold

#: How a name form is described to a reader: by its kind, a short form by its part.
FORM_KINDS = {FULL: "full name", ALIAS: "alias"}
PART_KINDS = {
    "given": "given name",
    "surname": "surname",
    "diminutive": "diminutive",
    "initials": "initials",
    PET: "pet name (generated)",
}
#: At most this many suggestions for an unknown id.
MAX_SUGGESTIONS = 5


def entry_rows(kb: KnowledgeBase, label: str | None = None) -> list[dict[str, Any]]:
    """One row per entry (``id``, ``canonical``, ``label``, ``wikidata``, ``forms``: the number of
    its name forms), sorted by label then id; only those of ``label`` (any case) when given."""
    wanted = label.casefold() if label else None
    rows = [
        {
            "id": e.id,
            "canonical": e.canonical,
            "label": e.label,
            "wikidata": e.wikidata or "",
            "forms": len(kb.forms_of(e.id)),
        }
        for e in kb.entities.values()
        if wanted is None or e.label.casefold() == wanted
    ]
    return sorted(rows, key=lambda r: (r["label"], r["id"]))


def form_kind(form: NameForm) -> str:
    """``full name``, ``alias``, ``surname``, ``pet name (generated)``...: what a form is."""
    return FORM_KINDS.get(form.kind) or PART_KINDS.get(form.part, form.part or form.kind)


def entry_page(kb: KnowledgeBase, entity_id: str) -> dict[str, Any]:
    """Everything the knowledge base says of one entry: its fields, its name forms (text and
    kind, full names first) and its relations (kind, other id, other canonical; the inverses
    and derived kinds the loader adds included). RAISES (KeyError): for an unknown id."""
    e = kb.entities[entity_id]
    order = {FULL: 0, ALIAS: 1}
    forms = sorted(kb.forms_of(entity_id), key=lambda f: (order.get(f.kind, 2), f.part == PET, f.text))
    relations = [
        {"kind": kind, "id": other, "canonical": kb.entities[other].canonical}
        for other, kinds in kb.related(entity_id).items()
        for kind in kinds
    ]
    relations.sort(key=lambda r: (r["kind"], r["canonical"]))
    return {
        "id": e.id,
        "canonical": e.canonical,
        "label": e.label,
        "description": e.description,
        "sex": e.sex or "",
        "wikidata": e.wikidata or "",
        "born": e.born,
        "died": e.died,
        "prominence": e.prominence,
        "forms": [{"text": f.text, "kind": form_kind(f)} for f in forms],
        "related": relations,
    }


def suggest_ids(kb: KnowledgeBase, wrong: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Ids ``wrong`` probably meant: the entries with a name form equal to it (``trotsky``), then
    those whose id or canonical name contains it; failing both, close spellings of an id (difflib)."""
    ids = sorted(kb.entities)
    key = fold(wrong.replace("-", " ")).strip()
    named = sorted({f.entity_id for f in kb.forms_named(key)})
    containing = [i for i in ids if key and (key in fold(i.replace("-", " ")) or key in fold(kb.entities[i].canonical))]
    found = named + containing or difflib.get_close_matches(wrong, ids, n=limit, cutoff=0.6)
    out: list[str] = []
    for entity_id in found:
        if entity_id not in out:
            out.append(entity_id)
    return out[:limit]
