"""A static HTML report of a finished run, readable offline in any browser.

:func:`write_report` reads an output folder (:func:`pipeline.review.inspection.load_run`)
and writes, into one folder, pages rendered from the Jinja2 templates of
``templates/`` (autoescaped: every piece of text is escaped there):

- ``index.html``: the documents, by readable title (:func:`~.text.document_title`),
  with their people, and the individuals (canonical name, Wikidata id,
  mentions, documents, surface forms), each a link to its page;
- ``docs/<doc>.html``: the document's people list (canonical name, count,
  link) and its clean text with every entity marked in displaCy's colours; a
  person's mark links to its page, and hovering it shows the canonical name,
  the knowledge base's description, the Wikidata link, the id (once), score
  and method; a "persons only" switch greys out the other labels;
- ``entities/<id>.html`` (and ``<id>~2.html``...): an individual's canonical
  name, description and Wikidata link, its surface forms, and its mentions in
  context (cut at word boundaries), at most :data:`~.views.PAGE_MENTIONS` a
  page, grouped by document in ``<details>``, each a link to the mention in
  its document (``#m-<start>``);
- ``assets/``: the stylesheet and script of ``static/``, and ``search.js``,
  the index of the search box every page has (people and documents; plain
  JavaScript over an inlined array, so it works from ``file://`` offline).

No page loads anything from elsewhere; the only remote links are to
``https://www.wikidata.org/wiki/Q...``. The description comes from the
knowledge base (``kb``, else the models folder's, loaded here; a run's files
have none): the report is written without descriptions when it cannot be read.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from pipeline.resources import person_label
from pipeline.review.inspection import entity_rows, load_run, mention_rows
from pipeline.review.report.text import segments
from pipeline.review.report.views import (
    ASSETS_DIR,
    DOCS_DIR,
    ENTITIES_DIR,
    colour,
    document_views,
    entity_pages,
    file_names,
    hover_title,
    individuals,
    people_of,
    search_entries,
)

if TYPE_CHECKING:
    from pipeline.kb.base import KnowledgeBase

__all__ = ["ReportSummary", "file_names", "write_report"]


@dataclass
class ReportSummary:
    """What :func:`write_report` wrote.

    folder (Path): The report's folder.
    documents (int): Document pages written.
    entities (int): Individuals with a page (each one page or more).
    pages (int): Entity pages written (an individual with many mentions has several).
    described (bool): Whether the knowledge base was read for descriptions.
    """

    folder: Path
    documents: int
    entities: int
    pages: int = 0
    described: bool = True

    @property
    def index(self) -> Path:
        """The report's ``index.html``."""
        return self.folder / "index.html"


def environment() -> Environment:
    """The Jinja2 environment of the report's templates (autoescape on, undefined names an error)."""
    env = Environment(
        loader=PackageLoader("pipeline.review.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(colour=colour, hover_title=hover_title)
    env.globals.update(DOCS_DIR=DOCS_DIR, ENTITIES_DIR=ENTITIES_DIR, ASSETS_DIR=ASSETS_DIR)
    return env


def write_report(
    output: str | Path,
    html_dir: str | Path,
    kb: KnowledgeBase | None = None,
    models: str | Path | None = None,
) -> ReportSummary:
    """Write the HTML report of a run.

    output (str | Path): The run's output folder.
    html_dir (str | Path): Folder to write ``index.html``, ``docs/``, ``entities/`` and ``assets/`` into.
    kb (KnowledgeBase | None): Where descriptions come from; None: the knowledge base of ``models``.
    models (str | Path | None): The models folder to load it from (None: the default, as ``--models``).
    RETURNS (ReportSummary): The folder and the numbers of pages written.
    """
    run = load_run(output)
    html_dir = Path(html_dir)
    described = True
    if kb is None:
        kb = _load_kb(models)
        described = kb is not None
    mentions = mention_rows(run)
    people = individuals(entity_rows(run, mentions), kb)
    documents = document_views(run.documents)
    env = environment()
    for sub in (DOCS_DIR, ENTITIES_DIR, ASSETS_DIR):
        (html_dir / sub).mkdir(parents=True, exist_ok=True)
    _write_assets(html_dir / ASSETS_DIR, search_entries(people.values(), documents.values()))
    person = person_label()
    for view in documents.values():
        page = env.get_template("document.html").render(
            root="../",
            doc=view,
            segments=segments(view.record.get("text") or "", view.record["entities"]),
            people=people_of(view.record, people, person),
            hover={i: people[i].hover() for i in {e["entity_id"] for e in view.record["entities"]} if i in people},
            labels=sorted({e["label"] for e in view.record["entities"]}),
            person=person,
            individuals=people,
        )
        (html_dir / DOCS_DIR / view.file).write_text(page, encoding="utf-8")
    by_entity: dict[str, list[dict[str, Any]]] = {}
    for m in mentions:
        by_entity.setdefault(m["entity_id"], []).append(m)
    written = 0
    template = env.get_template("entity.html")
    for individual in people.values():
        pages = entity_pages(individual, by_entity[individual.entity_id], documents)
        for page in pages:
            html = template.render(root="../", individual=individual, page=page, pages=pages)
            (html_dir / ENTITIES_DIR / page.file).write_text(html, encoding="utf-8")
        written += len(pages)
    index = env.get_template("index.html").render(
        root="",
        run=run,
        documents=list(documents.values()),
        people=list(people.values()),
        people_of=lambda record: people_of(record, people, person),
        described=described,
    )
    (html_dir / "index.html").write_text(index, encoding="utf-8")
    return ReportSummary(html_dir, len(documents), len(people), written, described)


def _load_kb(models: str | Path | None) -> KnowledgeBase | None:
    """The knowledge base of the models folder, or None when it cannot be read (the report then
    has no descriptions; everything else comes from the run)."""
    from pipeline.kb.base import KnowledgeBase
    from pipeline.kb.entries import KnowledgeBaseError
    from pipeline.resources import ModelsError

    try:
        return KnowledgeBase.load(models)
    except (ModelsError, KnowledgeBaseError, OSError):
        return None


def _write_assets(folder: Path, entries: list[dict[str, str]]) -> None:
    """The stylesheet and script, and ``search.js``: the search index as one JavaScript assignment
    (a ``<script src>`` reads it from ``file://``, where fetching a JSON file is refused)."""
    static = resources.files("pipeline.review.report") / "static"
    for name in ("report.css", "report.js"):
        with resources.as_file(static / name) as path:
            shutil.copyfile(path, folder / name)
    data = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    (folder / "search.js").write_text(f"window.NAMELINK_SEARCH = {data};\n", encoding="utf-8")
