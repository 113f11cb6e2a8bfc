"""Reading business plans: finding a partner's plan, loading it as a partner-facing
document, the engagement side of a scorecard, and the values to copy a plan forward.

Internal-only fields (marked in each table's description, ``Model.internal_fields``) never
leave this module in a document: the builders downstream cannot leak what they are never
given, and a copy to the next period starts them empty.

Actual values are entered in the plan for now. A later feature that knows a metric's
actual (certified people from Enablement, MDF paid from Incentives) registers a source
with :func:`register_actual_source`; its value then replaces the entered one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from peewee import SQL, fn

from channeldesk.domain.partner import ActivityKind
from channeldesk.domain.plan import Period, PeriodError, carry_quarter, roll_up
from channeldesk.domain.plan_document import (
    CommitmentItem,
    EngagementSummary,
    PlanActivityItem,
    PlanDocument,
    SignatureItem,
)
from channeldesk.domain.text_order import sort_key
from channeldesk.store.blobs import BlobStore
from channeldesk.store.lenient import stored_date
from channeldesk.store.models import (
    Activity,
    BusinessPlan,
    Contact,
    Partner,
    PlanActivity,
    PlanCommitment,
    PlanObjective,
    PlanSignature,
    PlanTarget,
)

ActualSource = Callable[[str, Period, str], int | None]
"""(partner id, period, quarter or '') → the actual, or None where the data does not exist."""

_ACTUAL_SOURCES: dict[str, ActualSource] = {}
_SOURCE_NAMES: dict[str, str] = {}


def register_actual_source(metric: str, source: ActualSource, name: str = "") -> None:
    """Let a later feature compute a metric's actual from its own tables; ``name`` (such
    as "Enablement") tells the user where the figure comes from."""
    _ACTUAL_SOURCES[metric] = source
    _SOURCE_NAMES[metric] = name


def unregister_actual_source(metric: str) -> None:
    _ACTUAL_SOURCES.pop(metric, None)
    _SOURCE_NAMES.pop(metric, None)


def actual_source_name(metric: str) -> str | None:
    """Where a metric's actual is computed from, or None when it is entered by hand."""
    return _SOURCE_NAMES.get(metric) if metric in _ACTUAL_SOURCES else None


def source_actual(row: PlanTarget) -> int | None:
    """A target row's actual as its registered source computes it; None where no source
    is registered or the source has no data (then the entered actual stands)."""
    source = _ACTUAL_SOURCES.get(row.metric)
    if source is None:
        return None
    plan = row.plan
    try:
        period = Period.parse(plan.period)
    except PeriodError:
        return None
    return source(plan.partner_id, period, row.quarter)


def target_actual(row: PlanTarget) -> int | None:
    """A target row's actual as shown: computed where a source has data, else entered."""
    computed = source_actual(row)
    return row.actual if computed is None else computed


def computed_actual(metric: str, partner_id: str, period: Period, quarter: str,
                    entered: int | None) -> int | None:
    """The computed actual where a source has data, otherwise what was entered."""
    source = _ACTUAL_SOURCES.get(metric)
    if source is None:
        return entered
    value = source(partner_id, period, quarter)
    return entered if value is None else value


# -- finding ---------------------------------------------------------------------------------

def find_partners(name_or_id: str) -> list[Partner]:
    """Partners matching an id exactly, else a name exactly (case-insensitive), else a
    name containing the text. More than one match means the caller must ask for the id."""
    text = (name_or_id or "").strip()
    if not text:
        return []
    by_id = Partner.live().where(Partner.id == text)
    if by_id.exists():
        return list(by_id)
    partners = list(Partner.live().order_by(Partner.name))
    folded = text.casefold()
    exact = [p for p in partners if p.name.casefold() == folded]
    return exact or [p for p in partners if folded in p.name.casefold()]


def plans_of(partner_id: str) -> list[BusinessPlan]:
    """A partner's live plans, newest period first."""
    plans = list(BusinessPlan.live().where(BusinessPlan.partner == partner_id))
    return sorted(plans, key=lambda p: _period_key(p.period), reverse=True)


def _period_key(text: str) -> tuple[int, int, int]:
    try:
        return Period.parse(text).sort_key
    except PeriodError:
        return (0, 0, 0)


def current_plan(partner_id: str, period: str | None = None,
                 today: date | None = None) -> BusinessPlan | None:
    """The plan to export: the one for ``period``, else the newest plan that is not
    archived whose period has started by ``today``, else the newest one."""
    plans = plans_of(partner_id)
    if period:
        wanted = str(Period.parse(period))
        return next((p for p in plans if p.period == wanted), None)
    today = today or date.today()
    started = [p for p in plans if p.status != "archived"
               and _period_key(p.period) <= (today.year, (today.month - 1) // 3 + 1, 0)]
    return (started or [p for p in plans if p.status != "archived"] or plans or [None])[0]


# -- loading ---------------------------------------------------------------------------------

def load_plan_document(plan_id: str, blobs: BlobStore | None = None) -> PlanDocument:
    """The partner-facing content of one plan, internal-only fields left out."""
    plan = BusinessPlan.get_by_id(plan_id)
    partner = plan.partner
    try:
        period = Period.parse(plan.period)
        period_label = period.label
    except PeriodError:
        period, period_label = None, plan.period
    target_rows = []
    for row in _ordered(PlanTarget, plan_id):
        actual = (computed_actual(row.metric, partner.id, period, row.quarter, row.actual)
                  if period else row.actual)
        target_rows.append((row.metric, row.label, row.quarter, row.target, actual))
    return PlanDocument(
        plan_id=plan.id, partner_id=partner.id, partner_name=partner.name,
        partner_country=partner.country, period=plan.period, period_label=period_label,
        status=plan.status, title=plan.title, currency=plan.currency, summary=plan.summary,
        objectives=tuple(o.text for o in _ordered(PlanObjective, plan_id)),
        targets=tuple(roll_up(target_rows)),
        activities=tuple(
            PlanActivityItem(a.activity_group, a.title, a.owner_side, a.owner_name, a.due_on,
                             a.status, a.budget)
            for a in _ordered(PlanActivity, plan_id)),
        commitments=tuple(CommitmentItem(c.side, c.text, c.due_on, bool(c.done))
                          for c in _ordered(PlanCommitment, plan_id)),
        signatures=tuple(
            SignatureItem(s.side, s.name, s.title, s.signed_on)
            for s in PlanSignature.live().where(PlanSignature.plan == plan_id)
            .order_by(PlanSignature.side.desc())),
        partner_logo=_logo(plan.partner_logo, blobs),
    )


def _ordered(model, plan_id: str):
    return model.live().where(model.plan == plan_id).order_by(model.position, model.id)


def _logo(sha256: str, blobs: BlobStore | None) -> bytes | None:
    """The logo's bytes, or None when there is none or the file is gone (the cover then
    shows the partner's initials: a missing file must not stop an export)."""
    if not sha256 or blobs is None or not blobs.has(sha256):
        return None
    try:
        return blobs.read_bytes(sha256)
    except (OSError, ValueError):
        return None


def load_engagement(partner_id: str, today: date, months: int = 12) -> EngagementSummary:
    """Activities per month over the last ``months``, last QBR, contacts.

    Only activities a partner may see count (internal-only ones are left out). The last
    QBR is the last activity of kind QBR, or failing that the last meeting.
    """
    visible = Activity.live().where(Activity.partner == partner_id,
                                    Activity.internal_only == False)  # noqa: E712
    month_keys = _last_months(today, months)
    counts: Counter[str] = Counter()
    last_activity = last_qbr = last_meeting = None
    for kind, occurred in visible.select(Activity.kind, Activity.occurred_on).tuples():
        day = stored_date(occurred, "activity.occurred_on")
        if day is None:
            continue
        counts[day.strftime("%Y-%m")] += 1
        last_activity = max(filter(None, (last_activity, day)))
        if kind == ActivityKind.QBR:
            last_qbr = max(filter(None, (last_qbr, day)))
        elif kind == ActivityKind.MEETING:
            last_meeting = max(filter(None, (last_meeting, day)))
    contacts = tuple(
        (c.name, c.role, bool(c.is_primary))
        for c in Contact.live().where(Contact.partner == partner_id)
        .order_by(Contact.is_primary.desc(), Contact.name))
    return EngagementSummary(
        per_month=tuple((key, counts.get(key, 0)) for key in month_keys),
        last_qbr=last_qbr or last_meeting, last_activity=last_activity, contacts=contacts)


def _last_months(today: date, months: int) -> list[str]:
    year, month = today.year, today.month
    keys = []
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


# -- copying forward -------------------------------------------------------------------------

def copy_values(plan_id: str) -> tuple[dict[str, Any], dict[type, list[dict[str, Any]]]]:
    """The values of next period's plan, made from this one.

    Targets are carried as a starting point (quarters moved to the same place in the new
    period) with their actuals reset; objectives, commitments and activities come along
    as drafts (not done, no dates); signatures are left behind: the new plan is unsigned.
    """
    plan = BusinessPlan.get_by_id(plan_id)
    old = Period.parse(plan.period)
    new = old.next()
    values = {"partner": plan.partner_id, "period": str(new), "status": "draft",
              "title": plan.title, "currency": plan.currency, "summary": plan.summary,
              "partner_logo": plan.partner_logo, **_cleared_internal(BusinessPlan)}
    children: dict[type, list[dict[str, Any]]] = {
        PlanObjective: [{"position": o.position, "text": o.text}
                        for o in _ordered(PlanObjective, plan_id)],
        PlanTarget: [{"position": t.position, "metric": t.metric, "label": t.label,
                      "quarter": carry_quarter(t.quarter, old, new), "target": t.target,
                      "actual": None, **_cleared_internal(PlanTarget)}
                     for t in _ordered(PlanTarget, plan_id)],
        PlanCommitment: [{"position": c.position, "side": c.side, "text": c.text,
                          "due_on": None, "done": False}
                         for c in _ordered(PlanCommitment, plan_id)],
        PlanActivity: [{"position": a.position, "activity_group": a.activity_group,
                        "title": a.title, "owner_side": a.owner_side,
                        "owner_name": a.owner_name, "due_on": None, "status": "planned",
                        "budget": a.budget, **_cleared_internal(PlanActivity)}
                       for a in _ordered(PlanActivity, plan_id)],
    }
    return values, children


def _cleared_internal(model) -> dict[str, str]:
    """Internal notes stay with the period they were written for: empty in the copy."""
    return dict.fromkeys(model.internal_fields, "")


def plan_exists(partner_id: str, period: str) -> bool:
    return BusinessPlan.live().where(BusinessPlan.partner == partner_id,
                                     BusinessPlan.period == period).exists()


# -- the Plans tab's list -----------------------------------------------------------------------

@dataclass(frozen=True)
class PlanRow:
    id: str
    partner_id: str
    partner_name: str
    period: str
    status: str
    currency: str
    revenue_target: int | None
    average_attainment: Decimal | None
    updated_at: str


def plan_list_ids(search: str = "", status: str | None = None) -> list[str]:
    """Live plans of live partners, by partner name (accent- and case-insensitive), then
    newest period first; ``search`` matches the partner's name or the period.

    Filtered in SQL; the order of periods inside one partner is by meaning (FY2026 before
    2026-H2), which text order cannot give, so that last step is done on the few rows left.
    """
    query = (BusinessPlan.select(BusinessPlan.id, BusinessPlan.partner, BusinessPlan.period,
                                 fn.fold(Partner.name))
             .join(Partner)
             .where(BusinessPlan.deleted == False, Partner.deleted == False))  # noqa: E712
    text = sort_key(search.strip())
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(SQL("(fold(t2.name) LIKE ? ESCAPE '\\' OR "
                                "fold(t1.period) LIKE ? ESCAPE '\\')", (pattern, pattern)))
    if status:
        query = query.where(BusinessPlan.status == status)
    rows = list(query.tuples())
    rows.sort(key=lambda r: (r[3], r[1], tuple(-n for n in _period_key(r[2])), r[0]))
    return [row[0] for row in rows]


def plan_list_rows(ids: list[str]) -> dict[str, PlanRow]:
    """The rows for the given ids, with two aggregate queries instead of one per plan."""
    if not ids:
        return {}
    plans = list(BusinessPlan.select().where(BusinessPlan.id.in_(ids)))
    names = dict(Partner.select(Partner.id, Partner.name)
                 .where(Partner.id.in_({plan.partner_id for plan in plans})).tuples())
    targets: dict[str, list[tuple[str, str, str, int, int | None]]] = {}
    for plan_id, metric, label, quarter, target, actual in (
            PlanTarget.live().select(PlanTarget.plan, PlanTarget.metric, PlanTarget.label,
                                     PlanTarget.quarter, PlanTarget.target, PlanTarget.actual)
            .where(PlanTarget.plan.in_(ids)).order_by(PlanTarget.position).tuples()):
        targets.setdefault(plan_id, []).append((metric, label, quarter, target, actual))
    rows = {}
    for plan in plans:
        rows_of_plan = targets.get(plan.id, [])
        if _ACTUAL_SOURCES:
            try:
                period = Period.parse(plan.period)
                rows_of_plan = [
                    (m, label, q, t, computed_actual(m, plan.partner_id, period, q, a))
                    for m, label, q, t, a in rows_of_plan]
            except PeriodError:
                pass
        lines = roll_up(rows_of_plan)
        revenue = next((line.target for line in lines if line.metric == "revenue"), None)
        known = [line.attainment for line in lines if line.attainment is not None]
        average = (sum(known, Decimal(0)) / len(known)).quantize(Decimal(1)) if known else None
        rows[plan.id] = PlanRow(plan.id, plan.partner_id, names.get(plan.partner_id, ""),
                                plan.period,
                                plan.status, plan.currency, revenue, average,
                                plan.updated_at)
    return rows
