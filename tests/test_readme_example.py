"""The README's worked example of the review loop runs as written (issue 12).

The commands are read out of the README's console block under "Inspect,
review, retrain" (``$ ...`` lines), not copied here, so the test fails when
the README drifts from what namelink does. They run in one bash session, in
a temp folder laid out as a fresh clone (``docs/example/`` and ``models/`` as git
has them) with a ``.venv/bin/activate`` that puts this environment's
``namelink`` on the PATH (what ``make setup`` gives a clone). Every output
line the block shows must be printed by its command, in that order; lines
that start with ``...`` are what a person does by hand and are skipped.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ROOT, clean_env, copy_of_clone

SECTION = "## Inspect, review, retrain"
MARK = "@@namelink-readme-command"


@dataclass
class Step:
    """One ``$`` command of the block and the output lines the README shows for it."""

    command: str
    shown: list[str] = field(default_factory=list)


def readme_steps(readme: str) -> list[Step]:
    """The commands of the first console block after :data:`SECTION`, with their shown output."""
    section = readme[readme.index(SECTION) :]
    block = re.search(r"```console\n(.*?)```", section, re.S)
    assert block, f"no console block under {SECTION!r}"
    steps: list[Step] = []
    by_hand = False
    for line in block.group(1).splitlines():
        if by_hand or line.lstrip().startswith("..."):
            by_hand = not line.rstrip().endswith("...") or line.strip() == "..."
            continue
        if line.startswith("$ "):
            steps.append(Step(line[2:]))
        elif line.strip():
            steps[-1].shown.append(line.rstrip())
    return steps


def test_the_block_is_parsed_into_commands_and_output():
    steps = readme_steps(
        "x\n## Inspect, review, retrain\ntext\n```console\n$ a --b   # note\nshown 1\n"
        "  ... by hand,\n      over two lines ...\n$ c\n  ... one line ...\nshown 2\n```\n"
    )
    assert [(s.command, s.shown) for s in steps] == [("a --b   # note", ["shown 1"]), ("c", ["shown 2"])]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_missing_lines_wants_every_shown_line_in_order():
    assert missing_lines(["a", "c"], ["a", "b", "c"]) == []
    assert missing_lines(["c", "a"], ["a", "b", "c"]) == ["a"]
    assert missing_lines(["a ", "d"], ["a", "b"]) == ["a ", "d"]


def missing_lines(shown: list[str], printed: list[str]) -> list[str]:
    """The shown lines that the printed lines do not contain in order (none: an empty list)."""
    rest = iter(printed)
    return [line for line in shown if not any(line == out for out in rest)]


@pytest.fixture(scope="module")
def walked(tmp_path_factory) -> dict:
    """Run the README's block in a copy of a clone; return its steps, each command's output, the folder."""
    steps = readme_steps((ROOT / "README.md").read_text(encoding="utf-8"))
    clone = copy_of_clone(tmp_path_factory.mktemp("readme") / "namelink", "docs/example", "models")
    models_before = tree(clone / "models")
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "namelink").is_file(), f"no namelink script beside {sys.executable}"
    (clone / ".venv" / "bin").mkdir(parents=True)
    (clone / ".venv" / "bin" / "activate").write_text(f'export PATH={shlex.quote(str(bin_dir))}:"$PATH"\n')
    script = ["set -euo pipefail"]
    for number, step in enumerate(steps):
        script += [f"echo {MARK} {number}", step.command]
    result = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=clone,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )
    parts = re.split(rf"^{MARK} \d+\n", result.stdout, flags=re.M)[1:]
    assert result.returncode == 0, f"`{steps[len(parts) - 1].command}` failed:\n{parts[-1]}"
    outputs = [p.splitlines() for p in parts]
    return {"steps": steps, "outputs": outputs, "clone": clone, "models_before": models_before}


def test_every_command_of_the_block_runs(walked):
    assert len(walked["outputs"]) == len(walked["steps"]) >= 8


def test_each_command_prints_the_output_the_readme_shows(walked):
    for step, printed in zip(walked["steps"], walked["outputs"], strict=True):
        missing = missing_lines(step.shown, printed)
        assert not missing, f"`{step.command}` did not print {missing}; it printed:\n" + "\n".join(printed)


def test_the_loop_finds_the_alias_and_drops_the_false_alarm(walked):
    inspections = [out for s, out in zip(walked["steps"], walked["outputs"], strict=True) if "inspect" in s.command]
    before, after = "\n".join(inspections[0]), "\n".join(inspections[-1])
    assert "nil:voz-obrera" in before and "Minoga" not in before
    assert "Voz Obrera" not in after
    documents = walked["clone"] / "docs" / "example" / "output" / "documents.jsonl"
    (record,) = [json.loads(line) for line in documents.read_text("utf-8").splitlines()]
    people = [(e["text"], e["entity_id"]) for e in record["entities"] if e["label"] == "PERSON"]
    assert people.count(("Minoga", "nadezhda-krupskaya")) == 2
    assert not any(text == "Voz Obrera" for text, _ in people)


def test_the_loop_retrains_the_copy_never_the_clones_models(walked):
    copy = walked["clone"] / "docs" / "example" / "my-models"
    assert list((copy / "corrections").glob("*_review-done.jsonl")) and (copy / "learned").is_dir()
    assert tree(walked["clone"] / "models") == walked["models_before"]
