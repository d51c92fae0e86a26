"""A blocked index for fuzzy name matching: rapidfuzz over a small block, not over every form.

An OCR-damaged name (``Dzerhinsky``, ``Ratnon del Rio``) is scored against
the forms that share a *near word* with it, never against the whole
knowledge base. Each word of a form is indexed under its deletion variants
(the word with up to ``max_deletions`` letters removed, SymSpell's idea);
a query word's variants meet them, so two words meet when each loses at most
that many letters to reach a common spelling (one wrong, missing or extra
letter, two in a word of ``two_deletion_letters`` or more). A form of ``n``
words with a fuzzy ratio over the cutoff shares near words with the query in
all but at most one of them, so the block of a query is the union of the two
smallest blocks of its words (the one block of a one-word query).
A word in more forms than ``max_block`` (a common given name in a
register of thousands) opens no block of its own: a name none of whose other
words is near a known word gets no fuzzy candidates, where any would be one
of thousands of namesakes.

The tables live in the knowledge base's store (:class:`~pipeline.kb.store.KbStore`),
built once per person label and minimum length.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from pipeline.kb.bulk import paused_gc
from pipeline.kb.entries import PET, NameForm
from pipeline.kb.keys import fold
from pipeline.kb.store import KbStore


@dataclass(frozen=True)
class FuzzySettings:
    """``min_letters``: forms and queries shorter (without spaces) are never matched fuzzily;
    ``two_deletion_letters``: words of at least this many letters meet at two deletions, shorter
    ones at one; ``max_block``: the most forms one word's block may hold."""

    min_letters: int
    two_deletion_letters: int
    max_block: int


def deletions(word: str, most: int) -> set[str]:
    """``word`` and every spelling of it with up to ``most`` letters removed."""
    out, frontier = {word}, {word}
    for _ in range(most):
        frontier = {w[:k] + w[k + 1 :] for w in frontier for k in range(len(w)) if len(w) > 1}
        out |= frontier
    return out


class FuzzyBlocks:
    """The fuzzy index of the forms of ``label`` (not pet names, at least ``min_letters``)."""

    def __init__(self, store: KbStore, label: str, settings: FuzzySettings) -> None:
        self.store, self.settings = store, settings
        tag = f"{label}_{settings.min_letters}_{settings.two_deletion_letters}".lower()
        self.tables = {name: f"fuzzy_{name}_{tag}" for name in ("near", "forms")}
        with paused_gc():  # pipeline/kb/bulk.py
            store.ensure(self.tables["forms"], lambda connection: self._build(connection, label))

    def _most(self, word: str) -> int:
        return 2 if len(word) >= self.settings.two_deletion_letters else 1 if len(word) >= 3 else 0

    def _build(self, connection: sqlite3.Connection, label: str) -> None:
        t = self.tables
        connection.execute(f"CREATE TABLE {t['near']} (variant TEXT, word_id INTEGER)")
        connection.execute(f"CREATE TABLE {t['forms']} (word_id INTEGER, form INTEGER, words INTEGER)")
        sql = (
            "SELECT f.n, f.folded FROM forms f JOIN entities e ON e.id = f.entity_id WHERE e.label = ? AND f.part != ?"
        )
        word_ids: dict[str, int] = {}
        members: list[tuple[int, int, int]] = []
        for number, folded in connection.cursor().execute(sql, (label, PET)):
            if len(folded.replace(" ", "")) < self.settings.min_letters:
                continue
            words = folded.split()
            for word in dict.fromkeys(words):
                members.append((word_ids.setdefault(word, len(word_ids) + 1), number, len(words)))
        connection.executemany(
            f"INSERT INTO {t['near']} VALUES (?, ?)",
            ((v, i) for w, i in word_ids.items() for v in deletions(w, self._most(w))),
        )
        connection.executemany(f"INSERT INTO {t['forms']} VALUES (?, ?, ?)", members)
        connection.execute(f"CREATE INDEX {t['near']}_variant ON {t['near']} (variant)")
        connection.execute(f"CREATE INDEX {t['forms']}_word ON {t['forms']} (word_id, words)")

    def block(self, words: list[str]) -> list[int]:
        """Numbers of the forms of ``len(words)`` words that a fuzzy match of ``words`` may reach."""
        distinct = list(dict.fromkeys(words))
        blocks = [b for b in (self._word_block(w, len(words)) for w in distinct) if b is not None]
        out: dict[int, None] = {}
        for block in sorted(blocks, key=len)[: 1 if len(distinct) == 1 else 2]:
            out.update(dict.fromkeys(block))
        return list(out)

    def _word_block(self, word: str, length: int) -> list[int] | None:
        """The forms of ``length`` words with a word near ``word``; None when that is too many."""
        variants = sorted(deletions(word, self._most(word)))
        t = self.tables
        sql = f"SELECT DISTINCT word_id FROM {t['near']} WHERE variant IN ({','.join('?' * len(variants))})"
        ids = [r[0] for r in self.store.query(sql, variants)]
        if not ids:
            return []
        most = self.settings.max_block
        sql = f"SELECT form FROM {t['forms']} WHERE words = ? AND word_id IN ({','.join('?' * len(ids))}) LIMIT ?"
        found = [r[0] for r in self.store.query(sql, [length, *ids, most + 1])]
        return None if len(found) > most else found

    def search(self, words: Iterable[str], cutoff: float, limit: int) -> list[tuple[NameForm, float]]:
        """The best ``limit`` forms of the block with a rapidfuzz ratio of at least ``cutoff``
        to the folded ``words``, best first: (form, ratio 0-100)."""
        query = fold(" ".join(words))
        if len(query.replace(" ", "")) < self.settings.min_letters:
            return []
        numbers = sorted(self.block(query.split()))  # the knowledge base's order, as a scan of every form's
        if not numbers:
            return []
        keys = self.store.folded_by_number(numbers)
        hits = process.extract(query, keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)
        forms = self.store.forms_by_number(numbers[i] for _, _, i in hits)
        return [(forms[numbers[i]], score) for _, score, i in hits]
