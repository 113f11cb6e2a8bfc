"""The dashboard's "gone quiet" list: partners with no logged touchpoint in N days."""

from __future__ import annotations

from datetime import date, timedelta

import peewee

from channeldesk.domain.dashboard import Bar, Panel, PanelKind
from channeldesk.domain.lookups import Link

QUIET_DAYS = 60
LISTED = 8

# The latest touchpoint per partner is one seek in activity_partner_date each.
_QUIET = """
    SELECT * FROM (
        SELECT p.id, p.name, (SELECT max(a.occurred_on) FROM activity a
                              WHERE a.partner_id = p.id AND a.deleted = 0) AS last
        FROM partner p
        WHERE p.deleted = 0 AND p.status IN ('active', 'onboarding') {scope})
    WHERE last IS NULL OR last < ?
    ORDER BY last IS NOT NULL, last, name"""


def panels(db: peewee.Database, today: date, partner_id: str | None = None,
           quiet_days: int = QUIET_DAYS) -> list[Panel]:
    """Active and onboarding partners gone quiet (just the one while presenting)."""
    return [quiet_panel(db, today, partner_id, quiet_days)]


def quiet_panel(db: peewee.Database, today: date, partner_id: str | None,
                quiet_days: int) -> Panel:
    """Active partners whose latest touchpoint is older than ``quiet_days`` (or who have
    none), quietest first; each row opens the partner."""
    scope, params = ("AND p.id = ?", [partner_id]) if partner_id else ("", [])
    cutoff = (today - timedelta(days=quiet_days)).isoformat()
    rows = db.execute_sql(_QUIET.format(scope=scope), (*params, cutoff)).fetchall()
    bars = tuple(
        Bar(name, (today - date.fromisoformat(last)).days if _is_date(last) else 0,
            f"last touchpoint {last}" if last else "no touchpoint logged yet",
            Link("partners", table="partner", record_id=row_id))
        for row_id, name, last in rows[:LISTED])
    headline = (f"{len(rows):,} partner{'s' if len(rows) != 1 else ''} quiet"
                if rows else "Everyone was in touch")
    more = f" Showing the {LISTED} quietest." if len(rows) > LISTED else ""
    return Panel("quiet", f"No activity in {quiet_days} days", headline,
                 f"Partners without a logged call, meeting or email since {cutoff}.{more}",
                 bars, PanelKind.ROWS, order=40, value_suffix=" days",
                 empty_text=f"Every partner had a touchpoint in the last {quiet_days} days.")


def _is_date(text: str | None) -> bool:
    try:
        date.fromisoformat(text or "")
    except ValueError:
        return False
    return True
