"""A static HTML report of a finished run, readable offline in any browser.

:func:`write_report` reads an output folder (:func:`pipeline.review.inspection.load_run`)
and writes, into one folder:

- ``index.html``: the documents (status, mention counts) and the individuals
  (mentions, documents, surface forms), each a link to its page;
- ``docs/<doc>.html``: the document's clean text with its entities
  highlighted in displaCy's style, coloured by label; hovering a mark shows
  the label, entity id, score and method, and each id links to its page;
- ``entities/<id>.html``: every mention of one individual, in context, each
  a link to the mention in its document (``#m-<start>``).

Pages are self-contained (inline CSS, no scripts, fonts or remote files) and
every piece of text is escaped with :func:`markupsafe.escape`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from pipeline.records import window
from pipeline.resources import person_label
from pipeline.review.inspection import RunOutput, entity_rows, load_run, mention_rows

#: displaCy's colours for spaCy's English labels; other labels are grey.
LABEL_COLOURS = {
    "PERSON": "#aa9cfc",
    "ORG": "#7aecec",
    "GPE": "#feca74",
    "LOC": "#ff9561",
    "NORP": "#c887fb",
    "FAC": "#9cc9cc",
    "EVENT": "#ffeb80",
    "WORK_OF_ART": "#f0d0ff",
    "LAW": "#ff8197",
    "LANGUAGE": "#ff8197",
    "DATE": "#bfe1d9",
    "TIME": "#bfe1d9",
    "MONEY": "#e4e7d2",
    "QUANTITY": "#e4e7d2",
    "ORDINAL": "#e4e7d2",
    "CARDINAL": "#e4e7d2",
    "PERCENT": "#e4e7d2",
    "PRODUCT": "#bfeeb7",
}
_DEFAULT_COLOUR = "#dddddd"
DOCS_DIR, ENTITIES_DIR = "docs", "entities"

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 70rem;
       padding: 0 1rem; color: #222; line-height: 1.5; }
nav { margin-bottom: 1rem; font-size: 0.9em; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; font-size: 0.92em; }
th, td { text-align: left; padding: 0.3em 0.6em; border-bottom: 1px solid #ddd; vertical-align: top; }
th { background: #f4f4f4; }
td.num { text-align: right; }
.text { white-space: pre-wrap; line-height: 2.4; font-size: 1.02em; }
mark.entity { padding: 0.3em 0.5em; margin: 0 0.15em; line-height: 1; border-radius: 0.35em; }
.entity-label { font-size: 0.7em; font-weight: bold; margin-left: 0.4rem; vertical-align: middle; }
.entity-label a { color: inherit; }
.error { color: #a00; }
.legend mark { margin-right: 0.6em; }
.context mark { border-radius: 0.25em; padding: 0 0.2em; }
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
{nav}
<h1>{title}</h1>
{body}
</body>
</html>
"""


@dataclass
class ReportSummary:
    """What :func:`write_report` wrote.

    folder (Path): The report's folder.
    documents (int): Document pages written.
    entities (int): Entity pages written.
    """

    folder: Path
    documents: int
    entities: int

    @property
    def index(self) -> Path:
        """The report's ``index.html``."""
        return self.folder / "index.html"


def write_report(output: str | Path, html_dir: str | Path) -> ReportSummary:
    """Write the HTML report of a run.

    output (str | Path): The run's output folder.
    html_dir (str | Path): Folder to write ``index.html``, ``docs/`` and ``entities/`` into (created).
    RETURNS (ReportSummary): The folder and the numbers of pages written.
    """
    run = load_run(output)
    html_dir = Path(html_dir)
    mentions = mention_rows(run)
    entities = entity_rows(run, mentions)
    doc_files = file_names(r["doc_id"] for r in run.documents)
    entity_files = file_names(e["entity_id"] for e in entities)
    for sub in (DOCS_DIR, ENTITIES_DIR):
        (html_dir / sub).mkdir(parents=True, exist_ok=True)
    for record in run.documents:
        page = document_page(record, entity_files)
        (html_dir / DOCS_DIR / doc_files[record["doc_id"]]).write_text(page, encoding="utf-8")
    by_entity: dict[str, list[dict[str, Any]]] = {}
    for m in mentions:
        by_entity.setdefault(m["entity_id"], []).append(m)
    texts = {r["doc_id"]: r.get("text") or "" for r in run.documents}
    for row in entities:
        page = entity_page(row, by_entity[row["entity_id"]], texts, doc_files)
        (html_dir / ENTITIES_DIR / entity_files[row["entity_id"]]).write_text(page, encoding="utf-8")
    (html_dir / "index.html").write_text(index_page(run, entities, doc_files, entity_files), encoding="utf-8")
    return ReportSummary(html_dir, len(run.documents), len(entities))


def file_names(ids: Iterable[str]) -> dict[str, str]:
    """A distinct, portable ``.html`` file name per id (``nil:volina-nevelson`` ->
    ``nil_volina-nevelson-<hash>.html``); ids that are already safe keep their name."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for ident in ids:
        if ident in out:
            continue
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", ident).strip("._")[:80] or "x"
        if safe != ident or safe.lower() in taken:
            safe = f"{safe}-{hashlib.sha1(ident.encode('utf-8')).hexdigest()[:8]}"
        taken.add(safe.lower())
        out[ident] = f"{safe}.html"
    return out


def colour(label: str) -> str:
    """The highlight colour (CSS) of a label; labels without their own share one."""
    return LABEL_COLOURS.get(label, _DEFAULT_COLOUR)


def _page(title: str, body: Markup, depth: int) -> str:
    up = "../" * depth
    nav = Markup('<nav><a href="{}index.html">&larr; index</a></nav>').format(up) if depth else Markup("")
    return _PAGE.format(title=escape(title), css=_CSS, nav=nav, body=body)


def _table(headers: list[str], rows: list[list[Markup | str | int | float | None]]) -> Markup:
    head = Markup("").join(Markup("<th>{}</th>").format(h) for h in headers)
    body = Markup("\n").join(
        Markup("<tr>{}</tr>").format(Markup("").join(_cell(value) for value in row)) for row in rows
    )
    return Markup("<table><thead><tr>{}</tr></thead>\n<tbody>\n{}\n</tbody></table>").format(head, body)


def _cell(value: Markup | str | int | float | None) -> Markup:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Markup('<td class="num">{}</td>').format(value)
    return Markup("<td>{}</td>").format("" if value is None else value)


def _link(href: str, text: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(href, text)


def _hover(ent: dict[str, Any]) -> str:
    parts = [ent["label"]]
    if ent.get("entity_id"):
        parts.append(ent["entity_id"])
    if ent.get("score") is not None:
        parts.append(f"score {ent['score']:.2f}")
    if ent.get("method"):
        parts.append(ent["method"])
    if ent.get("reason"):
        parts.append(ent["reason"])
    return " · ".join(parts)


# -- pages -------------------------------------------------------------------------------------


def index_page(
    run: RunOutput, entities: list[dict[str, Any]], doc_files: dict[str, str], entity_files: dict[str, str]
) -> str:
    """The report's ``index.html``: the run's documents and its individuals, with links to their pages."""
    person = person_label()
    docs = [
        [
            _link(f"{DOCS_DIR}/{doc_files[r['doc_id']]}", r["doc_id"]),
            Markup('<span class="error">error</span>') if r["status"] == "error" else r["status"],
            len(r["entities"]),
            sum(e["label"] == person for e in r["entities"]),
            r["error"],
        ]
        for r in run.documents
    ]
    people = [
        [
            _link(f"{ENTITIES_DIR}/{entity_files[e['entity_id']]}", e["entity_id"]),
            e["canonical"],
            _label_chip(e["label"]),
            "yes" if e["in_kb"] else "NIL",
            e["mentions"],
            len(e["documents"]),
            ", ".join(list(e["surface_forms"])[:5]),
        ]
        for e in entities
    ]
    model = run.manifest.get("model", {}).get("name", "")
    kb = run.manifest.get("knowledge_base", {}).get("version", "")
    intro = Markup("<p>{} documents, {} linked individuals. Model {}, knowledge base {}.</p>").format(
        len(run.documents), len(entities), model or "?", kb or "?"
    )
    body = intro + Markup("<h2>Documents</h2>") + _table(["document", "status", "entities", "persons", "error"], docs)
    body += Markup("<h2>Individuals</h2>") + _table(
        ["id", "name", "label", "in KB", "mentions", "documents", "surface forms"], people
    )
    return _page("namelink report", body, depth=0)


def _label_chip(label: str) -> Markup:
    return Markup('<mark class="entity" style="background: {}">{}</mark>').format(colour(label), label)


def document_page(record: dict[str, Any], entity_files: dict[str, str]) -> str:
    """One document: its clean text with every entity marked (or its error)."""
    meta = Markup("<p>Source: {} · status: {} · {} entities</p>").format(
        record["source"], record["status"], len(record["entities"])
    )
    if record["status"] == "error":
        body = meta + Markup('<p class="error">{}</p>').format(record["error"])
        return _page(record["doc_id"], body, depth=1)
    labels = sorted({e["label"] for e in record["entities"]})
    legend = Markup('<p class="legend">{}</p>').format(Markup("").join(_label_chip(label) for label in labels))
    text = Markup('<div class="text">{}</div>').format(
        render_text(record["text"] or "", record["entities"], entity_files)
    )
    return _page(record["doc_id"], meta + legend + text, depth=1)


def render_text(text: str, entities: list[dict[str, Any]], entity_files: dict[str, str]) -> Markup:
    """``text`` with each entity as a displaCy-style ``<mark>`` (overlapping entities after the first left plain)."""
    out: list[Markup] = []
    position = 0
    for ent in sorted(entities, key=lambda e: (e["start"], -e["end"])):
        if ent["start"] < position:
            continue
        out.append(escape(text[position : ent["start"]]))
        out.append(_mark(ent, text[ent["start"] : ent["end"]], entity_files))
        position = ent["end"]
    out.append(escape(text[position:]))
    return Markup("").join(out)


def _mark(ent: dict[str, Any], surface: str, entity_files: dict[str, str]) -> Markup:
    eid = ent.get("entity_id")
    label = Markup("{}").format(ent["label"])
    if eid and eid in entity_files:
        label += Markup(" ") + _link(f"../{ENTITIES_DIR}/{entity_files[eid]}", eid)
    return Markup(
        '<mark class="entity" id="m-{start}" style="background: {bg}" title="{hover}">'
        '{surface}<span class="entity-label">{label}</span></mark>'
    ).format(start=ent["start"], bg=colour(ent["label"]), hover=_hover(ent), surface=surface, label=label)


def entity_page(
    row: dict[str, Any], mentions: list[dict[str, Any]], texts: dict[str, str], doc_files: dict[str, str]
) -> str:
    """One individual (``row`` of :func:`pipeline.review.inspection.entity_rows`) and every mention of it
    in context (``texts``: clean text per document id)."""
    facts = Markup("<p>{} · {} · {} mentions in {} documents{}</p>").format(
        _label_chip(row["label"]),
        row["entity_id"],
        row["mentions"],
        len(row["documents"]),
        "" if row["in_kb"] else " · not in the knowledge base (NIL)",
    )
    forms = _table(["surface form", "mentions"], [[text, n] for text, n in row["surface_forms"].items()])
    listed = [
        [
            _link(f"../{DOCS_DIR}/{doc_files[m['doc_id']]}#m-{m['start']}", m["doc_id"]),
            m["text"],
            None if m["score"] is None else round(m["score"], 3),
            m["method"],
            _in_context(texts[m["doc_id"]], m["start"], m["end"]),
        ]
        for m in mentions
    ]
    mentions_table = _table(["document", "text", "score", "method", "context"], listed)
    body = facts + Markup("<h2>Surface forms</h2>") + forms + Markup("<h2>Mentions</h2>") + mentions_table
    return _page(f"{row['canonical']} ({row['entity_id']})", body, depth=1)


def _in_context(text: str, start: int, end: int, width: int = 70) -> Markup:
    left, mention, right = window(text, start, end, width)
    return Markup('<span class="context">… {} <mark>{}</mark> {} …</span>').format(left, mention, right)
