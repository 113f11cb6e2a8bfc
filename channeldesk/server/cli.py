"""The ``channeldesk-server`` command: serve the API, and administer teams and users.

Like the desktop ``channeldesk`` command, every failure a server admin can act on ends in
one line on stderr and a documented exit code, never a traceback (the tracebacks of
unexpected errors are appended to ``channeldesk-server.log`` in the data folder).
Passwords are read from stdin (``--password-stdin``) or asked for without echo; they
never appear in the command line, the process list or a log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import logging
import os
import sys
import textwrap
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from peewee import DatabaseError, InterfaceError

from channeldesk import __version__
from channeldesk.server import accounts, log_format
from channeldesk.server.config import ServerConfig, default_data_dir
from channeldesk.server.retention import DEFAULT_KEEP_DAYS, prune
from channeldesk.server.storage import Storage, StorageError, open_storage
from channeldesk.store.blobs import BlobStore

log = logging.getLogger("channeldesk.server")

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_DATABASE = 3
EXIT_INTERRUPTED = 130
LOG_FILE = "channeldesk-server.log"

EPILOG = f"""\
--database takes sqlite:///PATH or postgresql://USER[:PASSWORD]@HOST[:PORT]/DB; by default
a SQLite file in the data folder ({default_data_dir()}, or --data-dir).

exit codes:
  0  success
  1  unexpected error (the traceback is appended to channeldesk-server.log in the
     data folder)
  2  bad usage, or the command refused to run (nothing was changed)
  3  the database cannot be opened or used
  130  interrupted with Ctrl+C
"""


class CommandError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _config(args: argparse.Namespace) -> ServerConfig:
    data_dir = Path(args.data_dir).expanduser().absolute() if args.data_dir else None
    quota = ServerConfig.from_environment().max_team_blob_bytes  # the admin's, if set
    return ServerConfig(database_url=args.database, data_dir=data_dir,
                        max_team_blob_bytes=quota)


def _open(args: argparse.Namespace) -> Storage:
    config = _config(args)
    if config.database_url is None:
        config.resolved_data_dir.mkdir(parents=True, exist_ok=True)
    return open_storage(config.resolved_database_url)


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != password:
            raise CommandError(EXIT_USAGE, "The two passwords differ; nothing was changed.")
    else:
        raise CommandError(EXIT_USAGE, "Give --password-stdin and pipe the password in, or "
                                       "run in a terminal to be asked for it.")
    if not password:
        raise CommandError(EXIT_USAGE, "The password is empty; nothing was changed.")
    return password


def _account_error(error: accounts.AccountError) -> CommandError:
    return CommandError(EXIT_USAGE, error.message)


# -- commands ----------------------------------------------------------------------------------

def serve_command(args: argparse.Namespace) -> int:
    try:  # only this command needs them; the admin commands run without the extra
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError as error:
        raise CommandError(EXIT_USAGE, f"serve needs {error.name}, which comes with the "
                                       "server extra: pip install 'channeldesk[server]'."
                           ) from None

    if bool(args.tls_cert) != bool(args.tls_key):
        raise CommandError(EXIT_USAGE, "Give both --tls-cert and --tls-key, or neither.")
    for name in ("tls_cert", "tls_key"):
        path = getattr(args, name)
        if path and not Path(path).is_file():
            raise CommandError(EXIT_USAGE, f"--{name.replace('_', '-')} {path}: no such file.")
    if args.workers < 1:
        raise CommandError(EXIT_USAGE, "--workers must be at least 1.")
    config = _config(args)
    _open(args).close()  # migrate once, before any worker starts; refuse early
    os.environ.update(config.to_environment())
    scheme = "https" if args.tls_cert else "http"
    print(f"channeldesk-server {__version__}: {scheme}://{args.host}:{args.port}/v1 "
          f"(database {_open_display(config)}, {args.workers} worker(s))", flush=True)
    uvicorn.run("channeldesk.server.app:app_from_environment", factory=True,
                host=args.host, port=args.port, workers=args.workers,
                ssl_certfile=args.tls_cert, ssl_keyfile=args.tls_key,
                proxy_headers=bool(args.forwarded_allow_ips),
                forwarded_allow_ips=args.forwarded_allow_ips or None,
                log_level="info" if args.verbose else "warning",
                server_header=False)
    return EXIT_OK


def _open_display(config: ServerConfig) -> str:
    from channeldesk.server.storage import redact_url

    return redact_url(config.resolved_database_url)


def create_team_command(args: argparse.Namespace) -> int:
    storage = _open(args)
    try:
        with storage.session():
            team = accounts.create_team(args.name)
    except accounts.AccountError as error:
        raise _account_error(error) from None
    finally:
        storage.close()
    print(f"Created team '{team.name}'.")
    return EXIT_OK


def create_user_command(args: argparse.Namespace) -> int:
    password = _read_password(args)
    storage = _open(args)
    try:
        with storage.session():
            user = accounts.create_user(args.team, args.email, password)
    except accounts.AccountError as error:
        raise _account_error(error) from None
    finally:
        storage.close()
    print(f"Created user {user.email} in team '{args.team.strip()}'.")
    return EXIT_OK


def list_users_command(args: argparse.Namespace) -> int:
    storage = _open(args)
    try:
        with storage.session():
            users = accounts.list_users(args.team)
    except accounts.AccountError as error:
        raise _account_error(error) from None
    finally:
        storage.close()
    if not users:
        print("No users.")
    for user in users:
        print(f"{user.email}\tteam={user.team}\tdevices={user.active_devices}\t"
              f"created={user.created_at:%Y-%m-%d}")
        for device in user.devices:
            print(f"  {device.id}\t{device.name}\tlast seen {_when(device.last_seen)}\t"
                  + (f"revoked {_when(device.revoked_at)}" if device.revoked_at
                     else "active"))
    return EXIT_OK


def _when(moment: dt.datetime | None) -> str:
    """A server timestamp (UTC) to the minute, for a person reading list-users."""
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "never"


def revoke_device_command(args: argparse.Namespace) -> int:
    storage = _open(args)
    try:
        with storage.session():
            device = accounts.revoke_device(args.device_id)
    except accounts.AccountError as error:
        raise _account_error(error) from None
    finally:
        storage.close()
    print(f"Revoked device {device.id} ('{device.name}'); its token no longer works.")
    return EXIT_OK


def reset_password_command(args: argparse.Namespace) -> int:
    password = _read_password(args)
    storage = _open(args)
    try:
        with storage.session():
            revoked = accounts.reset_password(args.email, password)
    except accounts.AccountError as error:
        raise _account_error(error) from None
    finally:
        storage.close()
    print(f"Set a new password for {accounts.normalize_email(args.email)}; revoked "
          f"{revoked} device(s), which must log in again.")
    return EXIT_OK


def prune_command(args: argparse.Namespace) -> int:
    if args.days < 0:
        raise CommandError(EXIT_USAGE, "--days must be 0 or more.")
    storage = _open(args)
    try:
        reports = prune(storage, args.days, args.team,
                        blob_store=BlobStore(_config(args).blob_dir))
    finally:
        storage.close()
    if args.team is not None and not reports:
        raise CommandError(EXIT_USAGE, f"There is no team named '{args.team}'.")
    for report in reports:
        print(f"{report.team}: removed {report.changes_deleted} changes and "
              f"{report.batches_deleted} stored batches older than {args.days:g} days "
              f"and {report.blobs_deleted} files no record refers to; history now starts "
              f"after seq {report.min_seq}.")
    return EXIT_OK


# -- parser ------------------------------------------------------------------------------------

def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", metavar="URL",
                        help="sqlite:///PATH or postgresql://USER@HOST:PORT/DB")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="the data folder (blobs, default database)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log more detail to stderr (serve: uvicorn's access log too)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="channeldesk-server", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="The ChannelDesk team sync server and its administration.")
    parser.add_argument("--version", action="version",
                        version=f"channeldesk-server {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, handler: Callable[[argparse.Namespace], int], summary: str,
            description: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=summary, description=textwrap.fill(description),
                                  epilog=EPILOG,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        _common(sub)
        sub.set_defaults(handler=handler)
        return sub

    serve = add("serve", serve_command, "run the HTTP API",
                "Migrates the database, then serves the API under /v1 (OpenAPI document at "
                "/openapi.json). Behind a reverse proxy that terminates TLS, keep the "
                "default host 127.0.0.1; without one, give --tls-cert and --tls-key.")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--tls-cert", metavar="FILE", help="PEM certificate (chain)")
    serve.add_argument("--tls-key", metavar="FILE", help="PEM private key")
    serve.add_argument("--workers", type=int, default=1, help="worker processes")
    serve.add_argument("--forwarded-allow-ips", metavar="IPS",
                       help="trust X-Forwarded-For from these proxy addresses (comma "
                            "separated), e.g. 127.0.0.1")
    team = add("create-team", create_team_command, "create a team", "Creates an empty team.")
    team.add_argument("name", metavar="NAME")
    user = add("create-user", create_user_command, "create a user in a team",
               "Creates a user who can log in from any number of devices.")
    user.add_argument("--team", required=True, metavar="NAME")
    user.add_argument("--email", required=True)
    user.add_argument("--password-stdin", action="store_true",
                      help="read the password from the first line of stdin")
    users = add("list-users", list_users_command, "list users and their devices",
                "Lists users by team; under each user, one indented line per device: "
                "its id (what revoke-device takes), its name, when it last reached the "
                "server and whether it is active or revoked.")
    users.add_argument("--team", metavar="NAME", help="only this team")
    revoke = add("revoke-device", revoke_device_command, "revoke a device's token",
                 "Its token stops working at once; the device must log in again. "
                 "list-users shows each device's id.")
    revoke.add_argument("device_id", metavar="DEVICE_ID")
    reset = add("reset-password", reset_password_command, "set a new password",
                "Sets a new password and revokes all the user's devices.")
    reset.add_argument("--email", required=True)
    reset.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of stdin")
    prune_parser = add("prune", prune_command, "drop history older than N days",
                       "Deletes synced history older than the retention; clients whose "
                       "cursor is older get 410 Gone and download a snapshot. Current "
                       "values and tombstones are kept.")
    prune_parser.add_argument("--days", type=float, default=DEFAULT_KEEP_DAYS,
                              help=f"keep this many days (default {DEFAULT_KEEP_DAYS})")
    prune_parser.add_argument("--team", metavar="NAME", help="only this team")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format=log_format.LOG_FORMAT, stream=sys.stderr)
    log_format.install()  # an email with a newline must not forge a log line
    if args.command == "serve":  # one line per login and push: the server's own log
        logging.getLogger("channeldesk").setLevel(logging.INFO)
    try:
        return args.handler(args)
    except CommandError as error:
        return _fail(error.code, error.message)
    except StorageError as error:
        return _fail(EXIT_DATABASE, str(error))
    except KeyboardInterrupt:
        return _fail(EXIT_INTERRUPTED, "Interrupted.")
    except (DatabaseError, InterfaceError) as error:
        text = " ".join(str(error).split())[:200]
        return _fail(EXIT_DATABASE, f"Database problem: {text}")
    except Exception as error:
        where = _log_unexpected(args)
        text = " ".join(str(error).split())[:200]
        return _fail(EXIT_UNEXPECTED, f"Unexpected error: {type(error).__name__}: {text}. "
                                      f"The details are in {where}.")


def _log_unexpected(args: argparse.Namespace) -> str:
    """Append the traceback to the server's log file (stderr when it cannot be written);
    returns where it went."""
    path = _config(args).resolved_data_dir / LOG_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')} "
                         f"channeldesk-server {__version__} {args.command}\n")
            handle.write(traceback.format_exc())
        return str(path)
    except OSError:
        log.error("unexpected error in %s", args.command, exc_info=True)
        return "the log on stderr"


def _fail(code: int, message: str) -> int:
    print(f"channeldesk-server: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
