"""Two knowledge-base sizes measured in turn (issue 13), for ratios this VM's wandering speed
does not swamp: ``namelink run --full`` over the seed texts and the own set with each models
folder, round after round, printing each round's recognition + linking seconds and words/s
after loading, and the ratios of the fastest rounds and of the means.

    python bench/run.py --kb-size 262,100000 --work /tmp/kb     # makes the folders and compiles them
    python bench/kb_interleaved.py /tmp/kb/models-262 /tmp/kb/index-262 \\
        /tmp/kb/models-100000 /tmp/kb/index-100000 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = {"seeds": ROOT / "raw", "own": ROOT / "tests" / "gold" / "own"}


def measure(models: str, index: str, work: Path) -> dict[str, float]:
    total = {"stages": 0.0, "seconds": 0.0, "words": 0.0}
    for name, folder in SETS.items():
        out = work / f"{Path(models).name}-{name}"
        env = {**os.environ, "NAMELINK_INDEX_DIR": index}
        command = [sys.executable, "-m", "pipeline", "run", str(folder), "-o", str(out), "-q", "--full"]
        subprocess.run([*command, "--models", models], check=True, env=env, capture_output=True, cwd=ROOT)
        timings = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["timings"]
        stages = timings["stage_seconds"]
        total["stages"] += stages["namelink_person_rules"] + stages["namelink_linker"]
        total["seconds"] += timings["run_seconds"] - timings["load_seconds"]
        total["words"] += timings["words_per_second"] * timings["run_seconds"]
    return {**total, "words/s": total["words"] / total["seconds"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("small_models")
    parser.add_argument("small_index")
    parser.add_argument("large_models")
    parser.add_argument("large_index")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"small": [], "large": []}
    with tempfile.TemporaryDirectory() as work:
        for number in range(1, args.rounds + 1):
            for size, models, index in (("small", args.small_models, args.small_index),
                                        ("large", args.large_models, args.large_index)):  # fmt: skip
                result = measure(models, index, Path(work))
                runs[size].append(result)
                stages, speed = result["stages"], result["words/s"]
                print(f"round {number} {size}: rules + linker {stages:.2f} s, {speed:,.0f} words/s")
    fastest = {size: min(results, key=lambda r: r["seconds"]) for size, results in runs.items()}
    mean = {size: {k: sum(r[k] for r in rs) / len(rs) for k in rs[0]} for size, rs in runs.items()}
    for label, pick in (("fastest rounds", fastest), ("means", mean)):
        stages = pick["large"]["stages"] / pick["small"]["stages"]
        speed = pick["large"]["words/s"] / pick["small"]["words/s"]
        print(f"{label}: recognition + linking {stages:.2f}x, words/s {speed:.2f}x")


if __name__ == "__main__":
    main()
