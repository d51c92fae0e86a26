"""Records from a processed document: the spaCy Doc and its clean text to a :class:`DocumentRecord`."""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.clean import CleanText
from pipeline.io import RawDocument
from pipeline.io.language import Segment
from pipeline.io.layout import place_mentions
from pipeline.output.spans import SpanStyle
from pipeline.records import DocumentRecord, EntityRecord, LanguageSegment


def entity_records(doc: Doc, clean: CleanText, style: SpanStyle | None = None) -> list[EntityRecord]:
    """One record per entity of ``doc``: clean offsets, raw offsets (through ``clean``'s map) and the link;
    ``style`` (:mod:`pipeline.output.spans`) may move a span's edges (titles inside, for HIPE)."""
    out = []
    text = doc.text  # built by joining every token: once, not once per entity
    for ent in doc.ents:
        link = ent._.namelink_link or {}
        start, end = style(ent) if style else (ent.start_char, ent.end_char)
        raw_start, raw_end = clean.raw_span(start, end)
        out.append(
            {
                "start": start,
                "end": end,
                "raw_start": raw_start,
                "raw_end": raw_end,
                "text": text[start:end],
                "label": ent.label_,
                "entity_id": link.get("entity_id"),
                "canonical": link.get("canonical"),
                "score": link.get("score"),
                "method": link.get("method"),
                "reason": link.get("reason") or None,
            }
        )
    return out


def document_record(
    raw: RawDocument | None,
    *,
    doc_id: str,
    source: str,
    clean: CleanText | None = None,
    doc: Doc | None = None,
    error: str | None = None,
    style: SpanStyle | None = None,
    language: str | None = None,
) -> DocumentRecord:
    """The ``documents.jsonl`` line of one document (``status`` ok or error); ``language`` the one
    it was read as (None when it could not be read). A mention of an OCR layout's document also
    gets the ``page`` and ``box`` of its words (:func:`pipeline.io.layout.place_mentions`)."""
    record: DocumentRecord = {
        "doc_id": doc_id,
        "source": source,
        "sha256": raw.sha256 if raw else None,
        "encoding": raw.encoding if raw else None,
        "language": language,
        "status": "error" if error else "ok",
        "error": error,
        "text": clean.text if clean and not error else None,
        "entities": entity_records(doc, clean, style) if doc is not None and clean and not error else [],
        "dropped": [dict(d) for d in clean.dropped] if clean and not error else [],  # type: ignore[misc]
    }
    if raw is not None and raw.words and record["entities"]:
        place_mentions(record["entities"], raw.words)  # type: ignore[arg-type]
    return record


#: Between the clean texts of two runs of different languages in a joined record's ``text``.
SEGMENT_BREAK = "\n\n"


def joined_record(raw: RawDocument, parts: list[tuple[Segment, DocumentRecord]]) -> DocumentRecord:
    """The one record of a document read in runs of different languages, from each run's record
    (read as a document of its own): ``text`` the runs' clean texts joined by
    :data:`SEGMENT_BREAK`, every offset shifted to index it and the raw file, ``language`` the one
    most of the raw text is in, and ``segments`` the runs (raw offsets and language). A run that
    failed fails the document (nothing half-read)."""
    chars: dict[str, int] = {}
    for segment, _ in parts:
        chars[segment.language] = chars.get(segment.language, 0) + segment.end - segment.start
    language = max(chars, key=lambda lang: (chars[lang], lang))
    segments: list[LanguageSegment] = [
        {"raw_start": s.start, "raw_end": s.end, "language": s.language} for s, _ in parts
    ]
    failed = [(s, r) for s, r in parts if r["status"] == "error"]
    if failed:
        segment, record = failed[0]
        error = f"{record['error']} (in the {segment.language} run at {segment.start}-{segment.end})"
        joined = document_record(raw, doc_id=raw.doc_id, source=raw.source, error=error, language=language)
        return {**joined, "segments": segments}
    texts: list[str] = []
    entities: list[EntityRecord] = []
    dropped = []
    offset = 0
    for segment, record in parts:
        for e in record["entities"]:
            entities.append(
                {
                    **e,
                    "start": e["start"] + offset,
                    "end": e["end"] + offset,
                    "raw_start": e["raw_start"] + segment.start,
                    "raw_end": e["raw_end"] + segment.start,
                }
            )
        for d in record["dropped"]:
            dropped.append({**d, "raw_start": d["raw_start"] + segment.start, "raw_end": d["raw_end"] + segment.start})
        text = record["text"] or ""
        texts.append(text)
        offset += len(text) + len(SEGMENT_BREAK)
    joined = document_record(raw, doc_id=raw.doc_id, source=raw.source, language=language)
    return {
        **joined,
        "text": SEGMENT_BREAK.join(texts),
        "entities": entities,
        "dropped": dropped,
        "segments": segments,
    }
