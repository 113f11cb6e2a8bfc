"""The derived, device-local rows of each prospect: its search text and its fit score.

Neither syncs: both follow from synced data (the prospect and the ideal partner
profile), so each device computes them. Triggers mark every inserted or updated prospect
in ``prospect_stale`` whatever wrote it (the app, a sync pull, a raw connection);
:func:`catch_up` recomputes those before a list is read. A profile change re-scores every
prospect with :func:`rescore_all`, off the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import peewee

from channeldesk.domain.fit_score import Attribute, Criterion, Operator, ProspectFacts, score
from channeldesk.domain.money import MoneyError, minor_digits
from channeldesk.domain.progress import Cancelled, Progress
from channeldesk.domain.text_order import sort_key

log = logging.getLogger(__name__)
CHUNK = 5000
SEARCHED_COLUMNS = ("company", "website", "country", "owner", "vertical", "contact_name")
FACT_COLUMNS = ("region", "country", "vertical", "partner_type", "source", "employees",
                "annual_revenue_minor", "currency", "competencies", "competitors")


@dataclass(frozen=True)
class Profile:
    """The profile that counts (the newest live one) as domain criteria."""

    id: str
    name: str
    criteria: tuple[Criterion, ...]


def current_profile(db: peewee.Database) -> Profile | None:
    row = db.execute_sql(
        "SELECT id, name FROM ideal_partner_profile WHERE deleted = 0 "
        "ORDER BY created_at DESC LIMIT 1").fetchone()
    if row is None:
        return None
    criteria = []
    for attribute, operator, choices, low, high, weight in db.execute_sql(
            "SELECT attribute, operator, choices, low, high, weight FROM profile_criterion "
            "WHERE profile_id = ? AND deleted = 0 ORDER BY position, created_at", (row[0],)):
        criterion = criterion_from_row(attribute, operator, choices, low, high, weight)
        if criterion is not None:
            criteria.append(criterion)
    return Profile(row[0], row[1], tuple(criteria))


def criterion_from_row(attribute: str, operator: str, choices: str, low: int | None,
                       high: int | None, weight: int) -> Criterion | None:
    """A stored criterion as a domain value; None for one this version does not know
    (a newer device may have synced it)."""
    try:
        attr, op = Attribute(attribute), Operator(operator)
    except ValueError:
        return None
    items = tuple(c.strip() for c in (choices or "").split(",") if c.strip())
    currency = "USD"
    if attr == Attribute.ANNUAL_REVENUE and items:
        currency, items = items[0].upper(), ()
    return Criterion(attr, op, int(weight or 0), items, low, high, currency)


def facts_of(values: Sequence) -> ProspectFacts:
    """Scoring facts from a row of FACT_COLUMNS."""
    (region, country, vertical, partner_type, source, employees, revenue_minor, currency,
     competencies, competitors) = values
    revenue = None
    if revenue_minor is not None:
        try:
            revenue = int(revenue_minor) // 10 ** minor_digits(currency or "USD")
        except (MoneyError, TypeError, ValueError):
            revenue = None
    return ProspectFacts(region or "", country or "", vertical or "", partner_type or "",
                         source or "", employees if isinstance(employees, int) else None,
                         revenue, (currency or "USD").upper(), competencies or "",
                         competitors or "")


def _scored(profile: Profile | None, facts: Sequence) -> tuple[int | None, str]:
    if profile is None or not profile.criteria:
        return None, ""
    fit = score(profile.criteria, facts_of(facts))
    return fit.score, fit.breakdown()


def _derive(db: peewee.Database, ids: Sequence[str], profile: Profile | None) -> None:
    columns = ", ".join(("id", *SEARCHED_COLUMNS, *FACT_COLUMNS, "deleted"))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = db.execute_sql(f"SELECT {columns} FROM prospect WHERE id IN ({marks})",
                              list(chunk)).fetchall()
        searches, fits = [], []
        n = len(SEARCHED_COLUMNS)
        for row in rows:
            searched = row[1:1 + n]
            text = " ".join(sort_key(value) for value in searched if value)
            searches.append((row[0], 0 if row[-1] else 1, sort_key(row[1]),
                             sort_key(row[4]), text))
            fits.append((row[0], *_scored(profile, row[1 + n:-1])))
        cursor = db.cursor()
        cursor.executemany("INSERT OR REPLACE INTO prospect_search (prospect_id, live, "
                           "company_key, owner_key, text_key) VALUES (?, ?, ?, ?, ?)",
                           searches)
        cursor.executemany("INSERT OR REPLACE INTO prospect_fit (prospect_id, score, breakdown) "
                           "VALUES (?, ?, ?)", fits)
        cursor.executemany("DELETE FROM prospect_stale WHERE prospect_id = ?",
                           [(row_id,) for row_id in chunk])


def catch_up(db: peewee.Database) -> int:
    """Recompute the derived rows of every stale prospect; returns how many.

    Cheap when nothing changed (one lookup in an empty table). Runs in the caller's
    transaction if there is one, else in its own, which takes the write lock first
    (IMMEDIATE): a read that later wanted to write would fail at once, not wait, when a
    worker (re-scoring, sync) writes meanwhile. Should the lock not come within the
    busy timeout, the list is read with the rows it has; the next read catches up.
    """
    stale = [row[0] for row in db.execute_sql("SELECT prospect_id FROM prospect_stale")]
    if not stale:
        return 0
    try:
        with db.atomic("IMMEDIATE"):
            _derive(db, stale, current_profile(db))
    except peewee.OperationalError as error:
        log.warning("prospect search and fit rows not brought up to date: %s", error)
        return 0
    return len(stale)


def derive_now(db: peewee.Database, ids: Iterable[str]) -> None:
    """Recompute these prospects' derived rows (after an import, in its transaction)."""
    _derive(db, list(ids), current_profile(db))


def rescore_all(db: peewee.Database, progress: Progress | None = None,
                cancel: threading.Event | None = None) -> int:
    """Score every prospect against the current profile; returns how many were scored.

    The scores are computed first (read only), then written in one short transaction,
    so a cancel keeps the previous scores whole and GUI edits wait at most that long.
    """
    profile = current_profile(db)
    columns = ", ".join(("id", *FACT_COLUMNS))
    rows = db.execute_sql(f"SELECT {columns} FROM prospect").fetchall()
    total = len(rows)
    fits = []
    for done, row in enumerate(rows):
        if done % CHUNK == 0:
            if cancel is not None and cancel.is_set():
                raise Cancelled("Re-scoring was cancelled; the previous scores stay.")
            if progress:
                progress(done, total, f"Scoring prospects ({done:,} of {total:,})")
        fits.append((row[0], *_scored(profile, row[1:])))
    if cancel is not None and cancel.is_set():
        raise Cancelled("Re-scoring was cancelled; the previous scores stay.")
    with db.atomic("IMMEDIATE"):
        db.cursor().executemany("INSERT OR REPLACE INTO prospect_fit "
                                "(prospect_id, score, breakdown) VALUES (?, ?, ?)", fits)
    if progress:
        progress(total, total, "Scores updated")
    return total
