"""The build of a knowledge base's store: pet names written once per group, and pass 1 in
forked workers, each giving the very tables of one pass in one process."""

from __future__ import annotations

import gc
import json
import sqlite3
import subprocess
import sys
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


#: The knowledge bases the builds below are of, by name.
CASES = {
    "many": MANY,
    "across slices": MANY + [{**TROTSKY, "id": MANY[0]["id"]}],
    "within a slice": MANY[:10] + [{**SEDOVA, "id": "x"}, {**MERCADER, "id": "x"}] + MANY[10:],
    "malformed entry": MANY + [{"id": "no-canonical"}],
}


def build_here(path: str, case: str, parallel: bool) -> dict:
    """Build ``CASES[case]`` at ``path`` in this process: whether pass 1 ran in workers, and the error."""
    build_module.PARALLEL_ENTRIES = 2 if parallel else 10**9
    used = []
    real = build_module._parallel_first_pass
    build_module._parallel_first_pass = lambda *a: used.append(1) or real(*a)
    try:
        KnowledgeBase.from_records(
            [(p, True) for p in CASES[case]], names=NAMES, labels=LABELS, target=Path(path)
        ).store.close()
        error = None
    except KnowledgeBaseError as err:
        error = str(err)
    return {"workers": bool(used), "error": error}


def build_at(path: Path, case: str, parallel: bool) -> dict:
    """:func:`build_here` in a new process: workers are forked only from a process with no other
    thread, which the test session may not be (a Dask client, a progress bar)."""
    code = (
        f"import json, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); from test_kb_build import build_here; "
        f"print(json.dumps(build_here({str(path)!r}, {case!r}, {parallel})))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


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


def test_pass_one_in_workers_gives_the_tables_of_one_pass(tmp_path):
    assert build_at(tmp_path / "one.sqlite", "many", parallel=False) == {"workers": False, "error": None}
    assert build_at(tmp_path / "workers.sqlite", "many", parallel=True) == {"workers": True, "error": None}
    one, workers = tables(tmp_path / "one.sqlite"), tables(tmp_path / "workers.sqlite")
    assert len(one["forms"]) > 100 and any(r[4] == "pet" for r in one["forms"])  # pet names of Lev and Natalia
    assert workers == one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.sqlite", "workers.sqlite"]  # no part left


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("across slices", f"duplicate knowledge base id: {MANY[0]['id']}"),
        ("within a slice", "duplicate knowledge base id: x"),
        ("malformed entry", "knowledge base entry without canonical"),
    ],
)
def test_an_error_in_workers_is_the_error_of_one_pass(tmp_path, case, message):
    one = build_at(tmp_path / "one.sqlite", case, parallel=False)
    workers = build_at(tmp_path / "workers.sqlite", case, parallel=True)
    assert one == {"workers": False, "error": one["error"]} and message in one["error"]
    assert workers == {"workers": True, "error": one["error"]}
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
