"""``channeldesk login|sync|logout``: the team sync server from the command line.

httpx, pydantic and keyring are imported on demand inside each command, so neither the
GUI start-up nor the other commands pay for them.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from channeldesk.cli.errors import EXIT_DATABASE, EXIT_OK, EXIT_SYNC, EXIT_USAGE, CommandError
from channeldesk.cli.registry import CommandSet
from channeldesk.cli.sync_report import held_back_lines
from channeldesk.paths import resolve_db_path
from channeldesk.store import Store, open_store

# sync_state key: the token file a database was signed in with (its path, never the token).
TOKEN_FILE_KEY = "token_file"


@contextlib.contextmanager
def _sync_failures() -> Iterator[None]:
    """Turn sync errors into one line and an exit code: 3 local database, 2 not signed
    in or a bad argument, 4 everything about the server."""
    from channeldesk.sync.errors import LocalDataError, NotSignedIn, SyncError

    try:
        yield
    except NotSignedIn as error:
        raise CommandError(EXIT_USAGE, f"{error.message} Run: channeldesk login --server URL "
                                       "--email EMAIL") from error
    except LocalDataError as error:
        raise CommandError(EXIT_DATABASE, error.message) from error
    except SyncError as error:
        raise CommandError(EXIT_SYNC, error.message) from error
    except ValueError as error:
        raise CommandError(EXIT_USAGE, str(error)) from error


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass(f"Password for {args.email}: ")
    else:
        raise CommandError(EXIT_USAGE, "No terminal to ask for the password: pipe it in and "
                                       "add --password-stdin.")
    if not password:
        raise CommandError(EXIT_USAGE, "The password is empty; nothing was changed.")
    return password


def _token_file(args: argparse.Namespace, store: Store) -> Path | None:
    """The token file named with --token-file, else the one the database was signed in
    with, else None (the OS keyring)."""
    from channeldesk.sync import state

    given = getattr(args, "token_file", None)
    if given:
        return Path(given).expanduser().absolute()
    remembered = state.get(store.db.connection(), TOKEN_FILE_KEY)
    return Path(remembered) if remembered else None


def _vault(token_file: Path | None) -> Any:
    """Where tokens are kept: the token file when there is one, else the keyring."""
    if token_file is None:
        from channeldesk.services import credentials

        return credentials
    from channeldesk.services.token_file import TokenFile

    return TokenFile(token_file)


@contextlib.contextmanager
def _token_file_failures() -> Iterator[None]:
    from channeldesk.services.token_file import TokenFileError

    try:
        yield
    except TokenFileError as error:
        raise CommandError(EXIT_USAGE, str(error)) from error


def _remember_token_file(store: Store, token_file: Path | None) -> None:
    from channeldesk.sync import state

    with store.db.atomic("IMMEDIATE"):
        state.put(store.db.connection(),
                  **{TOKEN_FILE_KEY: str(token_file) if token_file else None})


def login_command(args: argparse.Namespace) -> int:
    """Sign this database in to a sync server; the token goes to the OS keyring, or to
    an owner-only file when --token-file asks for one."""
    from channeldesk.sync import account

    db_path, _ = resolve_db_path(args.db)
    password = _read_password(args)
    token_file = Path(args.token_file).expanduser().absolute() if args.token_file else None
    vault = _vault(token_file)
    store = open_store(db_path)
    try:
        with _sync_failures(), _token_file_failures():
            result = account.sign_in(store, args.server, args.email, password,
                                     args.device_name, tokens=vault)
            if not result.secure:
                # A session-only token dies with this command: revoke it rather than
                # leave a valid token nobody holds.
                account.sign_out(store, tokens=vault)
                raise CommandError(EXIT_USAGE, (
                    f"Signed in, but {result.keyring_note}, so the token cannot be kept "
                    "after this command and was revoked again. Set up a keyring (or choose "
                    "one with PYTHON_KEYRING_BACKEND), or keep the token in a file only you "
                    "can read with --token-file FILE, and run login again."))
            _remember_token_file(store, token_file)
    finally:
        store.close()
    signed = result.account
    reset = " Sync history of the previous server was reset." if result.history_reset else ""
    where = (f"in {token_file}, readable only by you (mode 600): whoever can read that "
             "file can sync as you, so keep it private; logout deletes it"
             if token_file else "in the keyring")
    print(f"Signed in to {signed.server_url} as {signed.email} (team {signed.team}); the "
          f"token is {where}.{reset}")
    return EXIT_OK


def sync_command(args: argparse.Namespace) -> int:
    """Pull, push and report the counts."""
    from channeldesk.sync import account
    from channeldesk.sync.transport import normalize_server_url

    db_path, _ = resolve_db_path(args.db)
    store = open_store(db_path)
    try:
        with _sync_failures(), _token_file_failures():
            engine = account.require_engine(store, tokens=_vault(_token_file(args, store)))
            if args.server and normalize_server_url(args.server) != engine.transport.server_url:
                raise CommandError(EXIT_USAGE, (
                    f"{db_path} is signed in to {engine.transport.server_url}, not "
                    f"{args.server}. To use that server, run channeldesk login first."))
            try:
                report = engine.sync()
            finally:
                engine.close()
            held_back = held_back_lines(store)
    finally:
        store.close()
    count = report.open_conflicts
    waiting = (f"; {count} conflict{' waits' if count == 1 else 's wait'} for a decision in "
               "the app" if count else "")
    print(f"pulled {report.pulled}, pushed {report.pushed}, conflicts {report.conflicts}"
          f"{waiting}")
    for line in held_back:
        print(line)
    return EXIT_OK  # refusals are results of a sync that ran, not a failure (see help)


def logout_command(args: argparse.Namespace) -> int:
    """Revoke this database's device token and forget it; the data stays."""
    from channeldesk.sync import account

    db_path, _ = resolve_db_path(args.db)
    store = open_store(db_path)
    try:
        current = account.account(store)
        if current is None or not current.signed_in:
            print(f"{db_path} is not signed in to a sync server; nothing to do.")
            return EXIT_OK
        with _sync_failures(), _token_file_failures():
            outcome = account.sign_out_outcome(store, tokens=_vault(_token_file(args, store)))
            _remember_token_file(store, None)
    finally:
        store.close()
    where = outcome.value
    if not outcome.confirmed:
        where += f" (an admin can revoke device {current.device_id})"
    print(f"Signed out of {current.server_url}: {where}; it was removed from this "
          "computer. The data stays in the database.")
    return EXIT_OK


def register(commands: CommandSet) -> None:
    """login, sync and logout."""
    login = commands.add("login", login_command,
                         "sign this database in to a team sync server",
                         "Logs this device in with email and password and keeps the device "
                         "token in the OS keyring. Without a usable keyring the command "
                         "refuses, since the token would not outlive it, unless --token-file "
                         "names a file to keep it in.")
    login.add_argument("--server", metavar="URL", required=True,
                       help="the sync server, e.g. https://sync.example.com")
    login.add_argument("--email", required=True, help="your account's email")
    login.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of stdin")
    login.add_argument("--token-file", metavar="FILE",
                       help="keep the token in FILE (created readable only by you, mode "
                            "600) instead of the keyring: for a machine without one. sync "
                            "and logout find it by themselves")
    login.add_argument("--device-name", default=f"{socket.gethostname()} (command line)",
                       help="how the server lists this device")
    sync = commands.add("sync", sync_command,
                        "pull and push changes with the sync server",
                        "Prints 'pulled N, pushed M, conflicts K', then each change the "
                        "server refused and each value it sent that this version keeps "
                        "aside, with the reason. Conflicts, refusals and kept-aside values "
                        "are decided in the app. Exits 0 when the sync ran, even with "
                        "refusals or conflicts left to decide (they are a result, not a "
                        "failure); 4 only when the server could not be reached or answered "
                        "with an error, 2 when not signed in, 3 for the local database.")
    sync.add_argument("--server", metavar="URL",
                      help="refuse to run unless the database is signed in to this server")
    sync.add_argument("--token-file", metavar="FILE",
                      help="read the token from FILE (default: the one login used)")
    logout = commands.add("logout", logout_command,
                          "revoke this database's device token and forget it",
                          "The data stays in the database; signing in again to the same "
                          "server continues where the last sync stopped.")
    logout.add_argument("--token-file", metavar="FILE",
                        help="the token file (default: the one login used)")
