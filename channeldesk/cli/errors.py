"""Exit codes of the ``channeldesk`` command, and the one error class every command raises.

A command that refuses or fails for a reason the user can act on raises
:class:`CommandError` with one of the codes below; ``main`` prints its one line and exits
with its code. Tracebacks go to the log file only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import peewee

from channeldesk.paths import DB_ENV_VAR

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_DATABASE = 3
EXIT_SYNC = 4
EXIT_INTERRUPTED = 130

EPILOG = f"""\
The database is --db PATH, else ${DB_ENV_VAR}, else the default file in your user data
folder. --db may be given before or after the command.

exit codes:
  0  success
  1  unexpected error (the details are in the log file named in the message)
  2  bad usage, or the command refused to run (nothing was changed)
  3  the database cannot be opened or is not healthy (the file was left as it was)
  4  login, sync, logout: the sync server cannot be reached, refused the sign-in or
     the device token, or answered with an error (nothing local was lost; retry)
  130  interrupted with Ctrl+C (unfinished changes were rolled back)
"""


class CommandError(Exception):
    """A refusal or failure the user can act on: one line and an exit code, no traceback."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@contextmanager
def writing() -> Iterator[None]:
    """Run an operation (``services/*_operations.py``) for a command: a refusal is exit 2
    with its reason, a database that cannot be written (locked, read-only, full) exit 3.
    Either way the operation's transaction rolled back, so nothing was changed."""
    # Imported here: the GUI's start reads this module and needs no operation.
    from channeldesk.services.operations import OperationRefused

    try:
        yield
    except OperationRefused as refusal:
        raise CommandError(EXIT_USAGE, f"{refusal} Nothing was changed.") from refusal
    except (sqlite3.Error, peewee.DatabaseError) as error:
        raise CommandError(EXIT_DATABASE, f"The database could not be written ({error}). "
                                          "Nothing was changed; close other programs "
                                          "using it and try again.") from error
