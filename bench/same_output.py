"""Check that a change of code left the output byte for byte as it was.

Runs ``namelink run --full`` over ``raw/`` and ``tests/gold/own/`` with the
code of the working tree and with the code of an earlier commit (checked out
in a temporary git worktree, run with this same Python and its packages), and
compares ``documents.jsonl`` and ``entities.jsonl`` byte for byte. Exit code 0
when every file is identical, 1 otherwise (the first differing line is shown).

    python bench/same_output.py --against 8d02d81      # the commit before the redesign
    python bench/same_output.py --reference /tmp/before  # outputs saved earlier (raw/, own/ inside)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Corpus name -> folder, relative to the project (the records name their source by it).
CORPORA = {"raw": "raw", "own": "tests/gold/own"}
COMPARED = ("documents.jsonl", "entities.jsonl")
# Runs a tree's code on its own: the checked-out package comes first on sys.path.
_RUN = """
import sys
sys.path.insert(0, sys.argv[1])
import pipeline
assert pipeline.__file__.startswith(sys.argv[1]), pipeline.__file__
# The installed entry points name this tree's modules; another tree registers its own factories.
import catalogue
catalogue.Registry.get_entry_point = lambda self, name, default=None: default
catalogue.Registry.get_entry_points = lambda self: {}
from pipeline.cli import main
sys.argv = ["namelink", "run", *sys.argv[2:]]
main()
"""


def run_tree(tree: Path, out: Path) -> None:
    for name, corpus in CORPORA.items():
        command = [sys.executable, "-c", _RUN, str(tree), corpus, "--out", str(out / name), "--full", "-q"]
        # Each tree reads its own models/ folder (the default, next to its package).
        env = {k: v for k, v in os.environ.items() if k != "NAMELINK_MODELS"}
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode not in (0, 1) or not (out / name / COMPARED[0]).is_file():
            sys.exit(f"namelink run failed in {tree}:\n{result.stderr}")


def compare(before: Path, after: Path) -> bool:
    same = True
    for name in CORPORA:
        for file in COMPARED:
            old, new = (before / name / file).read_bytes(), (after / name / file).read_bytes()
            if old == new:
                print(f"identical  {name}/{file}  ({len(new):,} bytes)")
                continue
            same = False
            for number, (a, b) in enumerate(zip(old.splitlines(), new.splitlines(), strict=False), 1):
                if a != b:
                    print(f"DIFFERENT  {name}/{file}: first difference on line {number}")
                    break
            else:
                counts = len(old.splitlines()), len(new.splitlines())
                print(f"DIFFERENT  {name}/{file}: {counts[0]} lines before, {counts[1]} after")
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--against", help="git commit whose code gives the reference output")
    group.add_argument("--reference", type=Path, help="folder with raw/ and own/ outputs saved earlier")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="namelink-same-") as tmp:
        tmp_path = Path(tmp)
        reference = args.reference
        if args.against:
            tree = tmp_path / "tree"
            subprocess.run(["git", "worktree", "add", "--detach", str(tree), args.against], cwd=ROOT, check=True)
            try:
                run_tree(tree, tmp_path / "before")
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=True)
            reference = tmp_path / "before"
        run_tree(ROOT, tmp_path / "after")
        sys.exit(0 if compare(reference, tmp_path / "after") else 1)


if __name__ == "__main__":
    main()
