"""Shared fixtures: one loaded pipeline and one batch run per session.

Loading the spaCy model and the knowledge base takes seconds, so the
``Pipeline`` and the runs over ``raw/`` and ``tests/gold/own/`` are built once
and shared by every test module that needs them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "raw"
GOLD_DIR = ROOT / "tests" / "gold"
OWN_DIR = GOLD_DIR / "own"
SEEDS_GOLD = GOLD_DIR / "seeds.jsonl"
OWN_GOLD = GOLD_DIR / "own.jsonl"
FRESH_DIR = GOLD_DIR / "fresh"
FRESH_GOLD = GOLD_DIR / "fresh.jsonl"
SEALED_DIR = GOLD_DIR / "sealed"
SEALED_GOLD = GOLD_DIR / "sealed.jsonl"
HOLDOUT_DIR = GOLD_DIR / "holdout"
HOLDOUT_GOLD = GOLD_DIR / "holdout.jsonl"
FRESH2_DIR = GOLD_DIR / "fresh2"
FRESH2_GOLD = GOLD_DIR / "fresh2.jsonl"
LANG_DIR = GOLD_DIR / "lang"
LANG_GOLD = GOLD_DIR / "lang.jsonl"

RAW_FILES = sorted(RAW_DIR.glob("*.txt"))
OWN_FILES = sorted(OWN_DIR.glob("*.txt"))
FRESH_FILES = sorted(FRESH_DIR.glob("*.txt"))
OUTPUT_FILES = {"documents.jsonl", "entities.jsonl", "manifest.json"}


def repository_files(*names: str) -> list[str]:
    """The files under ``names`` (paths from the project folder) that a clone has: git's tracked and
    new unignored ones (so a file forgotten by git is missed here as in a clone), else all of them."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(ROOT), "ls-files", "--cached", "--others", "--exclude-standard", "--", *names],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        listed = [str(p.relative_to(ROOT)) for name in names for p in [ROOT / name, *(ROOT / name).rglob("*")]]
    return sorted(name for name in listed if (ROOT / name).is_file() and "__pycache__" not in name)


def copy_of_clone(target: Path, *names: str) -> Path:
    """``target`` with a copy of the files under ``names`` as a fresh clone has them."""
    for name in repository_files(*names):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without what would point namelink at the checkout's models or code."""
    env = {k: v for k, v in os.environ.items() if k not in ("NAMELINK_MODELS", "PYTHONPATH")}
    return {**env, **extra}


def read_raw(path: str | Path) -> str:
    """A raw file exactly as docs/annotation.md defines offsets on it."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Every line of a JSON Lines file, parsed (fails on any broken line)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def load_gold_lines(path: str | Path) -> dict[str, dict[str, Any]]:
    return {rec["doc_id"]: rec for rec in read_jsonl(path)}


def person_spans(doc) -> list[tuple[str, int, int]]:
    """(text, start_char, end_char) of every PERSON entity of a spaCy Doc."""
    return [(e.text, e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]


def persons(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in record["entities"] if e["label"] == "PERSON"]


def find(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """Character span of the n-th occurrence of ``needle`` in ``text``."""
    starts = [m.start() for m in re.finditer(re.escape(needle), text)]
    assert len(starts) > occurrence, f"{needle!r} not found {occurrence + 1} times"
    return starts[occurrence], starts[occurrence] + len(needle)


@dataclass
class BatchRun:
    summary: Any
    out_dir: Path
    paths: list[Path]
    records: dict[str, dict[str, Any]]  # doc_id -> documents.jsonl record
    raw_texts: dict[str, str]  # doc_id -> raw text as read for offsets

    @property
    def entity_rows(self) -> list[dict[str, Any]]:
        return read_jsonl(self.out_dir / "entities.jsonl")

    def all_entities(self):
        for doc_id, rec in self.records.items():
            for ent in rec["entities"]:
                yield doc_id, ent


@pytest.fixture(scope="session")
def pipe():
    """The one loaded namelink pipeline (real model, real knowledge base)."""
    from pipeline.batch import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def nlp(pipe):
    return pipe.nlp


@pytest.fixture(scope="session")
def kb(pipe):
    return pipe.kb


def _batch(pipe, paths: list[Path], out_dir: Path) -> BatchRun:
    from pipeline.batch import run_batch

    summary = run_batch(paths, out_dir, progress=False, pipeline=pipe)
    records = {rec["doc_id"]: rec for rec in read_jsonl(out_dir / "documents.jsonl")}
    raw_texts = {p.stem: read_raw(p) for p in paths}
    return BatchRun(summary, out_dir, list(paths), records, raw_texts)


@pytest.fixture(scope="session")
def raw_run(pipe, tmp_path_factory) -> BatchRun:
    """One full run over the four seed texts of raw/."""
    return _batch(pipe, RAW_FILES, tmp_path_factory.mktemp("raw_run"))


@pytest.fixture(scope="session")
def own_run(pipe, tmp_path_factory) -> BatchRun:
    """One full run over the second gold set's texts (tests/gold/own/*.txt)."""
    return _batch(pipe, OWN_FILES, tmp_path_factory.mktemp("own_run"))


@pytest.fixture(scope="session")
def fresh_run(pipe, tmp_path_factory) -> BatchRun:
    """One full run over the third gold set's texts (tests/gold/fresh/*.txt; the sealed set never)."""
    return _batch(pipe, FRESH_FILES, tmp_path_factory.mktemp("fresh_run"))


@pytest.fixture(scope="session")
def fresh2_run(pipe, tmp_path_factory) -> BatchRun:
    """One full run over the fifth gold set's texts (tests/gold/fresh2/*.txt, a development set since its
    one measurement)."""
    return _batch(pipe, sorted(FRESH2_DIR.glob("*.txt")), tmp_path_factory.mktemp("fresh2_run"))


@pytest.fixture(scope="session")
def lang_run(pipe, tmp_path_factory) -> BatchRun:
    """One full run over the Russian, German, French and Spanish gold texts (tests/gold/lang, development)."""
    return _batch(pipe, sorted(LANG_DIR.glob("*.txt")), tmp_path_factory.mktemp("lang_run"))


@pytest.fixture(scope="session")
def sealed_run(pipe, tmp_path_factory) -> BatchRun:
    """One full run over the sealed set's texts (measured once, at the end of issue 9; floors since)."""
    return _batch(pipe, sorted(SEALED_DIR.glob("*.txt")), tmp_path_factory.mktemp("sealed_run"))


@pytest.fixture(scope="session")
def holdout_run(pipe, tmp_path_factory) -> BatchRun:
    """One full run over the holdout set's texts (measured once, at the end of issue 9; floors since)."""
    return _batch(pipe, sorted(HOLDOUT_DIR.glob("*.txt")), tmp_path_factory.mktemp("holdout_run"))


@pytest.fixture(scope="session")
def both_runs(raw_run, own_run) -> list[BatchRun]:
    return [raw_run, own_run]


@pytest.fixture(scope="session")
def cleaner():
    """The Cleaner the pipeline uses (KB names + skeleton lookup), without loading the spaCy model."""
    from pipeline.clean import name_aware_cleaner

    return name_aware_cleaner()


def tiny_knowledge(
    persons: list[dict[str, Any]], given: set[str], fingerprint: str, others: list[dict[str, Any]] = ()
) -> Any:
    """Shared data of a tiny knowledge base (``persons`` as persons.yaml entries, ``others``
    places or organisations) with the project's rules, read from the real models folder;
    ``given`` the folded given names."""
    from pipeline.kb import KnowledgeBase
    from pipeline.kb.keys import NameKeys
    from pipeline.kb.shared import SharedKnowledge
    from pipeline.resources import DEFAULT_MODELS_DIR, LabelRules, LinkingRules, NameRules, RecogniseRules

    folder = DEFAULT_MODELS_DIR
    names, labels = NameRules.load(folder), LabelRules.load(folder)
    return SharedKnowledge(
        folder=folder,
        fingerprint=fingerprint,
        lang=None,
        kb=KnowledgeBase.from_records(
            [(p, True) for p in persons] + [(p, False) for p in others], names=names, labels=labels
        ),
        keys=NameKeys(folder),
        names=names,
        linking=LinkingRules.load(folder),
        labels=labels,
        recognise=RecogniseRules.load(folder),
        given_names=frozenset(given),
    )


def model_doc(pipe, text: str) -> Any:
    """``text`` through the components before the recogniser: the Doc as the rules first see it."""
    doc = pipe.nlp.make_doc(text)
    for _, proc in pipe.nlp.pipeline[: pipe.nlp.pipe_names.index("namelink_person_rules")]:
        doc = proc(doc)
    return doc
