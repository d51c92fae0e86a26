"""The compiled knowledge base (issue 13): built once per content, never stale, shared by processes."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import clean_env

from pipeline.kb import KnowledgeBase
from pipeline.kb import compiled as compiled_module
from pipeline.kb.compiled import index_dir
from pipeline.resources import DATA_FOLDERS, DEFAULT_MODELS_DIR

ROOT = Path(__file__).resolve().parent.parent
NEW_PERSON = """
- id: test-ada-zhelyabova
  canonical: Ada Zhelyabova
  sex: F
  given: [Ada]
  surname: [Zhelyabova]
"""


@pytest.fixture
def models(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the project's models data, compiled into a cache folder of this test's own."""
    monkeypatch.setenv("NAMELINK_INDEX_DIR", str(tmp_path / "index"))
    folder = tmp_path / "models"
    for name in DATA_FOLDERS:
        if (DEFAULT_MODELS_DIR / name).is_dir():
            shutil.copytree(DEFAULT_MODELS_DIR / name, folder / name)
    return folder


def compiled_files(models: Path) -> list[Path]:
    return sorted(index_dir().glob("kb-*.sqlite"))


def test_the_default_cache_is_the_users(monkeypatch, tmp_path):
    monkeypatch.delenv("NAMELINK_INDEX_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert index_dir() == tmp_path / "namelink" / "index"


def test_the_compiled_file_is_built_once_and_reused(models):
    first = KnowledgeBase.load(models)
    files = compiled_files(models)
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    again = KnowledgeBase.load(models)
    assert compiled_files(models) == files and files[0].stat().st_mtime_ns == stamp  # opened, not rebuilt
    assert len(again.entities) == len(first.entities) and again.forms == first.forms


def test_an_edited_knowledge_base_is_never_read_from_the_old_file(models):
    before = KnowledgeBase.load(models)
    assert "test-ada-zhelyabova" not in before.entities
    persons = models / "kb" / "persons.yaml"
    persons.write_text(persons.read_text(encoding="utf-8") + NEW_PERSON, encoding="utf-8")
    after = KnowledgeBase.load(models)
    assert after.entities["test-ada-zhelyabova"].canonical == "Ada Zhelyabova"
    assert [f.text for f in after.forms_named("ada zhelyabova")] == ["Ada Zhelyabova"]
    assert len(compiled_files(models)) == 1  # the old content's file is gone


def test_an_edited_rule_file_rebuilds_too(models):
    KnowledgeBase.load(models)
    old = compiled_files(models)
    names = models / "rules" / "names.yaml"
    names.write_text(names.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    KnowledgeBase.load(models)
    assert compiled_files(models) != old


def test_a_file_that_is_not_the_content_it_is_named_for_is_rebuilt(models):
    KnowledgeBase.load(models)
    [path] = compiled_files(models)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE meta SET value = 'another content' WHERE name = 'key'")
        connection.execute("DELETE FROM entities WHERE id = 'leon-trotsky'")
    connection.close()
    kb = KnowledgeBase.load(models)
    assert kb.entities["leon-trotsky"].canonical == "Leon Trotsky"


def test_a_damaged_file_is_rebuilt(models):
    KnowledgeBase.load(models)
    [path] = compiled_files(models)
    path.write_bytes(b"not a database at all" * 100)
    kb = KnowledgeBase.load(models)
    assert kb.entities["leon-trotsky"].canonical == "Leon Trotsky"


def test_new_code_never_reads_a_file_built_by_older_code(models, monkeypatch):
    KnowledgeBase.load(models)
    old = compiled_files(models)
    monkeypatch.setattr(compiled_module, "code_fingerprint", lambda: "another-version")
    KnowledgeBase.load(models)
    assert compiled_files(models) != old


def test_a_copy_of_the_same_content_reads_the_same_file(models, tmp_path):
    KnowledgeBase.load(models)
    files = compiled_files(models)
    copy = shutil.copytree(models, tmp_path / "copy")
    shutil.rmtree(models)  # the folder it was compiled from is gone: its file still serves the copy
    assert KnowledgeBase.load(copy).entities["leon-trotsky"].canonical == "Leon Trotsky"
    assert compiled_files(models) == files


def test_processes_started_together_build_one_file(models):
    script = (
        "import sys; from pipeline.kb import KnowledgeBase; "
        "kb = KnowledgeBase.load(sys.argv[1]); print(len(kb.entities), kb.entities['leon-trotsky'].canonical)"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(models)],
            cwd=ROOT,
            env=clean_env(NAMELINK_INDEX_DIR=str(index_dir())),
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=600)[0].strip() for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert outputs[0] == outputs[1] and outputs[0].endswith("Leon Trotsky")
    assert len(compiled_files(models)) == 1
    assert not list(index_dir().glob("*.tmp*"))  # no scratch file left behind


def test_kb_compile_builds_what_a_run_reads(models):
    from click.testing import CliRunner

    from pipeline.cli import cli

    persons = models / "kb" / "persons.yaml"  # content of its own: no pipeline of this test run has it
    persons.write_text(persons.read_text(encoding="utf-8") + NEW_PERSON, encoding="utf-8")
    result = CliRunner().invoke(cli, ["kb", "compile", "--models", str(models)])
    assert result.exit_code == 0, result.output
    [path] = compiled_files(models)
    assert str(path) in result.output and f"{len(KnowledgeBase.load(models).entities):,} entities" in result.output
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert any(t.startswith("keys_") for t in tables) and any(t.startswith("fuzzy_") for t in tables)
    stamp = path.stat().st_mtime_ns
    again = CliRunner().invoke(cli, ["kb", "compile", "--models", str(models)])
    assert again.exit_code == 0 and path.stat().st_mtime_ns == stamp  # current: nothing built again
