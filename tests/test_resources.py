"""pipeline.resources: typed views of rule files, their errors, and the per-language lookup."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
import yaml

from pipeline.resources import (
    DEFAULT_MODELS_DIR,
    LabelRules,
    LinkingRules,
    ModelsError,
    NameRules,
    RecogniseRules,
    RulesError,
    language_rules_path,
    merged_rules,
    person_label,
    rules,
    rules_path,
)

LABELS = {
    "person": "PERSON",
    "model_labels": {"PER": "PERSON", "PERS": "PERSON"},
    "linked": ["PERSON", "GPE", "ORG"],
    "places": ["GPE"],
    "groups": ["ORG"],
    "never_people": ["DATE"],
    "kb_default": "ORG",
}


def real(name: str) -> dict:
    return yaml.safe_load((DEFAULT_MODELS_DIR / "rules" / f"{name}.yaml").read_text(encoding="utf-8"))


def write_yaml(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# -- from_dict ---------------------------------------------------------------------------------


def test_from_dict_freezes_lists_to_tuples():
    labels = LabelRules.from_dict(LABELS)
    assert labels.linked == ("PERSON", "GPE", "ORG")
    assert isinstance(labels.places, tuple) and isinstance(labels.never_people, tuple)
    assert LABELS["linked"] == ["PERSON", "GPE", "ORG"]  # the input is not changed


def test_from_dict_freezes_nested_lists_and_lists_inside_mappings():
    data = dict(real("names"), skeleton_rules=[["w", "v"], ["ph", "f"]], surname_suffixes={"M": ["ov"], "F": ["ova"]})
    names = NameRules.from_dict(data)
    assert names.skeleton_rules == (("w", "v"), ("ph", "f"))
    assert names.surname_suffixes == {"M": ("ov",), "F": ("ova",)}
    assert all(isinstance(group, tuple) for group in names.given_name_equivalents)


def test_a_view_is_frozen():
    labels = LabelRules.from_dict(LABELS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        labels.person = "PER"  # type: ignore[misc]


def test_extra_keys_are_ignored():
    assert LabelRules.from_dict({**LABELS, "comment": "not a field"}).person == "PERSON"


def test_missing_key_names_the_source_and_the_key():
    data = {k: v for k, v in LABELS.items() if k != "kb_default"}
    with pytest.raises(RulesError, match=r"my/labels\.yaml: missing key 'kb_default'"):
        LabelRules.from_dict(data, "my/labels.yaml")


def test_missing_key_without_a_source_names_the_rule_file():
    with pytest.raises(RulesError, match=r"^linking: missing key 'method_scores'"):
        LinkingRules.from_dict({})


def test_rules_error_is_a_value_error():
    assert issubclass(RulesError, ValueError)


def test_load_of_a_file_without_a_key_names_its_path(tmp_path):
    path = write_yaml(
        tmp_path / "rules" / "linking.yaml", {k: v for k, v in real("linking").items() if k != "prior_scale"}
    )
    with pytest.raises(ModelsError) as raised:  # the folder's check, before the view is built
        LinkingRules.load(tmp_path)
    assert f"{path}:1: missing key 'prior_scale'" in str(raised.value)


def test_load_of_an_empty_file_reports_every_missing_key(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "labels.yaml").write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(ModelsError) as raised:
        LabelRules.load(tmp_path)
    missing = {line.rsplit(" ", 1)[-1] for line in str(raised.value).splitlines()}
    required = [f for f in dataclasses.fields(LabelRules) if f.default is dataclasses.MISSING]
    assert missing == {repr(f.name) for f in required}  # a key with a default may be left out


def test_load_of_a_missing_file_says_which(tmp_path):
    with pytest.raises(ModelsError, match="labels.yaml: missing data file"):
        LabelRules.load(tmp_path)


def test_every_real_rule_file_has_every_field_of_its_view():
    for view in (NameRules, LinkingRules, LabelRules, RecogniseRules):
        assert isinstance(view.load(DEFAULT_MODELS_DIR), view)


def test_a_view_with_a_mapping_is_hashable_and_its_mapping_read_only():
    labels = LabelRules.from_dict(LABELS)
    hash(labels)
    with pytest.raises(TypeError):
        labels.model_labels["PER"] = "ORG"  # type: ignore[index]


# -- a language's rules over the general ones ------------------------------------------------


@pytest.fixture
def models(tmp_path) -> Path:
    folder = tmp_path / "models"
    write_yaml(folder / "rules" / "labels.yaml", LABELS)
    write_yaml(folder / "rules" / "fr" / "labels.yaml", {"person": "PER"})  # only what French changes
    return folder


def test_language_rules_path_is_the_language_file_when_there_is_one(models):
    assert language_rules_path("labels", models, "fr") == models / "rules" / "fr" / "labels.yaml"
    assert language_rules_path("labels", models, "de") is None  # no rules/de/
    assert language_rules_path("labels", models) is None
    assert language_rules_path("linking", models, "fr") is None  # fr/ lacks this file
    (models / "rules" / "de" / "labels.yaml").mkdir(parents=True)
    assert language_rules_path("labels", models, "de") is None  # a folder in place of a file
    assert rules_path("labels", models) == models / "rules" / "labels.yaml"


def test_a_language_file_adds_to_lists_merges_mappings_and_replaces_values():
    base = {"titles": ["mr", "dr"], "scores": {"a": 1, "b": 2}, "min": 3, "kept": [1]}
    addition = {"titles": ["herr", "dr"], "scores": {"b": 5}, "min": 4}
    merged = merged_rules(base, addition)
    assert merged == {"titles": ["mr", "dr", "herr"], "scores": {"a": 1, "b": 5}, "min": 4, "kept": [1]}
    assert base["titles"] == ["mr", "dr"]  # the general data is not edited


def test_views_and_rules_read_the_language_file_over_the_general_one(models):
    assert LabelRules.load(models, lang="fr").person == "PER"
    assert LabelRules.load(models, lang="fr").linked == LabelRules.load(models).linked  # from the general file
    assert LabelRules.load(models, lang="de").person == "PERSON"
    assert rules("labels", models, "fr")["person"] == "PER"
    assert LabelRules.load(models).person == person_label(models) == "PERSON"


def test_the_language_file_follows_namelink_models(models, monkeypatch):
    monkeypatch.setenv("NAMELINK_MODELS", str(models))
    assert language_rules_path("labels", lang="fr") == models / "rules" / "fr" / "labels.yaml"


def test_a_copied_rules_folder_with_one_edit_gives_the_edited_value(tmp_path):
    folder = tmp_path / "models"
    shutil.copytree(DEFAULT_MODELS_DIR / "rules", folder / "rules")
    write_yaml(folder / "rules" / "linking.yaml", dict(real("linking"), context_chars=7))
    assert LinkingRules.load(folder).context_chars == 7


# -- LabelRules --------------------------------------------------------------------------------


def test_of_model_maps_model_labels_and_passes_others_through():
    labels = LabelRules.from_dict(LABELS)
    assert labels.of_model("PER") == "PERSON"
    assert labels.of_model("PERS") == "PERSON"
    assert labels.of_model("PERSON") == "PERSON"
    assert labels.of_model("GPE") == "GPE"
    assert labels.of_model("MISC") == "MISC"
