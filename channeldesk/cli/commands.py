"""The ``channeldesk`` command: start the GUI, or run a command without Qt.

Every failure a user can cause or fix ends in one line on stderr that says what happened
and what to do next, and a documented exit code; tracebacks go to the log file only.
Each feature adds its commands through its ``register`` (see ``registry.py``); this
module only builds the parser from them and runs what was asked. The commands never import
Qt unless they need it, so they run on a server or in a container without a display.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import textwrap
from collections.abc import Callable, Sequence

from channeldesk import __version__
from channeldesk.cli.errors import (
    EPILOG,
    EXIT_DATABASE,
    EXIT_INTERRUPTED,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    CommandError,
)
from channeldesk.cli.registry import CommandSet
from channeldesk.features import parts
from channeldesk.logs import setup_logging
from channeldesk.paths import DB_ENV_VAR, MissingFolderError, prepare_db_folder, resolve_db_path
from channeldesk.store import StoreOpenError

log = logging.getLogger(__name__)

def registrars() -> list[Callable[[CommandSet], None]]:
    """The database commands, then each feature's (its ``cli`` part in the feature list),
    in the order the help lists them."""
    # Imported here: a plain start of the app never builds the command parser (see main).
    from channeldesk.cli import database

    return [database.register, *(register for _feature, register in parts("cli"))]

# The verbs several features add a KIND to (``channeldesk export plan``).
SHARED_VERBS = {
    "import": ("import records from a file: channeldesk import KIND FILE",
               "KIND says what the file holds. Nothing is written unless the whole file is "
               "valid."),
    "export": ("export records to a file: channeldesk export KIND ... --out FILE",
               "KIND says what to export (each kind is listed below). Every file is written "
               "to a temporary file and renamed when complete, so no half-written file is "
               "left behind; a device such as /dev/null is written in place, and a folder "
               "or a pipe is refused. The database must exist: an export never creates "
               "one."),
}

__all__ = ["build_parser", "main", "registrars", "run_gui_command"]


DESKTOP_EXTRA_MISSING = (
    "This installation has no Qt ({name} is missing), which the desktop app needs. "
    "Install the desktop extra: pip install 'channeldesk[desktop]'. The command-line "
    "commands (channeldesk --help) that need no window work as they are."
)


def run_gui_command(args: argparse.Namespace) -> int:
    """Start the desktop app on the chosen database, or say in one line why it cannot
    start here (no display, no Qt, a --db folder that cannot be made) before Qt aborts."""
    from channeldesk.display import display_problem

    db_path, is_default = resolve_db_path(args.db)
    problem = display_problem(os.environ)
    if problem:
        raise CommandError(EXIT_USAGE, problem)
    try:
        prepare_db_folder(db_path)
    except MissingFolderError as error:
        raise CommandError(EXIT_USAGE, str(error)) from error
    try:  # imported here, not at the top: the other commands must not import Qt
        from channeldesk.app import run_gui
    except ImportError as error:
        if not (error.name or "").startswith(("PySide6", "shiboken6")):
            raise
        raise CommandError(EXIT_USAGE, DESKTOP_EXTRA_MISSING.format(name=error.name)) from error
    return run_gui(db_path, is_default)


def self_test_command(_args: argparse.Namespace) -> int:
    """Check this installation end to end, offscreen, on a temporary database."""
    from channeldesk.self_test import run_self_test

    return run_self_test()


# -- the parser ------------------------------------------------------------------------------

def _common_options(parser: argparse.ArgumentParser, default: object) -> None:
    """--db and --verbose, accepted before the command (default None) and after it
    (default SUPPRESS, so an option given only before the command is not reset)."""
    parser.add_argument("--db", metavar="PATH", default=default,
                        help=f"the database file (default: ${DB_ENV_VAR} or the user data "
                             "folder)")
    parser.add_argument("-v", "--verbose", action="store_true", default=default,
                        help="more detail in the log, and log lines echoed to stderr")


def _self_test_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation: start offscreen on a temporary "
                             "database, load the demo, open every tab, export a plan and a "
                             "partner pack; exit 0 only if all of it worked")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; public so that help texts can be tested and documented."""
    parser = argparse.ArgumentParser(
        prog="channeldesk", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill("ChannelDesk: partner management for channel account "
                                  "managers. Without a command, starts the desktop app."),
    )
    parser.add_argument("--version", action="version", version=f"channeldesk {__version__}")
    _self_test_option(parser)
    _common_options(parser, None)
    shared = argparse.ArgumentParser(add_help=False)
    _common_options(shared, argparse.SUPPRESS)
    commands = CommandSet(parser.add_subparsers(dest="command", metavar="COMMAND"), shared,
                          SHARED_VERBS)
    for register in registrars():
        register(commands)
    return parser


# -- running ---------------------------------------------------------------------------------

def _plain_start(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The options of a plain start of the desktop app (no command, only --db/-v), read
    without building every feature's commands: those import the exporters, the CSV
    importer and reportlab, which starting the window does not need. None otherwise."""
    quick = argparse.ArgumentParser(prog="channeldesk", add_help=False, exit_on_error=False)
    _self_test_option(quick)
    _common_options(quick, None)
    try:
        args, rest = quick.parse_known_args(argv)
    except (argparse.ArgumentError, SystemExit):  # the full parser says it properly
        return None
    if rest:
        return None
    args.command = None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, run the command, and turn every failure into an exit code."""
    try:
        args = _plain_start(argv) or build_parser().parse_args(argv)
    except SystemExit as exit_request:  # --help, --version and usage errors
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE
    log_path = setup_logging(verbose=bool(args.verbose))
    default = self_test_command if getattr(args, "self_test", False) else run_gui_command
    handler = getattr(args, "handler", default)
    log.info("channeldesk %s: %s", __version__, args.command or default.__name__)
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
