"""The SQL behind the Onboarding views: the list of checklists (filtered and sorted in
SQLite, rows fetched by id with their progress), one checklist's tasks, agreements,
evidence, templates, and time to onboard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import peewee

from channeldesk.domain.onboarding import ChecklistStatus, median_days
from channeldesk.domain.onboarding_document import (
    AgreementItem,
    ChecklistItem,
    OnboardingDocument,
)
from channeldesk.domain.onboarding_schedule import TaskTiming
from channeldesk.domain.text_order import sort_key
from channeldesk.store.lenient import stored_date
from channeldesk.store.models import (
    Agreement,
    OnboardingEvidence,
    OnboardingPlan,
    OnboardingStep,
    OnboardingTask,
    OnboardingTemplate,
)

STALL_DAYS_SQL = 14
_TASKS = "FROM onboarding_task x WHERE x.plan_id = op.id AND x.deleted = 0"
_UNFINISHED = "x.status IN ('open', 'blocked')"
TOTAL = f"(SELECT count(*) {_TASKS})"
FINISHED = f"(SELECT count(*) {_TASKS} AND x.status IN ('done', 'skipped'))"
OVERDUE = f"(SELECT count(*) {_TASKS} AND {_UNFINISHED} AND x.due_on < :today)"
NEXT_DUE = f"(SELECT min(x.due_on) {_TASKS} AND {_UNFINISHED})"
EXPECTED = f"(SELECT max(x.due_on) {_TASKS} AND {_UNFINISHED})"
LAST_PROGRESS = f"coalesce((SELECT max(x.done_on) {_TASKS}), op.started_on)"


class OnboardingSort(StrEnum):
    PARTNER = "partner"
    TEMPLATE = "template"
    OWNER = "owner"
    PROGRESS = "progress"
    NEXT_DUE = "next_due"
    OVERDUE = "overdue"
    STARTED = "started"
    DAYS = "days"
    EXPECTED = "expected"


_SORT_SQL: dict[OnboardingSort, str] = {
    OnboardingSort.PARTNER: "fold(p.name)",
    OnboardingSort.TEMPLATE: "fold(t.name)",
    OnboardingSort.OWNER: "fold(op.owner)",
    OnboardingSort.PROGRESS: f"(1.0 * {FINISHED} / max(1, {TOTAL}))",
    OnboardingSort.NEXT_DUE: f"coalesce({NEXT_DUE}, '9999')",
    OnboardingSort.OVERDUE: OVERDUE,
    OnboardingSort.STARTED: "op.started_on",
    OnboardingSort.DAYS: ("julianday(coalesce(op.completed_on, :today)) "
                          "- julianday(op.started_on)"),
    OnboardingSort.EXPECTED: f"coalesce({EXPECTED}, '9999')",
}


@dataclass(frozen=True)
class OnboardingFilter:
    """What the user narrowed the list to. ``status`` '' shows every checklist."""

    text: str = ""
    status: str = ChecklistStatus.ACTIVE.value
    template_id: str = ""
    owner: str = ""
    overdue_only: bool = False
    stalled_only: bool = False


@dataclass(frozen=True)
class OnboardingRow:
    """One line of the Onboarding table."""

    id: str
    partner_id: str
    partner: str
    template: str
    owner: str
    started_on: date
    status: str
    completed_on: date | None
    behind_template: bool
    total: int
    finished: int
    overdue: int
    blocked: int
    next_title: str
    next_due: date | None
    expected: date | None
    last_progress: date


def _day(text: str | None) -> date | None:
    return stored_date(text, "onboarding dates")


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(flt: OnboardingFilter, today: date) -> tuple[str, dict]:
    clauses = ["op.deleted = 0", "p.deleted = 0"]
    params: dict = {"today": today.isoformat()}
    if flt.status:
        clauses.append("op.status = :status")
        params["status"] = flt.status
    for n, term in enumerate(flt.text.split()):
        clauses.append(f"(fold(p.name) LIKE :folded{n} ESCAPE '\\' OR t.name LIKE :term{n} "
                       f"ESCAPE '\\' OR op.owner LIKE :term{n} ESCAPE '\\')")
        params[f"folded{n}"], params[f"term{n}"] = _like(sort_key(term)), _like(term)
    if flt.template_id:
        clauses.append("op.template_id = :template")
        params["template"] = flt.template_id
    if flt.owner:
        clauses.append("op.owner = :owner")
        params["owner"] = flt.owner
    if flt.overdue_only:
        clauses.append(f"EXISTS (SELECT 1 {_TASKS} AND {_UNFINISHED} AND x.due_on < :today)")
    if flt.stalled_only:
        params["stalled_before"] = date.fromordinal(
            today.toordinal() - STALL_DAYS_SQL).isoformat()
        clauses.append(f"op.status = 'active' AND {LAST_PROGRESS} < :stalled_before")
    return " AND ".join(clauses), params


_FROM = ("FROM onboarding_plan op JOIN partner p ON p.id = op.partner_id "
         "LEFT JOIN onboarding_template t ON t.id = op.template_id")


def onboarding_ids(db: peewee.Database, flt: OnboardingFilter, today: date,
                   sort: OnboardingSort = OnboardingSort.PARTNER,
                   descending: bool = False) -> list[str]:
    """Ids of the checklists that match, in display order (ties by partner name, id)."""
    where, params = _where(flt, today)
    direction = "DESC" if descending else "ASC"
    sql = (f"SELECT op.id {_FROM} WHERE {where} "
           f"ORDER BY {_SORT_SQL[sort]} {direction}, fold(p.name), op.id")
    return [row[0] for row in db.connection().execute(sql, params)]


_TASK_FIGURES = """
SELECT x.plan_id, count(*),
       sum(x.status IN ('done', 'skipped')),
       sum(x.status IN ('open', 'blocked') AND x.due_on < :today),
       sum(x.status = 'blocked'),
       max(CASE WHEN x.status IN ('open', 'blocked') THEN x.due_on END),
       max(x.done_on)
FROM onboarding_task x WHERE x.deleted = 0 AND x.plan_id IN ({marks}) GROUP BY x.plan_id"""

_NEXT_TASKS = """
SELECT plan_id, title, due_on FROM (
    SELECT x.plan_id, x.title, x.due_on, row_number() OVER (
        PARTITION BY x.plan_id ORDER BY x.due_on, x.position) AS n
    FROM onboarding_task x WHERE x.deleted = 0 AND x.status IN ('open', 'blocked')
    AND x.plan_id IN ({marks})) WHERE n = 1"""


def onboarding_rows(db: peewee.Database, ids: Sequence[str], today: date
                    ) -> dict[str, OnboardingRow]:
    """The table rows for these ids, progress and next task included: three queries for
    a block of rows (the plans, their task figures grouped, their next tasks), each one
    pass over the tasks of those plans by index."""
    if not ids:
        return {}
    marks = ", ".join(f":id{n}" for n in range(len(ids)))
    params = {"today": today.isoformat(), **{f"id{n}": i for n, i in enumerate(ids)}}
    conn = db.connection()
    figures = {v[0]: v[1:] for v in conn.execute(_TASK_FIGURES.format(marks=marks), params)}
    upcoming = {v[0]: v[1:] for v in conn.execute(_NEXT_TASKS.format(marks=marks), params)}
    sql = (f"SELECT op.id, op.partner_id, p.name, coalesce(t.name, ''), op.owner, "
           f"op.started_on, op.status, op.completed_on, "
           f"coalesce(t.revision, 0) > op.template_revision AND op.status = 'active' "
           f"{_FROM} WHERE op.id IN ({marks})")
    rows = {}
    for v in conn.execute(sql, params):
        total, finished, overdue, blocked, expected, last_done = figures.get(
            v[0], (0, 0, 0, 0, None, None))
        next_title, next_due = upcoming.get(v[0], ("", None))
        # An unreadable start (the list marks it "(invalid)") counts as today, so the
        # row's figures still add up and nothing raises.
        started = _day(v[5]) or today
        rows[v[0]] = OnboardingRow(
            v[0], v[1], v[2], v[3], v[4], started, v[6], _day(v[7]), bool(v[8]),
            total, finished or 0, overdue or 0, blocked or 0, next_title, _day(next_due),
            _day(expected), max(started, _day(last_done) or started))
    return rows


def count_checklists(db: peewee.Database, status: str = ChecklistStatus.ACTIVE.value) -> int:
    sql = (f"SELECT count(*) {_FROM} WHERE op.deleted = 0 AND p.deleted = 0"
           + (" AND op.status = ?" if status else ""))
    return db.connection().execute(sql, (status,) if status else ()).fetchone()[0]


def owners_in_use(db: peewee.Database) -> list[str]:
    rows = db.connection().execute(
        "SELECT DISTINCT owner FROM onboarding_plan WHERE deleted = 0 AND owner != '' "
        "ORDER BY owner")
    return [row[0] for row in rows]


# -- one checklist ------------------------------------------------------------------------------

def active_plan_of(partner_id: str) -> OnboardingPlan | None:
    """The partner's running checklist, if it has one."""
    return (OnboardingPlan.live()
            .where(OnboardingPlan.partner == partner_id,
                   OnboardingPlan.status == ChecklistStatus.ACTIVE.value)
            .order_by(OnboardingPlan.started_on.desc()).first())


def partners_in_onboarding() -> set[str]:
    """Ids of the partners with a running checklist."""
    return {plan.partner_id for plan in OnboardingPlan.live().where(
        OnboardingPlan.status == ChecklistStatus.ACTIVE.value)}


def tasks_of(plan_id: str) -> list[OnboardingTask]:
    return list(OnboardingTask.live().where(OnboardingTask.plan == plan_id)
                .order_by(OnboardingTask.position, OnboardingTask.id))


def timings_of(tasks: Sequence[OnboardingTask]) -> list[TaskTiming]:
    """The tasks as the schedule sees them (keys are the task ids)."""
    return [TaskTiming(t.id, t.offset_days, t.after_task_id, t.due_on, t.status, t.done_on,
                       t.title) for t in tasks]


def evidence_of(task_id: str) -> list[OnboardingEvidence]:
    return list(OnboardingEvidence.live().where(OnboardingEvidence.task == task_id)
                .order_by(OnboardingEvidence.added_on, OnboardingEvidence.id))


def evidence_counts(plan_id: str) -> dict[str, int]:
    rows = (OnboardingEvidence.select(OnboardingEvidence.task, peewee.fn.count(1))
            .join(OnboardingTask)
            .where(OnboardingEvidence.deleted == False,  # noqa: E712
                   OnboardingTask.plan == plan_id)
            .group_by(OnboardingEvidence.task).tuples())
    return dict(rows)


def agreements_of(partner_id: str) -> list[Agreement]:
    return list(Agreement.live().where(Agreement.partner == partner_id)
                .order_by(Agreement.agreement_type, Agreement.signed_on.desc()))


# -- templates ------------------------------------------------------------------------------------

def templates() -> list[OnboardingTemplate]:
    return list(OnboardingTemplate.live().order_by(peewee.fn.fold(OnboardingTemplate.name),
                                                   OnboardingTemplate.id))


def steps_of(template_id: str) -> list[OnboardingStep]:
    return list(OnboardingStep.live().where(OnboardingStep.template == template_id)
                .order_by(OnboardingStep.position, OnboardingStep.id))


def any_template_ever() -> bool:
    """Whether templates were ever made here (deleted ones count: the team chose)."""
    return OnboardingTemplate.select().exists()


def checklists_using(template_id: str) -> list[str]:
    """Partner names of the running checklists started from a template."""
    rows = (OnboardingPlan.live()
            .where(OnboardingPlan.template == template_id,
                   OnboardingPlan.status == ChecklistStatus.ACTIVE.value))
    return sorted(plan.partner.name for plan in rows)


def suggested_template(partner_type: str, tier: str) -> OnboardingTemplate | None:
    """The template made for this partner type and tier, else for the type, else any."""
    found = templates()
    for wanted in ((partner_type, tier), (partner_type, ""), ("", "")):
        match = next((t for t in found if (t.partner_type, t.tier) == wanted), None)
        if match is not None:
            return match
    return next((t for t in found if t.partner_type == partner_type), None) or \
        (found[0] if found else None)


# -- time to onboard ------------------------------------------------------------------------------

@dataclass(frozen=True)
class OnboardTime:
    partner: str
    started_on: date
    completed_on: date
    days: int


def onboard_times(db: peewee.Database) -> list[OnboardTime]:
    """Every completed onboarding, quickest first."""
    rows = db.connection().execute(
        f"SELECT p.name, op.started_on, op.completed_on {_FROM} WHERE op.deleted = 0 "
        "AND p.deleted = 0 AND op.status = 'completed' AND op.completed_on IS NOT NULL")
    times = []
    for name, started, completed in rows:
        start, end = _day(started), _day(completed)
        if start is None or end is None:
            continue  # an unreadable date measures nothing
        times.append(OnboardTime(name, start, end, max(0, (end - start).days)))
    return sorted(times, key=lambda t: (t.days, t.partner))


def median_onboard_days(db: peewee.Database) -> float | None:
    return median_days(t.days for t in onboard_times(db))


# -- the partner pack ----------------------------------------------------------------------------

def onboarding_document(partner_id: str, _today: date) -> OnboardingDocument | None:
    """The partner's latest onboarding for the pack (None when it never had one); task
    notes and internal notes are internal-only and stay behind."""
    plan = (OnboardingPlan.live().where(OnboardingPlan.partner == partner_id)
            .order_by(OnboardingPlan.started_on.desc(), OnboardingPlan.id.desc()).first())
    if plan is None:
        return None
    items = tuple(ChecklistItem(t.title, t.category, t.owner_side, t.required, t.due_on,
                                t.status, t.done_on, t.blocked_reason)
                  for t in sorted(tasks_of(plan.id), key=lambda t: (t.due_on, t.position)))
    agreements = tuple(AgreementItem(a.agreement_type, a.status, a.signed_on, a.expires_on)
                       for a in agreements_of(partner_id))
    template = OnboardingTemplate.get_or_none(OnboardingTemplate.id == plan.template_id)
    return OnboardingDocument(template.name if template else "", plan.started_on,
                              plan.status, plan.completed_on, items, agreements)
