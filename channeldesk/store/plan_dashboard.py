"""The dashboard's plan attainment: how each partner's current plan is doing on revenue."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import peewee

from channeldesk.domain.dashboard import Bar, Panel
from channeldesk.domain.lookups import Link
from channeldesk.domain.plan import Period, PeriodError, attainment, roll_up
from channeldesk.store.lenient import stored_int

PRIMARY_METRIC = "revenue"
BANDS = (("On or above target", 100), ("75–99%", 75), ("50–74%", 50), ("Below 50%", 0))
NO_ACTUALS = "No actuals yet"

_PLANS = """
    SELECT bp.id, bp.partner_id, bp.period FROM business_plan bp
    JOIN partner p ON p.id = bp.partner_id
    WHERE bp.deleted = 0 AND p.deleted = 0 AND bp.status != 'archived' {scope}"""
_TARGETS = """
    SELECT t.plan_id, t.metric, t.label, t.quarter, t.target, t.actual FROM plan_target t
    JOIN business_plan bp ON bp.id = t.plan_id
    WHERE t.deleted = 0 AND t.metric = ? AND bp.deleted = 0 AND bp.status != 'archived'"""


def panels(db: peewee.Database, today: date, partner_id: str | None = None) -> list[Panel]:
    return [attainment_panel(db, today, partner_id)]


def current_plans(db: peewee.Database, today: date,
                  partner_id: str | None = None) -> dict[str, str]:
    """partner id → id of the plan that runs today (the shortest such period), for
    partners whose plan (not archived) covers today."""
    scope, params = ("AND bp.partner_id = ?", (partner_id,)) if partner_id else ("", ())
    best: dict[str, tuple[int, str]] = {}
    for plan_id, owner, text in db.execute_sql(_PLANS.format(scope=scope), params):
        try:
            period = Period.parse(text)
        except PeriodError:
            continue
        if period.start() <= today <= period.end():
            span = (period.end() - period.start()).days
            if owner not in best or span < best[owner][0]:
                best[owner] = (span, plan_id)
    return {owner: plan_id for owner, (_span, plan_id) in best.items()}


def attainment_panel(db: peewee.Database, today: date, partner_id: str | None) -> Panel:
    """Partners' current plans in bands of revenue attainment (actual ÷ target)."""
    plans = current_plans(db, today, partner_id)
    running = set(plans.values())
    rows: dict[str, list] = defaultdict(list)
    for plan_id, metric, label, quarter, target, actual in db.execute_sql(
            _TARGETS, (PRIMARY_METRIC,)):
        if plan_id in running:
            rows[plan_id].append((metric, label, quarter,
                                  stored_int(target, "plan_target.target"),
                                  stored_int(actual, "plan_target.actual")))
    counts = dict.fromkeys([band for band, _ in BANDS] + [NO_ACTUALS], 0)
    met = 0
    for plan_id in plans.values():
        lines = roll_up(rows.get(plan_id, []))
        reached = attainment(lines[0].actual, lines[0].target) if lines else None
        counts[_band(reached)] += 1
        met += reached is not None and reached >= 100
    measured = len(plans) - counts[NO_ACTUALS]
    headline = (f"{met} of {measured} on target" if measured
                else f"{len(plans)} plan{'s' if len(plans) != 1 else ''} running")
    return Panel("attainment", "Plan attainment (revenue)", headline,
                 f"Plans running today, by revenue actual against target, as of {today}.",
                 tuple(Bar(band, count, link=Link("plans")) for band, count in counts.items()),
                 order=50, empty_text="No plan covers today yet.")


def _band(reached) -> str:
    if reached is None:
        return NO_ACTUALS
    return next(band for band, floor in BANDS if reached >= floor)
