"""Review formats by name: :func:`register_format` fills the registry, the rest looks formats up."""

from __future__ import annotations

from typing import Any, TypeVar

from pipeline.review.formats.base import ReviewFormat

#: Format name -> format, in registration order (the order :func:`detect_format` tries them in).
FORMATS: dict[str, ReviewFormat] = {}

_F = TypeVar("_F", bound=type)


def register_format(cls: _F) -> _F:
    """Class decorator: register an instance of ``cls`` under ``cls.name`` (a later one replaces an earlier).

    cls (type): A class implementing :class:`pipeline.review.formats.base.ReviewFormat`.
    RETURNS (type): ``cls`` unchanged.
    """
    FORMATS[cls.name] = cls()
    return cls


def unregister_format(name: str) -> None:
    """Remove the format ``name`` from the registry (tests register toy formats).

    name (str): A registered format's name; an unknown name is ignored.
    """
    FORMATS.pop(name, None)


def format_names() -> list[str]:
    """The registered formats' names, in registration order.

    RETURNS (list): E.g. ``["prodigy", "doccano"]``; the CLI's ``--format`` choices.
    """
    return list(FORMATS)


def get_format(name: str) -> ReviewFormat:
    """The format registered as ``name``.

    name (str): A format name.
    RETURNS (ReviewFormat): The registered format.
    RAISES (ValueError): No format has that name.
    """
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown review format {name!r} (known: {', '.join(FORMATS)})") from None


def detect_format(task: dict[str, Any]) -> str:
    """The name of the first registered format whose ``detect`` accepts ``task``.

    task (dict): A task as read back from a tool.
    RETURNS (str): The format's name.
    RAISES (ValueError): No registered format recognises the task.
    """
    for name, fmt in FORMATS.items():
        if fmt.detect(task):
            return name
    titles = " nor a ".join(f.title for f in FORMATS.values())
    raise ValueError(f"neither a {titles} task (no {', '.join(f.hint for f in FORMATS.values())})")

