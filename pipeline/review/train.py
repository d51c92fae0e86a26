"""Retrain: rebuild ``models/learned/`` from the knowledge base and every stored correction.

:func:`pipeline.review.learn.derive` works out the learned layer;
:func:`train` writes it (only the files that change, sorted, so a second
run with the same inputs changes nothing), appends an entry to
``models/CHANGELOG.md`` and, given gold data, scores the pipeline before and
after. The recogniser's patterns are the knowledge base's name forms, so the
counts of those forms before and after are reported too.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipeline.batch.model import DEFAULT_MODEL
from pipeline.evaluation.metrics import Report
from pipeline.kb import KnowledgeBase
from pipeline.kb.keys import NameKeys
from pipeline.kb.learned import LEARNED_DIR, Learned, learned_dir, load_learned, render_learned
from pipeline.output.files import atomic_writer
from pipeline.resources import models_dir
from pipeline.review.corrections import read_corrections
from pipeline.review.learn import NEW_PERSON_PROMINENCE, derive
from pipeline.review.validate import Vocabulary

__all__ = ["NEW_PERSON_PROMINENCE", "TrainResult", "derive", "train"]

CHANGELOG = "CHANGELOG.md"
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
    RAISES (CorrectionsError): A stored correction fails the import's checks (nothing is written).
    """
    folder = models_dir(models)
    base = KnowledgeBase.load(folder, learned=False)
    old = load_learned(folder)
    known = Vocabulary.with_ids(folder, [*base.entities, *(str(p.get("id")) for p in old.persons)])
    corrections = read_corrections(folder, known)
    new, notes = derive(base, corrections, NameKeys(folder))
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
