"""Accuracy on every gold set, namelink beside plain spaCy, for one or more spaCy models.

The sets are those of ``tests/gold/sets.yaml`` (``pipeline.evaluation.sets``;
``namelink evaluate --sets tests/gold/sets.yaml`` prints the same table for
one model): seeds, own, fresh, the ``once`` sets (sealed, holdout: only with
``--sealed`` or by name; measure them once, at the end of a piece of work)
and HIPE-2020 English dev when ``../shared/hipe/en-dev`` exists (real OCR
newspapers, independent annotation, scored by its own scorer; HIPE counts
titles inside the span, namelink by default does not: ``--span-style hipe``).

    python bench/accuracy.py                                  # the default model
    python bench/accuracy.py --model en_core_web_sm --model en_core_web_md --set fresh --set hipe
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.batch.model import DEFAULT_MODEL  # noqa: E402

SETS_FILE = ROOT / "tests" / "gold" / "sets.yaml"
ALIASES = {"hipe": "hipe-en-dev"}


def main() -> None:
    from pipeline.evaluation.sets import format_table, load_sets, score_sets, select_sets

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", action="append", help=f"spaCy pipeline, repeatable [{DEFAULT_MODEL}]")
    parser.add_argument("--sealed", action="store_true", help="also the sets measured once, at the end")
    parser.add_argument("--set", action="append", default=[], help="only these sets (repeatable; hipe = hipe-en-dev)")
    parser.add_argument("--span-style", default="namelink", help="namelink's span style (hipe: titles inside)")
    args = parser.parse_args()
    chosen = select_sets(load_sets(SETS_FILE), [ALIASES.get(n, n) for n in args.set], once=args.sealed)
    for model in args.model or [DEFAULT_MODEL]:
        print()
        print("\n".join(format_table(score_sets(chosen, model, span_style=args.span_style), model)))


if __name__ == "__main__":
    main()
