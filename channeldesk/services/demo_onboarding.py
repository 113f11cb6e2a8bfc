"""Demo onboarding: the shipped templates, a checklist for every demo partner in
onboarding at a different stage (just started, half way, overdue, blocked, stalled), and
finished onboardings for some active partners so time to onboard has figures.

Written through the same operations a person uses (each a savepoint inside the demo
transaction), so the rows, the partner's status changes and the "now active" activity
are exactly what the app writes. Runs after the partners and plans hooks (demo_order).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from channeldesk.domain.onboarding import StepCategory, TaskStatus, agreement_type_for
from channeldesk.services.demo_context import DemoContext
from channeldesk.services.onboarding_operations import set_task_status, start_onboarding
from channeldesk.services.onboarding_template_operations import write_shipped
from channeldesk.services.operations import run
from channeldesk.store.database import Store
from channeldesk.store.models import (
    Activity,
    Course,
    OnboardingPlan,
    OnboardingStep,
    OnboardingTemplate,
    Partner,
)
from channeldesk.store.onboarding_queries import tasks_of

# (days since start, share of the due tasks finished, finished late by days, blocked?)
STAGES = ((3, 1.0, 0, False), (12, 1.0, 1, False), (24, 0.6, 3, False),
          (38, 0.8, 2, True), (52, 0.5, 4, False), (66, 1.0, 5, True),
          (80, 0.7, 2, False), (95, 0.9, 3, False), (120, 0.4, 6, True))
COMPLETED = 8  # active partners that went through onboarding here
BLOCK_REASONS = ("Waiting for the partner's legal team to review the liability clause.",
                 "Portal single sign-on fails against the partner's directory; ticket open.",
                 "Their sales lead left; the new one starts next month.")
DEMO_COURSES = (("Nimbus Sales Fundamentals", "foundation", 4),
                ("Nimbus Professional Certification", "professional", 24))


def add_demo(context: DemoContext) -> dict[str, int]:
    """The onboarding feature's demo hook."""
    store, rng = context.store, random.Random(context.seed * 17 + 3)
    activities_before = Activity.select().count()
    context.step(0, 3, "Adding onboarding templates")
    templates = _templates(store)
    context.step(1, 3, "Adding onboarding checklists")
    partners = _just_written(context.partner_names)
    onboarding = [p for p in partners if p.status == "onboarding"]
    for n, partner in enumerate(onboarding):
        _run_checklist(store, rng, partner, templates, context.today, STAGES[n % len(STAGES)])
    context.step(2, 3, "Adding finished onboardings")
    finished = [p for p in partners if p.status == "active"][:COMPLETED]
    for partner in finished:
        _finish_checklist(store, rng, partner, templates, context.today)
    running = len(onboarding)
    finished = len(finished)
    # Each finished onboarding logged the partner becoming active.
    return {"onboarding templates": len(templates), "onboardings": running + finished,
            "activities": Activity.select().count() - activities_before}


def _just_written(names: list[str]) -> list[Partner]:
    """The demo partners this load wrote, in the demo's order: per name the newest one
    never onboarded (a second demo load beside the first leaves the first one's alone)."""
    onboarded = {plan.partner_id for plan in OnboardingPlan.select(OnboardingPlan.partner)}
    newest: dict[str, Partner] = {}
    for partner in Partner.live().where(Partner.name.in_(names)).order_by(Partner.created_at):
        if partner.id not in onboarded:
            newest[partner.name] = partner
    return [newest[name] for name in dict.fromkeys(names) if name in newest]


def _templates(store: Store) -> dict[str, str]:
    """Partner type → template id; the shipped templates are written when none exist."""
    existing = list(OnboardingTemplate.live())
    if not existing:
        run(store, write_shipped)
        _link_training_courses(store)
        existing = list(OnboardingTemplate.live())
    by_name = {t.name: t.id for t in existing}
    fallback = by_name.get("Reseller – Gold") or existing[0].id
    return {"msp": by_name.get("MSP", fallback), "referral": by_name.get("Referral", fallback),
            "": fallback}


def _link_training_courses(store: Store) -> None:
    """Training steps point at a course; demo courses are made only when there are none
    (the Enablement demo adds its own catalogue later)."""
    courses = [c.id for c in Course.live().order_by(Course.title)]
    if not courses:
        courses = [store.insert(Course, {"title": title, "level": level,
                                         "duration_hours": hours, "product": "Nimbus"})
                   for title, level, hours in DEMO_COURSES]
    training = OnboardingStep.live().where(
        OnboardingStep.category == StepCategory.TRAINING.value).order_by(
        OnboardingStep.position)
    for n, step in enumerate(training):
        store.update(OnboardingStep, step.id, {"course": courses[n % len(courses)]})


def _template_for(partner: Partner, templates: dict[str, str]) -> str:
    return templates.get(partner.partner_type, templates[""])


def _run_checklist(store: Store, rng: random.Random, partner: Partner,
                   templates: dict[str, str], today: date, stage: tuple) -> None:
    days, share, late, blocked = stage
    start = today - timedelta(days=days)
    plan_id = start_onboarding(store, partner.id, _template_for(partner, templates), start,
                               partner.owner).value
    due_now = [t for t in tasks_of(plan_id) if t.due_on <= today]
    due_now.sort(key=lambda t: (t.due_on, t.position))
    to_finish = due_now[:max(0, round(len(due_now) * share))]
    for task in to_finish:
        current = next(t for t in tasks_of(plan_id) if t.id == task.id)
        on = min(today, current.due_on + timedelta(days=rng.randint(0, late)))
        _finish(store, partner, current, on)
    if blocked:
        waiting = [t for t in tasks_of(plan_id) if t.status == TaskStatus.OPEN]
        if waiting:
            set_task_status(store, waiting[0].id, TaskStatus.BLOCKED.value, today,
                            rng.choice(BLOCK_REASONS))


def _finish_checklist(store: Store, rng: random.Random, partner: Partner,
                      templates: dict[str, str], today: date) -> None:
    start = today - timedelta(days=rng.randint(150, 420))
    plan_id = start_onboarding(store, partner.id, _template_for(partner, templates), start,
                               partner.owner).value
    pace = rng.uniform(0.6, 1.3)
    for task in sorted(tasks_of(plan_id), key=lambda t: (t.due_on, t.position)):
        current = next(t for t in tasks_of(plan_id) if t.id == task.id)
        if current.status != TaskStatus.OPEN:
            continue
        if not current.required and rng.random() < 0.4:
            set_task_status(store, current.id, TaskStatus.SKIPPED.value, current.due_on)
            continue
        offset = (current.due_on - start).days
        on = min(today, start + timedelta(days=round(offset * pace) + rng.randint(0, 3)))
        _finish(store, partner, current, max(on, start))


def _finish(store: Store, partner: Partner, task, on: date) -> None:
    agreement = None
    if task.category == StepCategory.AGREEMENT:
        kind = agreement_type_for(task.title, partner.partner_type)
        years = 1 if kind == "nda" else 2  # NDAs run out first: the radar shows them
        agreement = {"agreement_type": kind, "status": "signed", "signed_on": on,
                     "expires_on": date(on.year + years, on.month, min(on.day, 28))}
    set_task_status(store, task.id, TaskStatus.DONE.value, on, agreement=agreement)
