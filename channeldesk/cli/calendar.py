"""``channeldesk export calendar``: every deadline as an iCalendar file. No Qt."""

from __future__ import annotations

import argparse
from datetime import date

from channeldesk.cli.errors import EXIT_OK, EXIT_USAGE, CommandError
from channeldesk.cli.open_db import open_existing
from channeldesk.cli.registry import CommandSet
from channeldesk.output_files import OutputRefused, OutputWriteError, check_output
from channeldesk.services.calendar_export import AHEAD_DAYS, PAST_DAYS, export_calendar


def export_calendar_command(args: argparse.Namespace) -> int:
    try:
        out = check_output(args.out, example="channeldesk.ics")
    except OutputRefused as error:
        raise CommandError(EXIT_USAGE, str(error)) from error
    for name in ("past_days", "days"):
        if getattr(args, name) < 0:
            raise CommandError(EXIT_USAGE, f"--{name.replace('_', '-')} cannot be negative.")
    store = open_existing(args.db)
    try:
        count = export_calendar(store.db, out, date.today(), args.past_days, args.days)
    except (OutputRefused, OutputWriteError) as error:
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
        "file updates the events instead of adding copies. Write over the previous file: "
        "the deadlines it held that are no longer due (met, or their record deleted) are "
        "written again as cancelled events, so your calendar drops them on import; "
        "written to a new file, they stay in the calendar until you delete them.")
    calendar.add_argument("--out", required=True, metavar="FILE.ics",
                          help="the calendar file to write")
    calendar.add_argument("--past-days", type=int, default=PAST_DAYS, metavar="N",
                          help=f"include what fell due in the last N days "
                               f"(default {PAST_DAYS})")
    calendar.add_argument("--days", type=int, default=AHEAD_DAYS, metavar="N",
                          help=f"include what is due in the next N days (default {AHEAD_DAYS})")
