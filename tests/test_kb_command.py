"""``namelink kb list|show|search|patterns|add`` through click's CliRunner, on the real models folder
(``add`` on copies of it in tmp), and the library functions behind them.

Only three tests load the spaCy model beyond the session's ``pipe`` (one ``kb search``, one ``run``
after ``kb add``); the others read the knowledge base alone. Every sentence here is written for the test.
"""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT

from pipeline.cli import cli
from pipeline.kb import KnowledgeBase
from pipeline.kb.append import appended, entry_text, person_entry

MODELS = ROOT / "models"
NEW_PERSON = [
    "--id", "henk-sneevliet", "--canonical", "Henk Sneevliet", "--given", "Henk", "--surname", "Sneevliet",
    "--alias", "Maring", "--sex", "M", "--description", "Dutch communist: Comintern envoy to China (1883-1942)",
]  # fmt: skip


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def real_kb() -> KnowledgeBase:
    return KnowledgeBase.load(MODELS)


@pytest.fixture
def models_copy(tmp_path):
    """A copy of the project's models folder that a test may write to."""
    return shutil.copytree(MODELS, tmp_path / "models")


# -- kb list ------------------------------------------------------------------------------------


def test_list_persons_sorted_with_wikidata_and_form_counts(real_kb):
    result = invoke("kb", "list", "--label", "person", "--json", "--models", str(MODELS))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["label"] for r in rows} == {"PERSON"}
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert len(rows) == sum(e.label == "PERSON" for e in real_kb.entities.values())
    trotsky = next(r for r in rows if r["id"] == "leon-trotsky")
    assert trotsky == {
        "id": "leon-trotsky",
        "canonical": "Leon Trotsky",
        "label": "PERSON",
        "wikidata": "Q33391",
        "forms": len(real_kb.forms_of("leon-trotsky")),
    }


def test_list_label_is_any_case_and_all_labels_without_it():
    upper = invoke("kb", "list", "--label", "PERSON", "--json").output
    assert invoke("kb", "list", "--label", "Person", "--json").output == upper
    every = json.loads(invoke("kb", "list", "--json").output)
    assert {"PERSON", "GPE", "ORG"} <= {r["label"] for r in every}


def test_list_table_has_a_header_and_one_line_an_entry(real_kb):
    lines = invoke("kb", "list").output.splitlines()
    assert lines[0].split() == ["id", "canonical", "label", "wikidata", "forms"]
    assert len(lines) == len(real_kb.entities) + 1


def test_list_unknown_label_is_an_error_naming_the_labels():
    result = CliRunner().invoke(cli, ["kb", "list", "--label", "people"])
    assert result.exit_code == 2
    assert "people" in result.output and "PERSON" in result.output


# -- kb show ------------------------------------------------------------------------------------


def test_show_gives_fields_forms_with_kinds_and_relations():
    result = invoke("kb", "show", "natalia-sedova")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Natalia Sedova  (natalia-sedova, PERSON)")
    assert "Trotsky's second wife" in out  # the description
    assert "sex:        F" in out
    for line in ("Natalia Ivanovna Sedova  full name", "Natasha ", "Sedova "):
        assert line in out
    assert "diminutive" in out and "pet name (generated)" in out and "surname" in out
    assert "spouse: Leon Trotsky (leon-trotsky)" in out  # listed on Trotsky's entry: the inverse
    assert "child: Lev Sedov (lev-sedov)" in out


def test_show_json_has_every_form_of_the_entry(real_kb):
    page = json.loads(invoke("kb", "show", "leon-trotsky", "--json").output)
    assert page["wikidata"] == "Q33391" and page["sex"] == "M"
    assert {f["text"] for f in page["forms"]} == {f.text for f in real_kb.forms_of("leon-trotsky")}
    kinds = {f["text"]: f["kind"] for f in page["forms"]}
    assert kinds["Leon Trotsky"] == "full name" and kinds["Trotsky"] == "surname"


@pytest.mark.parametrize(
    ("wrong", "meant"),
    [("trotsky", "leon-trotsky"), ("lev-sedof", "lev-sedov"), ("Natalia Sedova", "natalia-sedova")],
)
def test_show_unknown_id_suggests_the_ids_meant(wrong, meant):
    result = CliRunner().invoke(cli, ["kb", "show", wrong])
    assert result.exit_code == 2
    assert "did you mean" in result.output and meant in result.output.split("did you mean", 1)[1]


def test_show_unknown_id_with_nothing_close_suggests_nothing_wrong():
    result = CliRunner().invoke(cli, ["kb", "show", "zzqx"])
    assert result.exit_code == 2
    assert "did you mean" not in result.output and "kb list" in result.output


# -- kb patterns --------------------------------------------------------------------------------


def test_patterns_are_every_name_form_once(real_kb):
    result = invoke("kb", "patterns")
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert all(set(r) == {"label", "pattern", "id"} for r in rows)
    expected = {(real_kb.entities[f.entity_id].label, f.text, f.entity_id) for f in real_kb.forms}
    assert {(r["label"], r["pattern"], r["id"]) for r in rows} == expected
    assert len(rows) == len(expected)


def test_patterns_file_finds_trotsky_with_a_real_entity_ruler(tmp_path):
    import spacy

    out = tmp_path / "patterns.jsonl"
    result = invoke("kb", "patterns", "-o", str(out))
    assert result.exit_code == 0 and out.is_file()
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").from_disk(out)
    doc = nlp("After the long crossing Leon Trotsky reached Tampico with his wife.")
    found = [(e.text, e.label_, e.ent_id_) for e in doc.ents]
    assert found == [("Leon Trotsky", "PERSON", "leon-trotsky"), ("Tampico", "GPE", "tampico")]  # places too
    assert nlp("The weather stayed fine all week.").ents == ()  # no name: nothing


def test_patterns_kind_and_label_filters(real_kb):
    rows = [json.loads(x) for x in invoke("kb", "patterns", "--kind", "full", "--label", "person").output.splitlines()]
    texts = {r["pattern"] for r in rows if r["id"] == "leon-trotsky"}
    assert "Leon Trotsky" in texts and "Trotsky" not in texts  # a surname alone is a short form
    assert {r["label"] for r in rows} == {"PERSON"}
    ruler_rows = invoke("kb", "patterns", "--kind", "short").output.splitlines()
    assert any(json.loads(x)["pattern"] == "Trotsky" for x in ruler_rows)


# -- kb add: the entry as text -------------------------------------------------------------------


def test_entry_text_is_one_item_in_the_files_layout():
    entry = person_entry(
        id="ada-test", canonical="Ada Test", given=["Ada", "yes"], description="painter:  of  Vienna", sex="F"
    )
    text = entry_text(entry)
    assert text.splitlines()[0] == "- id: ada-test"
    assert list(entry) == ["id", "canonical", "sex", "description", "given"]  # the header's key order
    assert "  given: [Ada, 'yes']" in text  # quoted: YAML would read a bare yes as true
    assert yaml.safe_load(text) == [{**entry, "description": "painter: of Vienna"}]


def test_appended_keeps_every_byte_before_and_one_blank_line_between():
    entry = person_entry(id="ada-test", canonical="Ada Test")
    for old in ("# head\n\n- id: a\n  canonical: A\n", "# head\n\n- id: a\n  canonical: A"):
        new = appended(old, entry)
        assert new.startswith(old)
        assert "canonical: A\n\n- id: ada-test\n" in new
        assert [e["id"] for e in yaml.safe_load(new)] == ["a", "ada-test"]


# -- kb add: the command -------------------------------------------------------------------------


def test_add_appends_the_person_and_check_models_passes(models_copy):
    path = models_copy / "kb" / "persons.yaml"
    before = path.read_text(encoding="utf-8")
    result = invoke("kb", "add", *NEW_PERSON, "--related", "friend=leon-trotsky", "--into", str(models_copy))
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)  # comments and layout kept: appended, never dumped again
    added = yaml.safe_load(after)[-1]
    assert added["id"] == "henk-sneevliet" and added["aliases"] == ["Maring"]
    assert added["related"] == {"friend": ["leon-trotsky"]}
    assert invoke("check-models", str(models_copy)).exit_code == 0
    page = json.loads(invoke("kb", "show", "henk-sneevliet", "--json", "--models", str(models_copy)).output)
    assert {"Henk Sneevliet", "H. Sneevliet", "Sneevliet", "Maring"} <= {f["text"] for f in page["forms"]}
    assert {"kind": "friend", "id": "leon-trotsky", "canonical": "Leon Trotsky"} in page["related"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--id", "leon-trotsky", "--canonical", "Leon Trotsky"], "duplicate id 'leon-trotsky'"),
        (["--id", "ada-test", "--canonical", "Ada Test", "--wikidata", "X42"], "expected a Wikidata id"),
        (["--id", "ada-test", "--given", "Ada"], "missing key 'canonical'"),
        (["--id", "Ada Test", "--canonical", "Ada Test"], "lower-case slug"),
        (["--id", "ada-test", "--canonical", "Ada Test", "--related", "spouse=nobody-known"], "nobody-known"),
        (["--id", "ada-test", "--canonical", "Ada Test", "--related", "muse=leon-trotsky"], "unknown relation kind"),
    ],
)
def test_add_rejects_a_bad_entry_and_leaves_the_file_untouched(models_copy, args, message):
    path = models_copy / "kb" / "persons.yaml"
    before = path.read_bytes()
    result = CliRunner().invoke(cli, ["kb", "add", *args, "--into", str(models_copy)])
    assert result.exit_code == 2, result.output
    assert message in result.output and "not added" in result.output
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["organisations.yaml", "persons.yaml", "places.yaml"]


def test_add_dry_run_prints_the_entry_and_writes_nothing(models_copy):
    path = models_copy / "kb" / "persons.yaml"
    before = path.read_bytes()
    result = invoke("kb", "add", *NEW_PERSON, "--dry-run", "--into", str(models_copy))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("- id: henk-sneevliet\n  canonical: Henk Sneevliet\n")
    assert path.read_bytes() == before


def test_add_notes_a_full_name_another_entry_has(models_copy):
    result = CliRunner().invoke(
        cli, ["kb", "add", "--id", "leon-trotsky-2", "--canonical", "Leon Trotsky", "--into", str(models_copy)]
    )
    assert result.exit_code == 0
    assert "note: 'Leon Trotsky' names leon-trotsky too" in result.output


def test_the_added_person_links_in_a_run(models_copy, tmp_path):
    text = "In 1921 Henk Sneevliet sailed for Shanghai. Later Sneevliet broke with the Comintern.\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "note.txt").write_text(text, encoding="utf-8")
    assert invoke("kb", "add", *NEW_PERSON, "--into", str(models_copy)).exit_code == 0
    out = tmp_path / "out"
    result = invoke("run", str(tmp_path / "in"), "--out", str(out), "--models", str(models_copy))
    assert result.exit_code == 0, result.output
    record = json.loads((out / "documents.jsonl").read_text(encoding="utf-8").splitlines()[0])
    linked = {(e["text"], e["entity_id"]) for e in record["entities"] if e["label"] == "PERSON"}
    assert {("Henk Sneevliet", "henk-sneevliet"), ("Sneevliet", "henk-sneevliet")} <= linked


# -- kb search ----------------------------------------------------------------------------------


def test_explain_reads_the_linkers_candidates_and_link(pipe):
    from pipeline.review.explain import explain

    (found,) = explain(pipe, "Sedova")
    assert found.recognised == "PERSON" and not found.forced
    assert found.candidates[0]["entity_id"] == "natalia-sedova" and found.candidates[0]["method"] == "exact"
    assert found.link["entity_id"] == "natalia-sedova"


def test_explain_in_a_context_gives_the_decision_there_and_why(pipe):
    from pipeline.review.explain import explain

    context = "Natalia Sedova waited in Coyoacan for a letter from her son Lev."
    (found,) = explain(pipe, "Lev", context)
    assert (found.start, found.end) == (context.index("Lev"), context.index("Lev") + 3)
    assert len(found.candidates) > 1  # several Levs: the context decides
    assert found.link["entity_id"] == "lev-sedov" and "son" in found.link["reason"]
    assert {"text": "Natalia Sedova", "entity_id": "natalia-sedova", "method": "kb-exact"} in found.others
    (alone,) = explain(pipe, "Lev")  # without the context: not the son
    assert alone.link["entity_id"] != "lev-sedov"


def test_explain_picks_the_occurrence_that_is_a_name_of_its_own(pipe):
    from pipeline.review.explain import explain

    context = "Lev Kamenev came late; Lev was tired."
    (found,) = explain(pipe, "Lev", context)
    assert found.text == "Lev" and found.start == context.rindex("Lev")


def test_explain_links_a_string_the_recogniser_makes_no_person_of(pipe):
    from pipeline.review.explain import explain

    (found,) = explain(pipe, "trotzki")  # lower case, a spelling variant
    assert found.forced and found.recognised != "PERSON"
    assert found.candidates[0]["method"] == "variant"
    assert found.link["entity_id"] == "leon-trotsky"
    (nobody,) = explain(pipe, "Quentin Marlowe")
    assert nobody.candidates == [] and nobody.link["entity_id"].startswith("nil:")


def test_explain_of_a_string_not_in_the_context_is_an_error(pipe):
    from pipeline.review.explain import NotInContext, explain

    with pytest.raises(NotInContext):
        explain(pipe, "Sedova", "Nobody is named here.")


def test_search_command_prints_candidates_and_decision():
    result = invoke("kb", "search", "Tr0tsky", "--context", "A telegram from Tr0tsky arrived at noon.")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "'Tr0tsky' (characters 16-23, read as en)" in out
    assert "candidates, best first:" in out and "leon-trotsky" in out and " ocr " in out
    assert "links to: leon-trotsky (Leon Trotsky)" in out


def test_search_usage_errors_come_before_the_model_loads():
    result = CliRunner().invoke(cli, ["kb", "search", "Sedova", "--context", "Nobody is named here."])
    assert result.exit_code == 2 and "not in the context" in result.output
