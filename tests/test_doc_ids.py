"""Document ids unique and stable (issue 10): files of one stem in different places are different documents."""

from __future__ import annotations

from pathlib import Path

from conftest import read_jsonl

from pipeline.batch import run_batch
from pipeline.io import doc_ids, input_files
from pipeline.review.report import write_report

TEXT = "Natalia Sedova wrote to Lev Sedov from Coyoacán in {}.\n"


def _ids(*relatives: str, root: str = "in") -> list[str]:
    return doc_ids([(Path(root) / rel, rel) for rel in relatives])


def test_the_id_is_the_path_under_the_folder_named_without_its_extension():
    assert _ids("000_seed.txt", "letters/1936/a.txt") == ["000_seed", "letters/1936/a"]


def test_one_stem_in_two_subfolders_gives_two_ids():
    assert _ids("a/x.txt", "b/x.txt") == ["a/x", "b/x"]


def test_one_stem_with_two_extensions_keeps_the_extensions():
    assert _ids("x.txt", "x.md", "y.txt") == ["x.txt", "x.md", "y"]


def test_the_same_relative_path_under_two_folders_takes_the_folders_names():
    inputs = [(Path("2019/x.txt"), "x.txt"), (Path("2020/x.txt"), "x.txt")]
    assert doc_ids(inputs) == ["2019/x.txt", "2020/x.txt"]


def test_a_last_tie_is_numbered_in_input_order_and_ids_are_stable():
    inputs = [(Path("a/2019/x.txt"), "x.txt"), (Path("b/2019/x.txt"), "x.txt")]
    assert doc_ids(inputs) == ["2019/x.txt", "2019/x.txt~2"]
    assert doc_ids(inputs) == doc_ids(list(inputs))


def test_a_file_named_like_a_numbered_id_does_not_take_its_number():
    inputs = [(Path("p/d/x"), "d/x"), (Path("q/d/x"), "d/x"), (Path("r/d/x~2"), "d/x~2")]
    ids = doc_ids(inputs)
    assert len(set(ids)) == 3 and ids[2] == "d/x~2"


def _corpus(root: Path) -> Path:
    inputs = root / "in"
    for rel, year in (("a/x.txt", 1936), ("b/x.txt", 1937), ("x.md", 1938)):
        (inputs / rel).parent.mkdir(parents=True, exist_ok=True)
        (inputs / rel).write_text(TEXT.format(year), encoding="utf-8")
    return inputs


def test_duplicate_stems_are_three_documents_in_the_output_and_the_report(pipe, tmp_path):
    inputs = _corpus(tmp_path)
    assert [f.doc_id for f in input_files([inputs])] == ["a/x", "b/x", "x"]
    out = tmp_path / "out"
    run_batch([inputs], out, progress=False, pipeline=pipe)
    records = read_jsonl(out / "documents.jsonl")
    assert [r["doc_id"] for r in records] == ["a/x", "b/x", "x"]
    sedova = next(e for e in read_jsonl(out / "entities.jsonl") if e["entity_id"] == "natalia-sedova")
    assert sedova["documents"] == ["a/x", "b/x", "x"]
    summary = write_report(out, tmp_path / "html")
    assert summary.documents == 3 and len(list((tmp_path / "html" / "docs").glob("*.html"))) == 3


def test_a_file_added_beside_one_of_the_same_stem_changes_its_id_in_the_next_incremental_run(pipe, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "x.txt").write_text(TEXT.format(1936), encoding="utf-8")
    out = tmp_path / "out"
    run_batch([inputs], out, progress=False, pipeline=pipe)
    assert [r["doc_id"] for r in read_jsonl(out / "documents.jsonl")] == ["x"]
    (inputs / "x.md").write_text(TEXT.format(1937), encoding="utf-8")
    summary = run_batch([inputs], out, progress=False, pipeline=pipe)
    assert sorted(r["doc_id"] for r in read_jsonl(out / "documents.jsonl")) == ["x.md", "x.txt"]
    assert summary.reused == 0  # the old line of x.txt had the id x
