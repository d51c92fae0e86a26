"""What each page of the report shows, as plain objects the templates lay out.

- :class:`Individual`: one linked id, described by the run's ``entities.jsonl``
  (canonical name, label, Wikidata id) and, where the run has none, by the
  knowledge base (its one-line ``description`` above all; a run's file has none);
- :func:`people_of`: the people list of one document (canonical, count, page);
- :func:`entity_pages`: an individual's mentions cut into pages of at most
  :data:`PAGE_MENTIONS`, each grouped by document, so an individual with
  15,000 mentions is many small pages, never one of megabytes;
- :func:`search_entries`: the offline search index (people and documents).

Paths in these objects are relative to the report's folder; templates add
the ``root`` (``""`` or ``"../"``) of the page they are on.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pipeline.review.report.text import Snippet, document_title, file_name, snippet

DOCS_DIR, ENTITIES_DIR, ASSETS_DIR = "docs", "entities", "assets"
#: Mentions listed on one page of an individual.
PAGE_MENTIONS = 200
#: Surface forms an individual shows in the index and the search index.
SHOWN_FORMS = 8
WIKIDATA_URL = "https://www.wikidata.org/wiki/{}"
_WIKIDATA_ID = re.compile(r"^Q[1-9][0-9]*$")

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

if TYPE_CHECKING:
    from pipeline.kb.base import KnowledgeBase


def colour(label: str) -> str:
    """The highlight colour (CSS) of a label; labels without their own share one."""
    return LABEL_COLOURS.get(label, _DEFAULT_COLOUR)


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


def page_file(first: str, number: int) -> str:
    """The file of page ``number`` (from 1) of an individual whose first page is ``first``
    (``leon-trotsky.html`` -> ``leon-trotsky~2.html``; ``~`` is never in a :func:`file_names` name)."""
    return first if number == 1 else f"{first.removesuffix('.html')}~{number}.html"


@dataclass
class Individual:
    """One linked id of the run and what the report says of it."""

    entity_id: str
    canonical: str
    label: str
    in_kb: bool
    mentions: int
    documents: list[str]
    surface_forms: dict[str, int]
    file: str  # first page, under entities/
    wikidata: str | None = None
    description: str = ""

    @property
    def href(self) -> str:
        return f"{ENTITIES_DIR}/{self.file}"

    @property
    def wikidata_url(self) -> str | None:
        """The Wikidata page of the id, when it is a well-formed ``Q`` id."""
        return WIKIDATA_URL.format(self.wikidata) if self.wikidata and _WIKIDATA_ID.match(self.wikidata) else None

    def hover(self) -> dict[str, Any]:
        """What a mark's tooltip shows of the individual (inlined per document page as JSON)."""
        return {
            "canonical": self.canonical,
            "description": self.description,
            "wikidata": self.wikidata if self.wikidata_url else None,
            "wikidata_url": self.wikidata_url,
            "href": self.href,
            "nil": not self.in_kb,
            "mentions": self.mentions,
        }


def individuals(rows: list[dict[str, Any]], kb: KnowledgeBase | None) -> dict[str, Individual]:
    """An :class:`Individual` per row of :func:`pipeline.review.inspection.entity_rows` (most mentioned
    first); the knowledge base ``kb`` adds the description, and the canonical name and Wikidata id
    where the run's row lacks them."""
    files = file_names(row["entity_id"] for row in rows)
    out: dict[str, Individual] = {}
    for row in rows:
        entry = kb.entities.get(row["entity_id"]) if kb is not None and row["in_kb"] else None
        out[row["entity_id"]] = Individual(
            entity_id=row["entity_id"],
            canonical=row["canonical"] or (entry.canonical if entry else row["entity_id"]),
            label=row["label"],
            in_kb=row["in_kb"],
            mentions=row["mentions"],
            documents=row["documents"],
            surface_forms=row["surface_forms"],
            file=files[row["entity_id"]],
            wikidata=row.get("wikidata") or (entry.wikidata if entry else None),
            description=entry.description if entry else "",
        )
    return out


@dataclass
class DocumentView:
    """One ``documents.jsonl`` record as its page and the index show it."""

    record: dict[str, Any]
    title: str
    file: str  # under docs/

    @property
    def file_name(self) -> str:
        """The name of the file it was read from (:func:`~.text.file_name`)."""
        return file_name(self.record)

    @property
    def href(self) -> str:
        return f"{DOCS_DIR}/{self.file}"


def document_views(records: list[dict[str, Any]]) -> dict[str, DocumentView]:
    """A :class:`DocumentView` per record, by doc id, with a readable title and a file name."""
    files = file_names(r["doc_id"] for r in records)
    return {r["doc_id"]: DocumentView(r, document_title(r), files[r["doc_id"]]) for r in records}


@dataclass(frozen=True)
class Person:
    """A line of a document's people list."""

    canonical: str
    count: int
    individual: Individual | None  # None: a person mention linked to no id


def people_of(record: dict[str, Any], people: dict[str, Individual], person: str) -> list[Person]:
    """The people of one document: each linked id of its ``person`` mentions with their count, most
    mentioned first; unlinked person mentions are listed by their text."""
    counts: Counter[str] = Counter()
    unlinked: Counter[str] = Counter()
    for ent in record["entities"]:
        if ent["label"] != person:
            continue
        if ent["entity_id"] in people:
            counts[ent["entity_id"]] += 1
        else:
            unlinked[" ".join(ent["text"].split())] += 1
    out = [Person(people[i].canonical, n, people[i]) for i, n in counts.items()]
    out += [Person(text, n, None) for text, n in unlinked.items()]
    return sorted(out, key=lambda p: (-p.count, p.canonical.lower()))


@dataclass(frozen=True)
class MentionLine:
    """A mention on an individual's page: its place in the document and its context."""

    anchor: str  # docs/<file>#m-<start>
    context: Snippet
    score: float | None
    method: str | None
    reason: str | None


@dataclass
class DocumentGroup:
    """The mentions of one page that are in one document."""

    document: DocumentView
    in_document: int  # the individual's mentions in the whole document
    lines: list[MentionLine] = field(default_factory=list)


@dataclass
class EntityPage:
    """Page ``number`` of ``count`` of an individual."""

    number: int
    count: int
    file: str
    first_mention: int  # 1-based
    groups: list[DocumentGroup]

    @property
    def last_mention(self) -> int:
        return self.first_mention + sum(len(g.lines) for g in self.groups) - 1


def entity_pages(
    individual: Individual, mentions: list[dict[str, Any]], documents: dict[str, DocumentView]
) -> list[EntityPage]:
    """``mentions`` (the individual's rows of :func:`pipeline.review.inspection.mention_rows`, in
    document order) cut into pages of :data:`PAGE_MENTIONS`, each grouped by document."""
    per_doc = Counter(m["doc_id"] for m in mentions)
    chunks = [mentions[i : i + PAGE_MENTIONS] for i in range(0, len(mentions), PAGE_MENTIONS)] or [[]]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        groups: list[DocumentGroup] = []
        for m in chunk:
            view = documents[m["doc_id"]]
            if not groups or groups[-1].document is not view:
                groups.append(DocumentGroup(view, per_doc[m["doc_id"]]))
            text = view.record.get("text") or ""
            groups[-1].lines.append(
                MentionLine(
                    f"{view.href}#m-{m['start']}",
                    snippet(text, m["start"], m["end"]),
                    None if m["score"] is None else round(m["score"], 3),
                    m["method"],
                    m.get("reason"),
                )
            )
        first = (number - 1) * PAGE_MENTIONS + 1
        pages.append(EntityPage(number, len(chunks), page_file(individual.file, number), first, groups))
    return pages


def search_entries(people: Iterable[Individual], documents: Iterable[DocumentView]) -> list[dict[str, str]]:
    """The offline search index: ``n`` the name shown, ``k`` the kind (a label, or ``document``),
    ``u`` the page (relative to the report folder), ``x`` more text to match (id, forms, description)."""
    out = []
    for p in people:
        forms = " ".join(list(p.surface_forms)[:SHOWN_FORMS])
        out.append({"n": p.canonical, "k": p.label, "u": p.href, "x": f"{p.entity_id} {forms} {p.description}"})
    for d in documents:
        out.append({"n": d.title, "k": "document", "u": d.href, "x": f"{d.record['doc_id']} {d.record['source']}"})
    return out


def hover_title(ent: dict[str, Any], individual: Individual | None) -> str:
    """A mark's ``title``, its hover text without JavaScript: canonical name, Wikidata link, then
    label, score, method and reason. (The script's tooltip adds the description and the id from the
    page's inlined JSON, :meth:`Individual.hover`; they are left out here, where they would be
    repeated on every mark of the individual.)"""
    parts = []
    if individual is not None:
        parts.append(individual.canonical + ("" if individual.in_kb else " (not in the knowledge base)"))
        parts += [f"Wikidata {individual.wikidata}: {individual.wikidata_url}"] if individual.wikidata_url else []
    how = [ent["label"]]
    how += [f"score {ent['score']:.2f}"] if ent.get("score") is not None else []
    how += [ent[key] for key in ("method", "reason") if ent.get(key)]
    return " — ".join(parts + [" · ".join(how)])
