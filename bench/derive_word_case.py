"""Derive ``models/rules/word_case.txt`` from the truecase package's casing statistics.

Run once, by hand, where truecase==0.0.14 (MIT) and nltk are installed (neither
is a namelink dependency: the pickle is 76 MB and takes 480 MB to load)::

    python bench/derive_word_case.py .../truecase/data/english.dist > body.txt

Each word of the package's unigram counts (NLTK's English corpora) is written
in the form running text gives it most often, when that is not title case:
lower case (``paid``, ``dies``), a short acronym (``USSR``) or a mixed form
(``McDonald``). A word not listed is written in title case, as a name would be.
"""

from __future__ import annotations

import pickle
import sys

#: Reuters headlines are in capitals: a longer word seen mostly so is a headline's, not an acronym.
ACRONYM_MAX_LETTERS = 5


def running_text_forms(counts: dict[str, int], forms_of: dict[str, set[str]]) -> list[str]:
    """The listed forms, one per word, sorted case-blind."""
    out = []
    for lower, forms in forms_of.items():
        if not lower.replace("'", "").replace("-", "").isalpha():
            continue
        best = max(sorted(forms), key=lambda form: counts[form])
        title = lower[:1].upper() + lower[1:]
        if best == title or counts[best] <= counts.get(title, 0):
            continue
        if best.isupper() and len(best) > ACRONYM_MAX_LETTERS:
            if counts.get(lower, 0) > counts.get(title, 0):
                out.append(lower)
            continue
        out.append(best)
    return sorted(set(out), key=str.lower)


def main(path: str) -> None:
    with open(path, "rb") as handle:
        data = pickle.load(handle)  # the package's own file, pinned by its hash in the list's header
    print("\n".join(running_text_forms(data["uni_dist"], data["word_casing_lookup"])))


if __name__ == "__main__":
    main(sys.argv[1])
