"""``namelink inspect`` and ``namelink report`` on a real run (model, knowledge base, texts).

The run covers the four seed texts of raw/, one short document full of
characters HTML must escape, and one empty file (a document with an error).
The report test parses every page it writes with the standard library's
``html.parser`` and follows every link.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from conftest import RAW_FILES, read_jsonl

from pipeline.cli import cli
from pipeline.review.inspection import Filters, entity_rows, load_run, mention_rows
from pipeline.review.report import file_names

HOSTILE = (
    "A note <script>alert('x')</script> & \"quotes\": Leon Trotsky wrote to Natalia Sedova "
    "from Coyoacán about Lev Sedov, marked <b>urgent</b>.\n"
)


@pytest.fixture(scope="module")
def run_dir(pipe, raw_run, tmp_path_factory) -> Path:
    """The session's run over raw/ plus two documents of our own, as one output folder."""
    from pipeline.output import EntityTable
    from pipeline.records import DOCUMENTS, ENTITIES, MANIFEST, dumps

    inputs = tmp_path_factory.mktemp("inspect_inputs")
    (inputs / "hostile_markup.txt").write_text(HOSTILE, encoding="utf-8")
    (inputs / "empty_file.txt").write_bytes(b"")
    records = list(raw_run.records.values()) + [pipe.process_file(p) for p in sorted(inputs.iterdir())]
    out = tmp_path_factory.mktemp("inspect_run")
    table = EntityTable(pipe.kb)
    with open(out / DOCUMENTS, "wb") as handle:
        for record in records:
            handle.write(dumps(record))
            table.add(record)
    (out / ENTITIES).write_bytes(b"".join(dumps(row) for row in table.records()))
    manifest = json.loads((raw_run.out_dir / MANIFEST).read_bytes())
    manifest.pop("files")  # a set put together here, not by a run: no checksums to hold it to
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return out


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


# -- inspect -----------------------------------------------------------------------------------


def test_inspect_table_has_every_section(run_dir):
    out = invoke("inspect", str(run_dir), "--limit", "5")
    for title in ("Entities by mentions", "NIL individuals", "Low-confidence links", "Documents with errors"):
        assert title in out
    assert "leon-trotsky" in out and "Trotsky ×" in out
    assert "empty_file" in out and "empty file" in out  # the document with an error
    assert "(--limit 0 shows all)" in out


def test_inspect_jsonl_mentions_follow_the_filters(run_dir):
    rows = [
        json.loads(line)
        for line in invoke("inspect", str(run_dir), "--entity", "leon-trotsky", "--format", "jsonl").splitlines()
    ]
    assert len(rows) > 20
    assert {r["entity_id"] for r in rows} == {"leon-trotsky"}
    assert all("[[" in r["context"] and r["doc_id"] for r in rows)
    doc = RAW_FILES[0].stem
    args = ["inspect", str(run_dir), "--doc", doc, "--label", "PERSON", "--min-score", "0.5", "--max-score", "0.9"]
    rows = [json.loads(line) for line in invoke(*args, "--format", "jsonl").splitlines()]
    assert rows and all(r["doc_id"] == doc and r["label"] == "PERSON" and 0.5 <= r["score"] <= 0.9 for r in rows)


def test_inspect_jsonl_entities_and_documents(run_dir):
    entities = [
        json.loads(x) for x in invoke("inspect", str(run_dir), "--format", "jsonl", "--rows", "entities").splitlines()
    ]
    counts = [e["mentions"] for e in entities]
    assert counts == sorted(counts, reverse=True) and entities[0]["entity_id"] == "leon-trotsky"
    assert any(not e["in_kb"] and e["entity_id"].startswith("nil:") for e in entities)
    docs = [
        json.loads(x) for x in invoke("inspect", str(run_dir), "--format", "jsonl", "--rows", "documents").splitlines()
    ]
    status = {d["doc_id"]: d["status"] for d in docs}
    assert status["empty_file"] == "error" and status["hostile_markup"] == "ok"


def test_inspection_api_without_the_cli(run_dir):
    run = load_run(run_dir)
    low = mention_rows(run, Filters(label=("PERSON",), max_score=0.6))
    assert low and all(m["score"] <= 0.6 for m in low)
    rows = entity_rows(run, mention_rows(run, Filters(doc=("hostile_markup",))))
    assert {"leon-trotsky", "natalia-sedova", "lev-sedov"} <= {r["entity_id"] for r in rows}


def test_inspect_missing_output_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["inspect", str(tmp_path)])
    assert result.exit_code == 2 and "namelink run" in result.output


# -- report ------------------------------------------------------------------------------------


class Page(HTMLParser):
    """What the tests need from one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.assets: list[str] = []  # stylesheet and script sources
        self.scripts: list[str] = []  # each script's src, or its type when inline
        self.marks: list[dict[str, str]] = []
        self.title = ""
        self.data: list[str] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        self._stack.append(tag)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "a":
            self.links.append(attributes["href"])
        if tag == "link":
            self.assets.append(attributes["href"])
        if tag == "script":
            self.scripts.append(attributes.get("src") or attributes.get("type", ""))
            self.assets += [attributes["src"]] if "src" in attributes else []
        if tag == "mark":
            self.marks.append({**attributes, "text": ""})

    def handle_endtag(self, tag: str) -> None:
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        self.data.append(data)
        if self._stack[-1:] == ["title"]:
            self.title += data
        elif self._stack[-1:] == ["mark"] and self.marks:
            self.marks[-1]["text"] += data


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def report_dir(run_dir, tmp_path_factory) -> Path:
    html = tmp_path_factory.mktemp("report")
    assert "entity pages" in invoke("report", str(run_dir), "--html", str(html))
    return html


def test_report_writes_a_page_per_document_and_entity(run_dir, report_dir):
    records = read_jsonl(run_dir / "documents.jsonl")
    assert len(list((report_dir / "docs").glob("*.html"))) == len(records)
    linked = {e["entity_id"] for r in records for e in r["entities"] if e["entity_id"]}
    first_pages = [p for p in (report_dir / "entities").glob("*.html") if "~" not in p.name]
    assert len(first_pages) == len(linked)
    assert parse(report_dir / "index.html").title == "namelink report"
    assert {p.name for p in (report_dir / "assets").iterdir()} == {"report.css", "report.js", "search.js"}


def test_every_link_resolves_to_a_written_file_and_anchor(report_dir):
    pages = {path: parse(path) for path in report_dir.rglob("*.html")}
    checked = 0
    for path, page in pages.items():
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme:  # the one remote site linked: Wikidata, for ids the knowledge base gives
                assert re.fullmatch(r"https://www\.wikidata\.org/wiki/Q[0-9]+", href), f"{path.name}: {href}"
                continue
            assert not parts.netloc, f"{path.name}: remote link {href}"
            target = (path.parent / parts.path).resolve()
            assert target in pages, f"{path.name}: {href} is not a written page"
            if parts.fragment:
                assert parts.fragment in pages[target].ids, f"{path.name}: no #{parts.fragment} in {target.name}"
            checked += 1
        for src in page.assets:  # stylesheet and scripts: written beside the pages, nothing fetched
            assert not urlsplit(src).scheme and (path.parent / src).resolve().is_file(), f"{path.name}: {src}"
    assert checked > 100


def test_document_page_marks_entities_with_hover_text(run_dir, report_dir):
    record = next(r for r in read_jsonl(run_dir / "documents.jsonl") if r["doc_id"] == "hostile_markup")
    page = parse(report_dir / "docs" / "hostile_markup.html")
    assert page.title == "hostile_markup.txt"  # its first line is a sentence, not a heading
    marks = [m for m in page.marks if "data-label" in m]  # the legend's chips have none
    assert len(marks) == len(record["entities"])
    person = next(m for m in marks if m["text"].startswith("Leon Trotsky"))
    assert person["title"].startswith("Leon Trotsky — Wikidata Q33391: https://www.wikidata.org/wiki/Q33391")
    assert "PERSON · score 1.00" in person["title"] and person["data-e"] == "leon-trotsky"
    assert "person" in person["class"].split()
    assert "../entities/leon-trotsky.html" in page.links
    # the text's markup is shown, never run: no b element, the only scripts are the report's own
    assert "b" not in page.tags and page.scripts == ["../assets/search.js", "../assets/report.js", "application/json"]
    text = "".join(page.data)
    assert "<script>alert('x')</script>" in text and "<b>" in text and '"quotes"' in text


def test_entity_page_lists_every_mention_in_context(run_dir, report_dir):
    mentions = [e for r in read_jsonl(run_dir / "documents.jsonl") for e in r["entities"]]
    trotsky = [m for m in mentions if m["entity_id"] == "leon-trotsky"]
    pages = [parse(p) for p in sorted((report_dir / "entities").glob("leon-trotsky*.html"))]
    assert len(pages) == -(-len(trotsky) // 200)  # pages of 200 mentions
    assert pages[0].title == "Leon Trotsky" + (f", page 1 of {len(pages)}" if len(pages) > 1 else "")
    in_context = [" ".join(m["text"].split()) for page in pages for m in page.marks if "class" not in m]
    assert sorted(in_context) == sorted(" ".join(m["text"].split()) for m in trotsky)
    to_docs = [href for page in pages for href in page.links if href.startswith("../docs/") and "#m-" in href]
    assert len(to_docs) == len(trotsky)


def test_error_document_page_shows_the_error(report_dir):
    page = parse(report_dir / "docs" / "empty_file.html")
    assert any("empty file" in chunk for chunk in page.data)


def test_file_names_are_safe_and_distinct():
    names = file_names(["leon-trotsky", "nil:volina-nevelson", "nil/volina-nevelson", "A", "a", "../x"])
    assert names["leon-trotsky"] == "leon-trotsky.html"
    assert len(set(names.values())) == len(names)
    assert len({n.lower() for n in names.values()}) == len(names)
    assert all("/" not in n and ":" not in n and not n.startswith(".") for n in names.values())
