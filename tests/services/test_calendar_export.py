"""The deadline calendar: a real iCalendar file, parsed back, with stable event ids."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from icalendar import Calendar

from channeldesk.services.calendar_export import deadline_uid, export_calendar
from channeldesk.services.demo_data import load_demo_data
from channeldesk.services.lookups import deadlines_between
from channeldesk.store import Store
from channeldesk.store.models import Prospect

TODAY = date(2026, 11, 16)


@pytest.fixture
def loaded(store: Store) -> Store:
    load_demo_data(store, today=TODAY)
    return store


def _events(path) -> dict[str, object]:
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_every_deadline_is_one_all_day_event(loaded, tmp_path):
    out = tmp_path / "deadlines.ics"
    count = export_calendar(loaded.db, out, TODAY)
    expected = deadlines_between(loaded.db, TODAY - timedelta(days=90),
                                 TODAY + timedelta(days=365))
    events = _events(out)
    assert count == len(expected) == len(events)
    for deadline in expected:
        event = events[deadline_uid(deadline)]
        assert event.decoded("DTSTART") == deadline.due_on
        assert deadline.title in str(event["SUMMARY"])
        assert deadline.about in str(event["SUMMARY"])
    assert {str(e["CATEGORIES"].cats[0]) for e in events.values()} >= {
        "Next step", "Plan activity", "Plan commitment"}


def test_exporting_again_after_a_change_updates_the_same_event(loaded, tmp_path):
    first, second = tmp_path / "first.ics", tmp_path / "second.ics"
    export_calendar(loaded.db, first, TODAY)
    deadline = next(d for d in deadlines_between(loaded.db, TODAY, TODAY + timedelta(days=60))
                    if d.table == "prospect")
    moved = deadline.due_on + timedelta(days=3)
    loaded.update(Prospect, deadline.record_id, {"next_step_on": moved})
    export_calendar(loaded.db, second, TODAY)
    before, after = _events(first), _events(second)
    assert set(before) == set(after)  # same UIDs: a re-import updates, never duplicates
    assert after[deadline_uid(deadline)].decoded("DTSTART") == moved


def test_text_with_commas_semicolons_and_newlines_survives_the_round_trip(store, tmp_path):
    store.insert(Prospect, {"company": "Smith, Jones; and Co.", "stage": "qualified",
                            "next_step": "Call back\nthen send; the deck, v2",
                            "next_step_on": TODAY})
    out = tmp_path / "odd.ics"
    export_calendar(store.db, out, TODAY)
    (event,) = _events(out).values()
    assert str(event["SUMMARY"]) == "Call back\nthen send; the deck, v2 — Smith, Jones; and Co."


def _next_step(store: Store):
    return next(d for d in deadlines_between(store.db, TODAY, TODAY + timedelta(days=60))
                if d.table == "prospect")


def test_a_deadline_met_since_the_last_export_is_sent_as_cancelled(loaded, tmp_path):
    out = tmp_path / "deadlines.ics"
    export_calendar(loaded.db, out, TODAY)
    met = _next_step(loaded)
    uid = deadline_uid(met)
    assert str(_events(out)[uid]["STATUS"]) == "CONFIRMED"
    loaded.update(Prospect, met.record_id, {"next_step_on": None})  # done, nothing next
    count = export_calendar(loaded.db, out, TODAY)
    events = _events(out)
    assert str(events[uid]["STATUS"]) == "CANCELLED"  # same UID: the import removes it
    assert int(events[uid]["SEQUENCE"]) == 1 and events[uid].decoded("DTSTART") == met.due_on
    live = [e for e in events.values() if str(e["STATUS"]) == "CONFIRMED"]
    assert count == len(live) == len(events) - 1
    export_calendar(loaded.db, out, TODAY)  # an import skipped: still cancelled, once
    assert str(_events(out)[uid]["STATUS"]) == "CANCELLED"
    assert int(_events(out)[uid]["SEQUENCE"]) == 1
    loaded.update(Prospect, met.record_id, {"next_step_on": met.due_on})  # due again
    export_calendar(loaded.db, out, TODAY)
    again = _events(out)[uid]
    assert str(again["STATUS"]) == "CONFIRMED" and int(again["SEQUENCE"]) == 2


def test_a_cancelled_event_leaves_once_its_day_is_out_of_range(loaded, tmp_path):
    out = tmp_path / "deadlines.ics"
    export_calendar(loaded.db, out, TODAY)
    met = _next_step(loaded)
    loaded.update(Prospect, met.record_id, {"next_step_on": None})
    later = met.due_on + timedelta(days=91)  # its day is past the 90 days looked back
    export_calendar(loaded.db, out, later)
    assert deadline_uid(met) not in _events(out)


def test_another_programs_calendar_is_replaced_without_cancelling_its_events(store,
                                                                             tmp_path):
    out = tmp_path / "deadlines.ics"
    out.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//Other//EN\r\n"
                    b"BEGIN:VEVENT\r\nUID:prospect-x-next-step@channeldesk\r\n"
                    b"DTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:20261120\r\n"
                    b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    assert export_calendar(store.db, out, TODAY) == 0
    assert _events(out) == {}
    out.write_bytes(b"not a calendar at all")
    assert export_calendar(store.db, out, TODAY) == 0  # unreadable: replaced, no error
