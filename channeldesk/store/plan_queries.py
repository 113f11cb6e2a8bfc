"""Reading business plans: finding a partner's plan, loading it as a partner-facing
document, the engagement side of a scorecard, and the values to copy a plan forward.

Internal-only fields (marked in each table's description, ``Model.internal_fields``) never
leave this module in a document: the builders downstream cannot leak what they are never
given, and a copy to the next period starts them empty.

Actual values are typed into the plan, except for metrics a feature measures (certified
people from Enablement, MDF paid from Incentives: ``plan_actuals`` in the feature list);
their measured value replaces the typed one.
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
from channeldesk.domain.plan import (
    Period,
    PeriodError,
    carry_quarter,
    headline,
    roll_up,
)
from channeldesk.domain.plan_document import (
    CommitmentItem,
    EngagementSummary,
    PlanActivityItem,
    PlanDocument,
    SignatureItem,
)
from channeldesk.domain.text_order import sort_key
from channeldesk.features import parts
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
    """Compute a metric's actual with ``source`` instead of the features' providers (tests,
    scripts); ``name`` (such as "Enablement") tells the user where the figure comes from."""
    _ACTUAL_SOURCES[metric] = source
    _SOURCE_NAMES[metric] = name


def unregister_actual_source(metric: str) -> None:
    _ACTUAL_SOURCES.pop(metric, None)
    _SOURCE_NAMES.pop(metric, None)


def _feature_sources() -> dict[str, tuple[str, Callable[..., int | None]]]:
    """metric → (feature title, provider) for every ``plan_actuals`` provider of the
    feature list; a provider names the metrics it measures in ``provider.metrics``."""
    found: dict[str, tuple[str, Callable[..., int | None]]] = {}
    for feature, provider in parts("plan_actuals"):
        for metric in getattr(provider, "metrics", ()):
            found.setdefault(metric, (feature.title.replace("&", ""), provider))
    return found


def actual_source_name(metric: str) -> str | None:
    """Where a metric's actual is computed from, or None when it is entered by hand."""
    if metric in _ACTUAL_SOURCES:
        return _SOURCE_NAMES.get(metric)
    found = _feature_sources().get(metric)
    return found[0] if found else None


def _measured(metric: str, partner_id: str, period: Period, quarter: str,
              currency: str) -> int | None:
    """The actual a registered source or a feature measures, over the quarter (when the
    row is for one) or the whole period; None where nothing measures it."""
    source = _ACTUAL_SOURCES.get(metric)
    if source is not None:
        return source(partner_id, period, quarter)
    found = _feature_sources().get(metric)
    if found is None:
        return None
    try:
        span = Period.parse(quarter) if quarter else period
    except PeriodError:
        span = period
    return found[1](BusinessPlan._meta.database, partner_id, metric, span.start(),
                    span.end(), currency)


def source_actual(row: PlanTarget) -> int | None:
    """A target row's actual as its source computes it; None where nothing measures the
    metric or there is no data (then the entered actual stands)."""
    plan = row.plan
    try:
        period = Period.parse(plan.period)
    except PeriodError:
        return None
    return _measured(row.metric, plan.partner_id, period, row.quarter, plan.currency)


def target_actual(row: PlanTarget) -> int | None:
    """A target row's actual as shown: computed where a source has data, else entered."""
    computed = source_actual(row)
    return row.actual if computed is None else computed


def computed_actual(metric: str, partner_id: str, period: Period, quarter: str,
                    entered: int | None, currency: str = "") -> int | None:
    """The computed actual where a source has data, otherwise what was entered."""
    value = _measured(metric, partner_id, period, quarter, currency)
    return entered if value is None else value


def measures_actuals() -> bool:
    """Whether any metric's actual is computed rather than typed in."""
    return bool(_ACTUAL_SOURCES or _feature_sources())


# -- finding ---------------------------------------------------------------------------------

def find_partners(name_or_id: str) -> list[Partner]:
    """Partners matching an id exactly, else a name exactly, else a name containing the
    text; names compare as the app's search does (case and accents ignored: "lodz" finds
    "Łódź"). More than one match means the caller must ask for the id."""
    text = (name_or_id or "").strip()
    if not text:
        return []
    by_id = Partner.live().where(Partner.id == text)
    if by_id.exists():
        return list(by_id)
    partners = list(Partner.live().order_by(Partner.name))
    folded = sort_key(text)
    exact = [p for p in partners if sort_key(p.name) == folded]
    return exact or [p for p in partners if folded in sort_key(p.name)]


def plans_of(partner_id: str) -> list[BusinessPlan]:
    """A partner's live plans, newest period first (the latest revision first within
    one period)."""
    plans = list(BusinessPlan.live().where(BusinessPlan.partner == partner_id))
    return sorted(plans, key=lambda p: (_period_key(p.period), p.revision or 1), reverse=True)


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
        actual = (computed_actual(row.metric, partner.id, period, row.quarter, row.actual,
                                  plan.currency) if period else row.actual)
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
            SignatureItem(s.side, s.name, s.title or _contact_role(partner.id, s), s.signed_on)
            for s in PlanSignature.live().where(PlanSignature.plan == plan_id)
            .order_by(PlanSignature.side.desc())),
        partner_logo=_logo(plan.partner_logo, blobs),
    )


def _contact_role(partner_id: str, signature: PlanSignature) -> str:
    """A partner signer's title left blank: the role of the contact of that name, so the
    signature block and the contact list say the same."""
    if signature.side != "partner" or not signature.name:
        return ""
    contact = (Contact.live().where(Contact.partner == partner_id,
                                    Contact.name == signature.name).first())
    return contact.role if contact else ""


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


def load_engagement(partner_id: str, today: date, months: int = 12,
                    period: Period | None = None) -> EngagementSummary:
    """Activities per month, last QBR, last touchpoint, contacts.

    Over ``period`` when given (its months up to ``today``; the last QBR and touchpoint
    up to its end), else over the last ``months`` to ``today``. Only activities a partner
    may see count (internal-only ones are left out). The last QBR is the last activity of
    kind QBR, or failing that the last meeting.
    """
    until = min(period.end(), today) if period else today
    month_keys = (_months_between(period.start(), until) if period
                  else _last_months(today, months))
    visible = Activity.live().where(Activity.partner == partner_id,
                                    Activity.internal_only == False)  # noqa: E712
    counts: Counter[str] = Counter()
    last_activity = last_qbr = last_meeting = None
    for kind, occurred in visible.select(Activity.kind, Activity.occurred_on).tuples():
        day = stored_date(occurred, "activity.occurred_on")
        if day is None or day > until:
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


def _months_between(start: date, end: date) -> list[str]:
    """'YYYY-MM' keys from ``start``'s month to ``end``'s, oldest first (none if the
    period has not started)."""
    keys = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return keys


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


def amendment_values(plan_id: str) -> tuple[dict[str, Any], dict[type, list[dict[str, Any]]]]:
    """The values of the next revision of a signed plan: the same partner and period,
    every part as it stands (actuals, done commitments and dates kept), and signature
    lines with the same signers left unsigned (no date), so both sides sign again."""
    plan = BusinessPlan.get_by_id(plan_id)
    values = {"partner": plan.partner_id, "period": plan.period, "status": "draft",
              "title": plan.title, "currency": plan.currency, "summary": plan.summary,
              "partner_logo": plan.partner_logo, "internal_notes": plan.internal_notes,
              "amends": plan.id, "revision": (plan.revision or 1) + 1}
    children: dict[type, list[dict[str, Any]]] = {
        PlanObjective: [{"position": o.position, "text": o.text}
                        for o in _ordered(PlanObjective, plan_id)],
        PlanTarget: [{"position": t.position, "metric": t.metric, "label": t.label,
                      "quarter": t.quarter, "target": t.target, "actual": t.actual,
                      "internal_notes": t.internal_notes}
                     for t in _ordered(PlanTarget, plan_id)],
        PlanCommitment: [{"position": c.position, "side": c.side, "text": c.text,
                          "due_on": c.due_on, "done": c.done}
                         for c in _ordered(PlanCommitment, plan_id)],
        PlanActivity: [{"position": a.position, "activity_group": a.activity_group,
                        "title": a.title, "owner_side": a.owner_side,
                        "owner_name": a.owner_name, "due_on": a.due_on, "status": a.status,
                        "budget": a.budget, "internal_notes": a.internal_notes}
                       for a in _ordered(PlanActivity, plan_id)],
        PlanSignature: [{"side": s.side, "name": s.name, "title": s.title, "signed_on": None}
                        for s in PlanSignature.live().where(PlanSignature.plan == plan_id)
                        .order_by(PlanSignature.side.desc())],
    }
    return values, children


def plan_signers(plan_id: str) -> str:
    """Who signed a plan and when, in one line: "Ana Ruiz on 2026-01-12, Bo Li on …"."""
    return ", ".join(
        f"{s.name} on {s.signed_on}" if s.signed_on else s.name
        for s in PlanSignature.live().where(PlanSignature.plan == plan_id)
        .order_by(PlanSignature.side.desc()) if s.name)


def amendment_of(plan_id: str) -> BusinessPlan | None:
    """The live revision that amends this plan, if one was started."""
    return BusinessPlan.live().where(BusinessPlan.amends == plan_id).first()


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
    primary_label: str
    """The metric the headline attainment is of: revenue, else the plan's first target."""
    primary_attainment: Decimal | None
    targets_met: int
    targets_total: int
    updated_at: str
    revision: int = 1


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


def plan_count() -> int:
    """Live plans of live partners: the "of N" of the Plans list's count."""
    return (BusinessPlan.live().join(Partner)
            .where(Partner.deleted == False).count())  # noqa: E712 (peewee expression)


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
    measured = measures_actuals()
    for plan in plans:
        rows_of_plan = targets.get(plan.id, [])
        if measured:
            try:
                period = Period.parse(plan.period)
                rows_of_plan = [
                    (m, label, q, t, computed_actual(m, plan.partner_id, period, q, a,
                                                     plan.currency))
                    for m, label, q, t, a in rows_of_plan]
            except PeriodError:
                pass
        lines = roll_up(rows_of_plan)
        revenue = next((line.target for line in lines if line.metric == "revenue"), None)
        # One metric leads, by the same rule as the PDFs (domain.plan.headline): an
        # average of revenue and MDF spend attainment means nothing to anyone.
        top = headline(lines)
        rows[plan.id] = PlanRow(plan.id, plan.partner_id, names.get(plan.partner_id, ""),
                                plan.period, plan.status, plan.currency, revenue,
                                top.primary.label if top.primary else "", top.attainment,
                                top.met, top.measured,
                                plan.updated_at, plan.revision or 1)
    return rows
