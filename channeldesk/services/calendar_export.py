"""Every deadline of every feature as an iCalendar file a calendar app can subscribe to.

Each deadline becomes an all-day event whose UID is made from the record it belongs to
and the kind of deadline (``prospect-<id>-next-step@channeldesk``), so importing a newer
export *updates* the events that
moved instead of adding copies; the text uses the ``icalendar`` library, so escaping,
folding and line endings follow RFC 5545.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import peewee
from icalendar import Calendar, Event

from channeldesk import __version__
from channeldesk.domain.lookups import Deadline
from channeldesk.services.lookups import deadlines_between
from channeldesk.services.plan_export import write_output

PAST_DAYS = 90
AHEAD_DAYS = 365
UID_DOMAIN = "channeldesk"


def deadline_uid(deadline: Deadline) -> str:
    """The event's stable id: the same record and kind of deadline give the same UID in
    every export (a claim can have a claim deadline and a pre-approval expiring)."""
    kind = re.sub(r"[^a-z0-9]+", "-", deadline.kind.lower()).strip("-")
    return f"{deadline.table}-{deadline.record_id}-{kind}@{UID_DOMAIN}"


def calendar_text(deadlines: Iterable[Deadline], today: date,
                  stamped: datetime | None = None) -> bytes:
    """The iCalendar bytes for ``deadlines`` (``today`` is kept for a later "overdue"
    alarm; a calendar shows past days as past already)."""
    calendar = Calendar()
    calendar.add("prodid", f"-//ChannelDesk//ChannelDesk {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "ChannelDesk deadlines")
    stamp = stamped or datetime.now(UTC)
    for deadline in deadlines:
        calendar.add_component(_event(deadline, today, stamp))
    return calendar.to_ical()


def _event(deadline: Deadline, today: date, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", deadline_uid(deadline))
    event.add("dtstamp", stamp)
    event.add("dtstart", deadline.due_on)
    event.add("dtend", deadline.due_on + timedelta(days=1))
    event.add("summary", f"{deadline.title} — {deadline.about}")
    event.add("description", f"{deadline.kind} · {deadline.about}\n"
                             f"Open it in ChannelDesk: {deadline.feature or 'app'} tab.")
    event.add("categories", [deadline.kind])
    event.add("transp", "TRANSPARENT")  # a deadline does not make the day busy
    return event


def export_calendar(db: peewee.Database, out: Path, today: date,
                    past_days: int = PAST_DAYS, ahead_days: int = AHEAD_DAYS) -> int:
    """Write the deadlines from ``past_days`` ago to ``ahead_days`` ahead to ``out``
    (through ``output_files``: atomic for a file); returns how many events it holds."""
    found = deadlines_between(db, today - timedelta(days=past_days),
                              today + timedelta(days=ahead_days))
    data = calendar_text(found, today)
    write_output(out, lambda handle: handle.write(data))
    return len(found)
