"""The build of a knowledge base's store: pet names written once per group, and pass 1 in
forked workers, each giving the very tables of one pass in one process."""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path

import pytest
from test_kb_tiny import LABELS, MERCADER, NAMES, PERSONS, SEDOVA, TROTSKY

from pipeline.kb import SHORT, KnowledgeBase, KnowledgeBaseError, NameForm
from pipeline.kb import build as build_module
from pipeline.kb.bulk import paused_gc
from pipeline.kb.keys import fold
from pipeline.kb.store import StoreWriter

#: Enough people for several slices: namesakes of the tiny knowledge base's three.
MANY = [
    {**person, "id": f"{person['id']}-{n}", "canonical": f"{person['canonical']} {n}"}
    for n in range(7)
    for person in PERSONS
]


def tables(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table but ``meta`` (which names the file), sorted (the forms and
    entities by their number: in the order written)."""
    connection = sqlite3.connect(path)
    names = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    rows = {name: sorted(connection.execute(f"SELECT * FROM {name}")) for name in names}
    connection.close()
    rows.pop("meta")
    return rows


def build_at(path: Path, persons: list[dict], parallel: bool, monkeypatch) -> None:
    monkeypatch.setattr(build_module, "PARALLEL_ENTRIES", 2 if parallel else 10**9)
    records = [(p, True) for p in persons]
    KnowledgeBase.from_records(records, names=NAMES, labels=LABELS, target=path).store.close()


def test_forms_of_a_group_are_the_rows_each_bearer_would_have_had():
    last = str.lower
    one_by_one, grouped = StoreWriter(None, last), StoreWriter(None, last)
    pets = [("Levushka", SHORT, "pet"), ("Levochka", SHORT, "pet")]
    for writer in (one_by_one, grouped):
        writer.add_forms([NameForm("a", "Lev Trotsky", "full")])
    for bearer in ("a", "b"):
        one_by_one.add_forms(NameForm(bearer, *pet) for pet in pets)
        grouped.add_group_forms(bearer, 1, pets)
    for writer in (one_by_one, grouped):
        writer.add_forms([NameForm("b", "Lev Sedov", "full")])
    stores = [w.finish({}, {}) for w in (one_by_one, grouped)]
    rows = [s.query("SELECT * FROM forms ORDER BY n") for s in stores]
    assert rows[0] == rows[1]
    assert [r[1:3] for r in rows[1][1:3]] == [("a", "Levushka"), ("a", "Levochka")]
    assert rows[1][2][5:] == (fold("Levochka"), "levochka")
    assert [r[0] for r in stores[1].query("SELECT text FROM texts ORDER BY text")] == sorted(
        ["Lev Trotsky", "Levushka", "Levochka", "Lev Sedov"]
    )


def test_pass_one_in_workers_gives_the_tables_of_one_pass(tmp_path, monkeypatch):
    calls = []
    real = build_module._parallel_first_pass
    monkeypatch.setattr(build_module, "_parallel_first_pass", lambda *a: calls.append(1) or real(*a))
    build_at(tmp_path / "one.sqlite", MANY, parallel=False, monkeypatch=monkeypatch)
    assert calls == []
    build_at(tmp_path / "workers.sqlite", MANY, parallel=True, monkeypatch=monkeypatch)
    assert calls == [1]
    one, workers = tables(tmp_path / "one.sqlite"), tables(tmp_path / "workers.sqlite")
    assert len(one["forms"]) > 100 and any(r[4] == "pet" for r in one["forms"])  # pet names of Lev and Natalia
    assert workers == one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.sqlite", "workers.sqlite"]  # no part left


@pytest.mark.parametrize(
    ("persons", "message"),
    [
        (MANY + [{**TROTSKY, "id": MANY[0]["id"]}], f"duplicate knowledge base id: {MANY[0]['id']}"),
        (MANY[:10] + [{**SEDOVA, "id": "x"}, {**MERCADER, "id": "x"}] + MANY[10:], "duplicate knowledge base id: x"),
        (MANY + [{"id": "no-canonical"}], "knowledge base entry without canonical"),
    ],
    ids=["across slices", "within a slice", "malformed entry"],
)
def test_an_error_in_workers_is_the_error_of_one_pass(tmp_path, monkeypatch, persons, message):
    errors = []
    for parallel in (False, True):
        with pytest.raises(KnowledgeBaseError, match=message) as caught:
            build_at(tmp_path / f"{parallel}.sqlite", persons, parallel, monkeypatch)
        errors.append(str(caught.value))
    assert errors[0] == errors[1]
    assert not list(tmp_path.glob("*.part*"))


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_for_a_bulk_step_and_left_as_it_was(enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(RuntimeError), paused_gc():
            assert not gc.isenabled()
            raise RuntimeError
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
