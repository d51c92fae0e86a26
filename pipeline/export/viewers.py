"""JSON formats of a run for tools that show or correct entities: ``displacy`` and ``label-studio``.

Both read a document's clean text (``text``) and the mentions' ``start``/``end`` in it;
documents without a text (errors) are left out.

- ``displacy``: JSON Lines, one object per document that ``displacy.render(obj, style="ent",
  manual=True)`` takes: ``{"text", "ents": [{"start", "end", "label", "kb_id", "kb_url"}],
  "title"}`` (``kb_id`` the entity id when linked, ``kb_url`` its Wikidata page when known;
  ``title`` the document id).
- ``label-studio``: one JSON array of Label Studio tasks, ``{"data": {"text", "doc_id",
  "source"}, "predictions": [{"model_version", "score", "result": [...]}]}``. Each mention is a
  ``labels`` region (``from_name`` ``label``, ``to_name`` ``text``, ``value`` ``{start, end,
  text, labels}``, its score) and, when linked, a ``textarea`` result of the same region id
  (``from_name`` ``entity_id``) holding the id, as a labelling config with
  ``<TextArea name="entity_id" toName="text" perRegion="true"/>`` shows and edits it; the
  prediction's ``score`` is its least sure link's (unsure documents sort first).
"""

from __future__ import annotations

from typing import IO, Any

import orjson

from pipeline import __version__
from pipeline.export.base import export_format
from pipeline.export.rows import ExportRun
from pipeline.records import DocumentRecord, EntityRecord

#: A Wikidata item's page.
WIKIDATA_URL = "https://www.wikidata.org/wiki/{}"


@export_format("label-studio", suffix=".json", text=True)
def write_label_studio(run: ExportRun, out: IO[bytes]) -> int:
    """Every document of ``run`` with a text as one Label Studio task, in one JSON array, to ``out``."""
    tasks = [_task(record, mentions) for record, mentions in run.texts()]
    out.write(orjson.dumps(tasks, option=orjson.OPT_INDENT_2) + b"\n")
    return sum(len(mentions) for _, mentions in run.texts())


def _task(record: DocumentRecord, mentions: list[EntityRecord]) -> dict[str, Any]:
    result: list[dict[str, Any]] = []
    for number, mention in enumerate(mentions):
        region = f"m{number}"
        where = {"start": mention["start"], "end": mention["end"]}
        labels = {**where, "text": mention["text"], "labels": [mention["label"]]}
        labelled = {"id": region, "from_name": "label", "to_name": "text", "type": "labels", "value": labels}
        if mention["score"] is not None:
            labelled["score"] = mention["score"]
        result.append(labelled)
        if mention["entity_id"]:
            value = {**where, "text": [mention["entity_id"]]}
            linked = {"id": region, "from_name": "entity_id", "to_name": "text", "type": "textarea", "value": value}
            result.append(linked)
    scores = [m["score"] for m in mentions if m["score"] is not None]
    prediction: dict[str, Any] = {"model_version": f"namelink {__version__}", "result": result}
    if scores:
        prediction["score"] = min(scores)
    data = {"text": record["text"], "doc_id": record["doc_id"], "source": record["source"]}
    return {"data": data, "predictions": [prediction]}


@export_format("displacy", suffix=".jsonl", text=True)
def write_displacy(run: ExportRun, out: IO[bytes]) -> int:
    """One displaCy manual-mode object per document of ``run`` with a text, a line each, to ``out``."""
    count = 0
    for record, mentions in run.texts():
        ents = [_displacy_ent(run, m) for m in mentions]
        out.write(orjson.dumps({"text": record["text"], "ents": ents, "title": record["doc_id"]}) + b"\n")
        count += len(ents)
    return count


def _displacy_ent(run: ExportRun, mention: EntityRecord) -> dict[str, Any]:
    ent: dict[str, Any] = {"start": mention["start"], "end": mention["end"], "label": mention["label"]}
    if mention["entity_id"]:
        ent["kb_id"] = mention["entity_id"]
        wikidata = run.wikidata(mention["entity_id"])
        if wikidata:
            ent["kb_url"] = WIKIDATA_URL.format(wikidata)
    return ent
