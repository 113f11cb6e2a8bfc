"""The derived, device-local rows of each prospect: its search text and its fit score.

Neither syncs: both follow from synced data (the prospect and the ideal partner
profile), so each device computes them. Triggers mark every inserted or updated prospect
in ``prospect_stale`` whatever wrote it (the app, a sync pull, a raw connection);
:func:`catch_up` recomputes those before a list is read. A profile change re-scores every
prospect with :func:`rescore_all`, off the GUI thread.

Catching up writes, so it needs the write lock. While another program holds it (a sync,
an import in a second window) the derived rows stay stale until the next read, but no
record is ever hidden: the lists read a stale prospect's keys from the prospect itself
(``prospect_queries``) and its score from :func:`fresh_fits` / :func:`register_fit_now`.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import peewee

from channeldesk.domain.fit_score import Attribute, Criterion, Operator, ProspectFacts, score
from channeldesk.domain.money import MoneyError, minor_digits
from channeldesk.domain.progress import Cancelled, Progress
from channeldesk.domain.text_order import sort_key
from channeldesk.store.database import around_bulk_tombstone

log = logging.getLogger(__name__)
CHUNK = 5000
CATCH_UP_WAIT_MS = 200
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
            keys = [sort_key(value) for value in row[1:1 + n]]  # each value folded once
            searches.append((row[0], 0 if row[-1] else 1, keys[0], keys[3],
                             " ".join(key for key in keys if key)))
            fits.append((row[0], *_scored(profile, row[1 + n:-1])))
        cursor = db.cursor()
        cursor.executemany("INSERT OR REPLACE INTO prospect_search (prospect_id, live, "
                           "company_key, owner_key, text_key) VALUES (?, ?, ?, ?, ?)",
                           searches)
        cursor.executemany("INSERT OR REPLACE INTO prospect_fit (prospect_id, score, breakdown) "
                           "VALUES (?, ?, ?)", fits)
        cursor.execute(f"DELETE FROM prospect_stale WHERE prospect_id IN ({marks})",
                       list(chunk))


def catch_up(db: peewee.Database, wait_ms: int = CATCH_UP_WAIT_MS) -> int:
    """Recompute the derived rows of every stale prospect; returns how many.

    Cheap when nothing changed (one lookup in an empty table). Runs in the caller's
    transaction if there is one, else in its own, which takes the write lock first
    (IMMEDIATE): a read that later wanted to write would fail at once, not wait, when a
    worker (re-scoring, sync) writes meanwhile. The lock is waited for ``wait_ms`` at
    most, not the store's long busy timeout: the lists are complete without the catch-up
    (stale rows are read on the fly), so a read never stalls behind another writer; the
    next read catches up.
    """
    stale = [row[0] for row in db.execute_sql("SELECT prospect_id FROM prospect_stale")]
    if not stale:
        return 0
    conn = db.connection()
    waited = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
    try:
        with db.atomic("IMMEDIATE"):
            _derive(db, stale, current_profile(db))
    except peewee.OperationalError as error:
        log.info("prospect search and fit rows left for the next read: %s", error)
        return 0
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(waited)}")
    return len(stale)


def has_stale(db: peewee.Database) -> bool:
    """Whether some prospect's derived rows are behind (a catch-up could not run)."""
    return db.execute_sql("SELECT EXISTS (SELECT 1 FROM prospect_stale)").fetchone()[0] == 1


def fresh_fits(db: peewee.Database, ids: Sequence[str]) -> dict[str, tuple[int | None, str]]:
    """Score and breakdown of these prospects as they are now: the stored ones, and
    those of stale prospects computed here (read only, so it works under another
    writer's lock)."""
    found: dict[str, tuple[int | None, str]] = {}
    stale: list[str] = []
    columns = ", ".join(f"p.{name}" for name in FACT_COLUMNS)
    profile: Profile | None = None
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        marks = ", ".join("?" * len(chunk))
        for row_id, is_stale, score_, breakdown in db.execute_sql(
                "SELECT p.id, st.prospect_id IS NOT NULL OR f.prospect_id IS NULL, f.score, "
                "coalesce(f.breakdown, '') FROM prospect p "
                "LEFT JOIN prospect_fit f ON f.prospect_id = p.id "
                "LEFT JOIN prospect_stale st ON st.prospect_id = p.id "
                f"WHERE p.id IN ({marks})", chunk):
            if is_stale:
                stale.append(row_id)
            else:
                found[row_id] = (score_, breakdown)
    for start in range(0, len(stale), 500):
        chunk = stale[start:start + 500]
        if profile is None:
            profile = current_profile(db)
        marks = ", ".join("?" * len(chunk))
        for row in db.execute_sql(f"SELECT p.id, {columns} FROM prospect p "
                                  f"WHERE p.id IN ({marks})", chunk):
            found[row[0]] = _scored(profile, row[1:])
    return found


def register_fit_now(db: peewee.Database) -> None:
    """Define the SQL function ``fit_now(<FACT_COLUMNS>)`` on this thread's connection:
    a prospect's score against the current profile, for the lists to sort and filter
    stale prospects by their real score."""
    profile = current_profile(db)

    def fit_now(*facts: object) -> int | None:
        return _scored(profile, facts)[0]

    db.connection().create_function("fit_now", len(FACT_COLUMNS), fit_now)


def _follow_tombstone(conn: sqlite3.Connection, ids: list[str], deleted: bool,
                      write: Callable[[], None]) -> None:
    """Keep the derived rows current through a bulk tombstone (an undone import).

    A tombstone changes one derived value, ``prospect_search.live``. The stale trigger
    marks every tombstoned row, and the next list read would re-derive all of them on
    the GUI thread (seconds at 100,000 rows); instead ``live`` is set here, in the
    undo's worker and transaction, and the marks this write made are taken back. A row
    that was stale before (or was never derived) stays stale.
    """
    marks = ", ".join("?" * len(ids))
    stale_before = {row[0] for row in conn.execute(
        f"SELECT prospect_id FROM prospect_stale WHERE prospect_id IN ({marks})", ids)}
    write()
    fresh = [row_id for row_id in ids if row_id not in stale_before]
    if not fresh:
        return
    marks = ", ".join("?" * len(fresh))
    conn.execute(f"UPDATE prospect_search SET live = ? WHERE prospect_id IN ({marks}) "
                 "AND live != ?", (0 if deleted else 1, *fresh, 0 if deleted else 1))
    conn.execute(f"DELETE FROM prospect_stale WHERE prospect_id IN ({marks}) AND EXISTS "
                 "(SELECT 1 FROM prospect_search AS s WHERE s.prospect_id = "
                 "prospect_stale.prospect_id)", fresh)


around_bulk_tombstone("prospect", _follow_tombstone)


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
