"""What features tell the rest of the app about their records, as plain values.

A *deadline* is something due or expiring on a date (a prospect's next step, a plan
commitment); the dashboard's deadline radar and the calendar export read them. A *search
text* is what a person would look a record up by; search everywhere reads it. Each
feature provides both through its entry in ``channeldesk/features.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, order=True)
class Deadline:
    """One dated thing to do; ordered by date, then kind and title."""

    due_on: date
    kind: str  # what is due, for people: "Next step", "Plan commitment"
    title: str  # the thing itself: "Send the partner agreement"
    about: str  # whose it is: "Nordlicht GmbH" or "Acadia Cloud · FY2026"
    table: str  # where the record lives, to open it: "prospect", "plan_commitment"
    record_id: str
    feature: str = ""  # the feature key whose tab shows it

    def overdue(self, today: date) -> bool:
        return self.due_on < today


@dataclass(frozen=True)
class SearchText:
    """A record and the text it is found by."""

    feature: str
    table: str
    record_id: str
    title: str  # shown in the results: "Nordlicht GmbH"
    text: str  # everything it is found by, e.g. name, city, owner, website


@dataclass(frozen=True)
class Link:
    """Where clicking leads: a feature's tab with its filters set (``{"stage": "lost"}``
    sets the tab's stage filter) or, with ``record_id``, one record in it."""

    feature: str
    filters: tuple[tuple[str, str], ...] = ()
    table: str = ""
    record_id: str = ""
