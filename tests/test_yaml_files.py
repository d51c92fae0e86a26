"""A long list file read in chunks by worker processes reads as the whole file does (issue 13).

The knowledge base's ``persons.yaml`` of 100,000 people is parsed and checked
in chunks cut at its top-level items, on every core. These tests make the
chunks tiny, so a file of a few dozen entries is cut in many places, and
compare with the whole read: the same data, the same problems on the same
lines (a schema error and a key written twice inside a chunk, a duplicate id
and an unknown relation found after the workers are done), and a whole read
where a cut would change what the file says (an anchor used in a later chunk,
a quoted string whose lines start with ``- ``, a second document).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.kb import yaml_files
from pipeline.kb.validate import check_models
from pipeline.kb.yaml_files import read_list, read_yaml
from pipeline.resources import DEFAULT_MODELS_DIR


def _people(n: int) -> str:
    return "# people\n\n" + "".join(
        f"- id: person-{i}\n  canonical: Ivan Petrov {i}\n  given: [Ivan]\n  surname: [Petrov]\n\n" for i in range(n)
    )


def _record(file, index, item, node) -> None:
    """An item check that notes each item's index and line, as a problem, to compare the reads."""
    name = item.get("id") if isinstance(item, dict) else repr(item)
    file.problem(node, f"item {index} id {name}")


@pytest.fixture
def tiny_chunks(monkeypatch):
    monkeypatch.setattr(yaml_files, "CHUNKED_BYTES", 1)
    monkeypatch.setattr(yaml_files, "CHUNK_BYTES", 300)


def test_chunks_read_as_the_whole(tmp_path, tiny_chunks):
    path = tmp_path / "persons.yaml"
    path.write_text(_people(40), encoding="utf-8")
    chunked = read_list(path, _record, workers=2)
    assert len(chunked.chunks) > 5  # cut in many places
    whole = read_yaml(path)
    assert chunked.data == whole.data
    assert [p.line for p in chunked.problems] == [n.start_mark.line + 1 for n in whole.node.value]
    assert chunked.problems[-1].message == "item 39 id person-39"
    for index in (0, 17, 39):  # the node of an item, from its chunk parsed again
        assert chunked.item_node(index).start_mark.line == whole.node.value[index].start_mark.line


@pytest.mark.parametrize(
    "text",
    [
        "- &who\n  id: a\n  canonical: A\n" + "".join(f"- id: b{i}\n  canonical: B\n" for i in range(30)) + "- *who\n",
        '- id: a\n  canonical: "A long\n- name"\n' + "".join(f"- id: b{i}\n  canonical: B\n" for i in range(30)),
        "- id: a\n  canonical: A\n---\n- id: b\n  canonical: B\n",
    ],
    ids=["anchor in a later chunk", "quoted string over a - line", "second document"],
)
def test_a_file_the_cut_would_change_is_read_whole(tmp_path, tiny_chunks, text):
    path = tmp_path / "persons.yaml"
    path.write_text(text, encoding="utf-8")
    read = read_list(path, _record, workers=1)
    whole = read_yaml(path)
    assert read.chunks == [] and read.data == whole.data
    assert [(p.line, p.message) for p in read.problems if "item" not in p.message] == [
        (p.line, p.message) for p in whole.problems
    ]


def test_check_models_finds_every_problem_of_a_chunked_file(tmp_path, monkeypatch):
    models = Path(
        shutil.copytree(DEFAULT_MODELS_DIR, tmp_path / "models", ignore=shutil.ignore_patterns("corrections"))
    )
    persons = models / "kb" / "persons.yaml"
    text = persons.read_text(encoding="utf-8")
    text = text.replace("- id: natalia-sedova\n", "- id: natalia-sedova\n  alliases: [Natasha]\n", 1)
    text += "\n- id: leon-trotsky\n  canonical: Another Trotsky\n  canonical: Twice\n"
    text += "- id: x-person\n  canonical: X\n  related:\n    spouse: [nobody-known]\n"
    persons.write_text(text, encoding="utf-8")
    whole = [(p.path.name, p.line, p.message) for p in check_models(models)]
    monkeypatch.setattr(yaml_files, "CHUNKED_BYTES", 1)
    monkeypatch.setattr(yaml_files, "CHUNK_BYTES", 20_000)
    assert len(yaml_files._chunks(persons)) > 3
    chunked = [(p.path.name, p.line, p.message) for p in check_models(models)]
    messages = " | ".join(m for *_, m in whole)
    assert "natalia-sedova: unknown key 'alliases'" in messages
    assert "duplicate id 'leon-trotsky'" in messages
    assert "key 'canonical' written twice" in messages
    assert "'nobody-known' is not a person" in messages
    assert chunked == whole


def test_a_script_without_a_main_guard_loads_a_long_file_once(tmp_path):
    """Workers are forked, never spawned: a spawned worker would run the script's top level again."""
    path = tmp_path / "persons.yaml"
    path.write_text(_people(60), encoding="utf-8")
    script = tmp_path / "script.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})\n"
        "from pipeline.kb import yaml_files\n"
        "from pipeline.resources import load_yaml\n"
        "yaml_files.CHUNK_BYTES = 300\n"
        "import pipeline.resources as r\n"
        "r._REMEMBER_BYTES = yaml_files.CHUNKED_BYTES = 1\n"
        f"data = load_yaml({str(path)!r})\n"
        "print('loaded', len(data), len(yaml_files._chunks(__import__('pathlib').Path(" + repr(str(path)) + "))))\n",
        encoding="utf-8",
    )
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert lines[0].startswith("loaded 60 ") and int(lines[0].split()[2]) > 5
    assert result.stdout.count("loaded") == 1
