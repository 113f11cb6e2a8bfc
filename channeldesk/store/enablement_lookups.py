"""What the deadline radar, search everywhere and the Plans tab read of enablement:
expiring assets and certifications, assets/courses/campaigns by their words, and the
"certified people" a partner has."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import peewee

from channeldesk.domain.enablement import CertifiedPerson, EnablementPack, label
from channeldesk.domain.lookups import Deadline, SearchText
from channeldesk.store.asset_queries import holdings_of_partner
from channeldesk.store.certification_queries import (
    certified_headcount,
    partner_headcount,
    people_of_partner,
)
from channeldesk.store.lenient import stored_date

CERTIFIED_PEOPLE = "certified_people"  # the Plans metric code (domain/plan.py METRICS)


def deadlines(db: peewee.Database, start: date, end: date) -> list[Deadline]:
    """Assets and certifications whose expiry falls in the range."""
    span = (start.isoformat(), end.isoformat())
    assets = db.execute_sql(
        "SELECT id, title, expires_on, kind FROM asset WHERE deleted = 0 "
        "AND expires_on BETWEEN ? AND ?", span)
    certifications = db.execute_sql(
        "SELECT x.id, k.title, x.expires_on, c.name, p.name FROM certification x "
        "JOIN contact c ON c.id = x.contact_id JOIN partner p ON p.id = c.partner_id "
        "JOIN course k ON k.id = x.course_id WHERE x.deleted = 0 AND c.deleted = 0 "
        "AND p.deleted = 0 AND k.deleted = 0 AND x.expires_on BETWEEN ? AND ?", span)
    return sorted(
        [Deadline(day, "Asset expires", title, label(kind), "asset", row_id, "enablement")
         for row_id, title, due, kind in assets
         if (day := stored_date(due, "asset.expires_on")) is not None]
        + [Deadline(day, "Certification expires", course, f"{person} · {partner}",
                    "certification", row_id, "enablement")
           for row_id, course, due, person, partner in certifications
           if (day := stored_date(due, "certification.expires_on")) is not None])


def search_texts(db: peewee.Database) -> Iterator[SearchText]:
    """Assets by title, kind, product, tags and description; courses and campaigns by
    title and product."""
    for row_id, title, kind, product, tags, description in db.execute_sql(
            "SELECT id, title, kind, product, tags, description FROM asset WHERE deleted = 0 "
            "ORDER BY title"):
        words = (title, label(kind), product, tags.replace(",", " "), description)
        yield SearchText("enablement", "asset", row_id, f"{title} ({label(kind)})",
                         " ".join(part for part in words if part))
    for row_id, title, product in db.execute_sql(
            "SELECT id, title, product FROM course WHERE deleted = 0 ORDER BY title"):
        yield SearchText("enablement", "course", row_id, f"{title} (course)",
                         " ".join(part for part in (title, product, "course") if part))
    for row_id, title, product in db.execute_sql(
            "SELECT id, title, product FROM campaign WHERE deleted = 0 ORDER BY title"):
        yield SearchText("enablement", "campaign", row_id, f"{title} (campaign)",
                         " ".join(part for part in (title, product, "campaign") if part))


def plan_actual(db: peewee.Database, partner_id: str, metric: str, start: date, end: date,
                currency: str = "", today: date | None = None) -> int | None:
    """The Plans target "certified people": people of the partner certified at the end of
    the period, or today while the period runs; None for every other metric, and for a
    partner with no certification recorded (then the plan's typed-in figure stands)."""
    if metric != CERTIFIED_PEOPLE:
        return None
    tracked = db.execute_sql(
        "SELECT 1 FROM certification x JOIN contact c ON c.id = x.contact_id "
        "WHERE c.partner_id = ? AND x.deleted = 0 LIMIT 1", (partner_id,)).fetchone()
    if tracked is None:  # certifications not tracked here for this partner: the plan's
        return None      # typed-in figure stands
    day = min(end, today or date.today())
    return certified_headcount(db, partner_id, max(day, start))


plan_actual.metrics = (CERTIFIED_PEOPLE,)  # type: ignore[attr-defined]


def pack_data(db: peewee.Database, partner_id: str, today: date) -> EnablementPack | None:
    """The partner pack's "Certifications and assets": people certified today, and the
    partner's assets against their current versions; None for a partner not here."""
    headcount = partner_headcount(db, partner_id, today)
    if headcount is None:
        return None
    people = tuple(
        CertifiedPerson(row.contact_name, row.course_title, row.certified_on, row.expires_on)
        for row in people_of_partner(db, partner_id)
        if row.certification_id and row.certified_on_day(today))
    return EnablementPack(headcount, people, tuple(holdings_of_partner(db, partner_id)))
