"""``channeldesk demo|check|backup|screenshots``: the database's maintenance commands.

They never import Qt, so they run on a server or in a container without a display; the
screenshots import it on demand.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from channeldesk.cli.errors import EXIT_DATABASE, EXIT_OK, EXIT_USAGE, CommandError
from channeldesk.cli.open_db import existing_db_path
from channeldesk.cli.registry import CommandSet
from channeldesk.output_files import OutputRefused, check_output, is_device
from channeldesk.paths import resolve_db_path
from channeldesk.services.demo_data import is_empty, load_demo_data
from channeldesk.services.health_check import check_database
from channeldesk.store import open_store
from channeldesk.store.backup import BackupError, backup_database


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
    if is_device(target):  # /dev/null: written in place, nothing to check afterwards
        print(f"Backed up {db_path} to {target}.")
        return EXIT_OK
    verdict = check_database(target)
    if not verdict.ok:
        raise CommandError(EXIT_DATABASE, f"The backup {target} was written but does not pass "
                                          f"the check: {verdict.reason}")
    print(f"Backed up {db_path} to {target} ({verdict.reason}).")
    return EXIT_OK


def _refuse_bad_backup_target(db_path: Path, target: Path) -> None:
    """Catch a mistyped --out before any work (a folder, a pipe, a missing or read-only
    folder: see output_files), and never overwrite the database itself."""
    try:
        check_output(target, example="channeldesk-backup.sqlite3")
    except OutputRefused as refusal:
        raise CommandError(EXIT_USAGE, f"--out: {refusal}") from refusal
    if target.exists() and target.resolve() == db_path.resolve():
        raise CommandError(EXIT_USAGE, "--out names the database itself. Choose another file.")


SCREENSHOT_SIZE = (1400, 860)


def screenshots_command(args: argparse.Namespace) -> int:
    """Render the main window, one PNG per tab, offscreen (for the README and reviews)."""
    db_path = existing_db_path(args.db)
    out_dir = Path(args.out).expanduser().absolute()
    if out_dir.exists() and not out_dir.is_dir():
        raise CommandError(EXIT_USAGE, f"--out {out_dir} is a file. Name a folder.")
    out_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Imported here, not at the top: the maintenance commands must not import Qt.
    from channeldesk.ui.shell.screenshots import render_screenshots

    for written in render_screenshots(db_path, out_dir, args.size):
        print(written)
    return EXIT_OK


def window_size(text: str) -> tuple[int, int]:
    """``1366x768`` as (1366, 768); argparse reports a bad one as a usage error."""
    width, _, height = text.lower().partition("x")
    try:
        size = int(width), int(height)
    except ValueError:
        size = (0, 0)
    if not (320 <= size[0] <= 7680 and 240 <= size[1] <= 4320):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a window size; give WIDTHxHEIGHT, e.g. 1366x768")
    return size


def register(commands: CommandSet) -> None:
    """demo, check, backup and screenshots."""
    demo = commands.add("demo", demo_command,
                        "fill a database with a realistic demo portfolio",
                        "Adds about 50 demo partners with contacts and activities. Refuses a "
                        "database that already has data unless --force is given.")
    demo.add_argument(
        "--force", action="store_true",
        help="add the demo set even when the database has data: existing rows are kept "
             "and nothing is deleted, the demo partners are added beside them")
    commands.add("check", check_command,
                 "check integrity, foreign keys and schema version (read-only)",
                 "Exit 0 and 'ok: ...' when healthy; exit 3 and a one-line reason otherwise. "
                 "Never changes the file, and works on read-only files.")
    backup = commands.add("backup", backup_command,
                          "write a consistent copy of the database",
                          "Uses SQLite's backup API, so it is safe while ChannelDesk has the "
                          "database open. An existing FILE is replaced only once the copy is "
                          "complete.")
    backup.add_argument("--out", metavar="FILE", required=True, help="the backup file to write")
    shots = commands.add("screenshots", screenshots_command,
                         "render each tab of the main window to DIR/<tab>.png (offscreen)",
                         "Creates DIR when missing. Needs Qt, but no display.")
    shots.add_argument("--out", metavar="DIR", required=True, help="the folder for the PNGs")
    shots.add_argument("--size", type=window_size, default=SCREENSHOT_SIZE, metavar="WxH",
                       help="the window size (default 1400x860; a CAM's laptop is 1366x768)")
