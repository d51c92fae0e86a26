"""Stage 0, io: input files -> decoded text, and the offset map every later stage keeps.

:func:`iter_input_files` lists the files to process, :func:`read_document`
reads one into a :class:`RawDocument` (decoded text, detected encoding, sha256
of the bytes) or raises :class:`InputError` with a clear message for a file
that is not text. :class:`MappedText` carries a text through a list of
:data:`Edit` s while keeping, for each character, the raw span it came from.

>>> from pipeline.io import MappedText
>>> mapped = MappedText.from_raw("a  b").apply([(1, 3, " ")])
>>> mapped.text, mapped.raw_span(0, 3)
('a b', (0, 4))
"""

from pipeline.io.ids import InputFile, doc_ids, input_files
from pipeline.io.offsets import Edit, MappedText, line_edits
from pipeline.io.read import (
    BINARY_CONTROL_SHARE,
    DEFAULT_MAX_BYTES,
    InputError,
    RawDocument,
    decode,
    iter_input_files,
    iter_inputs,
    read_document,
)

__all__ = [
    "BINARY_CONTROL_SHARE",
    "DEFAULT_MAX_BYTES",
    "Edit",
    "InputError",
    "InputFile",
    "doc_ids",
    "input_files",
    "iter_inputs",
    "MappedText",
    "RawDocument",
    "decode",
    "iter_input_files",
    "line_edits",
    "read_document",
]
