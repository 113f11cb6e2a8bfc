"""The application log: a rotating file that keeps the details users should not have to read.

People get one clear line about what went wrong; the traceback behind it lands here, so a
bug report can carry it. When the log folder cannot be written (a read-only home, a full
disk), logging falls back to a file in the temporary folder rather than failing the app.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from logging.handlers import RotatingFileHandler
from pathlib import Path

from channeldesk.paths import LOG_FILE_NAME, log_file_path

MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
FILE_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(process)d]: %(message)s"
_OURS = "_channeldesk_handler"


class _NoTracebackFormatter(logging.Formatter):
    """Messages for the terminal: one line each, the traceback stays in the file."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname.lower()}: {record.getMessage()}"


def setup_logging(verbose: bool = False) -> Path:
    """Send log records to the rotating log file; returns the file's path.

    Calling it again replaces the handlers it installed before, so a process (or a test)
    may call it more than once without duplicating lines. ``verbose`` records debug detail
    in the file and echoes info lines, without tracebacks, to stderr.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _OURS, False)]:
        root.removeHandler(handler)
        handler.close()
    file_handler, path = _file_handler()
    file_handler.setFormatter(logging.Formatter(FILE_FORMAT))
    _install(root, file_handler)
    if verbose:
        echo = logging.StreamHandler(sys.stderr)
        echo.setLevel(logging.INFO)
        echo.setFormatter(_NoTracebackFormatter())
        _install(root, echo)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return path


def current_log_path() -> Path | None:
    """The file :func:`setup_logging` sends records to, or None before it ran."""
    for handler in logging.getLogger().handlers:
        if getattr(handler, _OURS, False) and isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    return None


def _install(root: logging.Logger, handler: logging.Handler) -> None:
    setattr(handler, _OURS, True)
    root.addHandler(handler)


def _file_handler() -> tuple[logging.Handler, Path]:
    """The usual log file, or one in the temp folder when the usual one cannot be written."""
    for path in (log_file_path(), Path(tempfile.gettempdir()) / LOG_FILE_NAME):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
            )
            return handler, path
        except OSError:
            continue
    # Nowhere to write: keep Python's last-resort handler from printing tracebacks.
    return logging.NullHandler(), log_file_path()
