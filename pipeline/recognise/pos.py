"""Coarse parts of speech straight from the tagger's fine tags.

English spaCy pipelines set ``Token.pos_`` in ``attribute_ruler``, a Matcher
over a hundred-odd patterns that costs more than the tagger itself. The rules
of :mod:`pipeline.recognise` only need the coarse tag, which the ruler's
one-token patterns on ``TAG`` (and ``LOWER``) define, so
:func:`replace_attribute_ruler` reads that table out of the model's own ruler
and swaps the ruler for ``namelink_tag_pos``, a dictionary lookup per token.
Patterns on the dependency parse are left out: namelink runs no parser.

The table, ``"TAG"`` or ``"TAG|lower"`` -> coarse POS (``{"NNP": "PROPN",
"VBD|was": "AUX"}``; the ``TAG|lower`` entry wins), is data of the component,
not config (its keys are punctuation tags that a config file cannot hold):
set with :meth:`TagToPos.set_mapping`, saved by ``to_disk`` as ``mapping.json``
and read back by ``from_disk``, as spaCy's ``attribute_ruler`` keeps its patterns.
Reads: ``Token.tag``, ``Token.lower``.
Sets: ``Token.pos`` (tokens whose tag is not in the table keep theirs).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import product
from pathlib import Path

import srsly
from spacy.attrs import LOWER, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

_RULER = "attribute_ruler"


@Language.factory("namelink_tag_pos", default_config={}, requires=["token.tag"], assigns=["token.pos"])
def make_tag_pos(nlp: Language, name: str) -> TagToPos:
    """The ``namelink_tag_pos`` factory: no config; the table is set by :func:`replace_attribute_ruler`."""
    return TagToPos(nlp)


class TagToPos:
    """Sets ``Token.pos`` from ``Token.tag`` (and the lower-case form) by table lookup."""

    _FILE = "mapping.json"

    def __init__(self, nlp: Language, mapping: dict[str, str] | None = None) -> None:
        self._strings = nlp.vocab.strings
        self.set_mapping(mapping or {})

    def set_mapping(self, mapping: dict[str, str]) -> None:
        """Use ``mapping`` (``TAG`` or ``TAG|lower`` -> POS) from now on."""
        add = self._strings.add
        self.mapping = dict(mapping)
        self._by_tag: dict[int, int] = {}
        self._by_tag_word: dict[tuple[int, int], int] = {}
        for key, pos in mapping.items():
            tag, _, word = key.partition("|")
            if word:
                self._by_tag_word[(add(tag), add(word))] = add(pos)
            else:
                self._by_tag[add(tag)] = add(pos)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / self._FILE, self.mapping)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> TagToPos:
        self.set_mapping(srsly.read_json(Path(path) / self._FILE))
        return self

    def __call__(self, doc: Doc) -> Doc:
        if not self.mapping or not len(doc):
            return doc
        array = doc.to_array([TAG, POS, LOWER])
        by_tag, by_tag_word = self._by_tag, self._by_tag_word
        for row in array:
            tag = int(row[0])
            row[1] = by_tag_word.get((tag, int(row[2])), by_tag.get(tag, row[1]))
        doc.from_array([TAG, POS], array[:, :2])
        return doc


def _values(value: object) -> list[str] | None:
    """A pattern value as a list of strings: ``"NN"`` or ``{"IN": [...]}``; None otherwise."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and set(value) == {"IN"}:
        return [str(v) for v in value["IN"]]
    return None


def tag_pos_table(nlp: Language) -> dict[str, str]:
    """The ``attribute_ruler``'s one-token TAG (and LOWER) -> POS patterns as a mapping."""
    table: dict[str, str] = {}
    for rule in nlp.get_pipe(_RULER).patterns:
        pos = rule["attrs"].get("POS")
        for pattern in rule["patterns"]:
            if not pos or len(pattern) != 1 or not set(pattern[0]) <= {"TAG", "LOWER"} or "TAG" not in pattern[0]:
                continue
            tags, words = _values(pattern[0]["TAG"]), _values(pattern[0].get("LOWER", ""))
            if tags is None or words is None:
                continue
            for tag, word in product(tags, words):
                table[f"{tag}|{word}" if word else tag] = pos
    return table


def replace_attribute_ruler(nlp: Language) -> bool:
    """Swap the ruler for ``namelink_tag_pos`` where the model has a tagger; True if swapped."""
    if _RULER not in nlp.pipe_names or "tagger" not in nlp.pipe_names:
        return False
    table = tag_pos_table(nlp)
    if not table:
        return False
    nlp.remove_pipe(_RULER)
    nlp.add_pipe("namelink_tag_pos", after="tagger").set_mapping(table)
    return True
