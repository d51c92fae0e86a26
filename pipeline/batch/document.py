"""The document pipeline: clean, then the spaCy pipeline through ``nlp.pipe``.

>>> from pipeline.batch import Pipeline
>>> pipe = Pipeline()                                  # doctest: +SKIP
>>> record = pipe.process_text("Lev Davidovich Bronstein, later Leon Trotsky.", "demo")  # doctest: +SKIP
>>> [(e["text"], e["entity_id"]) for e in record["entities"]]  # doctest: +SKIP
[('Lev Davidovich Bronstein', 'leon-trotsky'), ('Leon Trotsky', 'leon-trotsky')]

Documents go through ``nlp.pipe`` in groups of at most ``BATCH_CHARS``
characters (each component's ``pipe`` over the group), every component in
pipeline order, namelink's or not. A document longer than the model's
``max_length`` (or ``CHUNK_CHARS``) goes through the components before the
first *whole-document* component (one with ``whole_document = True``, such as
the linker, whose context spans the document) in pieces, joined again
(:mod:`pipeline.batch.chunking`) before the rest run on it.
``stage_seconds`` has the seconds per component as well as reading and cleaning.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.batch.chunking import groups_by_size, join_pieces, split_paragraphs
from pipeline.batch.model import DEFAULT_MODEL
from pipeline.batch.nlp import build_nlp
from pipeline.clean import CleanText, name_aware_cleaner
from pipeline.io import DEFAULT_MAX_BYTES, InputError, InputFile, RawDocument
from pipeline.io.formats import format_of, read_input
from pipeline.io.language import LanguageIdentifier, Segment
from pipeline.kb.shared import load_shared
from pipeline.output.build import document_record, joined_record
from pipeline.output.spans import span_style as span_style_for
from pipeline.records import DocumentRecord
from pipeline.resources import LanguageRules, models_dir


def language_pipelines(
    rules: LanguageRules, default_model: str, overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Language -> spaCy pipeline: ``rules/languages.yaml``'s, then ``overrides`` (``--model
    LANG=NAME``), with ``default_model`` for the default language."""
    return {**rules.pipelines, **(overrides or {}), rules.default: default_model}

#: Longest piece of clean text given to the model at once (never more than the
#: model's ``max_length``); longer documents are cut at paragraph boundaries.
CHUNK_CHARS = 100_000
#: Characters per ``nlp.pipe`` group: the model's batching pays off well below
#: this, and memory stays bounded by it.
BATCH_CHARS = 300_000
_NO_TENSOR = numpy.zeros((0, 0), dtype="float32")


def whole_document_split(nlp: Language) -> tuple[list[str], list[str]]:
    """Component names before the first whole-document component, and from it on."""
    names = nlp.pipe_names
    first = next((i for i, (_, c) in enumerate(nlp.pipeline) if getattr(c, "whole_document", False)), len(names))
    return names[:first], names[first:]


class Pipeline:
    """Clean, recognise and link documents with one loaded spaCy pipeline.

    ``model``: an installed spaCy pipeline (package name or path);
    ``models``: the models folder (default ``models/`` or ``$NAMELINK_MODELS``);
    ``span_style``: ``namelink`` (docs/annotation.md) or ``hipe`` (titles inside person spans).
    ``stage_seconds`` adds up the time spent reading, cleaning and in the spaCy pipeline.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        models: str | Path | None = None,
        span_style: str = "namelink",
        language_models: Mapping[str, str] | None = None,
        route: bool = True,
        stage_seconds: dict[str, float] | None = None,
        language: str | None = None,
    ) -> None:
        self.model_name = model
        self.models = models
        self.span_style = span_style
        self.languages = LanguageRules.load(models)
        #: The spaCy pipeline of each language (``rules/languages.yaml``, ``language_models``
        #: over it; ``model`` is the default language's).
        self.language_models = language_pipelines(self.languages, model, language_models)
        self.route = route
        self._lanes: dict[str, Pipeline] = {}
        self._identifier: LanguageIdentifier | None = None
        self.nlp = build_nlp(model, models, language)
        #: The language whose rules this pipeline reads (``rules/<lang>/`` over the general ones).
        self.language = language or self.nlp.lang
        self.shared = load_shared(models, self.language)  # the same object the components read
        self.kb = self.shared.kb
        self.cleaner = name_aware_cleaner(models, self.language)
        self._style = span_style_for(span_style, self.shared.person_titles, self.shared.labels.person)
        self.chunk_chars = min(CHUNK_CHARS, self.nlp.max_length)
        self.stage_seconds: dict[str, float] = stage_seconds if stage_seconds is not None else defaultdict(float)

    # -- analysis ------------------------------------------------------------

    def analyse(self, raw_text: str) -> tuple[CleanText, Doc]:
        """Clean one text and run the spaCy pipeline on it: (clean text, Doc)."""
        return self.analyse_many([raw_text])[0]

    def analyse_many(self, raw_texts: list[str] | list[RawDocument]) -> list[tuple[CleanText, Doc]]:
        """:meth:`analyse` for a batch of texts, each component run once over a group of them; a
        :class:`RawDocument` in place of a text brings the map of an extracted text to its file."""
        with self._timed("clean"):
            cleaned = [
                self.cleaner.clean(raw.text, raw.mapping, raw.emphasis)
                if isinstance(raw, RawDocument)
                else self.cleaner.clean(raw)
                for raw in raw_texts
            ]
        docs: list[Doc | None] = [None] * len(cleaned)
        short = [n for n, clean in enumerate(cleaned) if len(clean.text) <= self.chunk_chars]
        with self._timed("tokenizer"):
            made = [self._make_doc(cleaned[n]) for n in short]
        for n, doc in zip(short, self._pipe(made), strict=True):
            docs[n] = doc
        for n, clean in enumerate(cleaned):
            if docs[n] is None:
                docs[n] = self._analyse_long(clean)
        return list(zip(cleaned, docs, strict=True))  # type: ignore[arg-type]

    def _make_doc(self, clean: CleanText, start: int = 0, end: int | None = None) -> Doc:
        """The tokenised Doc of ``clean.text[start:end]`` with its emphasis spans."""
        end = len(clean.text) if end is None else end
        doc = self.nlp.make_doc(clean.text[start:end])
        doc._.namelink_emphasis = [(a - start, b - start) for a, b in clean.emphasis if start <= a and b <= end]
        return doc

    def _pipe(self, docs: list[Doc], enable: list[str] | None = None) -> Iterator[Doc]:
        """``nlp.pipe`` over groups of docs, with all components or those in ``enable``.

        Each group goes through ``nlp.pipe`` one component at a time: the same
        order and batches as a single call (a group is one batch), and the
        manifest can say where the time went.
        """
        names = [name for name in self.nlp.pipe_names if enable is None or name in enable]
        for group in groups_by_size(docs, BATCH_CHARS, lambda doc: len(doc.text)):
            for name in names:
                others = [other for other in self.nlp.pipe_names if other != name]
                with self._timed(name):
                    group = list(self.nlp.pipe(group, batch_size=len(group), disable=others))
            for doc in group:
                doc.tensor = _NO_TENSOR  # tok2vec output: 384 bytes a token, unused from here on
                yield doc

    def _analyse_long(self, clean: CleanText) -> Doc:
        before, rest = whole_document_split(self.nlp)
        pieces, start = [], 0
        for text in split_paragraphs(clean.text, self.chunk_chars):
            pieces.append(self._make_doc(clean, start, start + len(text)))
            start += len(text)
        doc = join_pieces(list(self._pipe(pieces, enable=before)), clean.emphasis)
        return next(self._pipe([doc], enable=rest)) if rest else doc

    @contextmanager
    def _timed(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stage_seconds[name] += time.perf_counter() - started

    # -- records -------------------------------------------------------------

    def process_text(self, raw_text: str, doc_id: str, source: str = "<text>") -> DocumentRecord:
        """The ``documents.jsonl`` record of a text given in memory (read by its language's pipeline)."""
        raw = RawDocument(doc_id, source, raw_text, "utf-8", "")
        return next(self._routed([raw]))[1]

    # -- languages -----------------------------------------------------------

    def _language_identifier(self) -> LanguageIdentifier:
        """The identifier, loaded on first use (its load counted in the ``language`` stage)."""
        if self._identifier is None:
            with self._timed("language"):
                self._identifier = LanguageIdentifier(self.languages)
        return self._identifier

    def language_of(self, text: str) -> str:
        """The language a text is read as (:mod:`pipeline.io.language`)."""
        identifier = self._language_identifier()
        with self._timed("language"):
            return identifier.detect(text).language

    def lane(self, language: str) -> Pipeline:
        """The pipeline that reads documents of ``language`` (loaded on first use): its own model
        when ``languages.yaml`` names one; the default language's model with the language's rules
        when it has only ``rules/<lang>/``; else this one."""
        if not self.route or language == self.languages.default:
            return self
        model = self.language_models.get(language)
        if model is None and (models_dir(self.models) / "rules" / language).is_dir():
            model = self.model_name
        if model is None:
            return self
        if language not in self._lanes:
            self._lanes[language] = Pipeline(
                model,
                self.models,
                self.span_style,
                self.language_models,
                route=False,
                stage_seconds=self.stage_seconds,
                language=language,
            )
        return self._lanes[language]

    def segments_of(self, text: str) -> list[Segment]:
        """The runs of one language of a text (:meth:`pipeline.io.language.LanguageIdentifier.segments`)."""
        if not self.route:
            return [Segment(0, len(text), self.languages.default)]
        identifier = self._language_identifier()
        with self._timed("language"):
            return identifier.segments(text)

    def _routed(self, raws: list[RawDocument]) -> Iterator[tuple[int, DocumentRecord]]:
        """(position, record) of each document, each run of one language read by that language's
        pipeline; a document of several languages is one record of its runs (``segments``)."""
        parts: list[tuple[int, Segment, RawDocument]] = []
        for position, raw in enumerate(raws):
            if raw.mapping is None and not raw.words:
                segments = self.segments_of(raw.text)
            else:  # extracted text (markup, a layout): one language, its offset map kept whole
                language = self.language_of(raw.text) if self.route else self.languages.default
                segments = [Segment(0, len(raw.text), language)]
            for segment in segments:
                piece = raw if len(segments) == 1 else replace(raw, text=raw.text[segment.start : segment.end])
                parts.append((position, segment, piece))
        by_lane: dict[str, list[int]] = {}
        for k, (_, segment, _) in enumerate(parts):
            by_lane.setdefault(segment.language, []).append(k)
        done: dict[int, DocumentRecord] = {}
        for language, ks in by_lane.items():
            lane = self.lane(language)
            for j, record in lane._analyse_records([parts[k][2] for k in ks], language):
                done[ks[j]] = record
        by_document: dict[int, list[tuple[Segment, DocumentRecord]]] = {}
        for k, (position, segment, _) in enumerate(parts):
            by_document.setdefault(position, []).append((segment, done[k]))
        for position, pieces in sorted(by_document.items()):
            yield position, pieces[0][1] if len(pieces) == 1 else joined_record(raws[position], pieces)

    def process_file(self, path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> DocumentRecord:
        """The ``documents.jsonl`` record of one file; never raises for bad input."""
        return self.process_files([Path(path)], max_bytes)[0]

    def process_files(
        self, paths: list[Path], max_bytes: int = DEFAULT_MAX_BYTES, doc_ids: list[str] | None = None
    ) -> list[DocumentRecord]:
        """Records of a batch of files, in order, each read by the reader its extension names
        (:mod:`pipeline.io.formats`); a bad file (no regular file, larger than ``max_bytes``, not
        text) gives an error record, never an exception. ``doc_ids``: the records' ids
        (:mod:`pipeline.io.ids`; default each file's name without its extension)."""
        ids = doc_ids if doc_ids is not None else [path.stem for path in paths]
        files = [InputFile(Path(path), doc_id, format_of(path)) for path, doc_id in zip(paths, ids, strict=True)]
        return self.process_inputs(files, max_bytes)

    def process_inputs_timed(
        self, files: list[InputFile], max_bytes: int = DEFAULT_MAX_BYTES
    ) -> tuple[list[DocumentRecord], dict[str, float]]:
        """:meth:`process_inputs`, with the seconds spent per stage on these files (what a worker
        reports back for the run's totals)."""
        before = dict(self.stage_seconds)
        records = self.process_inputs(files, max_bytes)
        return records, {k: v - before.get(k, 0.0) for k, v in self.stage_seconds.items()}

    def process_inputs(self, files: list[InputFile], max_bytes: int = DEFAULT_MAX_BYTES) -> list[DocumentRecord]:
        """Records of a batch of inputs (:func:`pipeline.io.input_files`), in order; an input that
        cannot be read (a bad file, a bad row of a collection) gives an error record."""
        records: list[DocumentRecord | None] = []
        readable: list[tuple[int, RawDocument]] = []
        for file in files:
            with self._timed("read"):
                try:
                    raw = read_input(file, max_bytes)
                except InputError as err:
                    record = document_record(None, doc_id=file.doc_id, source=file.source, error=str(err))
                    records.append({**record, "sha256": err.sha256})
                    continue
            readable.append((len(records), raw))
            records.append(None)
        for position, record in self._routed([raw for _, raw in readable]):
            records[readable[position][0]] = record
        return [r for r in records if r is not None]

    def _analyse_records(
        self, raws: list[RawDocument], language: str | None = None
    ) -> Iterator[tuple[int, DocumentRecord]]:
        """A record per document (of ``language``); a document that fails gets an error record, the others go on."""
        failed: Exception | None = None
        try:
            analysed = self.analyse_many(raws)
        except Exception as err:
            analysed, failed = None, err  # find the document that broke the batch: one at a time
        for position, raw in enumerate(raws):
            try:
                if failed is not None and len(raws) == 1:
                    raise failed  # the batch was this one document: no second try
                clean, doc = analysed[position] if analysed else self.analyse_many([raw])[0]
                record = document_record(
                    raw,
                    doc_id=raw.doc_id,
                    source=raw.source,
                    clean=clean,
                    doc=doc,
                    style=self._style,
                    language=language,
                )
            except Exception as err:  # one broken document must not stop the batch
                error = f"{type(err).__name__}: {err}"
                record = document_record(raw, doc_id=raw.doc_id, source=raw.source, error=error, language=language)
            yield position, record
