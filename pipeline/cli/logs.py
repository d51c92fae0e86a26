"""Logging of the ``namelink`` command line: the ``pipeline`` package's loggers to standard error.

The library's modules log with ``logging.getLogger(__name__)`` and configure nothing;
the command line's ``-v/--verbose`` (INFO, ``-vv`` DEBUG) and ``--log-level LEVEL``
set how much of it is shown (default: warnings and errors).
"""

from __future__ import annotations

import logging
import sys

#: The levels ``--log-level`` takes.
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
#: The level of no ``-v``, one, two or more.
VERBOSITY = ("WARNING", "INFO", "DEBUG")
#: One line a message, after the progress bar's line.
FORMAT = "namelink %(levelname)s %(name)s: %(message)s"


class _ClickStderr(logging.Handler):
    """Writes each record to standard error as it is at that moment (so a test's CliRunner, which
    swaps the stream, sees it too), through tqdm so that a progress bar is redrawn below it."""

    def emit(self, record: logging.LogRecord) -> None:
        from tqdm import tqdm

        try:
            tqdm.write(self.format(record), file=sys.stderr)
        except Exception:  # a logging handler never raises (logging's own convention)
            self.handleError(record)


def level_of(verbose: int, log_level: str | None) -> str:
    """The level to show: ``--log-level`` if given, else by the count of ``-v``."""
    if log_level:
        return log_level.upper()
    return VERBOSITY[min(verbose, len(VERBOSITY) - 1)]


def configure(level: str, logger_name: str = "pipeline") -> logging.Logger:
    """Send ``logger_name``'s records of ``level`` and above to standard error, one handler only
    however often it is called."""
    logger = logging.getLogger(logger_name)
    for handler in [h for h in logger.handlers if isinstance(h, _ClickStderr)]:
        logger.removeHandler(handler)
    handler = _ClickStderr()
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)
    return logger
