"""How long work reports progress and learns it was cancelled, the same for every layer.

A long service (import, export, re-scoring, demo data, sync, batch PDF) takes a
``progress(done, total, message)`` callback and a cancel token, and raises the one
:class:`Cancelled` when the user stops it; the UI's jobs module shows the progress and
tells a cancel apart from a failure by this one class. Plain values only: no Qt, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

Progress = Callable[[int, int, str], None]
"""``progress(done, total, message)``; ``total`` 0 means "unknown yet"."""


class CancelToken(Protocol):
    """Anything with ``is_set()``, such as a ``threading.Event``."""

    def is_set(self) -> bool: ...


class Cancelled(Exception):  # noqa: N818 -- a user's choice, not an error
    """The user cancelled; whatever the work had begun was rolled back or left unwritten.

    The message says what was kept ("nothing was written", "the previous scores stay").
    """


def stop_if_cancelled(cancel: CancelToken | None, message: str) -> None:
    """Raise :class:`Cancelled` with ``message`` once ``cancel`` is set."""
    if cancel is not None and cancel.is_set():
        raise Cancelled(message)


def no_progress(_done: int, _total: int, _message: str) -> None:
    """A progress callback for callers that show none."""
