"""Retrain: rebuild ``models/learned/`` from the knowledge base and every stored correction.

:func:`derive` reads the corrections (``models/corrections/*.jsonl``, oldest
first; for one string the latest verdict wins) against the hand-written
knowledge base and returns the learned layer (:class:`pipeline.kb.learned.Learned`):

- a string confirmed for an individual (accepted, added, relinked to it) that
  is not yet one of its names becomes an alias of it;
- a rejected string becomes a ``not_entities`` rule (never that label); the
  old id of a relinked string becomes a ``not_links`` rule (never that link);
- an id the knowledge base lacks becomes a new person, its id derived with
  :func:`pipeline.records.slug`, and a confirmed NIL cluster ``nil:<slug>`` is
  promoted to a person; their strings become the person's canonical name
  (the longest) and aliases. An added string with no id that no knowledge
  base name matches is a new person named by that string.

:func:`train` writes the layer (only the files that change, sorted, so a
second run with the same inputs changes nothing), appends an entry to
``models/CHANGELOG.md`` and, given gold data, scores the pipeline before and
after. The recogniser's patterns are the knowledge base's name forms, so the
counts of those forms before and after are reported too.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pipeline.batch.nlp import DEFAULT_MODEL
from pipeline.evaluation.metrics import Report
from pipeline.kb import KnowledgeBase
from pipeline.kb.keys import NameKeys
from pipeline.kb.learned import LEARNED_DIR, Learned, learned_dir, load_learned, render_learned, surface_key
from pipeline.output.files import atomic_writer
from pipeline.records import NIL_PREFIX, slug
from pipeline.resources import models_dir
from pipeline.review.corrections import ACCEPTED, ADDED, REJECTED, RELINKED, read_corrections

CHANGELOG = "CHANGELOG.md"
#: Prominence of a person that review added (a minor figure: see models/kb/persons.yaml).
NEW_PERSON_PROMINENCE = 5
KINDS = ("aliases", "persons", "not_entities", "not_links", "patterns")
#: Kind -> (plural, singular) for the printed summary.
_KIND_TITLES = {
    "aliases": ("aliases", "alias"),
    "persons": ("persons", "person"),
    "not_entities": ("never-entity rules", "never-entity rule"),
    "not_links": ("never-link rules", "never-link rule"),
    "patterns": ("name patterns", "name pattern"),
}


@dataclass
class TrainResult:
    """What :func:`train` found and did.

    changed (bool): The learned layer differs from the one in ``models/learned/``.
    corrections (int): Corrections read.
    correction_files (int): Files they came from.
    added (dict): Kind (``aliases``, ``persons``, ...) -> printable items added.
    removed (dict): Kind -> printable items removed.
    patterns (tuple): Name patterns before and after.
    notes (list): Corrections left out, and why.
    before (Report | None): The evaluation before (with gold data).
    after (Report | None): The evaluation after, when something changed.
    changelog (Path | None): ``CHANGELOG.md``, when an entry was appended.
    dry_run (bool): Nothing was written.
    """

    changed: bool
    corrections: int
    correction_files: int
    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    patterns: tuple[int, int] = (0, 0)
    notes: list[str] = field(default_factory=list)
    before: Report | None = None
    after: Report | None = None
    changelog: Path | None = None
    dry_run: bool = False


# -- deriving the learned layer ----------------------------------------------------------------


@dataclass
class _Verdicts:
    """The latest decision per (string, label) and per (string, id)."""

    entity: dict[tuple[str, str], tuple[bool, str]] = field(default_factory=dict)
    link: dict[tuple[str, str], tuple[bool, str, str]] = field(default_factory=dict)
    unlinked: dict[tuple[str, str], str] = field(default_factory=dict)  # added with no id
    sources: dict[str, set[str]] = field(default_factory=dict)  # id -> correction files

    def add(self, row: dict[str, Any]) -> None:
        """Record one correction, overriding earlier verdicts on the same string."""
        key, label, text = surface_key(row["text"]), row["label"], row["text"]
        if row["action"] == REJECTED:
            self.entity[(key, label)] = (False, text)
            self.unlinked.pop((key, label), None)
            return
        if row["action"] not in (ACCEPTED, ADDED, RELINKED):
            raise ValueError(f"unknown correction action {row['action']!r} in {row.get('file')}")
        self.entity[(key, label)] = (True, text)
        if row["action"] == RELINKED and row.get("previous_entity_id"):
            self.link[(key, row["previous_entity_id"])] = (False, text, label)
        if row.get("entity_id"):
            self.link[(key, row["entity_id"])] = (True, text, label)
            self.sources.setdefault(row["entity_id"], set()).add(row.get("file", ""))
        elif row["action"] == ADDED:
            self.unlinked[(key, label)] = text
            self.sources.setdefault(text, set()).add(row.get("file", ""))


def derive(base: KnowledgeBase, corrections: list[dict[str, Any]], keys: NameKeys) -> tuple[Learned, list[str]]:
    """The learned layer the corrections give, on top of a knowledge base.

    base (KnowledgeBase): The knowledge base without a learned layer (``learned=False``).
    corrections (list): Stored corrections, oldest first (:func:`pipeline.review.corrections.read_corrections`).
    keys (NameKeys): The name keys that tell whether a string is already a name in ``base``.
    RETURNS (tuple): ``(learned, notes)``: the new layer, and why some corrections were left out.
    """
    verdicts = _Verdicts()
    for row in corrections:
        verdicts.add(row)
    learned = Learned()
    learned.not_entities = [{"text": t, "label": label} for (_, label), (ok, t) in verdicts.entity.items() if not ok]
    learned.not_links = [{"text": t, "entity_id": i} for (_, i), (ok, t, _) in verdicts.link.items() if not ok]
    names = _NameIndex(base, keys)
    new = _NewPersons()
    notes = _confirmed_links(learned, base, names, verdicts, new)
    _unlinked_additions(names, verdicts, new, base.person_label)
    learned.persons = _new_persons(base, new.clusters, new.sources)
    return learned, notes


@dataclass
class _NewPersons:
    """Strings of individuals the knowledge base lacks, per new person id, and the files they came from."""

    clusters: dict[str, list[str]] = field(default_factory=dict)
    sources: dict[str, set[str]] = field(default_factory=dict)

    def add(self, person: str, text: str, files: Iterable[str]) -> None:
        """Add ``text`` to the strings of ``person``, from the correction ``files``."""
        self.clusters.setdefault(person, []).append(text)
        self.sources.setdefault(person, set()).update(files)


def _rejected(verdicts: _Verdicts) -> set[tuple[str, str]]:
    return {k for k, (ok, _) in verdicts.entity.items() if not ok}


def _confirmed_links(
    learned: Learned, base: KnowledgeBase, names: _NameIndex, verdicts: _Verdicts, new: _NewPersons
) -> list[str]:
    """Aliases for known ids, new persons for unknown PERSON ids; notes on what is left out."""
    rejected, notes = _rejected(verdicts), []
    for (key, entity_id), (ok, text, label) in verdicts.link.items():
        if not ok or (key, label) in rejected:
            continue
        if entity_id in base.entities:
            notes += _add_alias(learned, base, names, entity_id, text, label)
        elif label == base.person_label:
            new.add(_person_id(entity_id), text, verdicts.sources.get(entity_id, ()))
        else:
            notes.append(f"left out {text!r} -> {entity_id}: a new {label} is not added to the knowledge base")
    return notes


def _unlinked_additions(names: _NameIndex, verdicts: _Verdicts, new: _NewPersons, person: str) -> None:
    """An added PERSON string without id that no known name matches is a new person named by it."""
    rejected = _rejected(verdicts)
    for (key, label), text in verdicts.unlinked.items():
        if (key, label) in rejected or label != person or names.owners(text):
            continue  # a known name: the linker decides who it is
        new.add(slug(text), text, verdicts.sources.get(text, ()))


def _person_id(entity_id: str) -> str:
    return slug(entity_id[len(NIL_PREFIX) :] if entity_id.startswith(NIL_PREFIX) else entity_id)


class _NameIndex:
    """Which individuals of the knowledge base already bear a string (on skeleton keys)."""

    def __init__(self, kb: KnowledgeBase, keys: NameKeys) -> None:
        self.keys = keys
        self.by_key: dict[tuple[str, ...], set[str]] = {}
        for form in kb.forms:
            self.by_key.setdefault(self._key(form.text), set()).add(form.entity_id)

    def _key(self, text: str) -> tuple[str, ...]:
        return self.keys.phrase(text.replace(".", ". ").split())

    def owners(self, text: str) -> set[str]:
        """The ids of the individuals who have ``text`` (up to skeleton keys) as a name."""
        return self.by_key.get(self._key(text), set())


def _add_alias(
    learned: Learned, base: KnowledgeBase, names: _NameIndex, entity_id: str, text: str, label: str
) -> list[str]:
    entity = base.entities[entity_id]
    if entity.label != label:
        return [f"left out {text!r} -> {entity_id}: labelled {label}, the knowledge base says {entity.label}"]
    if entity_id in names.owners(text):
        return []  # already one of its names
    aliases = learned.aliases.setdefault(entity_id, [])
    if surface_key(text) not in {surface_key(a) for a in aliases}:
        aliases.append(text)
    return []


def _new_persons(base: KnowledgeBase, clusters: dict[str, list[str]], sources: dict[str, set[str]]) -> list[dict]:
    out = []
    for person_id in sorted(clusters):
        texts = sorted({surface_key(t): t for t in sorted(clusters[person_id])}.values())
        canonical = max(texts, key=lambda t: (len(t.split()), len(t), t))
        final_id, n = person_id, 1
        while final_id in base.entities:
            n += 1
            final_id = f"{person_id}-{n}"
        entry: dict[str, Any] = {"id": final_id, "canonical": canonical}
        aliases = [t for t in texts if t != canonical]
        if aliases:
            entry["aliases"] = aliases
        entry["prominence"] = NEW_PERSON_PROMINENCE
        entry["source"] = "review: " + ", ".join(sorted(s for s in sources.get(person_id, ()) if s))
        out.append(entry)
    return out


# -- training ----------------------------------------------------------------------------------


def train(
    models: str | Path | None = None,
    gold: str | Path | None = None,
    raw_dir: str | Path = "raw",
    model: str = DEFAULT_MODEL,
    dry_run: bool = False,
    now: datetime | None = None,
) -> TrainResult:
    """Rebuild ``models/learned/`` from the knowledge base and the corrections; see the module doc.

    models (str | Path | None): The models folder; None for the project's ``models/``.
    gold (str | Path | None): Gold JSONL: score the pipeline before and after.
    raw_dir (str | Path): Folder with the gold's raw files.
    model (str): The spaCy pipeline to score with.
    dry_run (bool): Measure the change but write nothing.
    now (datetime | None): The time of the changelog entry (default: now).
    RETURNS (TrainResult): What changed, the evaluations and where it was logged.
    """
    folder = models_dir(models)
    corrections = read_corrections(folder)
    base = KnowledgeBase.load(folder, learned=False)
    new, notes = derive(base, corrections, NameKeys(folder))
    old = load_learned(folder)
    rendered = render_learned(new)
    changed = _files_differ(folder, rendered, new)
    result = TrainResult(changed, len(corrections), len({c.get("file") for c in corrections}), notes=notes)
    result.dry_run = dry_run
    if gold is not None:
        result.before = _score(gold, raw_dir, model, folder)
    if not changed:
        return result
    result.added, result.removed = _diff(old, new)
    with _staged(folder, rendered) as staged:  # the models folder as it will be, to measure it first
        result.patterns = _pattern_diff(folder, staged, result)
        if gold is not None:
            result.after = _score(gold, raw_dir, model, staged)
    if not dry_run:
        _write(folder, rendered, new)
        result.changelog = _append_changelog(folder, result, now or datetime.now(timezone.utc), gold)
    return result


def _files_differ(folder: Path, rendered: dict[str, str], new: Learned) -> bool:
    target = learned_dir(folder)
    if new.is_empty() and not any((target / name).exists() for name in rendered):
        return False
    return any(not (target / n).is_file() or (target / n).read_text(encoding="utf-8") != t for n, t in rendered.items())


def _write(folder: Path, rendered: dict[str, str], new: Learned) -> None:
    target = learned_dir(folder)
    for name, text in rendered.items():
        path = target / name
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        with atomic_writer(path) as handle:
            handle.write(text.encode("utf-8"))


@contextmanager
def _staged(folder: Path, rendered: dict[str, str]) -> Iterator[Path]:
    """A temporary models folder: links to everything in ``folder`` but a new ``learned/``."""
    with tempfile.TemporaryDirectory(prefix="namelink-train-") as tmp:
        staged = Path(tmp) / "models"
        staged.mkdir()
        for entry in folder.iterdir():
            if entry.name != LEARNED_DIR:
                (staged / entry.name).symlink_to(entry.resolve(), target_is_directory=entry.is_dir())
        (staged / LEARNED_DIR).mkdir()
        for name, text in rendered.items():
            (staged / LEARNED_DIR / name).write_text(text, encoding="utf-8")
        yield staged


def _diff(old: Learned, new: Learned) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    before, after = _items(old), _items(new)
    added = {k: sorted(after[k] - before[k]) for k in after}
    removed = {k: sorted(before[k] - after[k]) for k in after}
    return added, removed


def _items(learned: Learned) -> dict[str, set[str]]:
    """Each learned fact as one printable line, per kind."""
    return {
        "aliases": {f"{alias} -> {eid}" for eid, aliases in learned.aliases.items() for alias in aliases},
        "persons": {
            f"{p['id']} ({p['canonical']}" + "".join(f", {a}" for a in p.get("aliases", [])) + ")"
            for p in learned.persons
        },
        "not_entities": {f'"{r["text"]}" is never {r["label"]}' for r in learned.not_entities},
        "not_links": {f'"{r["text"]}" never links to {r["entity_id"]}' for r in learned.not_links},
    }


def _pattern_diff(folder: Path, staged: Path, result: TrainResult) -> tuple[int, int]:
    """Name forms (the recogniser's knowledge-base patterns) before and after; records the difference."""
    before = _patterns(KnowledgeBase.load(folder))
    after = _patterns(KnowledgeBase.load(staged))
    result.added["patterns"] = sorted(f"{text} -> {eid}" for eid, text in after - before)
    result.removed["patterns"] = sorted(f"{text} -> {eid}" for eid, text in before - after)
    return len(before), len(after)


def _patterns(kb: KnowledgeBase) -> set[tuple[str, str]]:
    return {(form.entity_id, form.text) for form in kb.forms}


def _score(gold: str | Path, raw_dir: str | Path, model: str, models: Path) -> Report:
    from pipeline.evaluation.runner import score_run

    return score_run(Path(gold), Path(raw_dir), None, model, models)["namelink"]


# -- reporting ---------------------------------------------------------------------------------


def summary_lines(result: TrainResult, show: int = 20) -> list[str]:
    """What changed, as the lines ``namelink train`` prints."""
    files = f"{result.correction_files} correction file{'s' * (result.correction_files != 1)}"
    lines = [f"{result.corrections} corrections in {files}"]
    if not result.changed:
        lines.append("nothing changed: models/learned/ is already up to date with the corrections")
    else:
        lines.append(("would change (dry run): " if result.dry_run else "changed: ") + count_line(result))
        lines.append(f"name patterns: {result.patterns[0]} -> {result.patterns[1]}")
        lines += [f"  {'+' if added else '-'} {kind}: {item}" for added, kind, item in change_items(result, show)]
    lines += [f"note: {note}" for note in result.notes]
    return lines


def count_line(result: TrainResult) -> str:
    """``aliases +1 -0; persons +0 -0; ...``"""
    return "; ".join(
        f"{_KIND_TITLES[k][0]} +{len(result.added.get(k, []))} -{len(result.removed.get(k, []))}" for k in KINDS
    )


def change_items(result: TrainResult, show: int = 20) -> list[tuple[bool, str, str]]:
    """(added?, kind, item) for each change, at most ``show`` per kind and direction."""
    out = []
    for kind in KINDS:
        for added, items in ((True, result.added.get(kind, [])), (False, result.removed.get(kind, []))):
            out += [(added, _KIND_TITLES[kind][1], item) for item in items[:show]]
            if len(items) > show:
                out.append((added, _KIND_TITLES[kind][0], f"... and {len(items) - show} more"))
    return out


_HEADLINE = (("strict F1", "strict"), ("end-to-end F1", "end_to_end"), ("link B-cubed F1", "bcubed"))


def evaluation_lines(result: TrainResult) -> list[str]:
    """F1 before and after (or the current figures when nothing changed)."""
    if result.before is None:
        return []
    if result.after is None:
        return [f"{title}: {getattr(result.before, key)['f1']:.3f} (unchanged)" for title, key in _HEADLINE]
    out = []
    for title, key in _HEADLINE:
        a, b = getattr(result.before, key)["f1"], getattr(result.after, key)["f1"]
        out.append(f"{title}: {a:.3f} -> {b:.3f} ({b - a:+.3f})")
    a, b = result.before.alias_recall, result.after.alias_recall
    out.append(f"alias recall: {a:.3f} -> {b:.3f} ({b - a:+.3f})")
    return out


def _append_changelog(folder: Path, result: TrainResult, now: datetime, gold: str | Path | None) -> Path:
    path = folder / CHANGELOG
    head = "" if path.is_file() else "# Changes to models/\n\nEntries appended by `namelink train`, newest last.\n"
    stamp = now.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    entry = [f"\n## {stamp}: namelink train\n", f"- from {result.corrections} corrections"]
    entry += [f"- {count_line(result)}", f"- name patterns: {result.patterns[0]} -> {result.patterns[1]}"]
    entry += [f"- {'added' if added else 'removed'} {kind}: {item}" for added, kind, item in change_items(result, 100)]
    entry += [f"- note: {note}" for note in result.notes]
    if gold is not None and result.after is not None:
        entry.append(f"- evaluation on {Path(gold).name}: " + "; ".join(evaluation_lines(result)))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(head + "\n".join(entry) + "\n")
    return path
