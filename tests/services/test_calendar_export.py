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
