"""Why a database could not be opened, in words a user can act on.

Every error carries a one-line message (for the CLI and the log) and a longer hint (for the
GUI dialog). Raising one of these guarantees the file was not modified.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path


class OpenFailure(StrEnum):
    MISSING_FOLDER = "missing-folder"
    IS_FOLDER = "is-folder"
    NOT_A_DATABASE = "not-a-database"
    FOREIGN_DATABASE = "foreign-database"
    CORRUPT = "corrupt"
    LOCKED = "locked"
    READ_ONLY = "read-only"
    UNREADABLE = "unreadable"
    NEWER_SCHEMA = "newer-schema"
    MIGRATION_FAILED = "migration-failed"


_HINTS: dict[OpenFailure, str] = {
    OpenFailure.MISSING_FOLDER: (
        "Create the folder first, or choose a file in a folder that exists."
    ),
    OpenFailure.IS_FOLDER: "Choose a database file rather than a folder.",
    OpenFailure.NOT_A_DATABASE: "Choose a ChannelDesk database file (usually *.sqlite3).",
    OpenFailure.FOREIGN_DATABASE: (
        "It belongs to another program. Choose a ChannelDesk database, or a new file name."
    ),
    OpenFailure.CORRUPT: (
        "Restore it from a backup, or open another file. The damaged file was left as it is so "
        "that it can still be rescued."
    ),
    OpenFailure.LOCKED: "Close the other program or ChannelDesk window using it, then try again.",
    OpenFailure.READ_ONLY: (
        "Ask for write access to the folder and the file, or copy the database to a folder you "
        "can write to."
    ),
    OpenFailure.UNREADABLE: "Check that you are allowed to read the file.",
    OpenFailure.NEWER_SCHEMA: (
        "Install the newer version of ChannelDesk to open it. The file was not changed."
    ),
    OpenFailure.MIGRATION_FAILED: (
        "The file was left unchanged. Please report this with the log file attached."
    ),
}


class StoreOpenError(Exception):
    """A database file that ChannelDesk refuses to open; the file is untouched."""

    def __init__(self, failure: OpenFailure, path: Path, detail: str) -> None:
        self.failure = failure
        self.path = path
        self.detail = detail
        super().__init__(f"{path}: {detail}")

    @property
    def hint(self) -> str:
        """What the user can do about it."""
        return _HINTS[self.failure]

    def one_line(self) -> str:
        """The message for the command line: what happened and what to do next."""
        detail = " ".join(self.detail.split())  # SQLite's quick_check reports span lines
        return f"Cannot open {self.path}: {detail} {self.hint}"
