"""The ``channeldesk`` command: start the GUI, or run a maintenance command without Qt.

Every failure a user can cause or fix ends in one line on stderr that says what happened
and what to do next, and a documented exit code; tracebacks go to the log file only.
The maintenance commands (demo, check, backup) never import Qt, so they run on a server or
in a container without a display; the GUI and the screenshots import it on demand.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import logging
import os
import socket
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from channeldesk import __version__
from channeldesk.cli import prospects as prospect_commands
from channeldesk.cli.errors import (
    EPILOG,
    EXIT_DATABASE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SYNC,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    CommandError,
)
from channeldesk.cli.plans import add_export_kinds
from channeldesk.logs import setup_logging
from channeldesk.paths import DB_ENV_VAR, resolve_db_path
from channeldesk.services.demo_data import is_empty, load_demo_data
from channeldesk.services.health_check import check_database
from channeldesk.store import StoreOpenError, open_store
from channeldesk.store.backup import BackupError, backup_database

log = logging.getLogger(__name__)

# -- the commands ----------------------------------------------------------------------------

def run_gui_command(args: argparse.Namespace) -> int:
    """Start the desktop app on the chosen database."""
    db_path, is_default = resolve_db_path(args.db)
    # Imported here, not at the top: the maintenance commands must not import Qt.
    from channeldesk.app import run_gui

    return run_gui(db_path, is_default)


def demo_command(args: argparse.Namespace) -> int:
    """Fill a database with the demo portfolio; refuse to mix it into real data unasked."""
    db_path, _ = resolve_db_path(args.db)
    store = open_store(db_path)
    try:
        if not args.force and not is_empty(store):
            raise CommandError(EXIT_USAGE, (
                f"{db_path} already holds partners, contacts or activities, so no demo data "
                "was added. Use --force to add the demo set beside them, or name a new file "
                "with --db."
            ))
        summary = load_demo_data(store)
    finally:
        store.close()
    print(f"Added demo data to {db_path}: {summary.text()}.")
    return EXIT_OK


def check_command(args: argparse.Namespace) -> int:
    """Report whether a database is healthy, without changing it."""
    db_path, _ = resolve_db_path(args.db)
    result = check_database(db_path)
    if not result.ok:
        raise CommandError(EXIT_DATABASE, f"not ok: {db_path}: {result.reason}")
    print(f"ok: {result.reason}")
    for note in result.notes:
        print(note)
    return EXIT_OK


def backup_command(args: argparse.Namespace) -> int:
    """Write a consistent copy of the database, even while the app has it open."""
    db_path, _ = resolve_db_path(args.db)
    target = Path(args.out).expanduser().absolute()
    _refuse_bad_backup_target(db_path, target)
    if not db_path.is_file():
        raise CommandError(EXIT_DATABASE, f"Cannot back up {db_path}: the file does not exist. "
                                          "Check the path given with --db.")
    try:
        backup_database(db_path, target)
    except BackupError as error:
        raise CommandError(EXIT_DATABASE, f"Backup failed: {error} Nothing was written to "
                                          f"{target}.") from error
    verdict = check_database(target)
    if not verdict.ok:
        raise CommandError(EXIT_DATABASE, f"The backup {target} was written but does not pass "
                                          f"the check: {verdict.reason}")
    print(f"Backed up {db_path} to {target} ({verdict.reason}).")
    return EXIT_OK


def _refuse_bad_backup_target(db_path: Path, target: Path) -> None:
    """Catch a mistyped --out before any work, and never overwrite the database itself."""
    if target.is_dir():
        raise CommandError(EXIT_USAGE, f"--out {target} is a folder. Give a file name, e.g. "
                                       f"{target / 'channeldesk-backup.sqlite3'}.")
    if not target.parent.is_dir():
        raise CommandError(EXIT_USAGE, f"The folder {target.parent} does not exist. Create it "
                                       "first, or choose another --out.")
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise CommandError(EXIT_USAGE, f"You cannot write to {target.parent}. Choose another "
                                       "--out.")
    if target.exists() and target.resolve() == db_path.resolve():
        raise CommandError(EXIT_USAGE, "--out names the database itself. Choose another file.")


def screenshots_command(args: argparse.Namespace) -> int:
    """Render the main window, one PNG per tab, offscreen (for the README and reviews)."""
    db_path, _ = resolve_db_path(args.db)
    out_dir = Path(args.out).expanduser().absolute()
    if out_dir.exists() and not out_dir.is_dir():
        raise CommandError(EXIT_USAGE, f"--out {out_dir} is a file. Name a folder.")
    out_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Imported here, not at the top: the maintenance commands must not import Qt.
    from channeldesk.ui.shell.screenshots import render_screenshots

    for written in render_screenshots(db_path, out_dir):
        print(written)
    return EXIT_OK


# -- sync: login, sync, logout -----------------------------------------------------------------
# httpx, pydantic and keyring are imported on demand, so the GUI start-up does not pay.

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


# -- the parser ------------------------------------------------------------------------------

def _common_options(parser: argparse.ArgumentParser, default: object) -> None:
    """--db and --verbose, accepted before the command (default None) and after it
    (default SUPPRESS, so an option given only before the command is not reset)."""
    parser.add_argument("--db", metavar="PATH", default=default,
                        help=f"the database file (default: ${DB_ENV_VAR} or the user data "
                             "folder)")
    parser.add_argument("-v", "--verbose", action="store_true", default=default,
                        help="more detail in the log, and log lines echoed to stderr")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; public so that help texts can be tested and documented."""
    parser = argparse.ArgumentParser(
        prog="channeldesk", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill("ChannelDesk: partner management for channel account "
                                  "managers. Without a command, starts the desktop app."),
    )
    parser.add_argument("--version", action="version", version=f"channeldesk {__version__}")
    _common_options(parser, None)
    shared = argparse.ArgumentParser(add_help=False)
    _common_options(shared, argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add(commands, shared, "demo", demo_command,
         "fill a database with a realistic demo portfolio",
         "Adds about 50 demo partners with contacts and activities. Refuses a database "
         "that already has data unless --force is given.")
    commands.choices["demo"].add_argument(
        "--force", action="store_true",
        help="add the demo set even when the database has data: existing rows are kept "
             "and nothing is deleted, the demo partners are added beside them")
    _add(commands, shared, "check", check_command,
         "check integrity, foreign keys and schema version (read-only)",
         "Exit 0 and 'ok: ...' when healthy; exit 3 and a one-line reason otherwise. "
         "Never changes the file, and works on read-only files.")
    backup = _add(commands, shared, "backup", backup_command,
                  "write a consistent copy of the database",
                  "Uses SQLite's backup API, so it is safe while ChannelDesk has the database "
                  "open. An existing FILE is replaced only once the copy is complete.")
    backup.add_argument("--out", metavar="FILE", required=True, help="the backup file to write")
    shots = _add(commands, shared, "screenshots", screenshots_command,
                 "render each tab of the main window to DIR/<tab>.png (offscreen)",
                 "Creates DIR when missing. Needs Qt, but no display.")
    shots.add_argument("--out", metavar="DIR", required=True, help="the folder for the PNGs")
    _add_sync_commands(commands, shared)
    import_kinds = _kinds(_add(commands, shared, "import", _no_kind, "import records from a "
                               "file: channeldesk import KIND FILE", "KIND says what the file "
                               "holds. Nothing is written unless the whole file is valid."))
    prospect_commands.add_import_arguments(_add(
        import_kinds, shared, "prospects", prospect_commands.import_prospects_command,
        "prospects from a CSV file (Salesforce, HubSpot or plain headers)",
        "Checks every row first; any error means nothing is imported (exit 2) unless "
        "--skip-invalid. Then all rows are written in one transaction."))
    export_kinds = _kinds(_add(commands, shared, "export", _no_kind, "export records to a "
                               "file: channeldesk export KIND ... --out FILE", "KIND says "
                               "what to export: prospects as CSV, or partner-facing PDFs "
                               "(plan, pack, plans). Every file is written to a temporary "
                               "file and renamed when complete, so no half-written file is "
                               "left behind."))
    prospect_commands.add_export_arguments(_add(
        export_kinds, shared, "prospects", prospect_commands.export_prospects_command,
        "every prospect to a CSV file that imports again",
        "Writes UTF-8 CSV with the importer's headers; --presentation leaves out "
        "internal-only columns."))
    add_export_kinds(export_kinds, shared, _add)
    return parser


def _kinds(parser: argparse.ArgumentParser):
    """The KIND sub-commands of import and export (each feature adds its kinds)."""
    return parser.add_subparsers(dest="kind", metavar="KIND", required=True)


def _no_kind(args: argparse.Namespace) -> int:
    raise CommandError(EXIT_USAGE, f"Name what to {args.command}, e.g. channeldesk "
                                   f"{args.command} prospects --help")


def _add_sync_commands(commands, shared: argparse.ArgumentParser) -> None:
    login = _add(commands, shared, "login", login_command,
                 "sign this database in to a team sync server",
                 "Logs this device in with email and password and keeps the device token in "
                 "the OS keyring (never in a file). Without a usable keyring the command "
                 "refuses, since the token would not outlive it.")
    login.add_argument("--server", metavar="URL", required=True,
                       help="the sync server, e.g. https://sync.example.com")
    login.add_argument("--email", required=True, help="your account's email")
    login.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of stdin")
    login.add_argument("--device-name", default=f"{socket.gethostname()} (command line)",
                       help="how the server lists this device")
    sync = _add(commands, shared, "sync", sync_command,
                "pull and push changes with the sync server",
                "Prints 'pulled N, pushed M, conflicts K'. Conflicts are decided in the app.")
    sync.add_argument("--server", metavar="URL",
                      help="refuse to run unless the database is signed in to this server")
    _add(commands, shared, "logout", logout_command,
         "revoke this database's device token and forget it",
         "The data stays in the database; signing in again to the same server continues "
         "where the last sync stopped.")


def _add(commands, shared: argparse.ArgumentParser, name: str,
         handler: Callable[[argparse.Namespace], int], summary: str,
         description: str) -> argparse.ArgumentParser:
    sub = commands.add_parser(name, parents=[shared], help=summary,
                              description=textwrap.fill(description),
                              epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub.set_defaults(handler=handler)
    return sub


# -- running ---------------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, run the command, and turn every failure into an exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:  # --help, --version and usage errors
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE
    log_path = setup_logging(verbose=bool(args.verbose))
    handler = getattr(args, "handler", run_gui_command)
    log.info("channeldesk %s: %s", __version__, args.command or "gui")
    try:
        return handler(args)
    except CommandError as error:
        log.info("stopped: %s", error.message)
        return _fail(error.code, error.message)
    except StoreOpenError as error:
        log.warning("cannot open the database: %s", error)
        return _fail(EXIT_DATABASE, error.one_line())
    except KeyboardInterrupt:
        return _fail(EXIT_INTERRUPTED, "Interrupted. Unfinished changes were rolled back.")
    except Exception as error:
        log.exception("unexpected error in %s", args.command or "gui")
        return _fail(EXIT_UNEXPECTED, (
            f"Unexpected error: {type(error).__name__}: {_one_line(error)}. The details are in "
            f"{log_path}; please attach that file when you report it."
        ))


def _one_line(error: Exception, limit: int = 200) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fail(code: int, message: str) -> int:
    print(message, file=sys.stderr)
    return code
