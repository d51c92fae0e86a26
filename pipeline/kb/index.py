"""Name forms indexed by the skeleton keys of their tokens, in the knowledge base's store."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipeline.kb.base import KnowledgeBase
from pipeline.kb.bulk import paused_gc
from pipeline.kb.entries import NameForm
from pipeline.kb.keys import NameKeys, has_cyrillic
from pipeline.kb.store import SEP, KbStore, join_key

#: A bare name shared by more forms than this gives the most prominent ones
#: (:meth:`AliasIndex.lookup`); :meth:`AliasIndex.count` says how many there are.
LOOKUP_LIMIT = 100


class AliasIndex:
    """Every name form of a knowledge base under the skeleton keys of its tokens.

    ``tokenize`` must split text the way the documents are split (the spaCy
    pipeline's tokenizer), so that a form matches the tokens of a document;
    ``signature`` names that tokenizer's rules (:func:`tokenizer_signature`):
    the keys are a table of the knowledge base's store, built once per
    signature and kept with a compiled knowledge base. ``first_keys`` holds
    the keys a name can start with (most tokens of a text start none);
    ``max_tokens`` is the longest form in tokens; ``limit`` the most forms
    one lookup returns.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        tokenize: Callable[[str], list[str]],
        keys: NameKeys,
        signature: str | None = None,
        limit: int = LOOKUP_LIMIT,
    ) -> None:
        self.kb, self.keys, self.limit = kb, keys, limit
        self.table = f"keys_{signature or f'local{id(self):x}'}"
        with paused_gc():  # pipeline/kb/bulk.py
            kb.store.ensure(self.table, lambda connection: self._build(connection, tokenize))
        store = kb.store
        self.first_keys = {r[0] for r in store.query(f"SELECT key FROM {self.table}_first")}
        self.present = KeyFilter.of(store, self.table)
        self.prefixes = KeyFilter.of(store, self.table, prefixes=True)
        self.max_tokens = int(store.query_one(f"SELECT value FROM {self.table}_size")[0])
        self.count = lru_cache(maxsize=100_000)(self._count)
        self._forms = lru_cache(maxsize=100_000)(self._lookup_key)

    def _build(self, connection: sqlite3.Connection, tokenize: Callable[[str], list[str]]) -> None:
        """The key of every form's tokens, with its entity's prominence, which picks the forms
        of a crowded key. Each distinct text is keyed once in Python (thousands of people share
        a given name and its pet names: 352,184 texts of 3.2 million forms at 100,000 people)
        and SQLite gives each form the key of its text; each space-separated chunk is tokenized once."""
        chunks: dict[str, list[str]] = {}

        def key_of(text: str) -> tuple[str, str, int]:
            """The text's key joined, its first word and its length in words."""
            out: list[str] = []
            for chunk in text.split():
                if chunk not in chunks:
                    chunks[chunk] = tokenize(chunk)
                out += chunks[chunk]
            key = self.keys.phrase(out)
            return (join_key(key), key[0], len(key)) if key else ("", "", 0)

        t = self.table
        connection.execute(f"CREATE TABLE {t} (key TEXT NOT NULL, prominence REAL NOT NULL, form INTEGER NOT NULL)")
        connection.execute(f"CREATE TABLE {t}_first (key TEXT PRIMARY KEY) WITHOUT ROWID")
        connection.execute(f"CREATE TABLE {t}_size (value INTEGER)")
        connection.execute(f"CREATE TEMP TABLE {t}_texts (text TEXT PRIMARY KEY, key TEXT NOT NULL) WITHOUT ROWID")
        firsts: set[str] = set()
        longest = 1

        def keyed() -> Iterator[tuple[str, str]]:
            nonlocal longest
            for (text,) in connection.cursor().execute("SELECT text FROM texts"):
                key, first, length = key_of(text)
                if key:
                    firsts.add(first)
                    longest = max(longest, length)
                    yield text, key

        connection.executemany(f"INSERT INTO temp.{t}_texts VALUES (?, ?)", keyed())
        connection.execute(  # each form once: the knowledge base keeps one form per (entity, folded text) and kind
            f"INSERT INTO {t} SELECT k.key, e.prominence, f.n FROM forms f JOIN entities e ON e.id = f.entity_id "
            f"JOIN temp.{t}_texts k ON k.text = f.text ORDER BY f.n"
        )
        connection.execute(f"DROP TABLE temp.{t}_texts")
        connection.executemany(f"INSERT INTO {t}_first VALUES (?)", ((k,) for k in firsts))
        connection.execute(f"INSERT INTO {t}_size VALUES (?)", (longest,))
        connection.execute(f"CREATE INDEX {t}_by_key ON {t} (key, prominence DESC, form)")
        connection.execute(f"CREATE INDEX {t}_by_form ON {t} (form, key)")

    def _count(self, key: tuple[str, ...]) -> int:
        return self.kb.store.query_one(f"SELECT count(*) FROM {self.table} WHERE key = ?", (join_key(key),))[0]

    def _lookup_key(self, key: tuple[str, ...]) -> tuple[NameForm, ...]:
        """The forms under ``key`` in the knowledge base's order; of a key more than ``limit``
        forms share, the ``limit`` of the most prominent entries."""
        if not key or key[0] not in self.first_keys or join_key(key) not in self.present:
            return ()
        sql = f"SELECT form FROM {self.table} WHERE key = ? ORDER BY prominence DESC, form LIMIT ?"
        numbers = sorted(r[0] for r in self.kb.store.query(sql, (join_key(key), self.limit)))
        found = self.kb.store.forms_by_number(numbers)
        return tuple(found[n] for n in numbers)

    def prefix_reach(self, keys: list[str]) -> int:
        """How many of ``keys`` (a document's token keys from one token on) may lie inside one
        name form: the run stops at the first key after which no form's key goes on as they do
        (an empty key, a token that folds to nothing, goes with the run)."""
        words: list[str] = []
        reach = 0
        for n, key in enumerate(keys, 1):
            if key:
                words.append(key)
                if join_key(words) not in self.prefixes:
                    break
            reach = n
        return reach

    def forms(self, key: tuple[str, ...]) -> tuple[NameForm, ...]:
        """The forms under one key (see :meth:`lookup`)."""
        return self._forms(key)

    def crowded(self, words: list[str] | tuple[str, ...]) -> bool:
        """Do more forms than ``limit`` share the key of ``words`` (so a lookup gives some of them)?"""
        return self.count(self.keys.phrase(words)) > self.limit

    def among(self, words: list[str] | tuple[str, ...], entity_ids: set[str]) -> list[NameForm]:
        """The forms under the words' key of the entries ``entity_ids`` (a crowded key's, read
        for the individuals a document names)."""
        if not entity_ids:
            return []
        ids = sorted(entity_ids)
        sql = (
            # CROSS JOIN: SQLite then walks the few forms of these entries, not every bearer of the key
            f"SELECT f.entity_id, f.text, f.kind, f.part FROM forms f CROSS JOIN {self.table} k ON k.form = f.n "
            f"WHERE f.entity_id IN ({','.join('?' * len(ids))}) AND k.key = ? ORDER BY f.n"
        )
        return [NameForm(*r) for r in self.kb.store.query(sql, [*ids, join_key(self.keys.phrase(words))])]

    def lookup(self, words: list[str] | tuple[str, ...]) -> list[NameForm]:
        """The forms under the words' key (at most ``limit``: :meth:`crowded` says when there are
        more); for words in Cyrillic, under any of their romanisations' keys too
        (:meth:`NameKeys.phrases`), in that order."""
        found = list(self._forms(self.keys.phrase(words)))
        if not any(map(has_cyrillic, words)):
            return found
        for key in self.keys.phrases(words)[1:]:
            found += [f for f in self._forms(key) if f not in found]
        return found


class KeyFilter:
    """Which keys have forms, without asking the database: a sorted array of 64-bit hashes of
    the keys (a miss, most of a document's word runs, costs a binary search). For a file store
    the array is a ``.npy`` beside it, memory-mapped, so processes share one copy."""

    def __init__(self, hashes: np.ndarray) -> None:
        self.hashes = hashes

    @classmethod
    def of(cls, store: KbStore, table: str, prefixes: bool = False) -> KeyFilter:
        """The filter of the keys of ``table``, or with ``prefixes`` of every run of words a key
        starts with (``lev``, ``lev|davidovich``, ``lev|davidovich|trotski``)."""
        if store.path is None:
            return cls(_hashes(store, table, prefixes))
        path = Path(f"{store.path}.{table}{'.prefixes' if prefixes else ''}.npy")
        if not path.is_file():
            scratch = path.with_suffix(f".tmp{os.getpid()}.npy")
            np.save(scratch, _hashes(store, table, prefixes))
            os.replace(scratch, path)
        return cls(np.asarray(np.load(path, mmap_mode="r")))  # a plain array over the mapped file

    def __contains__(self, key: str) -> bool:
        value = np.uint64(_hash(key))  # a Python int would be searched as an object: 300 times slower
        at = int(self.hashes.searchsorted(value))
        return at < len(self.hashes) and self.hashes[at] == value


def _hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


def _hashes(store: KbStore, table: str, prefixes: bool) -> np.ndarray:
    keys = [r[0] for r in store.query(f"SELECT DISTINCT key FROM {table}")]
    if prefixes:
        keys = list({SEP.join(words[:n]) for words in (k.split(SEP) for k in keys) for n in range(1, len(words) + 1)})
    return np.array(sorted({_hash(k) for k in keys}), dtype=np.uint64)


def tokenizer_signature(tokenizer: object) -> str:
    """A hash of a spaCy tokenizer's rules (its vocabulary left out): equal rules, equal keys."""
    to_bytes = getattr(tokenizer, "to_bytes", None)
    if to_bytes is None:
        return ""
    return hashlib.sha256(to_bytes(exclude=["vocab"])).hexdigest()[:16]
