"""The report's pieces on small inputs of our own: titles, context snippets, text segments, the
people list, hover text, and page sizes on a synthetic run with one individual of 15,000 mentions.

No spaCy model is loaded: the runs here are ``documents.jsonl`` files written by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.kb.base import KnowledgeBase
from pipeline.records import DOCUMENTS, ENTITIES, MANIFEST, dumps
from pipeline.review.report import environment, write_report
from pipeline.review.report.text import document_title, segments, snippet
from pipeline.review.report.views import (
    PAGE_MENTIONS,
    Individual,
    hover_title,
    page_file,
    people_of,
)


def record(text: str | None, source: str = "letters/1936/note_07.txt", entities: list | None = None) -> dict:
    return {
        "doc_id": Path(source).stem,
        "source": source,
        "sha256": None,
        "encoding": "utf-8",
        "language": "en",
        "status": "ok" if text is not None else "error",
        "error": None if text is not None else "empty file",
        "text": text,
        "entities": entities or [],
        "dropped": [],
    }


def mention(text: str, needle: str, label: str = "PERSON", entity_id: str | None = None, occurrence: int = 0):
    start = [m.start() for m in re.finditer(re.escape(needle), text)][occurrence]
    end = start + len(needle)
    return {
        "start": start,
        "end": end,
        "raw_start": start,
        "raw_end": end,
        "text": needle,
        "label": label,
        "entity_id": entity_id,
        "canonical": needle if entity_id else None,
        "score": 1.0 if entity_id else None,
        "method": "kb-exact" if entity_id else None,
        "reason": None,
    }


# -- titles ------------------------------------------------------------------------------------


def test_title_is_the_top_ranked_markdown_heading():
    text = "## From the archive\n\n# A winter in Oslo\n\nThe ferry was late.\n\n# Another part\n"
    assert document_title(record(text)) == "A winter in Oslo"


def test_title_is_a_short_first_line_standing_alone():
    assert document_title(record("A winter in Oslo\n\nThe ferry was late again.\n")) == "A winter in Oslo"
    assert document_title(record("\n\n  Notes   from the  crossing \n\nIt rained.")) == "Notes from the crossing"


def test_no_title_gives_the_file_name():
    # a sentence, a line running into the next, a long line: none is a heading
    assert document_title(record("The ferry was late, as usual.\n\nIt rained.")) == "note_07.txt"
    assert document_title(record("The ferry was late\nand it rained.")) == "note_07.txt"
    assert document_title(record(" ".join(["word"] * 30))) == "note_07.txt"
    assert document_title(record(None)) == "note_07.txt"  # a document with an error
    assert document_title({**record(""), "source": ""}) == "note_07"


# -- snippets ----------------------------------------------------------------------------------


def test_snippet_cuts_at_word_boundaries():
    text = "Unbelievably long introduction words before Paloma Quiroga arrived yesterday afternoon finally."
    start = text.index("Paloma Quiroga")
    cut = snippet(text, start, start + len("Paloma Quiroga"), width=20)
    assert cut.mention == "Paloma Quiroga"
    assert cut.left == "words before " and cut.cut_left  # not "ion words before"
    assert cut.right == " arrived yesterday" and cut.cut_right  # not " arrived yesterday a"
    whole = snippet(text, start, start + 6, width=500)
    assert not whole.cut_left and not whole.cut_right and whole.left.startswith("Unbelievably")


def test_snippet_keeps_no_space_before_a_possessive_and_collapses_newlines():
    text = "We met\n\nPaloma's brother at the\nquay."
    cut = snippet(text, text.index("Paloma"), text.index("Paloma") + 6, width=40)
    assert cut.left == "We met " and cut.right == "'s brother at the quay."


def test_snippet_window_inside_one_long_word_keeps_nothing_of_it():
    text = "x" * 50 + " Paloma " + "y" * 50
    cut = snippet(text, 51, 57, width=10)
    assert (cut.left, cut.mention, cut.right) == ("", "Paloma", "")
    assert cut.cut_left and cut.cut_right


# -- the text, the people list, the hover ------------------------------------------------------


def test_segments_cover_the_text_and_skip_overlaps():
    text = "Paloma Quiroga met Ines in 1931."
    ents = [
        mention(text, "Paloma Quiroga", entity_id="nil:paloma-quiroga"),
        mention(text, "Quiroga"),
        mention(text, "1931", label="DATE"),
    ]
    pieces = segments(text, ents)
    assert "".join(p.text for p in pieces) == text
    assert [p.text for p in pieces if p.entity] == ["Paloma Quiroga", "1931"]
    assert pieces[0].anchors == (text.index("Quiroga"),)  # a link to the overlapped one lands on the mark


def _individual(entity_id: str, canonical: str, **extra) -> Individual:
    fields = dict(label="PERSON", in_kb=True, mentions=1, documents=["d"], surface_forms={}, file=f"{entity_id}.html")
    return Individual(entity_id, canonical, **{**fields, **extra})


def test_people_of_a_document_by_count_with_unlinked_ones():
    text = "Ines wrote to Paloma. Paloma replied. A man called Ruiz came. It was 1931."
    ents = [
        mention(text, "Ines", entity_id="nil:ines"),
        mention(text, "Paloma", entity_id="p"),
        mention(text, "Paloma", entity_id="p", occurrence=1),
        mention(text, "Ruiz"),
        mention(text, "1931", label="DATE", entity_id=None),
    ]
    people = {"p": _individual("p", "Paloma Quiroga"), "nil:ines": _individual("nil:ines", "Ines", in_kb=False)}
    listed = people_of(record(text, entities=ents), people, "PERSON")
    assert [(p.canonical, p.count, p.individual is not None) for p in listed] == [
        ("Paloma Quiroga", 2, True),
        ("Ines", 1, True),
        ("Ruiz", 1, False),
    ]


def test_hover_title_has_canonical_and_wikidata_and_the_id_nowhere_twice():
    who = _individual("paloma-quiroga", "Paloma Quiroga", wikidata="Q4242", description="A ferry pilot")
    text = "Paloma came."
    title = hover_title(mention(text, "Paloma", entity_id="paloma-quiroga"), who)
    assert title.startswith("Paloma Quiroga — Wikidata Q4242: https://www.wikidata.org/wiki/Q4242")
    assert "PERSON · score 1.00 · kb-exact" in title and "paloma-quiroga" not in title
    assert who.hover()["description"] == "A ferry pilot"
    odd = _individual("x", "X", wikidata="javascript:alert(1)")
    assert odd.wikidata_url is None and odd.hover()["wikidata"] is None  # only well-formed Q ids are links
    assert hover_title(mention("It was 1931.", "1931", label="DATE"), None) == "DATE"


def test_templates_escape_everything():
    env = environment()
    assert env.autoescape is True
    html = env.from_string("{{ x }}").render(x="<script>alert('x')</script>")
    assert "<script>" not in html


def test_page_files_never_collide_with_entity_files():
    assert page_file("leon-trotsky.html", 1) == "leon-trotsky.html"
    assert page_file("leon-trotsky.html", 2) == "leon-trotsky~2.html"


# -- a synthetic run with one individual of 15,000 mentions ------------------------------------

SENTENCE = "On the quay Leon Trotsky's secretary read the cable aloud. "
DOCS, PER_DOC = 30, 500


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return KnowledgeBase.load()


def write_run(folder: Path, records: list[dict], kb: KnowledgeBase) -> Path:
    """``records`` as a run's output folder (no checksums in its manifest: a set put together here)."""
    from pipeline.output import EntityTable

    table = EntityTable(kb)
    with open(folder / DOCUMENTS, "wb") as handle:
        for r in records:
            handle.write(dumps(r))
            table.add(r)
    (folder / ENTITIES).write_bytes(b"".join(dumps(row) for row in table.records()))
    (folder / MANIFEST).write_text(json.dumps({"model": {"name": "synthetic"}}), encoding="utf-8")
    return folder


def test_a_link_to_an_overlapped_mention_lands_on_the_mark(tmp_path, knowledge):
    text = "Paloma Quiroga met Ines."
    ents = [mention(text, "Paloma Quiroga", entity_id="nil:paloma-quiroga"), mention(text, "Quiroga", entity_id="q")]
    run = write_run(tmp_path, [record(text, entities=ents)], knowledge)
    write_report(run, tmp_path / "html", kb=knowledge)
    page = (tmp_path / "html" / "docs" / "note_07.html").read_text(encoding="utf-8")
    assert f'<span id="m-{text.index("Quiroga")}"></span>' in page and 'id="m-0"' in page
    entity = next((tmp_path / "html" / "entities").glob("q.html")).read_text(encoding="utf-8")
    assert f'href="../docs/note_07.html#m-{text.index("Quiroga")}"' in entity


@pytest.fixture(scope="module")
def big_report(tmp_path_factory, knowledge) -> tuple[Path, Path]:
    """A run of 30 documents, each with 500 mentions of one known individual (15,000 in all)."""
    records = []
    for n in range(DOCS):
        text = f"# Cables, box {n}\n\n" + SENTENCE * PER_DOC
        ents = [mention(text, "Leon Trotsky", entity_id="leon-trotsky", occurrence=i) for i in range(PER_DOC)]
        records.append(record(text, source=f"cables/box_{n:02d}.txt", entities=ents))
    run = write_run(tmp_path_factory.mktemp("big_run"), records, knowledge)
    html = tmp_path_factory.mktemp("big_report")
    summary = write_report(run, html, kb=knowledge)
    assert summary.entities == 1 and summary.pages == DOCS * PER_DOC // PAGE_MENTIONS
    return run, html


def test_an_individual_of_15000_mentions_is_many_small_pages(big_report):
    _, html = big_report
    pages = sorted((html / "entities").glob("leon-trotsky*.html"))
    sizes = {p.name: p.stat().st_size for p in pages}
    print(f"\n{len(pages)} entity pages, largest {max(sizes.values()):,} bytes, total {sum(sizes.values()):,}")
    assert len(pages) == DOCS * PER_DOC // PAGE_MENTIONS
    assert max(sizes.values()) < 120_000  # a 5.6 MB page before
    anchors = set()
    for page in pages:
        anchors |= set(re.findall(r'href="\.\./docs/([^"#]+#m-\d+)"', page.read_text(encoding="utf-8")))
    assert len(anchors) == DOCS * PER_DOC  # every mention listed once, on some page


def test_entity_page_has_description_wikidata_pager_and_the_id_once(big_report, knowledge):
    _, html = big_report
    first = (html / "entities" / "leon-trotsky.html").read_text(encoding="utf-8")
    trotsky = knowledge.entities["leon-trotsky"]
    assert trotsky.description and trotsky.description.split(",")[0] in first
    assert f'href="https://www.wikidata.org/wiki/{trotsky.wikidata}"' in first
    assert first.count("leon-trotsky</code>") == 1 and "leon-trotsky)" not in first
    assert 'href="leon-trotsky~2.html" rel="next"' in first
    assert "<details" in first and "200 of 500 mentions" in first
    last = (html / "entities" / "leon-trotsky~75.html").read_text(encoding="utf-8")
    assert 'rel="prev"' in last and 'rel="next"' not in last and "Surface forms" not in last
    # a context never starts or ends inside a word, and keeps "Trotsky's" together
    assert "<mark>Leon Trotsky</mark>&#39;s secretary" in first


def test_document_page_of_the_big_run(big_report):
    _, html = big_report
    page = (html / "docs" / "box_05.html").read_text(encoding="utf-8")
    assert "<title>Cables, box 5</title>" in page
    assert page.count('<mark class="entity person"') == PER_DOC
    assert 'class="ent-link" href="../entities/leon-trotsky.html"' in page
    info = json.loads(re.search(r'<script type="application/json" id="entity-info">(.*?)</script>', page).group(1))
    assert info["leon-trotsky"]["canonical"] == "Leon Trotsky" and info["leon-trotsky"]["description"]
    search = (html / "assets" / "search.js").read_text(encoding="utf-8")
    entries = json.loads(search.removeprefix("window.NAMELINK_SEARCH = ").rstrip().removesuffix(";"))
    assert {"n": "Cables, box 5", "k": "document", "u": "docs/box_05.html"}.items() <= next(
        e for e in entries if e["n"] == "Cables, box 5"
    ).items()
    assert entries[0]["n"] == "Leon Trotsky" and entries[0]["u"] == "entities/leon-trotsky.html"
