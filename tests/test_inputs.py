"""Hostile and unlucky inputs (issue 10): only regular files are read, with a size limit, and
everything else named or found gets an error record instead of a hang, a runaway read or silence."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from conftest import read_jsonl

from pipeline.batch import run_batch
from pipeline.io import InputError, decode, iter_input_files, read_document

TEXT = "Natalia Sedova wrote to Lev Sedov from Coyoacán.\n"


def _finishes(call, seconds: float = 10.0):
    """Run ``call`` in a thread; fail (instead of hanging the suite) if it does not return in time."""
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["value"] = call()
        except Exception as err:  # the error is the outcome under test
            outcome["error"] = err

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the read blocked"
    return outcome


# -- what is not a regular file ------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_an_error_not_a_read_that_blocks(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    outcome = _finishes(lambda: read_document(fifo))
    assert isinstance(outcome.get("error"), InputError)
    assert "named pipe" in str(outcome["error"]) and "regular" in str(outcome["error"])


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_is_an_error_not_a_read_that_grows_without_limit():
    outcome = _finishes(lambda: read_document("/dev/zero"))
    assert isinstance(outcome.get("error"), InputError)
    assert "character device" in str(outcome["error"])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_file_swapped_for_a_pipe_after_the_check_is_caught_on_the_open_file(tmp_path, monkeypatch):
    fifo = tmp_path / "swapped.txt"
    os.mkfifo(fifo)
    (tmp_path / "regular.txt").write_text(TEXT)
    regular = (tmp_path / "regular.txt").stat()
    monkeypatch.setattr(Path, "stat", lambda self, **kw: regular)  # the first check sees a file
    outcome = _finishes(lambda: read_document(fifo))
    assert "named pipe" in str(outcome.get("error"))


def test_a_dangling_link_says_so(tmp_path):
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "deleted.txt")
    with pytest.raises(InputError, match="dangling symbolic link"):
        read_document(link)


def test_a_file_larger_than_the_limit_is_an_error_and_one_at_the_limit_is_read(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes(TEXT.encode())
    size = path.stat().st_size
    assert read_document(path, max_bytes=size).text == TEXT
    with pytest.raises(InputError, match="larger than the limit"):
        read_document(path, max_bytes=size - 1)


# -- a folder's entries ----------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_pipes_and_dangling_links_in_a_folder_are_listed_not_skipped(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT)
    os.mkfifo(tmp_path / "b.fifo")
    (tmp_path / "c.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden.txt").write_text(TEXT)
    assert [p.name for p in iter_input_files([tmp_path])] == ["a.txt", "b.fifo", "c.txt"]


def test_the_output_folder_inside_the_input_folder_is_never_read(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT)
    out = tmp_path / "out"
    out.mkdir()
    (out / "documents.jsonl").write_text("{}\n")
    assert [p.name for p in iter_input_files([tmp_path], exclude=[out])] == ["a.txt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_batch_over_a_folder_with_a_pipe_and_a_dangling_link_writes_their_errors_and_goes_on(pipe, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(TEXT)
    os.mkfifo(inputs / "pipe.txt")
    (inputs / "link.txt").symlink_to(inputs / "deleted.txt")
    out = inputs / "output"  # inside the input folder: a second run must not read it
    for _ in range(2):
        outcome = _finishes(lambda: run_batch([inputs], out, progress=False, pipeline=pipe), seconds=120)
        assert "error" not in outcome, outcome.get("error")
        records = {Path(r["source"]).name: r for r in read_jsonl(out / "documents.jsonl")}
        assert sorted(records) == ["good.txt", "link.txt", "pipe.txt"]
    assert records["good.txt"]["status"] == "ok" and records["good.txt"]["entities"]
    assert "named pipe" in records["pipe.txt"]["error"]
    assert "dangling symbolic link" in records["link.txt"]["error"]


# -- what text looks like ----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_decoded(encoding):
    text, used = decode(TEXT.encode(encoding))
    assert (text, used) == (TEXT, encoding)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_in_cyrillic_is_decoded_too(encoding):
    russian = "Лев Давидович Троцкий приехал в Мексику в 1937 году вместе с Натальей Седовой.\n" * 5
    assert decode(russian.encode(encoding)) == (russian, encoding)


def test_a_link_to_a_folder_is_listed_for_its_error_line_not_followed(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "a.txt").write_text(TEXT)
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert [p.name for p in iter_input_files([inputs])] == ["linked"]
    with pytest.raises(InputError, match="directory"):
        read_document(inputs / "linked")


def test_utf16_with_a_byte_order_mark_still_is():
    assert decode(TEXT.encode("utf-16")) == (TEXT, "utf-16")


def test_one_stray_nul_byte_keeps_the_text_with_the_nul_in_place():
    data = TEXT.encode() + b"\x00" + TEXT.encode()
    text, encoding = decode(data)
    assert encoding == "utf-8" and text == TEXT + "\x00" + TEXT  # offsets after it hold


def test_a_binary_file_is_still_an_error():
    with pytest.raises(InputError, match="binary|no text encoding"):
        decode(bytes(range(256)) * 40)
    with pytest.raises(InputError, match="binary"):
        decode(b"PK\x03\x04" + b"\x00\x01\x00\x00" * 600)
