"""Records from a processed document: the spaCy Doc and its clean text to a :class:`DocumentRecord`."""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.clean import CleanText
from pipeline.io import RawDocument
from pipeline.io.layout import place_mentions
from pipeline.output.spans import SpanStyle
from pipeline.records import DocumentRecord, EntityRecord


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


