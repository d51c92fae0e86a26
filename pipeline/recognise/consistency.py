"""One name, one label in a document: the model's other labels for a person's name.

The model labels some mentions of a person it names as ``PERSON`` elsewhere
as an organisation (``Piotr Vasilchenko`` twice, then ``the editor said that
Vasilchenko``). :func:`consistent_labels` relabels a chosen entity of one of
``recognise.yaml``'s ``relabel_as_person`` labels whose text is the name of
a multi-word person of the same document, or that name's last word. Only the
model's own entities change: a knowledge-base place or organisation keeps its
label.

(A model entity shaped ``Given Surname`` is a person already when the model
family reads it: ``ModelEntities``, ``NameContext.given_name_shaped``.)
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc

from pipeline.kb.keys import fold
from pipeline.recognise.selection import MODEL, Proposal


def consistent_labels(doc: Doc, chosen: list[Proposal], person: str, relabel: frozenset[str]) -> list[Proposal]:
    """``chosen`` with the model's ``relabel`` entities that name a person of the document as ``person``."""
    names: set[str] = set()
    for p in chosen:
        if p.label == person and p.end - p.start > 1:
            names.add(_key(doc, p.start, p.end))
            names.add(_key(doc, p.end - 1, p.end))
    if not names:
        return chosen
    return [
        replace(p, label=person)
        if p.source == MODEL and p.label in relabel and _key(doc, p.start, p.end) in names
        else p
        for p in chosen
    ]


def _key(doc: Doc, start: int, end: int) -> str:
    return fold(doc[start:end].text)
