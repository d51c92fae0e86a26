"""A malformed ``models/`` folder: every problem named with its file and line, exit code 2, no traceback.

Each test copies the real models folder into tmp_path and breaks one thing,
as a user hand-editing it would. Before the schema check, 14 such cases
ended in a traceback with exit code 1 (the code of "a document failed"),
half naming neither file nor line, and the others passed silently and
degraded linking (``aliases: Starik, Pero`` one alias, the typo ``alliases``
ignored, an empty persons.yaml making every person NIL).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.kb import KnowledgeBase
from pipeline.kb.validate import check_models
from pipeline.resources import DEFAULT_MODELS_DIR, LinkingRules, ModelsError, Problem

RAW_FILE = Path(__file__).resolve().parent.parent / "raw" / "000_e5c80eea1864f996.txt"
GOLD = Path(__file__).resolve().parent / "gold" / "seeds.jsonl"


@pytest.fixture
def models(tmp_path) -> Path:
    """A copy of the real models folder, to break."""
    return Path(shutil.copytree(DEFAULT_MODELS_DIR, tmp_path / "models", ignore=shutil.ignore_patterns("corrections")))


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` of ``path`` with ``new``; the 1-based line where ``new`` starts."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text[:at].count("\n") + 1


def line_of(path: Path, needle: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


def check_cli(folder: Path, *expected: str) -> str:
    """``namelink check-models FOLDER``: exit 2, no traceback, every ``expected`` line printed."""
    result = CliRunner().invoke(cli, ["check-models", str(folder)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for line in expected:
        assert line in result.output.splitlines(), result.output
    return result.output


def assert_problem(folder: Path, relative: str, line: int, message: str) -> None:
    """``check_models`` finds ``file:line: message`` (the message may go on), and so does the CLI."""
    path = folder / relative
    found = [str(p) for p in check_models(folder)]
    wanted = f"{path}:{line}: {message}" if line else f"{path}: {message}"
    assert any(p.startswith(wanted) for p in found), found
    check_cli(folder, next(p for p in found if p.startswith(wanted)))


# -- the knowledge base ----------------------------------------------------------------------------


def test_a_duplicate_id_names_both_places(models):
    persons = models / "kb" / "persons.yaml"
    first = line_of(persons, "- id: leon-trotsky")
    line = edit(persons, "- id: david-bronstein", "- id: leon-trotsky")
    assert_problem(models, "kb/persons.yaml", line, f"duplicate id 'leon-trotsky' (first at {persons}:{first})")


def test_an_id_shared_by_a_person_and_a_place_is_a_duplicate(models):
    line = edit(models / "kb" / "places.yaml", "- id: russia", "- id: leon-trotsky")
    assert_problem(models, "kb/places.yaml", line, "duplicate id 'leon-trotsky'")


def test_an_entry_without_id(models):
    line = edit(models / "kb" / "persons.yaml", "- id: david-bronstein\n  canonical:", "- canonical:")
    assert_problem(models, "kb/persons.yaml", line, "entry 2: missing key 'id'")


def test_a_prominence_in_words(models):
    line = edit(models / "kb" / "persons.yaml", "prominence: 100", "prominence: very high")
    assert_problem(
        models, "kb/persons.yaml", line, "leon-trotsky: prominence: expected a number, got the string 'very high'"
    )


def test_a_list_as_canonical(models):
    line = edit(models / "kb" / "persons.yaml", "canonical: Leon Trotsky", "canonical: [Leon Trotsky, Lev Trotsky]")
    assert_problem(models, "kb/persons.yaml", line, "leon-trotsky: canonical: expected a string, got a list")


def test_an_integer_id(models):
    line = edit(models / "kb" / "persons.yaml", "- id: david-bronstein", "- id: 42")
    assert_problem(models, "kb/persons.yaml", line, "entry 2: id: expected a string, got the number 42")


def test_aliases_written_as_one_string(models):
    persons = models / "kb" / "persons.yaml"
    line = edit(persons, "aliases: [Starik, Pero, Antid Oto, N. Trotsky]", "aliases: Starik, Pero")
    assert_problem(
        models,
        "kb/persons.yaml",
        line,
        "leon-trotsky: aliases: expected a list, got the string 'Starik, Pero', which the loader would read as "
        "one name: write [Starik, Pero]",
    )


def test_one_name_alone_is_still_a_list_of_one(models):
    edit(models / "kb" / "persons.yaml", "given: [David]", "given: David")  # as the loader has always read it
    assert check_models(models) == []


def test_an_unknown_key_is_named_with_the_key_it_resembles(models):
    line = edit(models / "kb" / "persons.yaml", "aliases: [Starik", "alliases: [Starik")
    assert_problem(models, "kb/persons.yaml", line, "leon-trotsky: unknown key 'alliases' (did you mean 'aliases'?)")


def test_an_empty_persons_file(models):
    (models / "kb" / "persons.yaml").write_text("# emptied by mistake\n", encoding="utf-8")
    assert_problem(models, "kb/persons.yaml", 1, "no entries (every person would be NIL)")


def test_a_missing_persons_file(models):
    (models / "kb" / "persons.yaml").unlink()
    assert_problem(models, "kb/persons.yaml", 0, "missing")


def test_a_yaml_syntax_error(models):
    line = edit(models / "kb" / "persons.yaml", "canonical: Leon Trotsky", "canonical: Leon: Trotsky")
    assert_problem(models, "kb/persons.yaml", line, "YAML syntax error: mapping values are not allowed")


def test_a_key_written_twice_in_one_entry(models):
    first = line_of(models / "kb" / "persons.yaml", "  sex: M")
    line = edit(models / "kb" / "persons.yaml", "  sex: M\n", "  sex: M\n  sex: F\n") + 1
    assert_problem(models, "kb/persons.yaml", line, f"key 'sex' written twice in one mapping (also on line {first})")


def test_an_unknown_relation_kind_and_a_related_id_that_is_no_person(models):
    persons = models / "kb" / "persons.yaml"
    kind = edit(persons, "    cousin: [moisei-shpentser]", "    godson: [moisei-shpentser]")
    other = edit(persons, "    friend: [alfred-rosmer, marguerite-rosmer]", "    friend: [alfred-rosmer, nobody-known]")
    assert_problem(models, "kb/persons.yaml", kind, "leon-trotsky: unknown relation kind 'godson'")
    assert_problem(
        models, "kb/persons.yaml", other, "leon-trotsky: related.friend: 'nobody-known' is not a person"
    )


def test_a_place_with_an_unknown_label(models):
    line = edit(models / "kb" / "places.yaml", "  label: GPE", "  label: CITY")
    assert_problem(models, "kb/places.yaml", line, "russia: unknown label 'CITY'")


# -- the rules and the learned layer ---------------------------------------------------------------


def test_a_threshold_of_the_wrong_type(models):
    line = edit(models / "rules" / "linking.yaml", "\ncontext_chars: ", "\ncontext_chars: lots #") + 1
    assert_problem(models, "rules/linking.yaml", line, "context_chars: expected a whole number, got the string 'lots'")


def test_a_boolean_where_a_word_belongs(models):
    line = edit(models / "rules" / "recognise.yaml", 'upon, "on"]', "upon, on]")
    assert_problem(models, "rules/recognise.yaml", line, "imprint_joiners[10]: expected a string, got true")


def test_an_unknown_key_in_a_rules_file(models):
    path = models / "rules" / "linking.yaml"
    line = path.read_text(encoding="utf-8").count("\n") + 1
    path.write_text(path.read_text(encoding="utf-8") + "contxt_chars: 3000\n", encoding="utf-8")
    assert_problem(models, "rules/linking.yaml", line, "unknown key 'contxt_chars' (did you mean 'context_chars'?)")


def test_a_missing_key_in_a_nested_rules_section(models):
    line = edit(models / "rules" / "cleaning.yaml", "  max_lines: 5", "  max_lynes: 5")
    teasers = line_of(models / "rules" / "cleaning.yaml", "teasers:")
    assert_problem(models, "rules/cleaning.yaml", line, "teasers: unknown key 'max_lynes' (did you mean 'max_lines'?)")
    assert_problem(models, "rules/cleaning.yaml", teasers, "teasers: missing key 'max_lines'")


def test_a_broken_regular_expression(models):
    path = models / "rules" / "cleaning.yaml"
    line = line_of(path, "citation_pattern:")
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text[line - 1] = "citation_pattern: '\\[(\\d+'\n"
    path.write_text("".join(text), encoding="utf-8")
    assert_problem(models, "rules/cleaning.yaml", line, "citation_pattern: not a valid regular expression")


def test_a_rule_file_namelink_does_not_read(models):
    shutil.copy(models / "rules" / "linking.yaml", models / "rules" / "linkng.yaml")
    assert_problem(models, "rules/linkng.yaml", 0, "unknown rule file")


def test_a_language_rule_file_is_checked_too(models):
    (models / "rules" / "fr").mkdir(exist_ok=True)
    (models / "rules" / "fr" / "labels.yaml").write_text("person: PER\nlinkd: [PER]\n", encoding="utf-8")
    assert_problem(models, "rules/fr/labels.yaml", 2, "unknown key 'linkd' (did you mean 'linked'?)")


def test_a_language_rule_file_holds_only_what_it_adds_and_each_value_is_checked(models):
    folder = models / "rules" / "xx"
    folder.mkdir()
    (folder / "names.yaml").write_text("titles: [genosse, witwe]\n", encoding="utf-8")
    assert check_models(models) == []  # every other key comes from rules/names.yaml
    (folder / "names.yaml").write_text("titles: [genosse]\nalias_surname_min_letters: five\n", encoding="utf-8")
    assert_problem(models, "rules/xx/names.yaml", 2, "alias_surname_min_letters:")


def test_a_malformed_learned_layer(models):
    (models / "learned").mkdir()
    (models / "learned" / "aliases.yaml").write_text("leon-trotsky: Starik, Pero\n", encoding="utf-8")
    (models / "learned" / "persons.yaml").write_text("- id: new-one\n  canonical: 7\n", encoding="utf-8")
    (models / "learned" / "negative.yaml").write_text("not_entities:\n- {text: Lenin}\n", encoding="utf-8")
    found = [str(p) for p in check_models(models)]
    learned = models / "learned"
    assert any(p.startswith(f"{learned / 'aliases.yaml'}:1: leon-trotsky: expected a list") for p in found), found
    assert f"{learned / 'persons.yaml'}:2: new-one: canonical: expected a string, got the number 7" in found
    assert f"{learned / 'negative.yaml'}:2: not_entities[0]: missing key 'label'" in found


# -- every problem at once, the real folder, the loaders and the commands -------------------------------


def test_every_problem_of_every_file_is_reported_at_once(models):
    edit(models / "kb" / "persons.yaml", "prominence: 100", "prominence: very high")
    edit(models / "kb" / "persons.yaml", "aliases: [Starik", "alliases: [Starik")
    edit(models / "rules" / "linking.yaml", "\ncontext_chars: ", "\ncontext_chars: lots #")
    with pytest.raises(ModelsError) as raised:
        KnowledgeBase.load(models)
    assert len(raised.value.problems) == 3
    assert {p.path.name for p in raised.value.problems} == {"persons.yaml", "linking.yaml"}
    assert all(isinstance(p, Problem) and p.line > 0 for p in raised.value.problems)
    with pytest.raises(ModelsError):  # a rule view alone refuses the folder too
        LinkingRules.load(models)


def test_the_real_models_folder_is_clean():
    assert check_models(DEFAULT_MODELS_DIR) == []
    result = CliRunner().invoke(cli, ["check-models", str(DEFAULT_MODELS_DIR)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{DEFAULT_MODELS_DIR} OK: ")
    assert "persons, " in result.output and "places, " in result.output and "organisations; " in result.output


def test_check_models_reads_namelink_models_by_default(models, monkeypatch):
    edit(models / "kb" / "persons.yaml", "prominence: 100", "prominence: very high")
    monkeypatch.setenv("NAMELINK_MODELS", str(models))
    result = CliRunner().invoke(cli, ["check-models"])
    assert result.exit_code == 2 and str(models / "kb" / "persons.yaml") in result.output


@pytest.mark.parametrize("how", ["--models", "NAMELINK_MODELS"])
def test_run_on_a_broken_folder_stops_before_any_document(models, tmp_path, monkeypatch, how):
    line = edit(models / "kb" / "persons.yaml", "prominence: 100", "prominence: very high")
    out = tmp_path / "out"
    args = ["run", str(RAW_FILE), "--out", str(out), "-q"]
    if how == "--models":
        args += ["--models", str(models)]
    else:
        monkeypatch.setenv("NAMELINK_MODELS", str(models))
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert f"{models / 'kb' / 'persons.yaml'}:{line}: leon-trotsky: prominence: expected a number" in result.output
    assert not out.exists()  # no document processed, no output folder made


@pytest.mark.parametrize(
    "command",
    [
        ["clean", str(RAW_FILE), "--models", "{models}"],
        ["evaluate", "--gold", str(GOLD), "--raw", str(RAW_FILE.parent), "--models", "{models}"],
        ["train", "--dry-run", "--models", "{models}"],
        ["inspect", "{run}"],  # these two read the labels of $NAMELINK_MODELS
        ["report", "{run}", "--html", "{html}"],
    ],
    ids=lambda c: c[0],
)
def test_every_command_that_loads_the_folder_fails_the_same_way(models, tmp_path, monkeypatch, command):
    line = edit(models / "kb" / "persons.yaml", "aliases: [Starik", "alliases: [Starik")
    run = tmp_path / "run"
    run.mkdir()
    (run / "documents.jsonl").write_text("", encoding="utf-8")
    monkeypatch.setenv("NAMELINK_MODELS", str(models))
    args = [a.format(models=models, run=run, html=tmp_path / "html") for a in command]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert f"  {models / 'kb' / 'persons.yaml'}:{line}: leon-trotsky: unknown key 'alliases'" in result.output
