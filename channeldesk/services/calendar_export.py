"""Every deadline of every feature as an iCalendar file a calendar app can import.

Each deadline becomes an all-day event whose UID is made from the record it belongs to
and the kind of deadline (``prospect-<id>-next-step@channeldesk``), so importing a newer
export *updates* the events that moved instead of adding copies; the text uses the
``icalendar`` library, so escaping, folding and line endings follow RFC 5545.

A deadline that was met (or whose record was deleted) is simply no longer due, so it would
drop out of the next export and stay in the user's calendar for good. Exporting over the
previous file avoids that: every event of that file that is no longer due is written again
with ``STATUS:CANCELLED``, the same UID and a higher ``SEQUENCE``, which calendar apps
apply on import by removing or striking out the event. Cancelled events are carried while
their day is inside the exported range, so skipping one import loses nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import peewee
from icalendar import Calendar, Event

from channeldesk import __version__
from channeldesk.domain.lookups import Deadline
from channeldesk.services.lookups import deadlines_between
from channeldesk.services.plan_export import write_output

log = logging.getLogger(__name__)

PAST_DAYS = 90
AHEAD_DAYS = 365
UID_DOMAIN = "channeldesk"
PRODID = f"-//ChannelDesk//ChannelDesk {__version__}//EN"
CALENDAR_NAME = "ChannelDesk deadlines"


def deadline_uid(deadline: Deadline) -> str:
    """The event's stable id: the same record and kind of deadline give the same UID in
    every export (a claim can have a claim deadline and a pre-approval expiring)."""
    kind = re.sub(r"[^a-z0-9]+", "-", deadline.kind.lower()).strip("-")
    return f"{deadline.table}-{deadline.record_id}-{kind}@{UID_DOMAIN}"


def calendar_text(deadlines: Iterable[Deadline], stamped: datetime | None = None,
                  previous: Mapping[str, Event] | None = None,
                  keep_from: date | None = None) -> bytes:
    """The iCalendar bytes for ``deadlines``, plus a cancelled copy of each event of
    ``previous`` (the last export's events by UID) that is no longer due, on or after
    ``keep_from``."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    stamp = stamped or datetime.now(UTC)
    previous = previous or {}
    due = set()
    for deadline in deadlines:
        event = _event(deadline, stamp, previous.get(deadline_uid(deadline)))
        due.add(str(event["UID"]))
        calendar.add_component(event)
    for uid, old in previous.items():
        if uid not in due and (keep_from is None or _day_of(old) >= keep_from):
            calendar.add_component(_cancelled(old, stamp))
    return calendar.to_ical()


def _event(deadline: Deadline, stamp: datetime, before: Event | None) -> Event:
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
    event.add("status", "CONFIRMED")
    # Due again after a cancelled export (a task reopened): a newer revision, so the
    # calendar takes it over its cancelled copy.
    sequence = _sequence(before)
    was_cancelled = before is not None and str(before.get("STATUS", "")) == "CANCELLED"
    event.add("sequence", sequence + 1 if was_cancelled else sequence)
    return event


def _cancelled(before: Event, stamp: datetime) -> Event:
    """The previous export's event, marked cancelled: its deadline was met or its record
    deleted. Already cancelled, it is carried as it was."""
    event = Event()
    for name in ("uid", "dtstart", "dtend", "summary", "description", "categories",
                 "transp"):
        if name.upper() in before:
            event[name] = before[name.upper()]
    event.add("dtstamp", stamp)
    already = str(before.get("STATUS", "")) == "CANCELLED"
    event.add("status", "CANCELLED")
    event.add("sequence", _sequence(before) + (0 if already else 1))
    return event


def _sequence(event: Event | None) -> int:
    try:
        return int(event.get("SEQUENCE", 0)) if event is not None else 0
    except (TypeError, ValueError):
        return 0


def _day_of(event: Event) -> date:
    start = event.decoded("DTSTART")
    return start.date() if isinstance(start, datetime) else start


def previous_events(path: Path) -> dict[str, Event]:
    """The events of the ChannelDesk calendar at ``path`` by UID; nothing when there is
    no such file, it is another program's calendar or it cannot be read (it is about to
    be replaced anyway, so that is no reason to refuse the export)."""
    if not path.is_file():
        return {}
    try:
        calendar = Calendar.from_ical(path.read_bytes())
    except (OSError, ValueError) as error:
        log.info("the previous calendar %s was not read: %s", path, error)
        return {}
    if str(calendar.get("PRODID", "")).split("//")[1:2] != ["ChannelDesk"]:
        return {}
    events = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("UID", ""))
        if uid.endswith(f"@{UID_DOMAIN}") and "DTSTART" in event:
            events[uid] = event
    return events


def export_calendar(db: peewee.Database, out: Path, today: date,
                    past_days: int = PAST_DAYS, ahead_days: int = AHEAD_DAYS) -> int:
    """Write the deadlines from ``past_days`` ago to ``ahead_days`` ahead to ``out``
    (through ``output_files``: atomic for a file), with the events of the file it
    replaces that are no longer due marked cancelled; returns how many deadlines are due
    (cancelled events not counted)."""
    since = today - timedelta(days=past_days)
    found = deadlines_between(db, since, today + timedelta(days=ahead_days))
    data = calendar_text(found, previous=previous_events(out), keep_from=since)
    write_output(out, lambda handle: handle.write(data))
    return len(found)
