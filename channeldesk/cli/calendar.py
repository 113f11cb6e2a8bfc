"""``channeldesk export calendar``: every deadline as an iCalendar file. No Qt."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from channeldesk.cli.errors import EXIT_OK, EXIT_USAGE, CommandError
from channeldesk.cli.registry import CommandSet
from channeldesk.paths import resolve_db_path
from channeldesk.services.calendar_export import AHEAD_DAYS, PAST_DAYS, export_calendar
from channeldesk.services.pdf.build import ExportWriteError
from channeldesk.store import open_store


def export_calendar_command(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser().absolute()
    if out.is_dir():
        raise CommandError(EXIT_USAGE, f"--out {out} is a folder. Give a file name, "
                                       f"e.g. {out / 'channeldesk.ics'}.")
    for name in ("past_days", "days"):
        if getattr(args, name) < 0:
            raise CommandError(EXIT_USAGE, f"--{name.replace('_', '-')} cannot be negative.")
    db_path, _ = resolve_db_path(args.db)
    store = open_store(db_path)
    try:
        count = export_calendar(store.db, out, date.today(), args.past_days, args.days)
    except ExportWriteError as error:
        raise CommandError(EXIT_USAGE, str(error)) from error
    finally:
        store.close()
    print(f"Wrote {count:,} deadline{'s' if count != 1 else ''} to {out}. Import it into "
          "your calendar again after changes: events are updated, not duplicated.")
    return EXIT_OK


def register(commands: CommandSet) -> None:
    """export calendar."""
    calendar = commands.group("export").add(
        "calendar", export_calendar_command,
        "every deadline as an iCalendar (.ics) file",
        "Next steps, plan activities and commitments and every other feature's deadlines "
        "as all-day events. Each event's UID comes from its record, so importing a newer "
        "file updates the events instead of adding copies.")
    calendar.add_argument("--out", required=True, metavar="FILE.ics",
                          help="the calendar file to write")
    calendar.add_argument("--past-days", type=int, default=PAST_DAYS, metavar="N",
                          help=f"include what fell due in the last N days "
                               f"(default {PAST_DAYS})")
    calendar.add_argument("--days", type=int, default=AHEAD_DAYS, metavar="N",
                          help=f"include what is due in the next N days (default {AHEAD_DAYS})")
