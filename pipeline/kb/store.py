"""Where a knowledge base lives once built: SQLite tables, in a file or in memory.

:class:`KbStore` holds the entities, their name forms (in the order the
knowledge base generated them), the relations, the word sets the rules read
(``name``: every word of a person's listed forms; ``given_form``: folded given
names, diminutives and pet names; ``entity_given``: folded given names of the
entries), the distinct texts of the forms (each keyed once) and, built on first
use and kept in the same database, the tables a tokenizer or a fuzzy matcher
needs (:meth:`KbStore.ensure`): the alias keys of :mod:`pipeline.kb.index` and
the blocks of :class:`FuzzyBlocks`.

Every query reads an index: nothing here walks the people or their forms for
one document. A file store is opened read-write only to add a derived table,
inside ``BEGIN IMMEDIATE`` (two processes never build one twice, a reader never
sees half a table); its pages are memory-mapped, so ``--jobs`` workers share
them through the page cache instead of each holding a copy. See
:mod:`pipeline.kb.compiled` for where the files are kept and when they are
rebuilt.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from threading import RLock
from typing import Any

from pipeline.kb.entries import Entity, NameForm
from pipeline.kb.keys import fold

#: Bumped when the tables change: a store of another version is never opened.
SCHEMA_VERSION = "5"
#: Memory-mapped bytes of a file store (the OS shares mapped pages between processes).
MMAP_BYTES = 1 << 32
SEP = "\x1f"  # joins the words of a key into one column
_ENTITY_FIELDS = (
    "canonical",
    "label",
    "sex",
    "wikidata",
    "description",
    "prominence",
    "given",
    "surname",
    "born",
    "died",
)

_TABLES = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entities (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, label TEXT NOT NULL, prominence REAL NOT NULL,
                       data TEXT NOT NULL);
CREATE TABLE forms (n INTEGER PRIMARY KEY, entity_id TEXT NOT NULL, text TEXT NOT NULL, kind TEXT NOT NULL,
                    part TEXT NOT NULL, folded TEXT NOT NULL, last_key TEXT NOT NULL);
CREATE TABLE relations (entity_id TEXT NOT NULL, other TEXT NOT NULL, kinds TEXT NOT NULL);
CREATE TABLE words (kind TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY (kind, word)) WITHOUT ROWID;
CREATE TABLE texts (text TEXT PRIMARY KEY) WITHOUT ROWID;
"""
#: Forms many entities share (:meth:`StoreWriter.add_group_forms`): in the connection's temporary database.
_GROUP_TABLES = """
CREATE TEMP TABLE form_groups (grp INTEGER NOT NULL, seq INTEGER NOT NULL, text TEXT NOT NULL, kind TEXT NOT NULL,
                               part TEXT NOT NULL, folded TEXT NOT NULL, last_key TEXT NOT NULL,
                               PRIMARY KEY (grp, seq)) WITHOUT ROWID;
CREATE TEMP TABLE group_bearers (n INTEGER PRIMARY KEY, entity_id TEXT NOT NULL, grp INTEGER NOT NULL);
"""
_INDEXES = """
CREATE INDEX forms_entity ON forms (entity_id);
CREATE INDEX forms_folded ON forms (folded);
CREATE INDEX forms_last ON forms (last_key);
CREATE INDEX relations_entity ON relations (entity_id);
"""


def join_key(key: Iterable[str]) -> str:
    return SEP.join(key)


class KbStore:
    """The tables of one knowledge base (see the module). Thread-safe: one connection, one lock."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self.connection = connection
        self.path = path
        self._lock = RLock()
        self.entity = lru_cache(maxsize=65_536)(self._entity)
        self.forms_of = lru_cache(maxsize=65_536)(self._forms_of)
        self._related = lru_cache(maxsize=65_536)(self._read_related)

    # -- building ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> KbStore:
        """The store of a file :class:`StoreWriter` wrote (:class:`sqlite3.DatabaseError` if it is none)."""
        connection = _connect(path, writable=True)
        store = cls(connection, path)
        if store.meta("schema") != SCHEMA_VERSION:
            connection.close()
            raise sqlite3.DatabaseError(f"{path}: knowledge-base store of another version")
        return store

    def ensure(self, table: str, build: Callable[[sqlite3.Connection], None]) -> None:
        """Run ``build`` (which creates ``table`` and what goes with it) unless ``table`` exists:
        inside one immediate transaction, so another process waits and then finds it built."""
        with self._lock:
            if self._has(table):
                return
            connection = self.connection
            connection.execute("BEGIN IMMEDIATE")
            try:
                if not self._has(table):
                    build(connection)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise

    def _has(self, table: str) -> bool:
        return self.query_one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)) is not None

    # -- reading ----------------------------------------------------------------------------------

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
        with self._lock:
            return self.connection.execute(sql, tuple(params)).fetchall()

    def query_one(self, sql: str, params: Iterable[Any] = ()) -> tuple | None:
        with self._lock:
            return self.connection.execute(sql, tuple(params)).fetchone()

    def meta(self, name: str) -> str | None:
        row = self.query_one("SELECT value FROM meta WHERE name = ?", (name,))
        return row[0] if row else None

    def _entity(self, entity_id: str) -> Entity | None:
        row = self.query_one("SELECT id, data FROM entities WHERE id = ?", (entity_id,))
        return _entity_of(*row) if row else None

    def entity_count(self) -> int:
        return self.query_one("SELECT count(*) FROM entities")[0]

    def entity_ids(self) -> list[str]:
        return [r[0] for r in self.query("SELECT id FROM entities ORDER BY n")]

    def all_entities(self) -> list[Entity]:
        return [_entity_of(*r) for r in self.query("SELECT id, data FROM entities ORDER BY n")]

    def all_forms(self) -> list[NameForm]:
        """Every form in the order generated: for exports and review, never per document."""
        return [NameForm(*r) for r in self.query("SELECT entity_id, text, kind, part FROM forms ORDER BY n")]

    def form_count(self) -> int:
        return self.query_one("SELECT count(*) FROM forms")[0]

    def _forms_of(self, entity_id: str) -> tuple[NameForm, ...]:
        sql = "SELECT entity_id, text, kind, part FROM forms WHERE entity_id = ? ORDER BY n"
        return tuple(NameForm(*r) for r in self.query(sql, (entity_id,)))

    def forms_named(self, folded: str) -> list[NameForm]:
        """Forms whose text folds (:func:`~pipeline.kb.keys.fold`) to ``folded``."""
        sql = "SELECT entity_id, text, kind, part FROM forms WHERE folded = ? ORDER BY n"
        return [NameForm(*r) for r in self.query(sql, (folded,))]

    def forms_ending(self, last_key: str) -> list[NameForm]:
        """Forms whose last word has the key ``last_key`` (``create``'s ``last_key``)."""
        sql = "SELECT entity_id, text, kind, part FROM forms WHERE last_key = ? ORDER BY n"
        return [NameForm(*r) for r in self.query(sql, (last_key,))]

    def forms_by_number(self, numbers: Iterable[int]) -> dict[int, NameForm]:
        numbers = list(numbers)
        out: dict[int, NameForm] = {}
        for start in range(0, len(numbers), 900):  # SQLite's bound-parameter limit
            chunk = numbers[start : start + 900]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT n, entity_id, text, kind, part FROM forms WHERE n IN ({marks})"
            out.update((r[0], NameForm(*r[1:])) for r in self.query(sql, chunk))
        return out

    def folded_by_number(self, numbers: list[int]) -> list[str]:
        """The folded texts of the forms ``numbers`` (in that order)."""
        out: dict[int, str] = {}
        for start in range(0, len(numbers), 900):
            chunk = numbers[start : start + 900]
            sql = f"SELECT n, folded FROM forms WHERE n IN ({','.join('?' * len(chunk))})"
            out.update(self.query(sql, chunk))
        return [out[n] for n in numbers]

    def related(self, entity_id: str) -> dict[str, frozenset[str]]:
        return dict(self._related(entity_id))

    def _read_related(self, entity_id: str) -> tuple[tuple[str, frozenset[str]], ...]:
        rows = self.query("SELECT other, kinds FROM relations WHERE entity_id = ?", (entity_id,))
        return tuple((other, frozenset(json.loads(kinds))) for other, kinds in rows)

    def all_relations(self) -> dict[str, dict[str, frozenset[str]]]:
        out: dict[str, dict[str, frozenset[str]]] = {}
        for e, other, kinds in self.query("SELECT entity_id, other, kinds FROM relations"):
            out.setdefault(e, {})[other] = frozenset(json.loads(kinds))
        return out

    def words(self, kind: str) -> set[str]:
        return {r[0] for r in self.query("SELECT word FROM words WHERE kind = ?", (kind,))}

    def close(self) -> None:
        with self._lock:
            self.connection.close()


class StoreWriter:
    """Writes a new store row by row (a knowledge base's build streams its forms, never holding
    them all): entities and forms in the order added, then :meth:`finish` adds the relations,
    word sets and meta, indexes the tables and returns the :class:`KbStore`.

    ``target`` the new file (None: in memory); ``last_key`` keys a form's last word
    (:meth:`KbStore.forms_ending`).
    """

    BATCH = 20_000

    def __init__(self, target: Path | None, last_key: Callable[[str], str]) -> None:
        self.target, self.last_key = target, last_key
        self.connection = _connect(target, writable=True)
        # a new file, renamed into place only once complete: no journal, no syncing row by row
        self.connection.execute("PRAGMA journal_mode = OFF")
        self.connection.execute("PRAGMA synchronous = OFF")
        self.connection.executescript(_TABLES + _GROUP_TABLES)
        self.connection.execute("BEGIN")
        self._entities: list[tuple[str, str, float, str]] = []
        self._forms: list[tuple[str, str, str, str, str, str]] = []
        self._groups: set[int] = set()
        self._bearers: list[tuple[str, int]] = []
        self._texts: set[str] = set()  # the distinct texts of the forms, which the alias keys key once each

    def add_entity(self, entity: Entity) -> None:
        self._entities.append((entity.id, entity.label, entity.prominence, _entity_data(entity)))
        if len(self._entities) >= self.BATCH:
            self._flush()

    def add_forms(self, forms: Iterable[NameForm]) -> None:
        if self._bearers:
            self._flush_groups()
        for f in forms:
            self._forms.append((f.entity_id, *self._row(f.text, f.kind, f.part)))
            self._texts.add(f.text)
        if len(self._forms) >= self.BATCH:
            self._flush()

    def add_group_forms(self, entity_id: str, group: int, forms: Sequence[tuple[str, str, str]]) -> None:
        """The forms (text, kind, part) of ``entity_id`` that every entity of ``group`` has (the pet
        names of one given name): their rows are made once per group, and SQLite copies them for
        each bearer, in the order added, as :meth:`add_forms` would have written them."""
        if self._forms:
            self._flush()
        if group not in self._groups:
            self._groups.add(group)
            self._texts.update(text for text, _, _ in forms)
            self.connection.executemany(
                "INSERT INTO temp.form_groups VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((group, seq, *self._row(*form)) for seq, form in enumerate(forms)),
            )
        self._bearers.append((entity_id, group))
        if len(self._bearers) >= self.BATCH:
            self._flush_groups()

    def close_part(self) -> set[str]:
        """Write what is pending and close: the file is a part of a store (its entities and forms,
        for :meth:`add_part`); the distinct texts of its forms."""
        self._flush()
        self.connection.execute("COMMIT")
        self.connection.close()
        return self._texts

    def add_part(self, path: Path, texts: set[str]) -> None:
        """The entities and forms of the part at ``path`` (:meth:`close_part`; ``texts`` its
        forms' distinct texts) after those added so far, in their order."""
        self._flush()
        connection = self.connection
        connection.execute("COMMIT")  # SQLite attaches a database only outside a transaction
        connection.execute("ATTACH DATABASE ? AS part", (str(path),))
        connection.execute("BEGIN")
        connection.execute(
            "INSERT INTO entities (id, label, prominence, data) SELECT id, label, prominence, data "
            "FROM part.entities ORDER BY n"
        )
        connection.execute(
            "INSERT INTO forms (entity_id, text, kind, part, folded, last_key) "
            "SELECT entity_id, text, kind, part, folded, last_key FROM part.forms ORDER BY n"
        )
        connection.execute("COMMIT")
        connection.execute("DETACH DATABASE part")
        connection.execute("BEGIN")
        self._texts |= texts

    def _row(self, text: str, kind: str, part: str) -> tuple[str, str, str, str, str]:
        words = text.split()
        return text, kind, part, fold(text), self.last_key(words[-1]) if words else ""

    def _flush(self) -> None:
        self.connection.executemany(
            "INSERT INTO entities (id, label, prominence, data) VALUES (?, ?, ?, ?)", self._entities
        )
        self.connection.executemany(
            "INSERT INTO forms (entity_id, text, kind, part, folded, last_key) VALUES (?, ?, ?, ?, ?, ?)", self._forms
        )
        self._entities, self._forms = [], []
        self._flush_groups()

    def _flush_groups(self) -> None:
        connection = self.connection
        connection.executemany("INSERT INTO temp.group_bearers (entity_id, grp) VALUES (?, ?)", self._bearers)
        connection.execute(
            "INSERT INTO forms (entity_id, text, kind, part, folded, last_key) "
            "SELECT b.entity_id, g.text, g.kind, g.part, g.folded, g.last_key "
            "FROM temp.group_bearers b JOIN temp.form_groups g ON g.grp = b.grp ORDER BY b.n, g.seq"
        )
        connection.execute("DELETE FROM temp.group_bearers")
        self._bearers = []

    def finish(
        self,
        relations: Mapping[str, Mapping[str, frozenset[str]]],
        words: Mapping[str, Iterable[str]],
        meta: Mapping[str, str] = {},
    ) -> KbStore:
        """The store, with ``relations`` (id -> other id -> kinds), ``words`` (the word sets by
        kind) and ``meta`` (what the file is of)."""
        self._flush()
        connection = self.connection
        connection.execute("DROP TABLE temp.form_groups")
        connection.execute("DROP TABLE temp.group_bearers")
        connection.executemany("INSERT INTO texts VALUES (?)", ((t,) for t in sorted(self._texts)))
        connection.executemany(
            "INSERT INTO relations VALUES (?, ?, ?)",
            ((e, other, json.dumps(sorted(kinds))) for e, ties in relations.items() for other, kinds in ties.items()),
        )
        connection.executemany(
            "INSERT OR IGNORE INTO words VALUES (?, ?)", ((kind, w) for kind, ws in words.items() for w in ws)
        )
        connection.executemany("INSERT INTO meta VALUES (?, ?)", {**meta, "schema": SCHEMA_VERSION}.items())
        for statement in _INDEXES.strip().splitlines():
            connection.execute(statement)
        connection.execute("COMMIT")
        connection.execute("PRAGMA journal_mode = DELETE")
        return KbStore(connection, self.target)


class EntityTable(Mapping[str, Entity]):
    """``kb.entities``: the store's entities by id, read on demand (and the last ones kept)."""

    def __init__(self, store: KbStore) -> None:
        self.store = store

    def __getitem__(self, entity_id: str) -> Entity:
        found = self.store.entity(entity_id)
        if found is None:
            raise KeyError(entity_id)
        return found

    def __contains__(self, entity_id: object) -> bool:
        return isinstance(entity_id, str) and self.store.entity(entity_id) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.store.entity_ids())

    def __len__(self) -> int:
        return self.store.entity_count()

    def values(self) -> list[Entity]:  # type: ignore[override]  # one query, not one per id
        return self.store.all_entities()

    def items(self) -> list[tuple[str, Entity]]:  # type: ignore[override]
        return [(e.id, e) for e in self.store.all_entities()]


def _connect(path: Path | None, writable: bool) -> sqlite3.Connection:
    target = str(path) if path is not None else ":memory:"
    connection = sqlite3.connect(target, check_same_thread=False, isolation_level=None, timeout=600)
    if path is not None:
        connection.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    connection.execute("PRAGMA cache_size = -8000")  # 8 MB of SQLite's own page cache per process
    return connection


def _entity_data(entity: Entity) -> str:
    return json.dumps([getattr(entity, name) for name in _ENTITY_FIELDS], ensure_ascii=False)


def _entity_of(entity_id: str, data: str) -> Entity:
    values = dict(zip(_ENTITY_FIELDS, json.loads(data), strict=True))
    values["given"], values["surname"] = tuple(values["given"]), tuple(values["surname"])
    return Entity(id=entity_id, **values)
