"""Gold data from annotated text: inline marks -> a raw file and its gold JSONL line.

Annotators write the document once, with every PERSON mention marked
``[[surface text|individual-id]]`` and boilerplate wrapped in
``{{ignore}} ... {{/ignore}}`` (``docs/annotation.md``); this script writes the raw
text without the marks and the gold line with exact offsets into it, so no
offset is ever counted by hand.

    python bench/gold_from_markup.py tests/gold/fresh/marked/*.marked.txt \
        --raw-dir tests/gold/fresh --gold tests/gold/fresh.jsonl

Each ``NAME.marked.txt`` gives ``RAW_DIR/NAME.txt``; the gold file gets one line
per document, in the order given. A mark with an empty id, a nested or
unclosed mark, or an id that is not a lower-case slug is an error (exit 1)
naming the file and line. A literal bracket of the source (wiki links, ``[[Leon
Trotsky]]``) is written ``\\[`` and ``\\]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

_TOKEN = re.compile(
    r"\[\[(?P<text>[^\[\]|]+)\|(?P<id>[^\[\]|]*)\]\]"  # [[surface|id]]
    r"|(?P<open>\{\{ignore\}\})|(?P<close>\{\{/ignore\}\})"
)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Escaped brackets stand in for themselves: one private-use character each while the marks are read.
_ESCAPES = {"\\[": "\ue000", "\\]": "\ue001"}


class MarkupError(ValueError):
    """A mark that cannot be turned into gold."""


def convert(marked: str, name: str = "<text>") -> tuple[str, list[dict], list[list[int]]]:
    """(raw text, PERSON spans, ignore regions) of one marked document."""
    for escape, stand_in in _ESCAPES.items():
        marked = marked.replace(escape, stand_in)
    raw: list[str] = []
    spans: list[dict] = []
    ignore: list[list[int]] = []
    length, cursor, ignore_start = 0, 0, None
    for match in _TOKEN.finditer(marked):
        raw.append(marked[cursor : match.start()])
        length += match.start() - cursor
        cursor = match.end()
        line = marked.count("\n", 0, match.start()) + 1
        if match.group("open"):
            if ignore_start is not None:
                raise MarkupError(f"{name}:{line}: {{{{ignore}}}} inside another")
            ignore_start = length
        elif match.group("close"):
            if ignore_start is None:
                raise MarkupError(f"{name}:{line}: {{{{/ignore}}}} without {{{{ignore}}}}")
            ignore.append([ignore_start, length])
            ignore_start = None
        else:
            text, ident = match.group("text"), match.group("id")
            if not _SLUG.match(ident):
                raise MarkupError(f"{name}:{line}: id {ident!r} of {text!r} is not a lower-case slug")
            spans.append({"start": length, "end": length + len(text), "text": text, "label": "PERSON", "kb_id": ident})
            raw.append(text)
            length += len(text)
    raw.append(marked[cursor:])
    if ignore_start is not None:
        raise MarkupError(f"{name}: {{{{ignore}}}} never closed")
    text = "".join(raw)
    leftover = re.search(r"\[\[|\]\]|\{\{/?ignore\}\}", text)
    if leftover:
        line = text.count("\n", 0, leftover.start()) + 1
        raise MarkupError(f"{name}:{line}: a mark that is not closed or is nested")
    for escape, stand_in in _ESCAPES.items():
        text = text.replace(stand_in, escape[1])
        for span in spans:
            span["text"] = span["text"].replace(stand_in, escape[1])
    return text, spans, ignore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("marked", nargs="+", type=Path, help="NAME.marked.txt files")
    parser.add_argument("--raw-dir", type=Path, required=True, help="folder for the raw NAME.txt files")
    parser.add_argument("--gold", type=Path, required=True, help="gold JSONL file to write")
    args = parser.parse_args()
    lines = []
    for path in args.marked:
        name = path.name.removesuffix(".marked.txt")
        with open(path, encoding="utf-8", newline="") as handle:
            marked = handle.read()
        try:
            text, spans, ignore = convert(marked, str(path))
        except MarkupError as err:
            sys.exit(f"error: {err}")
        args.raw_dir.mkdir(parents=True, exist_ok=True)
        with open(args.raw_dir / f"{name}.txt", "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        lines.append(json.dumps({"doc_id": name, "spans": spans, "ignore": ignore}, ensure_ascii=False))
        print(f"{name}: {len(spans)} mentions, {len(ignore)} ignore regions, {len(text)} characters")
    args.gold.parent.mkdir(parents=True, exist_ok=True)
    args.gold.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


if __name__ == "__main__":
    main()
