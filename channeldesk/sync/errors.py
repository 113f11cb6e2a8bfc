"""Why a sync (or a sign-in) stopped, as exceptions a caller can branch on.

Every one carries a one-line ``message`` a person can act on; none of them means that
local data was lost or changed half-way: each page and each batch is applied in one
local transaction, so a failure leaves the database as it was after the last whole step.
"""

from __future__ import annotations


class SyncError(Exception):
    """Base class: the sync stopped; ``message`` says why in one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Offline(SyncError):  # noqa: N818 (short names read better at call sites)
    """The server could not be reached (refused, DNS, timeout, dropped connection)."""


class AuthExpired(SyncError):  # noqa: N818 (short names read better at call sites)
    """The server refused the device token (401): sign in again."""


class LoginFailed(SyncError):  # noqa: N818 (short names read better at call sites)
    """Wrong email or password at sign-in."""


class ServerGone(SyncError):  # noqa: N818 (short names read better at call sites)
    """410 Gone: the cursor is older than the server's history, or from another one.

    The engine handles it itself (it downloads a snapshot); ``epoch`` is the team's
    current history identity, None when the server did not say.
    """

    def __init__(self, message: str, epoch: str | None) -> None:
        super().__init__(message)
        self.epoch = epoch


class ServerError(SyncError):
    """The server failed (5xx) or answered something that is not the protocol."""


class RequestRefused(SyncError):  # noqa: N818 (short names read better at call sites)
    """The server refused a request for a reason other than the above (4xx)."""

    def __init__(self, message: str, status: int, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class NotSignedIn(SyncError):  # noqa: N818 (short names read better at call sites)
    """This database has no sync account, or its token is no longer available."""


class SyncBusy(SyncError):  # noqa: N818 (short names read better at call sites)
    """Another sync of the same engine is still running."""


class LocalDataError(SyncError):
    """The local database could not be read or written (locked, full, damaged), or a
    local change cannot be sent as it is."""
