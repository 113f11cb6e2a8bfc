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

from channeldesk.cli.errors import EXIT_DATABASE, EXIT_OK, EXIT_SYNC, EXIT_USAGE, CommandError
from channeldesk.cli.registry import CommandSet
from channeldesk.paths import resolve_db_path
from channeldesk.store import open_store


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


def login_command(args: argparse.Namespace) -> int:
    """Sign this database in to a sync server; the token goes to the OS keyring."""
    from channeldesk.services import credentials
    from channeldesk.sync import account

    db_path, _ = resolve_db_path(args.db)
    password = _read_password(args)
    store = open_store(db_path)
    try:
        with _sync_failures():
            result = account.sign_in(store, args.server, args.email, password,
                                     args.device_name, tokens=credentials)
            if not result.secure:
                # A session-only token dies with this command: revoke it rather than
                # leave a valid token nobody holds.
                account.sign_out(store, tokens=credentials)
                raise CommandError(EXIT_USAGE, (
                    f"Signed in, but {result.keyring_note}, so the token cannot be kept "
                    "after this command and was revoked again. Set up a keyring (or choose "
                    "one with PYTHON_KEYRING_BACKEND) and run login again."))
    finally:
        store.close()
    signed = result.account
    reset = " Sync history of the previous server was reset." if result.history_reset else ""
    print(f"Signed in to {signed.server_url} as {signed.email} (team {signed.team}); the "
          f"token is in the keyring.{reset}")
    return EXIT_OK


def sync_command(args: argparse.Namespace) -> int:
    """Pull, push and report the counts."""
    from channeldesk.services import credentials
    from channeldesk.sync import account
    from channeldesk.sync.transport import normalize_server_url

    db_path, _ = resolve_db_path(args.db)
    store = open_store(db_path)
    try:
        with _sync_failures():
            engine = account.require_engine(store, tokens=credentials)
            if args.server and normalize_server_url(args.server) != engine.transport.server_url:
                raise CommandError(EXIT_USAGE, (
                    f"{db_path} is signed in to {engine.transport.server_url}, not "
                    f"{args.server}. To use that server, run channeldesk login first."))
            try:
                report = engine.sync()
            finally:
                engine.close()
    finally:
        store.close()
    waiting = (f"; {report.open_conflicts} conflicts wait for a decision in the app"
               if report.open_conflicts else "")
    print(f"pulled {report.pulled}, pushed {report.pushed}, conflicts {report.conflicts}"
          f"{waiting}")
    return EXIT_OK


def logout_command(args: argparse.Namespace) -> int:
    """Revoke this database's device token and forget it; the data stays."""
    from channeldesk.services import credentials
    from channeldesk.sync import account

    db_path, _ = resolve_db_path(args.db)
    store = open_store(db_path)
    try:
        current = account.account(store)
        if current is None or not current.signed_in:
            print(f"{db_path} is not signed in to a sync server; nothing to do.")
            return EXIT_OK
        with _sync_failures():
            revoked = account.sign_out(store, tokens=credentials)
    finally:
        store.close()
    where = ("the server revoked the device token" if revoked else
             "the server could not be reached to revoke the token (an admin can revoke "
             f"device {current.device_id})")
    print(f"Signed out of {current.server_url}: {where}; it was removed from this "
          "computer. The data stays in the database.")
    return EXIT_OK


def register(commands: CommandSet) -> None:
    """login, sync and logout."""
    login = commands.add("login", login_command,
                         "sign this database in to a team sync server",
                         "Logs this device in with email and password and keeps the device "
                         "token in the OS keyring (never in a file). Without a usable keyring "
                         "the command refuses, since the token would not outlive it.")
    login.add_argument("--server", metavar="URL", required=True,
                       help="the sync server, e.g. https://sync.example.com")
    login.add_argument("--email", required=True, help="your account's email")
    login.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of stdin")
    login.add_argument("--device-name", default=f"{socket.gethostname()} (command line)",
                       help="how the server lists this device")
    sync = commands.add("sync", sync_command,
                        "pull and push changes with the sync server",
                        "Prints 'pulled N, pushed M, conflicts K'. Conflicts are decided in "
                        "the app.")
    sync.add_argument("--server", metavar="URL",
                      help="refuse to run unless the database is signed in to this server")
    commands.add("logout", logout_command,
                 "revoke this database's device token and forget it",
                 "The data stays in the database; signing in again to the same server "
                 "continues where the last sync stopped.")
