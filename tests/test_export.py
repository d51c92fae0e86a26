"""``namelink export`` on a real run (the session's run over raw/: model, knowledge base, texts).

Every format is written through the command line and read back with the reader its users
have: the csv module, pyarrow, sqlite3, spaCy's DocBin and CoNLL converter, displaCy, and
the HIPE harness's parser of the official TSV (``../shared/hipe/hipe.py``, skipped where
that folder is absent). The rows of OCR layouts (``page``, ``box``) on a run over the ALTO
and hOCR pages of tests/data/inputs; the tokenizer that never cuts a mention and the refusal
of a bad run folder on data of our own.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import cli
from pipeline.export import COLUMNS, ExportRun, export_run
from pipeline.export.tokenised import HIPE_COARSE, HIPE_LINKED
from pipeline.export.tokens import iob_tags, tokenise

HIPE_SCRIPT = Path(__file__).resolve().parents[2] / "shared" / "hipe" / "hipe.py"


@pytest.fixture(scope="module")
def run_dir(raw_run) -> Path:
    """The session's real run over raw/ (its manifest names its files' checksums)."""
    return raw_run.out_dir


@pytest.fixture(scope="module")
def run(run_dir) -> ExportRun:
    return ExportRun.load(run_dir)


def export(run_dir: Path, fmt: str, target: Path | str, *extra: str) -> Result:
    result = CliRunner().invoke(cli, ["export", str(run_dir), "--format", fmt, "-o", str(target), *extra])
    assert result.exit_code == 0, result.output
    return result


def every_mention(run: ExportRun) -> list[tuple[str, dict]]:
    return [(record["doc_id"], ent) for record in run.documents for ent in record["entities"]]


# -- rows --------------------------------------------------------------------------------------


def test_csv_has_one_row_per_mention_with_the_wikidata_id(run_dir, run, tmp_path):
    result = export(run_dir, "csv", tmp_path / "mentions.csv")
    with open(tmp_path / "mentions.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == len(every_mention(run)) and f"{len(rows)} mentions" in result.output
    trotsky = [r for r in rows if r["entity_id"] == "leon-trotsky"]
    assert len(trotsky) > 20
    assert {(r["canonical"], r["wikidata"], r["label"]) for r in trotsky} == {("Leon Trotsky", "Q33391", "PERSON")}
    texts = {record["doc_id"]: record["text"] for record in run.documents}
    for row in rows:
        assert texts[row["doc_id"]][int(row["start"]) : int(row["end"])] == row["text"]
        assert row["language"] == "en" and row["page"] == "" and row["box"] == ""
    unlinked = [r for r in rows if r["label"] == "DATE"]
    assert unlinked and all(r["entity_id"] == r["wikidata"] == r["score"] == "" for r in unlinked)


def test_dash_writes_a_text_format_to_standard_output(run_dir, tmp_path):
    export(run_dir, "csv", tmp_path / "file.csv")
    result = export(run_dir, "csv", "-")
    assert result.stdout_bytes == (tmp_path / "file.csv").read_bytes()
    assert not Path("-").exists()


def test_label_filter_is_case_insensitive(run_dir, tmp_path):
    export(run_dir, "csv", tmp_path / "persons.csv", "--label", "person")
    with open(tmp_path / "persons.csv", encoding="utf-8", newline="") as handle:
        labels = {row["label"] for row in csv.DictReader(handle)}
    assert labels == {"PERSON"}


def test_parquet_reads_back_as_the_rows(run_dir, run, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    export(run_dir, "parquet", tmp_path / "mentions.parquet")
    table = pq.read_table(tmp_path / "mentions.parquet")
    assert tuple(table.column_names) == COLUMNS
    assert str(table.schema.field("score").type) == "double" and str(table.schema.field("start").type) == "int64"
    assert table.to_pylist() == list(run.rows())


def test_sqlite_has_the_three_tables_indexed(run_dir, run, tmp_path):
    export(run_dir, "sqlite", tmp_path / "run.sqlite")
    db = sqlite3.connect(tmp_path / "run.sqlite")
    db.row_factory = sqlite3.Row
    mentions = [dict(r) for r in db.execute("SELECT * FROM mentions ORDER BY id")]
    assert [{k: v for k, v in m.items() if k != "id"} for m in mentions] == list(run.rows())
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == len(run.documents)
    (wikidata,) = db.execute(
        "SELECT DISTINCT e.wikidata FROM mentions m JOIN entities e USING (entity_id) WHERE m.entity_id = ?",
        ("leon-trotsky",),
    ).fetchone()
    assert wikidata == "Q33391"
    row = db.execute("SELECT documents, surface_forms, in_kb FROM entities WHERE entity_id = 'leon-trotsky'").fetchone()
    assert json.loads(row["surface_forms"])["Trotsky"] > 1 and json.loads(row["documents"]) and row["in_kb"] == 1
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"mentions_doc_id", "mentions_entity_id", "mentions_label", "entities_wikidata"} <= indexes


def test_ocr_rows_carry_page_and_box_in_every_table(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    text = "Letter from Ada Quell to the mayor."
    placed = mention(text, "Ada Quell", "PERSON", "nil:ada-quell") | {"page": 2, "box": [10, 20.5, 80, 12]}
    plain = mention(text, "mayor", "PERSON", None)
    run = ExportRun([document("scan", text, [placed, plain])], {})
    export_run(run, "csv", tmp_path / "m.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "m.csv").read_text(encoding="utf-8"))))
    assert (rows[0]["page"], json.loads(rows[0]["box"])) == ("2", [10.0, 20.5, 80.0, 12.0])
    assert (rows[1]["page"], rows[1]["box"]) == ("", "")
    export_run(run, "parquet", tmp_path / "m.parquet")
    assert [(r["page"], r["box"]) for r in pq.read_table(tmp_path / "m.parquet").to_pylist()] == [
        (2, [10.0, 20.5, 80.0, 12.0]),
        (None, None),
    ]
    export_run(run, "sqlite", tmp_path / "m.sqlite")
    stored = sqlite3.connect(tmp_path / "m.sqlite").execute("SELECT page, box FROM mentions ORDER BY id").fetchall()
    assert stored == [(2, "[10.0, 20.5, 80.0, 12.0]"), (None, None)]


def test_a_real_alto_page_exports_its_mentions_page_and_box(pipe, tmp_path):
    from pipeline.batch import run_batch

    inputs = Path(__file__).resolve().parent / "data" / "inputs"
    out = tmp_path / "run"
    run_batch([inputs / "alto_page.xml", inputs / "hocr_page.hocr"], out, progress=False, pipeline=pipe)
    export(out, "csv", tmp_path / "m.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "m.csv").read_text(encoding="utf-8"))))
    (sedova,) = [r for r in rows if r["doc_id"] == "alto_page" and r["text"] == "Natalia Sedova"]
    assert (sedova["entity_id"], sedova["page"], json.loads(sedova["box"])) == (
        "natalia-sedova",
        "1",
        [280, 470, 480, 58],
    )
    assert all(r["page"] == "1" and len(json.loads(r["box"])) == 4 for r in rows if r["box"])
    assert {r["doc_id"] for r in rows if r["box"]} == {"alto_page", "hocr_page"}


# -- token formats -----------------------------------------------------------------------------


def test_docbin_docs_have_the_rows_as_ents(run_dir, run, tmp_path):
    import spacy
    from spacy.tokens import DocBin

    export(run_dir, "docbin", tmp_path / "run.spacy")
    docs = list(DocBin().from_disk(tmp_path / "run.spacy").get_docs(spacy.blank("en").vocab))
    records = [r for r in run.documents if r["status"] == "ok"]
    assert [d.user_data["doc_id"] for d in docs] == [r["doc_id"] for r in records]
    for doc, record in zip(docs, records, strict=True):
        assert doc.text == record["text"]
        got = [(e.start_char, e.end_char, e.label_, e.kb_id_) for e in doc.ents]
        assert got == [(m["start"], m["end"], m["label"], m["entity_id"] or "") for m in record["entities"]]
        assert doc.has_annotation("SENT_START") and len(list(doc.sents)) > 1
    assert any(e.kb_id_ == "leon-trotsky" for d in docs for e in d.ents)


def test_conll_is_read_back_by_spacys_converter(run_dir, run, tmp_path):
    from spacy.training.converters import conll_ner_to_docs

    export(run_dir, "conll", tmp_path / "run.conll")
    content = (tmp_path / "run.conll").read_text(encoding="utf-8")
    assert content.startswith("-DOCSTART- -X- O O\n\n") and "\nTrotsky B-PERSON\n" in content
    assert all(len(line.split(" ")) == 2 for line in content.splitlines() if line and "DOCSTART" not in line)
    docs = list(conll_ner_to_docs(content, n_sents=0, no_print=True))
    records = [r for r in run.documents if r["status"] == "ok"]
    assert len(docs) == len(records)
    for doc, record in zip(docs, records, strict=True):
        got = [("".join(e.text.split()), e.label_) for e in doc.ents]
        assert got == [("".join(m["text"].split()), m["label"]) for m in record["entities"]]


@pytest.mark.skipif(not HIPE_SCRIPT.is_file(), reason="../shared/hipe is not in the project (licence); CI has it")
def test_hipe_tsv_is_read_back_by_the_hipe_harness(run_dir, run, tmp_path):
    export(run_dir, "hipe-tsv", tmp_path / "run.tsv")
    lines = (tmp_path / "run.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t")[:2] == ["TOKEN", "NE-COARSE-LIT"] and len(lines[0].split("\t")) == 10
    assert f"# document_id = {run.documents[0]['doc_id']}" in lines
    subprocess.run(
        [sys.executable, str(HIPE_SCRIPT), "export", str(tmp_path / "run.tsv"), str(tmp_path / "hipe")],
        check=True,
        capture_output=True,
    )
    gold = {g["doc_id"]: g for g in map(json.loads, (tmp_path / "hipe" / "gold.jsonl").read_text().splitlines())}
    names = {"pers": "PERSON", "loc": "LOC", "org": "ORG", "time": "TIME"}
    every = []
    for record in run.documents:
        expected = [
            (" ".join(m["text"].split()), names[HIPE_COARSE[m["label"]]], _nel(run, m))
            for m in record["entities"]
            if m["label"] in HIPE_COARSE
        ]
        got = [(" ".join(s["text"].split()), s["label"], s["kb_id"]) for s in gold[record["doc_id"]]["spans"]]
        assert got == expected
        every += got
    assert ("Trotsky", "PERSON", "Q33391") in every
    # scored against itself through the harness's reader of system responses: every mention found
    pred = tmp_path / "pred.jsonl"
    subprocess.run(
        [
            sys.executable,
            str(HIPE_SCRIPT),
            "tsv-to-pred",
            str(tmp_path / "run.tsv"),
            str(tmp_path / "hipe" / "gold.jsonl"),
            str(pred),
        ],
        check=True,
        capture_output=True,
    )
    score = subprocess.run(
        [
            sys.executable,
            str(HIPE_SCRIPT),
            "score",
            str(tmp_path / "hipe" / "gold.jsonl"),
            str(pred),
            "--mode",
            "token",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "PERSON   |    1.000  1.000  1.000" in score


def _nel(run: ExportRun, m: dict) -> str | None:
    """The HIPE link of mention ``m`` as the harness reads it (NIL and ``_`` are None)."""
    return run.wikidata(m["entity_id"]) if HIPE_COARSE[m["label"]] in HIPE_LINKED else None


# -- viewers -----------------------------------------------------------------------------------


def test_displacy_lines_render_with_their_links(run_dir, run, tmp_path):
    from spacy import displacy

    export(run_dir, "displacy", tmp_path / "run.jsonl")
    objects = [json.loads(line) for line in (tmp_path / "run.jsonl").read_text(encoding="utf-8").splitlines()]
    records = [r for r in run.documents if r["status"] == "ok"]
    assert [o["title"] for o in objects] == [r["doc_id"] for r in records]
    for obj, record in zip(objects, records, strict=True):
        assert [(e["start"], e["end"], e["label"]) for e in obj["ents"]] == [
            (m["start"], m["end"], m["label"]) for m in record["entities"]
        ]
    html = displacy.render(objects[0], style="ent", manual=True)
    assert objects[0]["title"] in html and "<mark" in html
    trotsky = next(e for o in objects for e in o["ents"] if e.get("kb_id") == "leon-trotsky")
    assert trotsky["kb_url"] == "https://www.wikidata.org/wiki/Q33391"


def test_label_studio_tasks_hold_the_mentions_as_predictions(run_dir, run, tmp_path):
    export(run_dir, "label-studio", tmp_path / "tasks.json")
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    records = [r for r in run.documents if r["status"] == "ok"]
    assert [t["data"]["doc_id"] for t in tasks] == [r["doc_id"] for r in records]
    for task, record in zip(tasks, records, strict=True):
        (prediction,) = task["predictions"]
        regions = [r for r in prediction["result"] if r["type"] == "labels"]
        assert len(regions) == len(record["entities"])
        for region in regions:
            value = region["value"]
            assert task["data"]["text"][value["start"] : value["end"]] == value["text"]
            assert (region["from_name"], region["to_name"], len(value["labels"])) == ("label", "text", 1)
        links = {r["id"]: r["value"]["text"][0] for r in prediction["result"] if r["type"] == "textarea"}
        assert set(links) <= {r["id"] for r in regions}
    assert "leon-trotsky" in {
        r["value"]["text"][0] for t in tasks for r in t["predictions"][0]["result"] if r["type"] == "textarea"
    }


# -- the tokens --------------------------------------------------------------------------------


def mention(text: str, needle: str, label: str, entity_id: str | None) -> dict:
    start = text.index(needle)
    return {
        "start": start,
        "end": start + len(needle),
        "raw_start": start,
        "raw_end": start + len(needle),
        "text": needle,
        "label": label,
        "entity_id": entity_id,
        "canonical": None,
        "score": 0.9 if entity_id else None,
        "method": "nil" if entity_id else None,
        "reason": None,
    }


def document(doc_id: str, text: str, ents: list[dict]) -> dict:
    return {
        "doc_id": doc_id,
        "source": f"{doc_id}.txt",
        "sha256": None,
        "encoding": "utf-8",
        "language": "en",
        "status": "ok",
        "error": None,
        "text": text,
        "entities": ents,
        "dropped": [],
    }


def test_tokens_rebuild_the_text_and_split_at_a_mention_inside_a_word():
    text = "Greetings to the Hallorans and  their\n\nsister Oona."
    assert "Hallorans" in [p.text for p in tokenise(text, "en", [])]
    ents = [mention(text, "Halloran", "PERSON", None), mention(text, "Oona", "PERSON", None)]
    pieces = tokenise(text, "en", ents)
    assert "".join(p.text + (" " if p.space else "") for p in pieces) == text
    words = [p.text for p in pieces if not p.is_space]
    assert words[3:5] == ["Halloran", "s"]  # the mention ends inside the word: a token boundary there
    tags = {p.text: tag for p, (tag, _) in zip(pieces, iob_tags(pieces, ents), strict=True) if not p.is_space}
    assert (tags["Halloran"], tags["s"], tags["Oona"], tags["sister"]) == ("B-PERSON", "O", "B-PERSON", "O")
    starts = [p.text for p in pieces if p.sent_start]
    assert starts == ["Greetings", "sister"]  # a blank line starts a sentence


def test_no_sentence_starts_inside_a_mention():
    text = "We sailed on the Rose. Of Tralee came later. Then home."
    ship = mention(text, "Rose. Of Tralee", "PRODUCT", None)
    pieces = tokenise(text, "en", [ship])
    starts = [p.text for p in pieces if p.sent_start]
    assert "Of" not in starts and starts[0] == "We" and "Then" in starts
    tags = [tag for p, (tag, _) in zip(pieces, iob_tags(pieces, [ship]), strict=True) if not p.is_space]
    assert tags.count("B-PRODUCT") == 1 and tags.count("I-PRODUCT") == 3  # Rose . Of Tralee
    assert tokenise(text, "en", []) and "Of" in [p.text for p in tokenise(text, "en", []) if p.sent_start]


def test_an_unknown_language_is_tokenised_all_the_same():
    text = "Salve, Marcus Varro."
    pieces = tokenise(text, "zz-unknown", [mention(text, "Marcus Varro", "PERSON", None)])
    assert [p.text for p in pieces] == ["Salve", ",", "Marcus", "Varro", "."]


def test_hipe_links_people_and_places_but_not_dates(tmp_path):
    text = "On 3 May Ada Quell left Ostend."
    ents = [
        mention(text, "3 May", "DATE", None),
        mention(text, "Ada Quell", "PERSON", "ada-quell"),
        mention(text, "Ostend", "GPE", None),
    ]
    run = ExportRun([document("d", text, ents)], {"ada-quell": {"entity_id": "ada-quell", "wikidata": "Q1"}})
    export_run(run, "hipe-tsv", tmp_path / "d.tsv")
    rows = [line.split("\t") for line in (tmp_path / "d.tsv").read_text().splitlines()[3:] if line]
    got = {r[0]: (r[1], r[7], r[9]) for r in rows}
    assert got["3"] == ("B-time", "_", "_") and got["May"] == ("I-time", "_", "_")
    assert got["Ada"] == ("B-pers", "Q1", "_") and got["Quell"] == ("I-pers", "Q1", "_")
    assert got["Ostend"] == ("B-loc", "NIL", "NoSpaceAfter") and got["left"] == ("O", "_", "_")


# -- a bad run folder, a bad target ------------------------------------------------------------


def invoke(*args: str):
    return CliRunner().invoke(cli, ["export", *args])


@pytest.mark.parametrize("damage", ["edited", "missing entities", "no documents"])
def test_a_bad_run_folder_is_a_usage_error_and_writes_nothing(run_dir, tmp_path, damage):
    broken = shutil.copytree(run_dir, tmp_path / "run")
    if damage == "edited":
        with open(broken / "documents.jsonl", "ab") as handle:
            handle.write(b"\n")
    elif damage == "missing entities":
        (broken / "entities.jsonl").unlink()
    else:
        (broken / "documents.jsonl").unlink()
    target = tmp_path / "out" / "mentions.csv"
    target.parent.mkdir()
    target.write_text("the previous export\n")
    result = invoke(str(broken), "--format", "csv", "-o", str(target))
    assert result.exit_code == 2, result.output
    assert ("not one run's" if damage != "no documents" else "namelink run") in result.output
    assert "Traceback" not in result.output
    assert target.read_text() == "the previous export\n" and sorted(target.parent.iterdir()) == [target]


def test_a_failed_export_leaves_the_previous_file_and_no_temporary_one(run, tmp_path, monkeypatch):
    from pipeline.export import FORMATS

    def broken_write(run, handle):
        handle.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setitem(FORMATS, "csv", FORMATS["csv"].__class__("csv", broken_write, ".csv", True))
    target = tmp_path / "mentions.csv"
    target.write_text("the previous export\n")
    with pytest.raises(OSError, match="disk full"):
        export_run(run, "csv", target)
    assert target.read_text() == "the previous export\n" and list(tmp_path.iterdir()) == [target]


def test_a_target_that_cannot_be_written_is_a_clear_error(run_dir, tmp_path):
    (tmp_path / "a-file").write_text("")
    result = invoke(str(run_dir), "--format", "csv", "-o", str(tmp_path / "a-file" / "mentions.csv"))
    assert result.exit_code == 2 and "cannot write" in result.output and "Traceback" not in result.output


def test_a_binary_format_to_standard_output_is_refused(run_dir):
    result = invoke(str(run_dir), "--format", "parquet", "-o", "-")
    assert result.exit_code == 2 and "binary" in result.output


def test_the_run_own_files_are_never_a_target(run_dir):
    before = (run_dir / "documents.jsonl").read_bytes()
    result = invoke(str(run_dir), "--format", "displacy", "-o", str(run_dir / "documents.jsonl"))
    assert result.exit_code == 2 and "file of the run" in result.output
    assert (run_dir / "documents.jsonl").read_bytes() == before


def test_an_unknown_format_lists_the_known_ones(run_dir, tmp_path):
    result = invoke(str(run_dir), "--format", "xlsx", "-o", str(tmp_path / "x"))
    assert result.exit_code == 2 and "hipe-tsv" in result.output and "label-studio" in result.output
