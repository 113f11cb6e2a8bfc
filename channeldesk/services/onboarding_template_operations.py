"""Onboarding templates as undoable operations: save a template with its steps in one
step, delete one that no running checklist uses, write the shipped templates.

A saved change raises the template's revision; running checklists keep their tasks until
someone applies the change to them (``onboarding_operations.apply_template_changes``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from channeldesk.domain.onboarding_schedule import StepDraft, draft_problems
from channeldesk.services.onboarding_templates import SHIPPED_TEMPLATES, ShippedTemplate
from channeldesk.services.operations import Operation, OperationRefused, Recorder, run
from channeldesk.store.database import Store, new_id
from channeldesk.store.models import OnboardingStep, OnboardingTemplate
from channeldesk.store.onboarding_queries import checklists_using, steps_of

TEMPLATE_FIELDS = ("name", "partner_type", "tier", "description")


def _step_values(draft: StepDraft, position: int, ids: dict[str, str]) -> dict[str, Any]:
    return {"position": position, "title": draft.title.strip(), "category": draft.category,
            "owner_side": draft.owner_side, "offset_days": draft.offset_days,
            "after_step": ids[draft.after] if draft.after else None,
            "required": draft.required, "description": draft.description.strip(),
            "course": draft.course_id or None}


def _write_steps(recorder: Recorder, template_id: str, steps: Sequence[StepDraft]) -> bool:
    """Insert new steps, update changed ones, tombstone removed ones; True if any changed."""
    existing = {step.id: step for step in steps_of(template_id)}
    ids = {draft.key: draft.key if draft.key in existing else new_id() for draft in steps}
    changed = False
    for position, draft in enumerate(steps):
        values = _step_values(draft, position, ids)
        if draft.key in existing:
            changed |= bool(recorder.update(OnboardingStep, draft.key, values))
        else:
            recorder.insert(OnboardingStep, {"template": template_id, **values},
                            row_id=ids[draft.key])
            changed = True
    for step_id in existing.keys() - set(ids.values()):
        recorder.delete(OnboardingStep, step_id)
        changed = True
    return changed


def save_template(store: Store, template_id: str | None, values: dict[str, Any],
                  steps: Sequence[StepDraft]) -> Operation[str]:
    """Create or change a template and its steps as one undoable step; refused with the
    first problem :func:`draft_problems` finds. The value is the template's id."""
    problems = draft_problems(str(values.get("name") or ""), steps)
    if problems:
        raise OperationRefused(next(iter(problems.values())))
    own = {name: (values.get(name) or "").strip() for name in TEMPLATE_FIELDS}

    def write(recorder: Recorder) -> str:
        if template_id is None:
            new = recorder.insert(OnboardingTemplate, {**own, "revision": 1})
            _write_steps(recorder, new, steps)
            return new
        template = store.get(OnboardingTemplate, template_id)
        if template is None or template.deleted:
            raise OperationRefused("This template was deleted meanwhile (perhaps on another "
                                   "device). Save it as a new template instead.")
        changed = bool(recorder.update(OnboardingTemplate, template_id, own))
        changed |= _write_steps(recorder, template_id, steps)
        if changed:
            recorder.update(OnboardingTemplate, template_id,
                            {"revision": template.revision + 1})
        return template_id

    return run(store, write)


def delete_template(store: Store, template_id: str) -> Operation[str]:
    """Tombstone a template no running checklist uses, with its steps."""
    template = store.get(OnboardingTemplate, template_id)
    if template is None or template.deleted:
        raise OperationRefused("That template is already gone.")
    users = checklists_using(template_id)
    if users:
        shown = ", ".join(users[:3]) + (f" and {len(users) - 3} more" if len(users) > 3
                                        else "")
        raise OperationRefused(
            f"“{template.name}” is in use by {len(users)} running onboarding"
            f"{'s' if len(users) != 1 else ''} ({shown}). Finish or cancel them first; "
            "the template stays as it is.")

    def write(recorder: Recorder) -> str:
        for step in steps_of(template_id):
            recorder.delete(OnboardingStep, step.id)
        recorder.delete(OnboardingTemplate, template_id)
        return template.name

    return run(store, write)


def drafts_of(shipped: ShippedTemplate) -> list[StepDraft]:
    return [StepDraft(s.key, s.title, s.category, s.owner_side, s.offset_days, s.after,
                      s.required, s.description) for s in shipped.steps]


def write_shipped(recorder: Recorder) -> list[str]:
    """The shipped templates, inside the caller's operation (demo, first use)."""
    made = []
    for shipped in SHIPPED_TEMPLATES:
        template_id = recorder.insert(OnboardingTemplate, {
            "name": shipped.name, "partner_type": shipped.partner_type,
            "tier": shipped.tier, "description": shipped.description, "revision": 1})
        _write_steps(recorder, template_id, drafts_of(shipped))
        made.append(template_id)
    return made


def add_shipped_templates(store: Store) -> Operation[list[str]]:
    """"Reseller - Gold", "MSP" and "Referral", as one undoable step."""
    return run(store, write_shipped)
