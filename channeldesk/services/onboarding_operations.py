"""Working an onboarding checklist, each action one undoable operation: start it from a
template, finish / skip / block / reopen a task (the partner becomes active with the last
required task), move a due date with its dependants, attach evidence, record an
agreement, apply a changed template.

Qt-free: the Onboarding tab wraps each in one ``OperationCommand``; tests call them
directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from channeldesk.domain.onboarding import (
    FINISHED,
    ChecklistStatus,
    TaskStatus,
    ready_to_activate,
    validate_agreement,
)
from channeldesk.domain.onboarding_schedule import (
    DateChange,
    ScheduleError,
    StepTiming,
    after_completion,
    due_dates,
    move_due_date,
)
from channeldesk.domain.partner import ActivityKind, PartnerStatus
from channeldesk.services.operations import Operation, OperationRefused, Recorder, run
from channeldesk.store.blobs import BlobError
from channeldesk.store.database import Store, new_id
from channeldesk.store.models import (
    Activity,
    Agreement,
    OnboardingEvidence,
    OnboardingPlan,
    OnboardingTask,
    OnboardingTemplate,
    Partner,
)
from channeldesk.store.onboarding_queries import active_plan_of, steps_of, tasks_of, timings_of


@dataclass(frozen=True)
class PlannedTask:
    """A task as "Start onboarding" shows it before anything is written."""

    title: str
    due_on: date
    required: bool
    owner_side: str


def _live(model, row_id: str, what: str):
    row = model.get_or_none(model.id == row_id)
    if row is None or row.deleted:
        raise OperationRefused(f"That {what} is no longer there (deleted, perhaps on another "
                               "device).")
    return row


def preview_start(template_id: str, started_on: date) -> list[PlannedTask]:
    """The checklist a template makes when started on ``started_on``, by due date."""
    steps = steps_of(template_id)
    if not steps:
        raise OperationRefused("This template has no steps yet. Add steps in Settings › "
                               "Onboarding templates first.")
    try:
        due = due_dates(started_on, [StepTiming(s.id, s.offset_days, s.after_step_id,
                                                s.title) for s in steps])
    except ScheduleError as error:
        raise OperationRefused(f"The template's steps cannot be scheduled: {error}") from None
    planned = [PlannedTask(s.title, due[s.id], s.required, s.owner_side) for s in steps]
    return sorted(planned, key=lambda t: t.due_on)


def start_onboarding(store: Store, partner_id: str, template_id: str, started_on: date,
                     owner: str = "") -> Operation[str]:
    """The template becomes the partner's checklist with real due dates; the partner's
    status becomes "Onboarding". The value is the new checklist's id."""
    def write(recorder: Recorder) -> str:
        partner = _live(Partner, partner_id, "partner")
        template = _live(OnboardingTemplate, template_id, "template")
        if active_plan_of(partner_id) is not None:
            raise OperationRefused(f"{partner.name} is already in onboarding. Open it in the "
                                   "Onboarding tab.")
        preview_start(template_id, started_on)  # refuses an empty or circular template
        steps = steps_of(template_id)
        due = due_dates(started_on, [StepTiming(s.id, s.offset_days, s.after_step_id)
                                     for s in steps])
        plan_id = recorder.insert(OnboardingPlan, {
            "partner": partner_id, "template": template_id,
            "template_revision": template.revision, "started_on": started_on,
            "status": ChecklistStatus.ACTIVE.value, "owner": owner or partner.owner})
        task_ids = {s.id: new_id() for s in steps}
        recorder.insert_many(OnboardingTask, [
            _task_values(plan_id, step, task_ids, due[step.id], position)
            for position, step in enumerate(steps)])
        if partner.status != PartnerStatus.ONBOARDING:
            recorder.update(Partner, partner_id, {"status": PartnerStatus.ONBOARDING.value})
        return plan_id

    return run(store, write)


def _task_values(plan_id: str, step, task_ids: dict[str, str], due_on: date,
                 position: int) -> dict[str, Any]:
    return {"id": task_ids[step.id], "plan": plan_id, "step": step.id, "position": position,
            "title": step.title, "category": step.category, "owner_side": step.owner_side,
            "assignee": "", "offset_days": step.offset_days,
            "after_task": task_ids.get(step.after_step_id) if step.after_step_id else None,
            "required": step.required, "course": step.course_id,
            "description": step.description, "due_on": due_on,
            "status": TaskStatus.OPEN.value, "blocked_reason": "", "done_on": None,
            "notes": ""}


# -- task status --------------------------------------------------------------------------

@dataclass(frozen=True)
class StatusOutcome:
    """What a status change did beyond the task: due dates moved, partner activated."""

    moved: tuple[DateChange, ...] = ()
    activated: str = ""  # the partner's name when it became active


def set_task_status(store: Store, task_id: str, status: str, on: date, reason: str = "",
                    agreement: dict[str, Any] | None = None) -> Operation[StatusOutcome]:
    """Done, skipped, blocked (with a reason) or open again. Finishing a task counts the
    steps that wait for it from ``on``; the last required task done makes the partner
    active (same step, logged as an activity). ``agreement`` (for an agreement task)
    records the agreement it produced."""
    if status == TaskStatus.BLOCKED and not reason.strip():
        raise OperationRefused("Say why the task is blocked, so whoever picks it up knows "
                               "what to chase.")
    if agreement is not None:
        problems = validate_agreement(agreement)
        if problems:
            raise OperationRefused(next(iter(problems.values())))

    def write(recorder: Recorder) -> StatusOutcome:
        task = _live(OnboardingTask, task_id, "task")
        plan = _live(OnboardingPlan, task.plan_id, "onboarding")
        if status == TaskStatus.SKIPPED and task.required:
            raise OperationRefused(f"“{task.title}” is required, so it cannot be skipped. "
                                   "Mark it blocked with a reason, or make the step optional "
                                   "in the template.")
        if status in FINISHED and on < plan.started_on:
            raise OperationRefused(f"{on.isoformat()} is before the onboarding started "
                                   f"({plan.started_on.isoformat()}).")
        finished = status in FINISHED
        recorder.update(OnboardingTask, task_id, {
            "status": status, "done_on": on if finished else None,
            "blocked_reason": reason.strip() if status == TaskStatus.BLOCKED else ""})
        moved: list[DateChange] = []
        if finished:
            moved = after_completion(timings_of(tasks_of(plan.id)), task_id, on)
            for change in moved:
                recorder.update(OnboardingTask, change.key, {"due_on": change.after})
        if agreement is not None:
            recorder.insert(Agreement, {**agreement, "partner": plan.partner_id,
                                        "task": task_id})
        activated = _activate_if_complete(recorder, plan, on) if finished else ""
        if not finished and plan.status == ChecklistStatus.COMPLETED:
            recorder.update(OnboardingPlan, plan.id, {"status": ChecklistStatus.ACTIVE.value,
                                                      "completed_on": None})
        return StatusOutcome(tuple(moved), activated)

    return run(store, write)


def _activate_if_complete(recorder: Recorder, plan: OnboardingPlan, on: date) -> str:
    """When every required task is done: checklist completed, partner active, logged."""
    tasks = tasks_of(plan.id)
    if plan.status != ChecklistStatus.ACTIVE or not ready_to_activate(
            (t.required, t.status) for t in tasks):
        return ""
    partner = plan.partner
    recorder.update(OnboardingPlan, plan.id, {"status": ChecklistStatus.COMPLETED.value,
                                              "completed_on": on})
    recorder.update(Partner, partner.id, {"status": PartnerStatus.ACTIVE.value})
    days = max(0, (on - plan.started_on).days)
    recorder.insert(Activity, {
        "partner": partner.id, "kind": ActivityKind.MEETING.value, "occurred_on": on,
        "subject": "Onboarding complete: partner is active",
        "notes": f"Every required onboarding task is done ({plan.template.name}); "
                 f"{days} days from start to active.",
        "internal_only": False})
    return partner.name


# -- due dates --------------------------------------------------------------------------

def preview_move(task_id: str, new_due: date) -> list[DateChange]:
    """What moving a task's due date moves, before anything is written; ScheduleError
    (worded for people) for a date before the start."""
    task = _live(OnboardingTask, task_id, "task")
    plan = task.plan
    return move_due_date(timings_of(tasks_of(plan.id)), task_id, new_due, plan.started_on)


def move_due(store: Store, task_id: str, new_due: date) -> Operation[list[DateChange]]:
    """Move a due date and its open dependants' with it, as one step."""
    def write(recorder: Recorder) -> list[DateChange]:
        try:
            changes = preview_move(task_id, new_due)
        except ScheduleError as error:
            raise OperationRefused(str(error)) from None
        for change in changes:
            recorder.update(OnboardingTask, change.key, {"due_on": change.after})
        return changes

    return run(store, write)


# -- evidence and agreements ---------------------------------------------------------------

def store_file(store: Store, path: Path | str) -> str:
    """Copy a chosen file into the blob store; its hash. A missing or unreadable file is
    refused with a sentence saying which and why (nothing is stored)."""
    source = Path(path)
    if not source.is_file():
        raise OperationRefused(f"“{source.name}” is not there any more ({source.parent}). "
                               "Choose the file again.")
    try:
        return store.blobs.put_file(source)
    except OSError as error:
        raise OperationRefused(f"“{source.name}” could not be read ({error.strerror or error})."
                               " Check that you may open it, then try again.") from error
    except BlobError as error:
        raise OperationRefused(str(error)) from error


def add_evidence(store: Store, task_id: str, path: Path | str, on: date) -> Operation[str]:
    """Attach a file to a task as evidence; the value is the evidence row's id."""
    sha256 = store_file(store, path)

    def write(recorder: Recorder) -> str:
        _live(OnboardingTask, task_id, "task")
        return recorder.insert(OnboardingEvidence, {"task": task_id,
                                                    "file_name": Path(path).name,
                                                    "file": sha256, "added_on": on})

    return run(store, write)


def save_agreement(store: Store, partner_id: str, agreement_id: str | None,
                   values: dict[str, Any], signed_copy: Path | str | None = None
                   ) -> Operation[str]:
    """Record or change an agreement (with its signed copy, if one was chosen)."""
    problems = validate_agreement(values)
    if problems:
        raise OperationRefused(next(iter(problems.values())))
    extra = {}
    if signed_copy:
        extra = {"signed_file": store_file(store, signed_copy),
                 "file_name": Path(signed_copy).name}

    def write(recorder: Recorder) -> str:
        _live(Partner, partner_id, "partner")
        if agreement_id is None:
            return recorder.insert(Agreement, {**values, **extra, "partner": partner_id})
        _live(Agreement, agreement_id, "agreement")
        recorder.update(Agreement, agreement_id, {**values, **extra})
        return agreement_id

    return run(store, write)


# -- template changes ----------------------------------------------------------------------

@dataclass(frozen=True)
class TemplateChanges:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def text(self) -> str:
        parts = [f"{len(items)} {what}" for items, what in (
            (self.added, "new"), (self.changed, "changed"), (self.removed, "removed"))
            if items]
        return ", ".join(parts) if parts else "no task changes"


_STEP_COPY = ("title", "category", "owner_side", "required", "description", "offset_days")


def template_changes(plan_id: str) -> TemplateChanges:
    """What applying the template's current steps would change on the unfinished tasks."""
    plan = _live(OnboardingPlan, plan_id, "onboarding")
    tasks = {t.step_id: t for t in tasks_of(plan_id) if t.step_id}
    steps = steps_of(plan.template_id)
    added = tuple(s.title for s in steps if s.id not in tasks)
    changed = tuple(s.title for s in steps if s.id in tasks
                    and tasks[s.id].status not in FINISHED
                    and any(getattr(s, f) != getattr(tasks[s.id], f) for f in _STEP_COPY))
    live_steps = {s.id for s in steps}
    removed = tuple(t.title for step_id, t in tasks.items()
                    if step_id not in live_steps and t.status not in FINISHED)
    return TemplateChanges(added, changed, removed)


def apply_template_changes(store: Store, plan_id: str, today: date
                           ) -> Operation[TemplateChanges]:
    """Bring a running checklist up to its template's current steps: new steps become
    tasks (due from today at the earliest), unfinished tasks take the steps' changes,
    unfinished tasks of removed steps go. Finished tasks are never touched."""
    def write(recorder: Recorder) -> TemplateChanges:
        plan = _live(OnboardingPlan, plan_id, "onboarding")
        summary = template_changes(plan_id)
        template = plan.template
        tasks = {t.step_id: t for t in tasks_of(plan_id) if t.step_id}
        steps = steps_of(template.id)
        for step in steps:
            task = tasks.get(step.id)
            if task is not None and task.status not in FINISHED:
                recorder.update(OnboardingTask, task.id,
                                {f: getattr(step, f) for f in _STEP_COPY})
        new_steps = [s for s in steps if s.id not in tasks]
        if new_steps:
            _add_tasks_for(recorder, plan, steps, new_steps, tasks, today)
        live_steps = {s.id for s in steps}
        for step_id, task in tasks.items():
            if step_id not in live_steps and task.status not in FINISHED:
                recorder.delete(OnboardingTask, task.id)
        recorder.update(OnboardingPlan, plan_id, {"template_revision": template.revision})
        return summary

    return run(store, write)


def _add_tasks_for(recorder: Recorder, plan: OnboardingPlan, steps, new_steps,
                   tasks: dict[str, OnboardingTask], today: date) -> None:
    due = due_dates(plan.started_on, [StepTiming(s.id, s.offset_days, s.after_step_id)
                                      for s in steps])
    task_ids = {s.id: t.id for s_id, t in tasks.items() for s in steps if s.id == s_id}
    task_ids.update({s.id: new_id() for s in new_steps})
    rows = []
    for step in new_steps:
        anchor = tasks.get(step.after_step_id) if step.after_step_id else None
        due_on = due[step.id]
        if anchor is not None and anchor.done_on:
            due_on = date.fromordinal(anchor.done_on.toordinal() + step.offset_days)
        rows.append(_task_values(plan.id, step, task_ids, max(due_on, today),
                                 step.position))
    recorder.insert_many(OnboardingTask, rows)

