"""Onboarding (migration 9): templates and steps, checklists and tasks, evidence files
and agreements, with what each table means to a person."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from peewee import BooleanField, ForeignKeyField, TextField

from channeldesk.domain import onboarding as rules
from channeldesk.domain.onboarding import (
    OFFSET_MAX_DAYS,
    TEXT_MAX,
    TITLE_MAX,
    AgreementStatus,
    AgreementType,
    ChecklistStatus,
    OwnerSide,
    StepCategory,
    TaskStatus,
)
from channeldesk.domain.partner import PartnerTier, PartnerType
from channeldesk.domain.partner import label as partner_label
from channeldesk.store.description import (
    FieldSpec,
    Kind,
    Naming,
    TableDescription,
    choices_of,
    within,
)
from channeldesk.store.models.base import CheckedIntegerField, IsoDateField, SyncedModel, attach
from channeldesk.store.models.courses import Course
from channeldesk.store.models.partners import PARTNER_REFERENCE, Partner


class OnboardingTemplate(SyncedModel):
    """A named, ordered list of steps for one kind of partner ("Reseller - Gold");
    ``revision`` grows with each saved change, so a checklist knows it is behind."""

    name = TextField()
    partner_type = TextField(default="")
    tier = TextField(default="")
    description = TextField(default="")
    revision = CheckedIntegerField(default=1)

    class Meta:
        table_name = "onboarding_template"


class OnboardingStep(SyncedModel):
    template = ForeignKeyField(OnboardingTemplate, backref="steps", column_name="template_id")
    position = CheckedIntegerField(default=0)
    title = TextField()
    category = TextField()
    owner_side = TextField(default=OwnerSide.VENDOR.value)
    offset_days = CheckedIntegerField(default=0)
    after_step = ForeignKeyField("self", null=True, column_name="after_step_id",
                                 backref="followers")
    required = BooleanField(default=True)
    course = ForeignKeyField(Course, null=True, column_name="course_id")
    description = TextField(default="")

    class Meta:
        table_name = "onboarding_step"


class OnboardingPlan(SyncedModel):
    """One partner's onboarding checklist, started from a template on ``started_on``."""

    partner = ForeignKeyField(Partner, backref="onboardings", column_name="partner_id")
    template = ForeignKeyField(OnboardingTemplate, column_name="template_id")
    template_revision = CheckedIntegerField(default=1)
    started_on = IsoDateField()
    status = TextField(default=ChecklistStatus.ACTIVE.value)
    completed_on = IsoDateField(null=True)
    owner = TextField(default="")
    internal_notes = TextField(default="")

    class Meta:
        table_name = "onboarding_plan"


class OnboardingTask(SyncedModel):
    plan = ForeignKeyField(OnboardingPlan, backref="tasks", column_name="plan_id")
    step = ForeignKeyField(OnboardingStep, null=True, column_name="step_id")
    position = CheckedIntegerField(default=0)
    title = TextField()
    category = TextField()
    owner_side = TextField(default=OwnerSide.VENDOR.value)
    assignee = TextField(default="")
    offset_days = CheckedIntegerField(default=0)
    after_task = ForeignKeyField("self", null=True, column_name="after_task_id",
                                 backref="followers")
    required = BooleanField(default=True)
    course = ForeignKeyField(Course, null=True, column_name="course_id")
    description = TextField(default="")
    due_on = IsoDateField()
    status = TextField(default=TaskStatus.OPEN.value)
    blocked_reason = TextField(default="")
    done_on = IsoDateField(null=True)
    notes = TextField(default="")

    class Meta:
        table_name = "onboarding_task"


class OnboardingEvidence(SyncedModel):
    """A file that shows a task was done (a signed form, a certificate, a screenshot)."""

    task = ForeignKeyField(OnboardingTask, backref="evidence", column_name="task_id")
    file_name = TextField()
    file = TextField(default="")
    added_on = IsoDateField()

    class Meta:
        table_name = "onboarding_evidence"


class Agreement(SyncedModel):
    partner = ForeignKeyField(Partner, backref="agreements", column_name="partner_id")
    agreement_type = TextField()
    status = TextField(default=AgreementStatus.DRAFT.value)
    signed_on = IsoDateField(null=True)
    expires_on = IsoDateField(null=True)
    signed_file = TextField(default="")
    file_name = TextField(default="")
    task = ForeignKeyField(OnboardingTask, null=True, column_name="task_id")
    internal_notes = TextField(default="")

    class Meta:
        table_name = "agreement"


# -- what the tables mean ---------------------------------------------------------------------

def _any_or(label_of, empty: str):
    return lambda code: label_of(code) if code else empty


CATEGORY = FieldSpec("category", "Category", Kind.CHOICE, required=True,
                     choices=choices_of(StepCategory, rules.label))
OWNER_SIDE = FieldSpec("owner_side", "Owner side", Kind.CHOICE, required=True,
                       choices=choices_of(OwnerSide, rules.label))
OFFSET = FieldSpec("offset_days", "Due offset (days)", Kind.INT, minimum=0,
                   maximum=OFFSET_MAX_DAYS)
REQUIRED = FieldSpec("required", "Required", Kind.BOOL)
COURSE = FieldSpec("course_id", "Course", Kind.REFERENCE, references="course")
DESCRIPTION = FieldSpec("description", "Description", Kind.LONG_TEXT, max_length=TEXT_MAX)
TITLE = FieldSpec("title", "Title", required=True, max_length=TITLE_MAX)
POSITION = FieldSpec("position", "Order", Kind.INT, minimum=0)
INTERNAL_NOTES = FieldSpec("internal_notes", "Internal notes", Kind.LONG_TEXT,
                           max_length=TEXT_MAX, internal=True)
PLAN_JOINS = ("LEFT JOIN onboarding_plan AS op ON op.id = r.plan_id "
              "LEFT JOIN partner AS p ON p.id = op.partner_id")
TASK_JOINS = ("LEFT JOIN onboarding_task AS ot ON ot.id = r.task_id "
              "LEFT JOIN onboarding_plan AS op ON op.id = ot.plan_id "
              "LEFT JOIN partner AS p ON p.id = op.partner_id")


def _template_name(values: Mapping[str, Any]) -> str:
    return str(values.get("name") or "")


attach(OnboardingTemplate, TableDescription(
    "onboarding_template", "Onboarding template", "Onboarding templates",
    fields=(
        FieldSpec("name", "Name", required=True, max_length=TITLE_MAX),
        FieldSpec("partner_type", "For partner type", Kind.CHOICE,
                  choices=choices_of(PartnerType, partner_label), empty_text="Any type"),
        FieldSpec("tier", "For tier", Kind.CHOICE,
                  choices=choices_of(PartnerTier, partner_label), empty_text="Any tier"),
        DESCRIPTION,
        FieldSpec("revision", "Revision", Kind.INT, minimum=1),
    ),
    naming=Naming({"name": "r.name"}, _template_name),
))

attach(OnboardingStep, TableDescription(
    "onboarding_step", "Onboarding step", "Onboarding steps",
    fields=(
        FieldSpec("template_id", "Template", Kind.REFERENCE, required=True,
                  references="onboarding_template"),
        POSITION, TITLE, CATEGORY, OWNER_SIDE, OFFSET,
        FieldSpec("after_step_id", "Due after", Kind.REFERENCE, references="onboarding_step",
                  empty_text="The start of onboarding"),
        REQUIRED, COURSE, DESCRIPTION,
    ),
    naming=Naming({"title": "r.title", "template": "t.name"},
                  lambda v: within(v["title"], v["template"]),
                  "LEFT JOIN onboarding_template AS t ON t.id = r.template_id"),
))

attach(OnboardingPlan, TableDescription(
    "onboarding_plan", "Onboarding", "Onboardings",
    fields=(
        PARTNER_REFERENCE,
        FieldSpec("template_id", "Template", Kind.REFERENCE, required=True,
                  references="onboarding_template"),
        FieldSpec("template_revision", "Template revision", Kind.INT, minimum=1),
        FieldSpec("started_on", "Started", Kind.DATE, required=True),
        FieldSpec("status", "Status", Kind.CHOICE, required=True,
                  choices=choices_of(ChecklistStatus, rules.label)),
        FieldSpec("completed_on", "Completed", Kind.DATE),
        FieldSpec("owner", "Owner", max_length=TITLE_MAX),
        INTERNAL_NOTES,
    ),
    naming=Naming({"partner": "p.name", "template": "t.name"},
                  lambda v: " · ".join(filter(None, (v["partner"], v["template"]))),
                  "LEFT JOIN partner AS p ON p.id = r.partner_id "
                  "LEFT JOIN onboarding_template AS t ON t.id = r.template_id"),
))

attach(OnboardingTask, TableDescription(
    "onboarding_task", "Onboarding task", "Onboarding tasks",
    fields=(
        FieldSpec("plan_id", "Onboarding", Kind.REFERENCE, required=True,
                  references="onboarding_plan"),
        FieldSpec("step_id", "Template step", Kind.REFERENCE, references="onboarding_step"),
        POSITION, TITLE, CATEGORY, OWNER_SIDE,
        FieldSpec("assignee", "Assigned to", max_length=TITLE_MAX),
        OFFSET,
        FieldSpec("after_task_id", "Due after", Kind.REFERENCE, references="onboarding_task",
                  empty_text="The start of onboarding"),
        REQUIRED, COURSE, DESCRIPTION,
        FieldSpec("due_on", "Due", Kind.DATE, required=True),
        FieldSpec("status", "Status", Kind.CHOICE, required=True,
                  choices=choices_of(TaskStatus, rules.label)),
        FieldSpec("blocked_reason", "Reason", max_length=TEXT_MAX),
        FieldSpec("done_on", "Finished on", Kind.DATE),
        FieldSpec("notes", "Internal notes", Kind.LONG_TEXT, max_length=TEXT_MAX,
                  internal=True),
    ),
    naming=Naming({"title": "r.title", "partner": "p.name"},
                  lambda v: within(v["title"], v["partner"]), PLAN_JOINS),
))

attach(OnboardingEvidence, TableDescription(
    "onboarding_evidence", "Evidence file", "Evidence files",
    fields=(
        FieldSpec("task_id", "Task", Kind.REFERENCE, required=True,
                  references="onboarding_task"),
        FieldSpec("file_name", "File name", required=True, max_length=TITLE_MAX),
        FieldSpec("file", "File", Kind.BLOB),
        FieldSpec("added_on", "Added", Kind.DATE, required=True),
    ),
    naming=Naming({"file": "r.file_name", "task": "ot.title"},
                  lambda v: within(v["file"], v["task"]), TASK_JOINS),
))

attach(Agreement, TableDescription(
    "agreement", "Agreement", "Agreements",
    fields=(
        PARTNER_REFERENCE,
        FieldSpec("agreement_type", "Agreement", Kind.CHOICE, required=True,
                  choices=choices_of(AgreementType, rules.label)),
        FieldSpec("status", "Status", Kind.CHOICE, required=True,
                  choices=choices_of(AgreementStatus, rules.label)),
        FieldSpec("signed_on", "Signed on", Kind.DATE),
        FieldSpec("expires_on", "Expires on", Kind.DATE),
        FieldSpec("signed_file", "Signed copy", Kind.BLOB),
        FieldSpec("file_name", "File name", max_length=TITLE_MAX),
        FieldSpec("task_id", "Recorded by task", Kind.REFERENCE, references="onboarding_task"),
        INTERNAL_NOTES,
    ),
    naming=Naming({"kind": "r.agreement_type", "partner": "p.name"},
                  lambda v: within(rules.label(v["kind"]), v["partner"]),
                  "LEFT JOIN partner AS p ON p.id = r.partner_id"),
))
