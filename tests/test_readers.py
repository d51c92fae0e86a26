"""Readers of archival inputs (issue 12): HTML, XML/TEI, OCR layouts, collections, standard input.

Unit tests on small texts written here, then end-to-end runs of the real pipeline over the
fixture files of tests/data/inputs/ (an ALTO page, an hOCR page, a PAGE page, a TEI letter, an
HTML page, a CSV and a Parquet collection, all written for these tests).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from conftest import read_jsonl

from pipeline.batch import run_batch
from pipeline.io import InputError, input_files
from pipeline.io.extract import html_text, xml_text
from pipeline.io.formats import ReadOptions, format_of, read_input, sniff
from pipeline.io.layout import LayoutWord, alto_text, hocr_text, page_text, place_mentions

DATA = Path(__file__).parent / "data" / "inputs"


def _raw_of(extracted, raw: str, word: str) -> str:
    start = extracted.mapping.text.index(word)
    a, b = extracted.mapping.raw_span(start, start + len(word))
    return raw[a:b]


# -- HTML -----------------------------------------------------------------------------------------


def test_html_entities_are_resolved_and_map_back_to_the_reference():
    raw = "<p>Dear Ram&oacute;n &amp; Caridad&#x2c; from S&eacute;dova</p>"
    got = html_text(raw)
    assert got.mapping.text == "Dear Ramón & Caridad, from Sédova"
    assert _raw_of(got, raw, "Ramón") == "Ram&oacute;n"
    assert _raw_of(got, raw, "Caridad,") == "Caridad&#x2c;"


def test_html_script_and_style_are_dropped_and_blocks_break_lines():
    raw = (
        "<html><head><title>Note</title><style>p{color:red}</style>"
        "<script>if (a < b) { x = '<p>Frank Jacson</p>'; }</script></head>"
        "<body><h2>Visitors</h2><p>Alfred   Rosmer\n   came.<br>Marguerite stayed.</p>"
        "<ul><li>Esteban</li></ul></body></html>"
    )
    text = html_text(raw).mapping.text
    assert "Jacson" not in text and "color" not in text
    assert text == "Note\n\nVisitors\n\nAlfred Rosmer came.\nMarguerite stayed.\n\nEsteban"


def test_html_inline_elements_do_not_split_a_word_and_italics_are_emphasis():
    raw = "<p>Sed<b>ova</b> read <i>The Revolution Betrayed</i> again.</p>"
    got = html_text(raw)
    assert got.mapping.text == "Sedova read The Revolution Betrayed again."
    assert [raw[a:b] for a, b in got.emphasis] == ["The Revolution Betrayed"]


def test_html_pre_keeps_its_white_space():
    assert html_text("<pre>Lev   Sedov\n  Paris</pre>").mapping.text == "Lev   Sedov\n  Paris"


# -- XML / TEI ------------------------------------------------------------------------------------

TEI = (
    '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><title>Encoded by Pierre Naville</title></teiHeader>'
    "<text><body><p>Dear <persName>Ljova</persName>, <choice><sic>Rosmar</sic><corr>Rosmer</corr></choice>"
    " came from Pér&#237;gny and &eacute;crit.<lb/>Your father</p></body></text></TEI>"
)


def test_tei_header_and_the_sic_of_a_choice_are_dropped_and_references_resolved():
    got = xml_text(TEI)
    assert got.mapping.text == "Dear Ljova, Rosmer came from Pérígny and écrit.\nYour father"
    assert "Naville" not in got.mapping.text and "Rosmar" not in got.mapping.text
    assert _raw_of(got, TEI, "Pérí") == "Pér&#237;"
    assert _raw_of(got, TEI, "écrit") == "&eacute;crit"  # an HTML entity no DTD defines


def test_xml_that_is_not_well_formed_is_an_input_error_naming_line_and_column():
    with pytest.raises(InputError, match=r"not well-formed XML \(line 2"):
        xml_text("<TEI>\n<p>Sedova</TEI>", "letter.xml")


def test_generic_xml_breaks_at_every_element_so_fields_do_not_run_together():
    text = xml_text("<people><person><name>Lev Sedov</name><born>1906</born></person></people>").mapping.text
    assert text == "Lev Sedov\n\n1906"


# -- OCR layouts ----------------------------------------------------------------------------------

ALTO = (
    '<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#"><Layout><Page ID="p1"><PrintSpace>'
    '<TextBlock><TextLine><String CONTENT="Alfred" HPOS="10" VPOS="20" WIDTH="60" HEIGHT="12"/><SP/>'
    '<String CONTENT="Ros" HPOS="80" VPOS="20" WIDTH="30" HEIGHT="12"/><HYP CONTENT="-"/></TextLine>'
    '<TextLine><String CONTENT="mer" HPOS="10" VPOS="40" WIDTH="30" HEIGHT="12"/><SP/>'
    '<String CONTENT="S&amp;M" HPOS="50" VPOS="40" WIDTH="30" HEIGHT="12"/></TextLine></TextBlock>'
    "</PrintSpace></Page></Layout></alto>"
)


def test_alto_text_comes_from_content_attributes_with_lines_and_hyphens():
    got = alto_text(ALTO)
    assert got.mapping.text == "Alfred Ros-\nmer S&M"
    assert _raw_of(got, ALTO, "Alfred") == "Alfred"  # the attribute's value in the start tag
    assert _raw_of(got, ALTO, "S&M") == "S&amp;M"
    assert got.words[0] == LayoutWord(*_value_span(ALTO, "Alfred"), 1, (10, 20, 60, 12))


def _value_span(raw: str, value: str) -> tuple[int, int]:
    start = raw.index(f'"{value}"') + 1
    return start, start + len(value)


def test_hocr_words_carry_their_bbox_as_x_y_w_h():
    raw = (
        '<div class="ocr_page" title="bbox 0 0 800 600"><span class="ocr_line" title="bbox 10 10 300 40">'
        '<span class="ocrx_word" title="bbox 10 10 100 40; x_wconf 90">Zinaida</span> '
        '<span class="ocrx_word" title="bbox 110 10 200 40; x_wconf 91">Volkova</span></span>'
        '<span class="ocr_line" title="bbox 10 50 300 80"><span class="ocrx_word" title="bbox 10 50 60 80">wrote</span>'
        "</span></div>"
    )
    got = hocr_text(raw)
    assert got.mapping.text == "Zinaida Volkova\nwrote"
    boxes = [(w.page, w.box) for w in got.words]
    assert boxes == [(1, (10, 10, 90, 30)), (1, (110, 10, 90, 30)), (1, (10, 50, 50, 30))]


def test_page_xml_follows_the_reading_order_not_the_document_order():
    raw = (
        '<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"><Page>'
        '<ReadingOrder><OrderedGroup><RegionRefIndexed index="1" regionRef="b"/>'
        '<RegionRefIndexed index="0" regionRef="a"/></OrderedGroup></ReadingOrder>'
        '<TextRegion id="b"><TextLine><Coords points="0,50 90,50 90,70 0,70"/>'
        "<TextEquiv><Unicode>signed Sedova</Unicode></TextEquiv></TextLine></TextRegion>"
        '<TextRegion id="a"><TextLine><Coords points="0,0 90,0 90,20 0,20"/>'
        "<TextEquiv><Unicode>Paris, 1938</Unicode></TextEquiv></TextLine></TextRegion></Page></PcGts>"
    )
    got = page_text(raw)
    assert got.mapping.text == "Paris, 1938\n\nsigned Sedova"
    assert _raw_of(got, raw, "Sedova") == "Sedova"
    assert sorted(w.box for w in got.words) == [(0, 0, 90, 20), (0, 50, 90, 20)]


def test_a_mention_gets_the_union_of_its_words_boxes_and_one_outside_the_words_gets_none():
    words = (
        LayoutWord(0, 4, 1, (10, 20, 40, 10)),
        LayoutWord(10, 15, 1, (60, 18, 50, 14)),
        LayoutWord(30, 35, 2, (5, 5, 5, 5)),
    )
    entities = [{"raw_start": 0, "raw_end": 15}, {"raw_start": 20, "raw_end": 25}, {"raw_start": 31, "raw_end": 33}]
    place_mentions(entities, words)
    assert entities[0]["page"] == 1 and entities[0]["box"] == [10, 18, 100, 14]
    assert "page" not in entities[1] and "box" not in entities[1]
    assert entities[2]["page"] == 2


# -- formats, collections, ids --------------------------------------------------------------------


def test_the_format_follows_the_extension_and_the_option_wins():
    assert [format_of(n) for n in ("a.txt", "a.md", "a.HTML", "a.hocr", "a.xml", "a.csv", "a.parquet")] == [
        "text", "text", "html", "hocr", "xml", "csv", "parquet"]
    assert format_of("a.txt", "html") == "html"
    assert (sniff("<?xml version='1.0'?><alto/>"), sniff("<!DOCTYPE html><p>x"), sniff("Dear Ljova")) == (
        "xml", "html", "text")


def test_a_plain_text_file_is_read_as_before(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("<p>Sedova &amp; Rosmer</p>\r\n", encoding="utf-8", newline="")
    (file,) = input_files([path])
    raw = read_input(file)
    assert raw.text == "<p>Sedova &amp; Rosmer</p>\r\n" and raw.mapping is None


def test_jsonl_rows_are_documents_and_a_bad_line_is_an_error_naming_file_and_line(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text(
        '{"id": "a", "text": "Lev Sedov wrote."}\n\nnot json\n{"id": "b"}\n{"id": "a", "text": "Again."}\n'
        '{"text": 5}\n',
        encoding="utf-8",
    )
    files = input_files([path], options=ReadOptions(id_field="id"))
    assert [f.doc_id for f in files] == ["export/a", "export/3", "export/4", "export/a~2", "export/6"]
    assert read_input(files[0]).text == "Lev Sedov wrote." and files[0].source == f"{path}:1"
    errors = []
    for file in files[1:]:
        try:
            read_input(file)
        except InputError as err:
            errors.append(str(err))
    assert errors[0].startswith(f"{path}:3: not a JSON line")
    assert errors[1] == f"{path}:4: no 'text' field (--text-field; it has id)"
    assert errors[2] == f"{path}:6: the 'text' field is int, not text"


def test_a_csv_without_the_text_column_is_one_error_for_the_file(tmp_path):
    path = tmp_path / "letters.csv"
    path.write_text("id,body\n1,Natalia Sedova\n", encoding="utf-8")
    (file,) = input_files([path])
    with pytest.raises(InputError, match="no column 'text'"):
        read_input(file)


def test_collection_ids_never_collide_with_a_file_of_the_same_name(tmp_path):
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "1.txt").write_text("Sedova.", encoding="utf-8")
    (tmp_path / "letters.jsonl").write_text('{"text": "Rosmer."}\n', encoding="utf-8")
    ids = [f.doc_id for f in input_files([tmp_path])]
    assert sorted(ids) == ["letters/1", "letters/1~2"]


# -- end to end: the real pipeline ----------------------------------------------------------------


def _persons(record):
    return [e for e in record["entities"] if e["label"] == "PERSON"]


@pytest.fixture(scope="module")
def markup_run(pipe, tmp_path_factory):
    out = tmp_path_factory.mktemp("readers_out")
    names = ["alto_page.xml", "hocr_page.hocr", "page_xml.xml", "tei_letter.xml", "html_page.html"]
    summary = run_batch([DATA / n for n in names], out, progress=False, pipeline=pipe)
    return summary, {r["doc_id"]: r for r in read_jsonl(out / "documents.jsonl")}


def _raw(record) -> str:
    return Path(record["source"]).read_text(encoding="utf-8")


def test_every_reader_gives_mentions_whose_raw_offsets_point_into_the_file_as_written(markup_run):
    summary, records = markup_run
    assert summary.errors == 0
    for record in records.values():
        raw = _raw(record)
        for entity in record["entities"]:
            written = raw[entity["raw_start"] : entity["raw_end"]]
            first, last = entity["text"].split()[0], entity["text"].split()[-1]
            assert written, entity
            assert written.startswith(first[:3]) or "&" in written[:12], (record["doc_id"], entity, written)
            assert last[-2:] in written or "&" in written, (record["doc_id"], entity, written)


def test_html_page_names_are_found_with_entities_resolved_and_the_script_unread(markup_run):
    record = markup_run[1]["html_page"]
    by_text = {e["text"]: e for e in _persons(record)}
    assert by_text["Ramón Mercader"]["entity_id"] == "ramon-mercader"
    assert _raw(record)[by_text["Ramón Mercader"]["raw_start"] :].startswith("Ram&oacute;n Mercader")
    assert "var author" not in record["text"] and "<" not in record["text"]


def test_tei_letter_reads_the_text_not_the_header(markup_run):
    record = markup_run[1]["tei_letter"]
    found = {e["entity_id"] for e in _persons(record)}
    assert {"konrad-knudsen", "jeanne-molinier", "leon-trotsky"} <= found
    assert "Naville" not in record["text"] and "persName" not in record["text"]


@pytest.mark.parametrize(
    ("doc_id", "name", "entity_id", "box"),
    [
        ("alto_page", "Natalia Sedova", "natalia-sedova", [280, 470, 480, 58]),
        ("alto_page", "Jean van Heijenoort", "jean-van-heijenoort", [120, 540, 700, 128]),  # over a line end
        ("hocr_page", "Marguerite Rosmer", "marguerite-rosmer", [900, 1900, 580, 78]),
        ("page_xml", "Diego Rivera", "diego-rivera", [360, 700, 540, 80]),
    ],
)
def test_layout_mentions_carry_their_page_and_the_union_of_their_words_boxes(markup_run, doc_id, name, entity_id, box):
    record = markup_run[1][doc_id]
    (mention,) = [e for e in _persons(record) if e["text"] == name]
    assert (mention["entity_id"], mention["page"], mention["box"]) == (entity_id, 1, box)


def test_page_xml_text_is_in_reading_order(markup_run):
    assert markup_run[1]["page_xml"]["text"].startswith("Coyoacán, 1937")


def test_mentions_of_a_text_file_have_no_page_or_box(pipe):
    record = pipe.process_text("Natalia Sedova wrote to Alfred Rosmer.", "plain")
    assert record["entities"] and all("page" not in e and "box" not in e for e in record["entities"])


def test_csv_and_parquet_collections_are_one_document_per_row_and_a_bad_row_goes_on(pipe, tmp_path):
    out = tmp_path / "out"
    options = ReadOptions(id_field="letter_id", text_field="body")
    summary = run_batch([DATA / "letters.csv"], out, progress=False, pipeline=pipe, read_options=options)
    records = read_jsonl(out / "documents.jsonl")
    assert [r["doc_id"] for r in records] == [
        "letters/sedova-1938-02", "letters/rosmer-1938-03", "letters/4", "letters/vanheijenoort-1939"]
    assert summary.errors == 1 and records[2]["status"] == "error"
    assert records[2]["error"] == f"{DATA / 'letters.csv'}:4: the 'body' field is empty"
    assert "lev-sedov" in {e["entity_id"] for e in records[0]["entities"]}
    assert "sylvia-ageloff" in {e["entity_id"] for e in records[3]["entities"]}  # a field over two lines
    again = run_batch([DATA / "letters.csv"], out, progress=False, pipeline=pipe, read_options=options)
    assert again.reused == 3 and read_jsonl(out / "documents.jsonl") == records  # the cache holds per row

    out = tmp_path / "parquet"
    summary = run_batch([DATA / "letters.parquet"], out, progress=False, pipeline=pipe,
                        read_options=ReadOptions(id_field="letter_id"))
    records = {r["doc_id"]: r for r in read_jsonl(out / "documents.jsonl")}
    assert list(records) == ["letters/volkov-1939", "letters/volkova-1933", "letters/sedov-1937"]
    assert summary.errors == 0
    assert "esteban-volkov" in {e["entity_id"] for e in records["letters/volkov-1939"]["entities"]}


def test_a_changed_row_is_the_only_one_processed_again(pipe, tmp_path):
    path, out = tmp_path / "export.jsonl", tmp_path / "out"
    rows = ['{"text": "Natalia Sedova wrote."}', '{"text": "Alfred Rosmer answered."}', '{"text": "Lev Sedov came."}']
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run_batch([path], out, progress=False, pipeline=pipe)
    rows[1] = '{"text": "Marguerite Rosmer answered."}'
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    again = run_batch([path], out, progress=False, pipeline=pipe)
    records = read_jsonl(out / "documents.jsonl")
    assert again.reused == 2 and records[1]["entities"][0]["entity_id"] == "marguerite-rosmer"


def test_standard_input_is_one_document_read_by_its_markup(pipe, tmp_path, monkeypatch):
    html = "<html><body><p>Ram&oacute;n Mercader met Sylvia Ageloff.</p></body></html>"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(html.encode("utf-8"))))
    run_batch(["-"], tmp_path / "out", progress=False, pipeline=pipe)
    (record,) = read_jsonl(tmp_path / "out" / "documents.jsonl")
    assert (record["doc_id"], record["source"]) == ("stdin", "-")
    mention = next(e for e in record["entities"] if e["entity_id"] == "ramon-mercader")
    assert html[mention["raw_start"] : mention["raw_end"]] == "Ram&oacute;n Mercader"


def test_the_command_line_reads_standard_input_with_dash_and_writes_with_o(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import cli

    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "-", "-o", str(out), "-q"], input="Natalia Sedova wrote to Lev Sedov.\n")
    assert result.exit_code == 0, result.output
    (record,) = read_jsonl(out / "documents.jsonl")
    assert record["doc_id"] == "stdin"
    assert {e["entity_id"] for e in record["entities"]} >= {"natalia-sedova", "lev-sedov"}
