"""Token formats of a run: ``conll``, ``hipe-tsv`` and ``docbin``, on the tokens of :mod:`.tokens`.

Each reads a document's clean text (``text``, which the mentions' ``start``/``end`` index);
documents without a text (errors) are left out.

- ``conll``: CoNLL-2003-style, one ``TOKEN TAG`` line per token (IOB2 tags of the run's
  labels, ``B-PERSON``), a blank line after each sentence, each document opened by
  ``-DOCSTART- -X- O O`` (the delimiter ``spacy convert`` splits documents on).
- ``hipe-tsv``: the HIPE-2020 TSV format, one header line ``TOKEN NE-COARSE-LIT
  NE-COARSE-METO NE-FINE-LIT NE-FINE-METO NE-FINE-COMP NE-NESTED NEL-LIT NEL-METO MISC``,
  each document opened by ``# language = ..`` and ``# document_id = ..`` comments. Only the
  literal coarse type (:data:`HIPE_COARSE`; other labels are ``O``) and the literal link
  are given: ``NEL-LIT`` is the Wikidata id of the mention's entity, ``NIL`` when it has
  none, ``_`` outside mentions and on ``time``, which HIPE does not link; the other NE
  columns ``O``, ``NEL-METO`` ``_``. ``MISC`` says ``NoSpaceAfter`` and ``EndOfLine`` as
  HIPE does, so its text can be rebuilt from the tokens.
- ``docbin``: a spaCy ``DocBin`` (``.spacy``): one Doc per document, its text the record's
  text, ``doc.ents`` the mentions with ``kb_id_`` their entity id, sentence starts set,
  ``user_data`` ``{"doc_id", "source"}``. Read it back with
  ``DocBin().from_disk(path).get_docs(spacy.blank(lang).vocab)``.
"""

from __future__ import annotations

from typing import IO

from pipeline.export.base import export_format
from pipeline.export.rows import ExportRun
from pipeline.export.tokens import Piece, blank_pipeline, iob_tags, spacy_doc, tokenise

#: spaCy's (OntoNotes) labels -> HIPE-2020's coarse literal types (``pers``, ``loc``, ``org``,
#: ``time``; HIPE guidelines v1.4, section 3). A format's definition, like the columns: HIPE's
#: ``prod`` (newspapers, doctrines) has no spaCy counterpart, so labels not listed are ``O``.
HIPE_COARSE = {"PERSON": "pers", "GPE": "loc", "LOC": "loc", "FAC": "loc", "ORG": "org", "DATE": "time", "TIME": "time"}
#: The coarse types HIPE links (a ``time`` mention's ``NEL-LIT`` is ``_``, as outside mentions).
HIPE_LINKED = frozenset({"pers", "loc", "org"})

#: The HIPE-2020 TSV columns, in order.
HIPE_COLUMNS = (
    "TOKEN",
    "NE-COARSE-LIT",
    "NE-COARSE-METO",
    "NE-FINE-LIT",
    "NE-FINE-METO",
    "NE-FINE-COMP",
    "NE-NESTED",
    "NEL-LIT",
    "NEL-METO",
    "MISC",
)

#: The document delimiter line of CoNLL-2003 as spaCy's converter reads it.
DOCSTART = "-DOCSTART- -X- O O"


@export_format("conll", suffix=".conll", text=True)
def write_conll(run: ExportRun, out: IO[bytes]) -> int:
    """Every document of ``run`` with a text as CoNLL-2003-style IOB lines to ``out``."""
    count = 0
    for record, mentions in run.texts():
        pieces = tokenise(record["text"], record.get("language"), mentions)
        lines = [DOCSTART, ""]
        for piece, (tag, _) in zip(pieces, iob_tags(pieces, mentions), strict=True):
            if piece.is_space:
                continue
            if piece.sent_start and lines[-1] != "":
                lines.append("")
            lines.append(f"{piece.text} {tag}")
        out.write(("\n".join(lines) + "\n\n").encode("utf-8"))
        count += len(mentions)
    return count


@export_format("hipe-tsv", suffix=".tsv", text=True)
def write_hipe_tsv(run: ExportRun, out: IO[bytes]) -> int:
    """Every document of ``run`` with a text as HIPE-2020 TSV to ``out``."""
    out.write(("\t".join(HIPE_COLUMNS) + "\n").encode("utf-8"))
    count = 0
    for record, mentions in run.texts():
        text = record["text"]
        pieces = tokenise(text, record.get("language"), mentions)
        tagged = [(p, tag) for p, tag in zip(pieces, iob_tags(pieces, mentions), strict=True) if not p.is_space]
        words = [p for p, _ in tagged]
        lines = [f"# language = {record.get('language') or '_'}", f"# document_id = {record['doc_id']}"]
        for i, (piece, (tag, mention)) in enumerate(tagged):
            coarse = HIPE_COARSE.get(mention["label"]) if mention else None
            ne = f"{tag[0]}-{coarse}" if coarse else "O"
            link = (run.wikidata(mention["entity_id"]) or "NIL") if coarse in HIPE_LINKED else "_"
            following = words[i + 1].start if i + 1 < len(words) else len(text)
            misc = _misc(text[piece.end : following], last=i + 1 == len(words))
            lines.append("\t".join((piece.text, ne, "O", "O", "O", "O", "O", link, "_", misc)))
            count += tag.startswith("B-") and coarse is not None
        out.write(("\n".join(lines) + "\n\n").encode("utf-8"))
    return count


def _misc(gap: str, last: bool) -> str:
    """HIPE's MISC of a token followed by ``gap`` (the text up to the next token)."""
    if "\n" in gap:
        return "EndOfLine"
    return "NoSpaceAfter" if not gap and not last else "_"


@export_format("docbin", suffix=".spacy", text=False)
def write_docbin(run: ExportRun, out: IO[bytes]) -> int:
    """Every document of ``run`` with a text as one Doc of a spaCy ``DocBin`` to ``out``."""
    from spacy.tokens import DocBin

    docs = DocBin(store_user_data=True)
    count = 0
    for record, mentions in run.texts():
        pieces: list[Piece] = tokenise(record["text"], record.get("language"), mentions)
        doc = spacy_doc(blank_pipeline(record.get("language")).vocab, pieces)
        for token, piece in zip(doc, pieces, strict=True):
            token.is_sent_start = piece.sent_start
        spans = [doc.char_span(m["start"], m["end"], label=m["label"], kb_id=m["entity_id"] or "") for m in mentions]
        doc.ents = [span for span in spans if span is not None]
        doc.user_data.update(doc_id=record["doc_id"], source=record["source"])
        docs.add(doc)
        count += len(doc.ents)
    out.write(docs.to_bytes())
    return count
