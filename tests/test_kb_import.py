"""``namelink kb import``: people from CSV and Wikidata JSON merged into a copy of the knowledge base.

Fixtures: ``tests/data/kb/`` (written for these tests in Wikidata's own formats; see its README).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.kb import KnowledgeBase
from pipeline.kb.import_formats import read_wikidata, slug
from pipeline.kb.importing import import_people
from pipeline.kb.validate import check_models
from pipeline.resources import DEFAULT_MODELS_DIR, ModelsError

DATA = Path(__file__).resolve().parent / "data" / "kb"


@pytest.fixture
def models(tmp_path) -> Path:
    return Path(shutil.copytree(DEFAULT_MODELS_DIR, tmp_path / "models"))


def persons(folder: Path) -> dict[str, dict]:
    return {e["id"]: e for e in yaml.safe_load((folder / "kb" / "persons.yaml").read_text(encoding="utf-8"))}


def test_a_csv_adds_new_people_and_merges_a_known_one_keeping_the_file_as_written(models):
    before = (models / "kb" / "persons.yaml").read_text(encoding="utf-8")
    report = import_people(DATA / "people.csv", None, models)
    assert report.added == ["anton-grylewicz", "kurt-landau", "katia-landau"]  # an empty id made from the name
    assert report.changed == ["lev-sedov"]
    after = (models / "kb" / "persons.yaml").read_text(encoding="utf-8")
    assert after.startswith(before.split("- id: lev-sedov")[0])  # header comments and entries before it kept
    people = persons(models)
    assert people["kurt-landau"]["related"] == {"spouse": ["katia-landau"]}
    assert people["kurt-landau"]["aliases"] == ["Wolf Bertram"] and people["anton-grylewicz"]["born"] == 1885
    assert "Lyova Sedoff" in people["lev-sedov"]["aliases"]
    assert people["lev-sedov"]["canonical"] == "Lev Sedov" and people["lev-sedov"]["sex"] == "M"  # kept
    assert check_models(models) == []
    assert KnowledgeBase.load(models).entities["kurt-landau"].canonical == "Kurt Landau"


def test_a_bad_csv_row_names_its_line_and_nothing_is_written(models):
    before = (models / "kb" / "persons.yaml").read_bytes()
    with pytest.raises(ModelsError) as caught:
        import_people(DATA / "bad_people.csv", None, models)
    found = [str(p) for p in caught.value.problems]
    assert any("bad_people.csv:3: born: '18x3' is not a whole number" in p for p in found), found
    assert any("bad_people.csv:4: canonical: empty" in p for p in found), found
    assert (models / "kb" / "persons.yaml").read_bytes() == before


def test_a_wikidata_dump_gives_humans_with_every_label_their_names_and_relations(models):
    people, problems, skipped = read_wikidata(DATA / "wikidata_dump.json")
    assert problems == []
    by_qid = {p.entry["wikidata"]: p.entry for p in people}
    assert set(by_qid) == {"Q90000001", "Q90000002", "Q33391"}  # the name items and the town are no people
    assert [why for _, why in skipped] == ["Q90000020: not a human (P31 Q5)"]
    henk = by_qid["Q90000001"]
    assert (henk["id"], henk["canonical"], henk["sex"], henk["born"], henk["died"]) == (
        "henk-sneevliet",
        "Henk Sneevliet",
        "M",
        1883,
        1942,
    )
    assert henk["given"] == ["Henk"] and henk["surname"] == ["Sneevliet"]  # the labels of P735 and P734 items
    assert {"Хенк Снефлит", "H. Sneevliet", "Maring"} <= set(henk["aliases"])  # every script; the pseudonym
    assert "Simochka" in by_qid["Q90000002"]["aliases"] and by_qid["Q90000002"]["sex"] == "F"  # a nickname
    assert "spouse" not in by_qid["Q33391"].get("related", {})  # a deprecated statement is not read


def test_a_wikidata_import_merges_by_wikidata_id_and_maps_relations_to_ids(models):
    report = import_people(DATA / "wikidata_dump.json", None, models)
    assert report.added == ["henk-sneevliet", "sima-sneevliet"] and report.changed == ["leon-trotsky"]
    assert any("Q99999999 is nobody" in n for n in report.notes)  # a child the knowledge base does not have
    assert any("leon-trotsky keeps its description" in n for n in report.notes)
    people = persons(models)
    assert people["henk-sneevliet"]["related"] == {"spouse": ["sima-sneevliet"]}
    trotsky = people["leon-trotsky"]
    assert {"Лев Троцкий", "Leo Trotzki", "Old Man", "Starik"} <= set(trotsky["aliases"])
    assert trotsky["description"].startswith("Russian revolutionary")  # the knowledge base's own wins
    assert trotsky["related"]["spouse"] == ["aleksandra-sokolovskaya", "natalia-sedova"]
    assert check_models(models) == []
    again = import_people(DATA / "wikidata_dump.json", None, models)  # a second import changes nothing
    assert again.added == [] and again.changed == [] and "leon-trotsky" in again.unchanged


def test_the_wbgetentities_answer_is_read_too(models):
    people, problems, _ = read_wikidata(DATA / "wbgetentities.json")
    assert problems == [] and [p.entry["id"] for p in people] == ["henk-sneevliet"]
    text = (DATA / "wbgetentities.json").read_text(encoding="utf-8")
    line = text[: text.index('"Q90000001"')].count("\n") + 1
    assert people[0].where == f"{DATA / 'wbgetentities.json'}:{line}"  # FILE:LINE of the entity


def test_an_imported_person_links_in_a_run(models):
    from pipeline.batch import Pipeline

    import_people(DATA / "wikidata_dump.json", None, models)
    record = Pipeline(models=models).process_text(
        "In Moscow Henk Sneevliet, who signed as Maring, met Trotsky. Sneevliet left for China in 1921.", "t"
    )
    persons_found = {(e["text"], e["entity_id"]) for e in record["entities"] if e["label"] == "PERSON"}
    assert ("Henk Sneevliet", "henk-sneevliet") in persons_found
    assert ("Sneevliet", "henk-sneevliet") in persons_found


def test_the_command_prints_a_summary_and_a_dry_run_writes_nothing(models):
    before = (models / "kb" / "persons.yaml").read_bytes()
    dry = CliRunner().invoke(cli, ["kb", "import", str(DATA / "people.csv"), "--into", str(models), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would import" in dry.output and "added 3, changed 1, unchanged 0, skipped 0" in dry.output
    assert (models / "kb" / "persons.yaml").read_bytes() == before
    bad = CliRunner().invoke(cli, ["kb", "import", str(DATA / "bad_people.csv"), "--into", str(models)])
    assert bad.exit_code == 2 and "nothing imported" in bad.output and "bad_people.csv:3" in bad.output
    real = CliRunner().invoke(cli, ["kb", "import", str(DATA / "wikidata_dump.json"), "--into", str(models)])
    assert real.exit_code == 0 and "added 2, changed 1" in real.output
    assert "henk-sneevliet" in persons(models)


def test_slugs_are_ascii_words():
    assert slug("Léon Sedov") == "leon-sedov" and slug("Лев Троцкий") == "lev-trotskiy"
