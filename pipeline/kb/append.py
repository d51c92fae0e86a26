"""A person added to ``kb/persons.yaml`` as text: ``namelink kb add``.

The file is people's to read and edit (a schema in its header comment,
sections, one blank line between entries), so it is never loaded and dumped
again: :func:`entry_text` writes one entry in the file's layout (keys in the
header's order, lists in flow style, ``given: [Lev, Leon]``, ``related`` one kind a line) and
:func:`append_person` appends it to the file's text, every byte before it
kept. Before anything is written, the folder as it would be is checked by
:func:`pipeline.kb.validate.check_models` (the schema, duplicate ids,
``related`` ids and kinds: the gate of every loader), on a scratch copy whose
other files link to the real ones; with any problem the file stays untouched
and :class:`~pipeline.resources.ModelsError` lists them. The new file replaces
the old one atomically.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from pipeline.kb.validate import KB_PERSONS, check_models
from pipeline.resources import ModelsError, Problem, models_dir

#: The keys of a person entry in the order the header of ``kb/persons.yaml`` gives them.
PERSON_KEYS = (
    "id",
    "canonical",
    "sex",
    "wikidata",
    "description",
    "born",
    "died",
    "given",
    "patronymic",
    "surname",
    "diminutives",
    "aliases",
    "related",
    "prominence",
    "source",
)


def person_entry(**fields: Any) -> dict[str, Any]:
    """A person entry of ``fields`` (keys of :data:`PERSON_KEYS`), empty values left out, in the
    file's key order, each string's whitespace collapsed to single spaces (an entry is one line a
    field); an unknown key is kept after the others, for the schema to report."""

    def tidy(value: Any) -> Any:
        if isinstance(value, str):
            return " ".join(value.split())
        if isinstance(value, list | tuple):
            return [tidy(v) for v in value]
        if isinstance(value, dict):
            return {k: tidy(v) for k, v in value.items()}
        return value

    kept = {k: tidy(v) for k, v in fields.items() if v not in (None, "", [], (), {})}
    order = {k: n for n, k in enumerate(PERSON_KEYS)}
    return dict(sorted(kept.items(), key=lambda kv: order.get(kv[0], len(order))))


def _flow(value: Any) -> str:
    """One YAML value on one line: a plain or quoted scalar, a flow list or mapping."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1 << 30, sort_keys=False)
    return text.removesuffix("\n...\n").removesuffix("\n")


def entry_text(entry: dict[str, Any]) -> str:
    """``entry`` as the lines of one item of ``kb/persons.yaml`` (``- id: ...`` then two-space
    indented keys), ending with a newline; it reads back as exactly ``entry``."""
    lines = []
    for n, (key, value) in enumerate(entry.items()):
        lead = "- " if n == 0 else "  "
        if isinstance(value, dict) and value:  # related: one kind a line, as the file writes it
            lines.append(f"{lead}{key}:")
            lines += [f"    {_flow(kind)}: {_flow(ids)}" for kind, ids in value.items()]
        else:
            lines.append(f"{lead}{key}: {_flow(value)}")
    text = "\n".join(lines) + "\n"
    if yaml.safe_load(text) != [entry]:  # a guard: the text must mean the entry
        raise ValueError(f"cannot write the entry {entry.get('id')!r} as one YAML item")
    return text


def appended(old: str, entry: dict[str, Any]) -> str:
    """The file text ``old`` with ``entry`` after it, one blank line between (as between entries)."""
    if not old.strip():
        return old + entry_text(entry)
    return old + ("" if old.endswith("\n") else "\n") + ("" if old.endswith("\n\n") else "\n") + entry_text(entry)


def append_person(entry: dict[str, Any], models: str | Path | None = None, write: bool = True) -> Path:
    """Append ``entry`` to ``kb/persons.yaml`` of the models folder ``models`` (default: the one in
    use) once the folder with it passes :func:`~pipeline.kb.validate.check_models`; the path written
    (with ``write`` False, only checked: the path it would be written to).

    RAISES (ModelsError): With every problem (the new entry's named ``the new entry``), the file untouched.
    """
    folder = models_dir(models)
    path = folder / "kb" / KB_PERSONS
    if not path.is_file():
        raise ModelsError([Problem(path, 0, "missing: the knowledge base has no persons file to add to")])
    old = path.read_text(encoding="utf-8")
    new = appended(old, entry)
    problems = problems_with(folder, new, first_new_line=old.count("\n") + 1)
    if problems:
        raise ModelsError(problems)
    if write:
        _replace(path, new)
    return path


def problems_with(folder: Path, persons_text: str, first_new_line: int) -> list[Problem]:
    """The problems :func:`check_models` finds in ``folder`` with ``persons_text`` as its
    ``kb/persons.yaml``, paths given as the real folder's; a problem on a line from
    ``first_new_line`` on is the new entry's (line 0, ``the new entry: ...``)."""
    real = folder / "kb" / KB_PERSONS
    with tempfile.TemporaryDirectory(prefix="namelink-kb-") as scratch:
        copy = Path(scratch) / "models"
        _mirror(folder, copy)
        (copy / "kb" / KB_PERSONS).write_text(persons_text, encoding="utf-8")
        found = check_models(copy)
        out = []
        for p in found:
            message = p.message.replace(str(copy), str(folder))
            path = folder / p.path.relative_to(copy) if p.path.is_relative_to(copy) else p.path
            if path == real and p.line >= first_new_line:
                out.append(Problem(real, 0, f"the new entry: {message}"))
            else:
                out.append(Problem(path, p.line, message))
        return out


def _mirror(folder: Path, copy: Path) -> None:
    """``copy``: a folder whose entries link to ``folder``'s, but for a ``kb/`` of its own (links
    to the real knowledge-base files but ``persons.yaml``, written by the caller)."""
    (copy / "kb").mkdir(parents=True)
    for item in folder.iterdir():
        if item.name != "kb":
            _link(item, copy / item.name)
    for item in (folder / "kb").iterdir():
        if item.name != KB_PERSONS:
            _link(item, copy / "kb" / item.name)


def _link(source: Path, target: Path) -> None:
    try:
        target.symlink_to(source.resolve(), target_is_directory=source.is_dir())
    except OSError:  # no symbolic links here: a copy
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a file beside it, then renamed over it), its mode kept."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
