"""Review formats: one module per annotation tool, registered by name.

Each format implements :class:`ReviewFormat` (``name``, ``detect``,
``build_task``, ``reviewed_spans``, ``answer``) and registers itself with the
:func:`register_format` class decorator; export, import and the CLI's
``--format`` choices look formats up in :data:`FORMATS` and never name one.
Adding a format is one new module here plus its import below (see
``docs/review-loop.md``, "Adding a review format").
"""

from pipeline.review.formats.base import UNSET, ReviewedSpan, ReviewFormat, hash32, reviewed_span
from pipeline.review.formats.registry import (
    FORMATS,
    detect_format,
    format_names,
    get_format,
    register_format,
    unregister_format,
)

# The built-in formats register themselves on import, Prodigy first: registration order is the order
# detect_format tries formats in, and the order of the --format choices.
# isort: off
from pipeline.review.formats import prodigy  # noqa: F401
from pipeline.review.formats import doccano  # noqa: F401

# isort: on

__all__ = [
    "FORMATS",
    "UNSET",
    "ReviewFormat",
    "ReviewedSpan",
    "detect_format",
    "format_names",
    "get_format",
    "hash32",
    "register_format",
    "reviewed_span",
    "unregister_format",
]
