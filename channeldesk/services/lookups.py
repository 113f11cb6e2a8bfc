"""Deadlines and search texts of every feature, gathered through the feature list.

The dashboard, the calendar export and search everywhere call these and stay unaware of
which features exist; a feature adds its own by naming its providers in its entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import peewee

from channeldesk.domain.lookups import Deadline, SearchText
from channeldesk.features import parts


def deadlines_between(db: peewee.Database, start: date, end: date) -> list[Deadline]:
    """Everything due from ``start`` to ``end`` (both included), soonest first."""
    found: list[Deadline] = []
    for feature, provider in parts("deadlines"):
        found.extend(_tagged(deadline, feature.key) for deadline in provider(db, start, end))
    return sorted(found)


def search_texts(db: peewee.Database) -> Iterator[SearchText]:
    """Every live record's search text, feature by feature."""
    for _feature, provider in parts("search"):
        yield from provider(db)


def _tagged(deadline: Deadline, feature: str) -> Deadline:
    if deadline.feature:
        return deadline
    return Deadline(deadline.due_on, deadline.kind, deadline.title, deadline.about,
                    deadline.table, deadline.record_id, feature)

