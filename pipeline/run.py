"""Running the stages over documents: the library entry point of a batch.

>>> from pipeline.run import Pipeline
>>> pipe = Pipeline()                                  # doctest: +SKIP
>>> record = pipe.process_text("Lev Davidovich Bronstein, later Leon Trotsky.", "demo")  # doctest: +SKIP
>>> [(e["text"], e["entity_id"]) for e in record["entities"]]  # doctest: +SKIP
[('Lev Davidovich Bronstein', 'leon-trotsky'), ('Leon Trotsky', 'leon-trotsky')]
"""

from __future__ import annotations

import platform
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import spacy
from spacy.tokens import Doc

from . import __version__
from .clean import Cleaner, CleanText
from .nlp import DEFAULT_MODEL, build_nlp
from .textio import InputError, RawDocument, iter_input_files, read_document
from .write import DOCUMENTS, ENTITIES, MANIFEST, EntityTable, atomic_writer, document_record, dumps, write_json

#: Longest piece of clean text given to the model at once; longer documents are
#: cut at paragraph boundaries and the pieces joined before linking.
CHUNK_CHARS = 100_000
_LINKER = "namelink_linker"


@dataclass
class RunSummary:
    documents: int = 0
    errors: int = 0
    mentions: int = 0
    entities: int = 0
    words: int = 0
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


class Pipeline:
    """Clean, recognise and link documents with one loaded model."""

    def __init__(self, model: str = DEFAULT_MODEL, models: str | Path | None = None) -> None:
        self.model_name = model
        self.nlp = build_nlp(model, models)
        linker = self.nlp.get_pipe(_LINKER)
        self.kb = linker.kb
        name_keys = {linker.keys.skeleton(w) for w in self.kb.name_words()}
        self.cleaner = Cleaner(
            names=self.kb.name_words(),
            is_name=lambda word: linker.keys.skeleton(word) in name_keys,
            models=models,
        )
        self.stage_seconds: dict[str, float] = defaultdict(float)

    def analyse(self, raw_text: str) -> tuple[CleanText, Doc]:
        """Clean one text and run recognition and linking on it."""
        started = time.perf_counter()
        clean = self.cleaner.clean(raw_text)
        self.stage_seconds["clean"] += time.perf_counter() - started
        chunks, offset = [], 0
        for piece in split_paragraphs(clean.text, CHUNK_CHARS):
            emphasis = [(a - offset, b - offset) for a, b in clean.emphasis if offset <= a and b <= offset + len(piece)]
            chunks.append(self._recognise(piece, emphasis))
            offset += len(piece)
        if len(chunks) == 1:
            doc = chunks[0]
        else:
            for chunk in chunks:  # per-chunk offsets would be wrong on the merged Doc
                chunk.user_data.pop(("._.", "namelink_emphasis", None, None), None)
            doc = Doc.from_docs(chunks, ensure_whitespace=False)
            doc._.namelink_emphasis = list(clean.emphasis)
        started = time.perf_counter()
        doc = self.nlp.get_pipe(_LINKER)(doc)
        self.stage_seconds[_LINKER] += time.perf_counter() - started
        return clean, doc

    def _recognise(self, text: str, emphasis: list[tuple[int, int]]) -> Doc:
        started = time.perf_counter()
        doc = self.nlp.make_doc(text)
        doc._.namelink_emphasis = emphasis
        self.stage_seconds["tokenizer"] += time.perf_counter() - started
        for name, component in self.nlp.pipeline:
            if name == _LINKER:
                continue
            started = time.perf_counter()
            doc = component(doc)
            self.stage_seconds[name] += time.perf_counter() - started
        return doc

    def process_text(self, raw_text: str, doc_id: str, source: str = "<text>") -> dict[str, Any]:
        raw = RawDocument(doc_id, source, raw_text, "utf-8", "")
        clean, doc = self.analyse(raw_text)
        return document_record(raw, doc_id=doc_id, source=source, clean=clean, doc=doc)

    def process_file(self, path: str | Path) -> dict[str, Any]:
        """The ``documents.jsonl`` record of one file; never raises for bad input."""
        path = Path(path)
        started = time.perf_counter()
        try:
            raw = read_document(path)
        except InputError as err:
            return document_record(None, doc_id=path.stem, source=str(path), error=str(err))
        finally:
            self.stage_seconds["read"] += time.perf_counter() - started
        try:
            clean, doc = self.analyse(raw.text)
        except Exception as err:  # one broken document must not stop the batch
            return document_record(raw, doc_id=raw.doc_id, source=raw.source, error=f"{type(err).__name__}: {err}")
        return document_record(raw, doc_id=raw.doc_id, source=raw.source, clean=clean, doc=doc)


def split_paragraphs(text: str, limit: int) -> list[str]:
    """Cut text into pieces of at most ``limit`` characters at paragraph breaks
    (then line breaks, then spaces); the pieces join back to ``text``."""
    if len(text) <= limit:
        return [text]
    pieces, start = [], 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n") if "\n\n" not in window else -1)
        if cut <= 0:
            cut = window.rfind(" ")
        cut = start + (cut + 1 if cut > 0 else limit)
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def run_batch(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    model: str = DEFAULT_MODEL,
    models: str | Path | None = None,
    progress: bool = True,
    pipeline: Pipeline | None = None,
) -> RunSummary:
    """Process every input file and write documents, entities and manifest to ``out_dir``."""
    from tqdm import tqdm

    out_dir = Path(out_dir)
    files = list(iter_input_files(paths))
    started_at = datetime.now(timezone.utc)
    started = time.perf_counter()
    pipe = pipeline or Pipeline(model, models)
    load_seconds = time.perf_counter() - started
    summary = RunSummary()
    table = EntityTable(pipe.kb)
    run_started = time.perf_counter()
    with atomic_writer(out_dir / DOCUMENTS) as handle:
        bar = tqdm(files, desc="namelink", unit="doc", disable=not progress, file=sys.stderr)
        for path in bar:
            record = pipe.process_file(path)
            handle.write(dumps(record))
            table.add(record)
            summary.documents += 1
            summary.errors += record["status"] == "error"
            summary.mentions += len(record["entities"])
            summary.words += len(re.findall(r"\S+", record["text"] or ""))
    summary.seconds = time.perf_counter() - run_started
    summary.stage_seconds = dict(pipe.stage_seconds)
    with atomic_writer(out_dir / ENTITIES) as handle:
        for row in table.records():
            handle.write(dumps(row))
            summary.entities += 1
    write_json(out_dir / MANIFEST, _manifest(pipe, summary, files, started_at, load_seconds))
    return summary


def _manifest(pipe: Pipeline, summary: RunSummary, files: list[Path], started_at: datetime, load: float) -> dict:
    meta = pipe.nlp.meta
    return {
        "namelink_version": __version__,
        "python": platform.python_version(),
        "spacy_version": spacy.__version__,
        "model": {"name": pipe.model_name, "package": meta.get("name"), "version": meta.get("version")},
        "pipeline": pipe.nlp.pipe_names,
        "knowledge_base": {"version": pipe.kb.version, "entities": len(pipe.kb.entities)},
        "inputs": [str(p) for p in files],
        "started": started_at.isoformat(timespec="seconds"),
        "counts": {
            "documents": summary.documents,
            "errors": summary.errors,
            "mentions": summary.mentions,
            "entities": summary.entities,
            "words": summary.words,
        },
        "timings": {
            "load_seconds": round(load, 3),
            "run_seconds": round(summary.seconds, 3),
            "words_per_second": round(summary.words_per_second, 1),
            "stage_seconds": {k: round(v, 3) for k, v in sorted(summary.stage_seconds.items())},
        },
    }
