"""pipeline.kb.shared: one loaded copy of a models folder's data per content, shared by the components.

Each test writes its own tiny models folder (the project's rules, a
three-person ``kb/persons.yaml``); a per-test comment line in that file makes
its content, so its cache entry, the test's own.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
import spacy
import yaml

from pipeline.kb.registered import make_shared_loader
from pipeline.kb.shared import LazyShared, SharedKnowledge, load_shared
from pipeline.recognise.component import PersonRules
from pipeline.resources import DEFAULT_MODELS_DIR, RecogniseRules, models_fingerprint

PERSONS = [
    {"id": "lev-sedov", "canonical": "Lev Sedov", "sex": "M", "given": "Lev", "surname": "Sedov"},
    {"id": "lev-kamenev", "canonical": "Lev Kamenev", "sex": "M", "given": "Lev", "surname": "Kamenev"},
    {"id": "leon-trotsky", "canonical": "Leon Trotsky", "sex": "M", "given": ["Lev", "Leon"],
     "patronymic": "Davidovich", "surname": "Trotsky"},
]  # fmt: skip


def write_models(folder: Path, persons: list[dict] = PERSONS) -> Path:
    """A models folder: the project's rules and ``persons`` as the knowledge base (content unique to the call)."""
    shutil.copytree(DEFAULT_MODELS_DIR / "rules", folder / "rules")
    (folder / "kb").mkdir(parents=True)
    text = f"# {uuid.uuid4()}\n" + yaml.safe_dump(persons, allow_unicode=True)
    (folder / "kb" / "persons.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def models(tmp_path) -> Path:
    return write_models(tmp_path / "models")


# -- load_shared -------------------------------------------------------------------------------


def test_the_shared_data_is_the_folders(models):
    shared = load_shared(models)
    assert isinstance(shared, SharedKnowledge)
    assert set(shared.kb.entities) == {"lev-sedov", "lev-kamenev", "leon-trotsky"}
    assert shared.folder == models and shared.fingerprint == models_fingerprint(models)
    assert "Kamenev" in shared.name_words and "lev" in shared.kb_given_names


def test_load_shared_returns_one_object_per_folder(models):
    assert load_shared(models) is load_shared(models)
    assert load_shared(models) is load_shared(str(models))


def test_a_byte_identical_copy_elsewhere_is_the_same_object(models, tmp_path):
    first = load_shared(models)
    copy = tmp_path / "elsewhere" / "models"
    shutil.copytree(models, copy)
    assert load_shared(copy) is first


def test_a_changed_file_gives_another_object(models):
    before = load_shared(models)
    persons = models / "kb" / "persons.yaml"
    persons.write_text(persons.read_text(encoding="utf-8") + "- {id: new-one, canonical: New One}\n", "utf-8")
    after = load_shared(models)
    assert after is not before
    assert "new-one" in after.kb.entities and "new-one" not in before.kb.entities
    assert load_shared(models) is after


def test_a_changed_rule_file_gives_another_object(models):
    before = load_shared(models)
    linking = models / "rules" / "linking.yaml"
    linking.write_text(linking.read_text(encoding="utf-8") + "\n# a comment is a change\n", encoding="utf-8")
    assert load_shared(models) is not before


def test_a_file_outside_the_data_folders_changes_nothing(models):
    before = load_shared(models)
    (models / "README.md").write_text("notes\n", encoding="utf-8")
    assert load_shared(models) is before


def test_the_registered_loader_is_load_shared():
    assert make_shared_loader() is load_shared
    assert spacy.registry.misc.get("namelink.shared_knowledge.v1")() is load_shared


def test_a_rule_file_replaced_with_the_same_mtime_is_read_again(models):
    linking = models / "rules" / "linking.yaml"
    assert load_shared(models).linking.method_scores["exact"] == 1.0
    stamp = linking.stat()
    data = yaml.safe_load(linking.read_text(encoding="utf-8"))
    data["method_scores"]["exact"] = 0.5
    linking.write_text(yaml.safe_dump(data), encoding="utf-8")
    os.utime(linking, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert load_shared(models).linking.method_scores["exact"] == 0.5


def test_views_of_a_copy_still_load_after_the_first_folder_is_gone(models, tmp_path):
    load_shared(models)
    copy = tmp_path / "copy"
    shutil.copytree(models, copy)
    shutil.rmtree(models)
    assert load_shared(copy).view(RecogniseRules).max_name_words > 0


# -- SharedKnowledge ---------------------------------------------------------------------------


def test_alias_index_is_built_once_per_tokenizer(models):
    shared = load_shared(models)
    nlp, other = spacy.blank("en"), spacy.blank("en")
    index = shared.alias_index(nlp.tokenizer)
    assert shared.alias_index(nlp.tokenizer) is index
    assert shared.alias_index(other.tokenizer) is not index
    assert shared.alias_index(other.tokenizer) is shared.alias_index(other.tokenizer)
    assert [f.entity_id for f in index.lookup(["Lev", "Kamenev"])] == ["lev-kamenev"]
    assert {f.entity_id for f in index.lookup(["Lev"])} == {"lev-sedov", "lev-kamenev", "leon-trotsky"}


def test_view_loads_a_rule_file_once(models):
    shared = load_shared(models)
    view = shared.view(RecogniseRules)
    assert isinstance(view, RecogniseRules) and shared.view(RecogniseRules) is view


# -- LazyShared --------------------------------------------------------------------------------


def test_lazy_shared_loads_on_first_get_only(models):
    calls = []

    def loader(folder, lang):
        calls.append(folder)
        return load_shared(folder, lang)

    lazy = LazyShared(loader, models)
    assert calls == []
    data = lazy.get()
    assert lazy.get() is data and calls == [models]
    assert data is load_shared(models)


def test_point_to_switches_the_folder_and_reloads(models, tmp_path):
    other = write_models(tmp_path / "other", PERSONS[:1])
    calls = []
    lazy = LazyShared(lambda folder, lang: calls.append(folder) or load_shared(folder, lang), models)
    assert "lev-kamenev" in lazy.get().kb.entities
    lazy.point_to(other)
    assert len(calls) == 1  # not loaded yet
    assert set(lazy.get().kb.entities) == {"lev-sedov"}
    assert calls == [models, other] and lazy.models == other


# -- one knowledge base per pipeline -----------------------------------------------------------


@pytest.fixture
def nlp(models):
    nlp = spacy.blank("en")
    nlp.add_pipe("namelink_person_rules", config={"models": str(models)})
    nlp.add_pipe("namelink_linker", config={"models": str(models)})
    return nlp


def test_both_components_read_one_knowledge_base(nlp, models):
    rules, linker = nlp.get_pipe("namelink_person_rules"), nlp.get_pipe("namelink_linker")
    assert rules.shared.get() is linker.shared.get() is load_shared(models)


def test_the_components_load_nothing_until_used(nlp):
    rules, linker = nlp.get_pipe("namelink_person_rules"), nlp.get_pipe("namelink_linker")
    assert rules.shared._data is None and linker.shared._data is None


def test_both_components_share_one_alias_index(nlp):
    doc = nlp("Then Lev Kamenev spoke.")
    assert [(e.text, e.kb_id_) for e in doc.ents] == [("Lev Kamenev", "lev-kamenev")]
    shared = nlp.get_pipe("namelink_linker").shared.get()
    indexes = [value for key, value in shared._built.items() if key[0] == "index"]
    assert len(indexes) == 1 and indexes[0].tokenizer is nlp.tokenizer


def test_a_component_given_another_loader_uses_it(models):
    shared = load_shared(models)
    nlp = spacy.blank("en")
    rules = PersonRules(nlp, shared=lambda folder, lang: shared)
    assert rules.shared.get() is shared


def test_from_disk_without_a_saved_knowledge_base_fails_clearly(nlp, tmp_path):
    with pytest.raises(FileNotFoundError, match="no saved knowledge base"):
        nlp.get_pipe("namelink_linker").from_disk(tmp_path / "empty")


def test_to_disk_saves_the_data_folders_only(nlp, models, tmp_path):
    (models / "README.md").write_text("not data\n", encoding="utf-8")
    linker = nlp.get_pipe("namelink_linker")
    linker.to_disk(tmp_path / "saved")
    saved = tmp_path / "saved" / "models"
    assert sorted(p.name for p in saved.iterdir()) == ["kb", "rules"]
    assert models_fingerprint(saved) == models_fingerprint(models)
