"""Where a cold compile of a knowledge base goes (issue 13): the phases one by one.

    python bench/kb_phases.py MODELS_FOLDER INDEX_FOLDER

INDEX_FOLDER should be empty (it becomes ``$NAMELINK_INDEX_DIR``), so that nothing is compiled
yet. Prints the seconds of the check of the YAML (``ensure_valid``, as ``namelink kb compile``
runs it), the build of the store (the entities and forms), the alias keys for the default
model's tokenizer and the fuzzy index, then the peak RSS.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    folder, index = sys.argv[1], sys.argv[2]
    os.environ["NAMELINK_INDEX_DIR"] = index
    last = time.perf_counter()

    def mark(what: str) -> None:
        nonlocal last
        now = time.perf_counter()
        print(f"{what:34s} {now - last:7.1f} s", flush=True)
        last = now

    import spacy

    from pipeline.batch.model import DEFAULT_MODEL, resolve_model
    from pipeline.kb.shared import load_shared
    from pipeline.kb.validate import ensure_valid
    from pipeline.link.candidates import FUZZY_CUTOFF, person_candidates

    mark("imports")
    ensure_valid(folder, complete=True)
    mark("check (parse and schema)")
    shared = load_shared(folder, None)
    mark("build the store (entities, forms)")
    nlp = spacy.load(resolve_model(DEFAULT_MODEL), exclude=["ner", "parser", "lemmatizer"])
    mark("load the model's tokenizer")
    shared.alias_index(nlp.tokenizer)
    mark("alias keys")
    person_candidates(shared, nlp.tokenizer, FUZZY_CUTOFF).fuzzy  # noqa: B018
    mark("fuzzy index")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
