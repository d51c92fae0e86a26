"""Issue 9: tables are content, boilerplate goes only on positive evidence, every drop is listed.

The step tests run on a plain :class:`Cleaner` (no model); the pipeline tests
use the session ``pipe`` (real model, real knowledge base).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.clean import Cleaner, name_aware_cleaner
from pipeline.clean.steps import line_spans
from pipeline.clean.tables import find_tables
from pipeline.cli import cli

PIPE_TABLE = (
    "The register of the family, as the consulate copied it.\n"
    "\n"
    "| No. | Name | Born |\n"
    "| 1 | BRONSTEIN, David Leontievich | 1847 |\n"
    "| 5 | Lev Davidovich Bronstein | 1879 |\n"
    "| 7 | Natalia Ivanovna Sedova | 1882 |\n"
    "\n"
    "Nothing else is known of them.\n"
)
TAB_TABLE = (
    "Names as the police entered them.\n"
    "\n"
    "Name\tBorn\tPlace\n"
    "Natalia Sedova\t1882\tRomny\n"
    "Leon Trotsky\t1879\tYanovka\n"
)
MARKDOWN_TABLE = (
    "Name | Role\n"
    "---|---\n"
    "Natalia Sedova | wife\n"
    "Leon Sedov | son\n"
)
BREADCRUMB = "Home / Archive / Letters of the exile\n\nNatalia Sedova wrote to her son every week.\n"
SHARE_BAR = "Natalia Sedova wrote to her son every week.\n\nFacebook Twitter Share\n\nShe kept copies of them all.\n"


@pytest.fixture(scope="module")
def plain() -> Cleaner:
    return Cleaner()


def persons(record) -> list[dict]:
    return [e for e in record["entities"] if e["label"] == "PERSON"]


def assert_raw_exact(record, raw: str) -> None:
    for ent in record["entities"]:
        assert raw[ent["raw_start"] : ent["raw_end"]] == ent["text"], ent
    for span in record["dropped"]:
        assert 0 <= span["raw_start"] < span["raw_end"] <= len(raw), span


# -- the tables step on a Cleaner ------------------------------------------------------------------


def test_pipe_table_rows_are_found_and_each_cell_is_a_paragraph(plain):
    clean = plain.clean(PIPE_TABLE)
    paragraphs = [p.strip() for p in clean.text.split("\n\n") if p.strip()]
    assert "BRONSTEIN, David Leontievich" in paragraphs
    assert "Lev Davidovich Bronstein" in paragraphs and "1879" in paragraphs
    assert "|" not in clean.text
    assert clean.dropped == []


def test_tab_table_is_found_before_tabs_become_spaces(plain):
    lines = list(line_spans(TAB_TABLE))
    assert find_tables(TAB_TABLE, lines, plain.config.tables) == [(2, 4, "\t")]
    paragraphs = [p.strip() for p in plain.clean(TAB_TABLE).text.split("\n\n")]
    assert "Natalia Sedova" in paragraphs and "Romny" in paragraphs


def test_a_tab_between_words_outside_a_table_is_still_a_space(plain):
    assert plain.clean("Natalia\tSedova wrote.\n\nShe kept copies.").text == "Natalia Sedova wrote.\n\nShe kept copies."


def test_markdown_rule_line_goes_and_its_table_is_kept(plain):
    lines = list(line_spans(MARKDOWN_TABLE))
    assert find_tables(MARKDOWN_TABLE, lines, plain.config.tables) == [(0, 3, "|")]
    text = plain.clean(MARKDOWN_TABLE).text
    assert "---" not in text and "|" not in text
    cells = [p.strip() for p in text.split("\n\n") if p.strip()]
    assert cells == ["Name", "Role", "Natalia Sedova", "wife", "Leon Sedov", "son"]


def test_table_rows_that_look_like_breadcrumbs_are_kept(plain):
    nav_like = "Home | About | Contact\nNews | Archive | Search\n"
    clean = plain.clean(nav_like)
    assert "Archive" in clean.text and clean.dropped == []


def test_a_single_row_with_a_name_is_not_a_breadcrumb(cleaner):
    row = "| 5 | BRONSTEIN, Lev Davidovich | 1879 |"
    clean = cleaner.clean(row + "\n\nHe was born at Yanovka.")
    assert "BRONSTEIN, Lev Davidovich" in clean.text and clean.dropped == []


# -- positive evidence only --------------------------------------------------------------------


def test_breadcrumb_without_names_is_dropped_and_listed(cleaner):
    clean = cleaner.clean(BREADCRUMB)
    assert "Home" not in clean.text
    assert [d["reason"] for d in clean.dropped] == ["boilerplate:breadcrumb"]
    span = clean.dropped[0]
    assert BREADCRUMB[span["raw_start"] : span["raw_end"]] == "Home / Archive / Letters of the exile"


def test_breadcrumb_ending_in_a_name_goes_only_when_the_page_repeats_it(cleaner):
    alone = cleaner.clean("Home > History > Leon Trotsky\n\nHe was born at Yanovka.")
    assert "Leon Trotsky" in alone.text and alone.dropped == []
    repeated = cleaner.clean("Home > History > Leon Trotsky\n\nLeon Trotsky\n\nHe was born at Yanovka.")
    assert repeated.text.startswith("Leon Trotsky\n\nHe was born")
    assert [d["reason"] for d in repeated.dropped] == ["boilerplate:breadcrumb"]


def test_a_name_inside_the_trail_keeps_the_breadcrumb(cleaner):
    clean = cleaner.clean("Home / Frida Kahlo / Letters\n\nShe wrote.")
    assert "Frida Kahlo" in clean.text and clean.dropped == []


def test_title_case_sections_are_not_names(cleaner):
    clean = cleaner.clean("Home › Destinations › Revolutionary Lives › Three houses\n\nText.")
    assert clean.text == "Text."


def test_link_only_line_with_a_name_is_kept(cleaner):
    clean = cleaner.clean("[Natalia Sedova](https://example.org/sedova)\n\nText.")
    assert "Natalia Sedova" in clean.text and clean.dropped == []
    gone = cleaner.clean("[Read the archive](https://example.org/a)\n\nText.")
    assert [d["reason"] for d in gone.dropped] == ["boilerplate:link"]


def test_share_bar_is_dropped_and_listed(cleaner):
    clean = cleaner.clean(SHARE_BAR)
    assert "Facebook" not in clean.text
    [span] = clean.dropped
    assert span["reason"] == "boilerplate:social"
    assert SHARE_BAR[span["raw_start"] : span["raw_end"]] == "Facebook Twitter Share"


def test_footer_teaser_and_image_reasons(cleaner):
    raw = "Natalia Sedova wrote.\n\n![a photograph](img/sedova.jpg)\n\n© 2024 The Archive\nAll of it.\n"
    clean = cleaner.clean(raw)
    reasons = {d["reason"]: raw[d["raw_start"] : d["raw_end"]] for d in clean.dropped}
    assert reasons["markdown:image"] == "![a photograph](img/sedova.jpg)"
    assert [d["reason"] for d in clean.dropped].count("boilerplate:footer") == 2
    assert clean.dropped == sorted(clean.dropped, key=lambda d: d["raw_start"])


def test_dropped_spans_of_real_pages_slice_the_raw_text():
    cleaner = name_aware_cleaner()
    root = Path(__file__).resolve().parent.parent
    raw = (root / "tests" / "gold" / "fresh" / "fresh_05_museum_blog.txt").read_text(encoding="utf-8")
    clean = cleaner.clean(raw)
    texts = [raw[d["raw_start"] : d["raw_end"]] for d in clean.dropped]
    assert texts[0].startswith("Home | Destinations") and texts[1].startswith("Home › Destinations")
    for text in texts:
        assert text and text == text.strip() and text not in clean.text


# -- through the real pipeline -----------------------------------------------------------------


@pytest.mark.parametrize("raw", [PIPE_TABLE, TAB_TABLE, MARKDOWN_TABLE], ids=["pipe", "tab", "markdown"])
def test_names_in_cells_are_found_with_exact_raw_offsets(pipe, raw):
    record = pipe.process_text(raw, "table")
    found = {e["text"] for e in persons(record)}
    expected = {"Natalia Sedova", "Natalia Ivanovna Sedova", "Leon Trotsky", "Leon Sedov", "Lev Davidovich Bronstein"}
    assert found & expected, found
    assert all("|" not in name and "\n" not in name for name in found)
    assert_raw_exact(record, raw)
    assert record["dropped"] == []


def test_pipe_table_keeps_every_row_name(pipe):
    record = pipe.process_text(PIPE_TABLE, "table")
    found = " ".join(e["text"] for e in persons(record))
    for name in ("David Leontievich", "Lev Davidovich Bronstein", "Natalia Ivanovna Sedova"):
        assert name in found, found


def test_record_lists_a_dropped_breadcrumb_and_share_bar(pipe):
    raw = BREADCRUMB + "\n" + SHARE_BAR
    record = pipe.process_text(raw, "page")
    assert [d["reason"] for d in record["dropped"]] == ["boilerplate:breadcrumb", "boilerplate:social"]
    assert [raw[d["raw_start"] : d["raw_end"]] for d in record["dropped"]] == [
        "Home / Archive / Letters of the exile",
        "Facebook Twitter Share",
    ]
    assert_raw_exact(record, raw)


def test_error_records_have_no_dropped_spans(pipe, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00\x00broken")
    record = pipe.process_file(bad)
    assert record["status"] == "error" and record["dropped"] == []


# -- namelink clean --show-dropped ---------------------------------------------------------


def test_cli_shows_dropped_spans(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(BREADCRUMB + "\n" + SHARE_BAR, encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", "--show-dropped", str(page)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text, listing = result.output.split("-- dropped: 2 span(s)\n")
    assert "Natalia Sedova wrote" in text and "Home" not in text
    assert listing.splitlines() == [
        "0-37\tboilerplate:breadcrumb\tHome / Archive / Letters of the exile",
        f"{len(BREADCRUMB) + 1 + 45}-{len(BREADCRUMB) + 1 + 67}\tboilerplate:social\tFacebook Twitter Share",
    ]
    only = CliRunner().invoke(cli, ["clean", "--show-dropped", "--no-text", str(page)], catch_exceptions=False)
    assert only.output.startswith("-- dropped: 2 span(s)\n") and "Natalia" not in only.output


def test_cli_help_has_an_example():
    result = CliRunner().invoke(cli, ["clean", "--help"])
    assert "--show-dropped" in result.output and "namelink clean --show-dropped" in result.output


def test_a_tables_last_cell_is_never_joined_to_the_line_after_it(plain):
    text = plain.clean("Name | Born\nLev Bronstein | 1879,\nthen the notes.\n").text
    assert "1879,\n\nthen the notes." in text


# -- a surname cell and a given-name cell are one inverted name --------------------------------------

MANIFEST = (
    "No.\tSurname\tGiven names\tAge\tSex\tOccupation\n"
    "12\tHARGROVE\tFloyd Edwin\t44\tM\tMerchant\n"
    "13\tO'NEILL\tMary Catherine\t31\tF\tGoverness\n"
    "14\tPEMBERTON\tWalter\t52\tM\tClergyman\n"
)


def test_a_surname_cell_and_its_given_names_are_one_inverted_name():
    text = Cleaner().clean(MANIFEST).text
    assert "HARGROVE, Floyd Edwin" in text and "O'NEILL, Mary Catherine" in text and "PEMBERTON, Walter" in text
    # the other cells stay cells: a one-letter code is no surname, a title-case cell no surname either
    assert "M, Merchant" not in text and "Surname, Given" not in text and "M\n\nMerchant" in text


def test_a_manifest_row_gives_one_mention_at_the_raw_offsets(pipe):
    record = pipe.process_text(MANIFEST, "manifest")
    people = {(e["raw_start"], e["raw_end"]): e["text"] for e in record["entities"] if e["label"] == "PERSON"}
    start = MANIFEST.index("HARGROVE")
    assert people.get((start, start + len("HARGROVE\tFloyd Edwin"))) == "HARGROVE, Floyd Edwin", people
