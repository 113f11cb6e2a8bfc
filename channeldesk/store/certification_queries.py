"""Courses, enrolments, certifications and what each tier requires, read for the
Enablement tab, the partner pack and the Plans target "certified people".

A person counts as certified on a day when one of their live certifications was earned
by then and has not run out (``domain.enablement.certified_on_day``); headcount counts
people, not certificates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import peewee

from channeldesk.domain.enablement import Headcount, required_people
from channeldesk.domain.text_order import sort_key
from channeldesk.store.lenient import stored_date


@dataclass(frozen=True)
class CourseRow:
    id: str
    title: str
    product: str
    level: str
    duration_hours: int
    validity_months: int
    enrolled: int
    certified: int


@dataclass(frozen=True)
class PersonCourseRow:
    """One person on one course: the enrolment, and the certification if any."""

    contact_id: str
    contact_name: str
    partner_id: str
    partner_name: str
    course_id: str
    course_title: str
    enrolment_id: str | None
    status: str  # enrolled / completed / failed, or '' with a certification only
    enrolled_on: date | None
    completed_on: date | None
    score: int | None
    certification_id: str | None
    certified_on: date | None
    expires_on: date | None

    def certified_on_day(self, day: date) -> bool:
        return (self.certified_on is not None and self.certified_on <= day
                and (self.expires_on is None or self.expires_on >= day))


def _day(text: str | None) -> date | None:
    return stored_date(text, "certification dates")


def course_rows(db: peewee.Database, today: date) -> list[CourseRow]:
    """Every live course with how many are enrolled and certified today."""
    rows = db.execute_sql(
        "SELECT k.id, k.title, k.product, k.level, k.duration_hours, k.validity_months, "
        "(SELECT count(*) FROM enrolment e JOIN contact c ON c.id = e.contact_id "
        " WHERE e.course_id = k.id AND e.deleted = 0 AND c.deleted = 0), "
        "(SELECT count(DISTINCT x.contact_id) FROM certification x JOIN contact c "
        " ON c.id = x.contact_id WHERE x.course_id = k.id AND x.deleted = 0 "
        " AND c.deleted = 0 AND x.certified_on <= ? "
        " AND (x.expires_on IS NULL OR x.expires_on >= ?)) "
        "FROM course k WHERE k.deleted = 0", (today.isoformat(), today.isoformat()))
    return sorted((CourseRow(*row) for row in rows), key=lambda r: sort_key(r.title))


_PEOPLE = """
SELECT c.id, c.name, p.id, p.name, k.id, k.title,
       e.id, e.status, e.enrolled_on, e.completed_on, e.score,
       x.id, x.certified_on, x.expires_on
FROM (SELECT contact_id, course_id FROM enrolment WHERE deleted = 0
      UNION SELECT contact_id, course_id FROM certification WHERE deleted = 0) AS pc
JOIN contact c ON c.id = pc.contact_id AND c.deleted = 0
JOIN partner p ON p.id = c.partner_id AND p.deleted = 0
JOIN course k ON k.id = pc.course_id AND k.deleted = 0
LEFT JOIN enrolment e ON e.id = (SELECT e2.id FROM enrolment e2 WHERE e2.contact_id = c.id
     AND e2.course_id = k.id AND e2.deleted = 0 ORDER BY e2.enrolled_on DESC, e2.id DESC
     LIMIT 1)
LEFT JOIN certification x ON x.id = (SELECT x2.id FROM certification x2
     WHERE x2.contact_id = c.id AND x2.course_id = k.id AND x2.deleted = 0
     ORDER BY coalesce(x2.expires_on, '9999-12-31') DESC, x2.id DESC LIMIT 1)
"""


def _person_rows(db: peewee.Database, where: str, params: tuple) -> list[PersonCourseRow]:
    rows = db.execute_sql(f"{_PEOPLE} WHERE {where}", params)
    found = [PersonCourseRow(cid, cname, pid, pname, kid, ktitle, eid, status or "",
                             _day(enrolled), _day(completed), score, xid, _day(certified),
                             _day(expires))
             for (cid, cname, pid, pname, kid, ktitle, eid, status, enrolled, completed,
                  score, xid, certified, expires) in rows]
    return sorted(found, key=lambda r: (sort_key(r.partner_name), sort_key(r.contact_name),
                                        sort_key(r.course_title)))


def people_of_course(db: peewee.Database, course_id: str) -> list[PersonCourseRow]:
    """Everyone enrolled on or certified in a course."""
    return _person_rows(db, "k.id = ?", (course_id,))


def people_of_partner(db: peewee.Database, partner_id: str) -> list[PersonCourseRow]:
    """A partner's people and their courses: enrolments, completions, certifications."""
    return _person_rows(db, "p.id = ?", (partner_id,))


def certified_headcount(db: peewee.Database, partner_id: str, day: date) -> int:
    """People of the partner holding a certification valid on ``day``."""
    return db.execute_sql(
        "SELECT count(DISTINCT x.contact_id) FROM certification x "
        "JOIN contact c ON c.id = x.contact_id WHERE c.partner_id = ? AND c.deleted = 0 "
        "AND x.deleted = 0 AND x.certified_on <= ? "
        "AND (x.expires_on IS NULL OR x.expires_on >= ?)",
        (partner_id, day.isoformat(), day.isoformat())).fetchone()[0]


def tier_requirements(db: peewee.Database) -> dict[str, int]:
    """Tier → certified people required, as the team set them. Two devices may each have
    set a tier before syncing: the latest edit counts."""
    found: dict[str, int] = {}
    for tier, people in db.execute_sql(
            "SELECT tier, certified_people FROM tier_requirement WHERE deleted = 0 "
            "ORDER BY updated_at, id"):
        found[tier] = people
    return found


def requirement_ids(db: peewee.Database) -> dict[str, str]:
    """Tier → id of the row that holds its requirement (the latest edited)."""
    found: dict[str, str] = {}
    for tier, row_id in db.execute_sql(
            "SELECT tier, id FROM tier_requirement WHERE deleted = 0 ORDER BY updated_at, id"):
        found[tier] = row_id
    return found


def partner_headcount(db: peewee.Database, partner_id: str, day: date) -> Headcount | None:
    """A partner's certified people against its tier's requirement; None for no partner."""
    row = db.execute_sql("SELECT tier FROM partner WHERE id = ? AND deleted = 0",
                         (partner_id,)).fetchone()
    if row is None:
        return None
    return Headcount(certified_headcount(db, partner_id, day),
                     required_people(row[0], tier_requirements(db)))


def contacts_of_partner(db: peewee.Database, partner_id: str) -> list[tuple[str, str]]:
    """(id, name) of a partner's live contacts, as people sort names."""
    rows = db.execute_sql("SELECT id, name FROM contact WHERE partner_id = ? AND deleted = 0",
                          (partner_id,))
    return sorted(((cid, name) for cid, name in rows), key=lambda r: sort_key(r[1]))


def course_choices(db: peewee.Database) -> list[tuple[str, str, int]]:
    """(id, title, validity in months) of the live courses, by title."""
    rows = db.execute_sql("SELECT id, title, validity_months FROM course WHERE deleted = 0")
    return sorted(((cid, title, months) for cid, title, months in rows),
                  key=lambda r: sort_key(r[1]))
