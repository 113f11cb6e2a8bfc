"""Joint business plans (migration 4) and their parts, with what each table means to a
person. Money in a plan is in minor units of the plan's currency."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from peewee import BooleanField, ForeignKeyField, TextField

from channeldesk.domain.money import currency_error
from channeldesk.domain.partner import NAME_MAX, TEXT_MAX
from channeldesk.domain.plan import (
    ACTIVITY_STATUS_LABELS,
    GROUP_LABELS,
    METRICS,
    SIDE_LABELS,
    STATUS_LABELS,
    MetricUnit,
    metric_label,
    metric_unit,
    period_error,
    quarter_error,
)
from channeldesk.store.description import (
    CurrencyFrom,
    FieldSpec,
    Kind,
    Naming,
    TableDescription,
    within,
)
from channeldesk.store.models.base import CheckedIntegerField, IsoDateField, SyncedModel, attach
from channeldesk.store.models.partners import Partner
from channeldesk.store.plan_lock import register_plan_guards


class BusinessPlan(SyncedModel):
    """One partner's joint business plan for one period (FY2026, 2026-H1, 2026-Q3)."""

    partner = ForeignKeyField(Partner, backref="plans", column_name="partner_id")
    period = TextField()
    status = TextField(default="draft")
    title = TextField(default="")
    currency = TextField(default="EUR")
    summary = TextField(default="")
    partner_logo = TextField(default="")  # blob hash of the partner's logo, '' for none
    internal_notes = TextField(default="")
    # The signed plan this one amends (migration 8): revision 2 links to revision 1.
    amends = ForeignKeyField("self", null=True, backref="amendments", column_name="amends_id")
    revision = CheckedIntegerField(default=1)

    class Meta:
        table_name = "business_plan"


class PlanObjective(SyncedModel):
    plan = ForeignKeyField(BusinessPlan, backref="objectives", column_name="plan_id")
    position = CheckedIntegerField(default=0)
    text = TextField()


class PlanTarget(SyncedModel):
    """A metric's target and actual, for the whole period (quarter '') or one quarter."""

    plan = ForeignKeyField(BusinessPlan, backref="targets", column_name="plan_id")
    position = CheckedIntegerField(default=0)
    metric = TextField()
    label = TextField(default="")
    quarter = TextField(default="")
    target = CheckedIntegerField(default=0)
    actual = CheckedIntegerField(null=True)
    internal_notes = TextField(default="")


class PlanCommitment(SyncedModel):
    plan = ForeignKeyField(BusinessPlan, backref="commitments", column_name="plan_id")
    position = CheckedIntegerField(default=0)
    side = TextField()
    text = TextField()
    due_on = IsoDateField(null=True)
    done = BooleanField(default=False)


class PlanActivity(SyncedModel):
    plan = ForeignKeyField(BusinessPlan, backref="activities", column_name="plan_id")
    position = CheckedIntegerField(default=0)
    activity_group = TextField()
    title = TextField()
    owner_side = TextField(default="partner")
    owner_name = TextField(default="")
    due_on = IsoDateField(null=True)
    status = TextField(default="planned")
    budget = CheckedIntegerField(null=True)  # minor units of the plan's currency
    internal_notes = TextField(default="")


class PlanSignature(SyncedModel):
    plan = ForeignKeyField(BusinessPlan, backref="signatures", column_name="plan_id")
    side = TextField()
    name = TextField(default="")
    title = TextField(default="")
    signed_on = IsoDateField(null=True)


# -- what the tables mean ---------------------------------------------------------------------

def is_money_metric(row: Mapping[str, Any]) -> bool:
    """A target's figures are money for revenue-like metrics and counts otherwise."""
    return metric_unit(str(row.get("metric") or "")) is MetricUnit.MONEY


def _labelled(labels: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((str(code), text) for code, text in labels.items())


SIDES = _labelled(SIDE_LABELS)
PLAN_CURRENCY = CurrencyFrom("currency", via="plan_id")
PLAN = FieldSpec("plan_id", "Plan", Kind.REFERENCE, required=True, references="business_plan")
POSITION = FieldSpec("position", "Order", Kind.INT, minimum=0)
INTERNAL_NOTE = FieldSpec("internal_notes", "Internal note", Kind.LONG_TEXT,
                          max_length=TEXT_MAX, internal=True)
PLAN_JOINS = ("LEFT JOIN business_plan AS bp ON bp.id = r.plan_id "
              "LEFT JOIN partner AS p ON p.id = bp.partner_id")
PLAN_NAME = {"partner": "p.name", "period": "bp.period", "revision": "bp.revision"}


def _plan(values: Mapping[str, Any]) -> str:
    name = " ".join(str(values[k]) for k in ("partner", "period") if values.get(k))
    revision = values.get("revision")
    return f"{name} revision {revision}" if isinstance(revision, int) and revision > 1 \
        else name


def _part_of_plan(column: str) -> Naming:
    """A plan's part named by one of its columns and its plan: "Kick-off (Acadia FY2026)"."""
    return Naming({**PLAN_NAME, "own": f"r.{column}"},
                  lambda v: within(v["own"], _plan(v)), PLAN_JOINS)


def _target_name(values: Mapping[str, Any]) -> str:
    what = " ".join(filter(None, (metric_label(values["metric"] or "", values["label"] or ""),
                                  values["quarter"])))
    return " · ".join(filter(None, (what, _plan(values))))


attach(BusinessPlan, TableDescription(
    "business_plan", "Business plan", "Business plans",
    fields=(
        FieldSpec("partner_id", "Partner", Kind.REFERENCE, required=True,
                  references="partner"),
        FieldSpec("period", "Period", required=True, rule=period_error),
        FieldSpec("status", "Status", Kind.CHOICE, required=True,
                  choices=_labelled(STATUS_LABELS)),
        FieldSpec("title", "Title"),
        FieldSpec("currency", "Currency", required=True, rule=currency_error),
        FieldSpec("summary", "Executive summary", Kind.LONG_TEXT, max_length=TEXT_MAX),
        FieldSpec("partner_logo", "Partner logo", Kind.BLOB),
        FieldSpec("internal_notes", "Internal notes", Kind.LONG_TEXT, max_length=TEXT_MAX,
                  internal=True),
        FieldSpec("amends_id", "Amends", Kind.REFERENCE, references="business_plan"),
        FieldSpec("revision", "Revision", Kind.INT, minimum=1),
    ),
    naming=Naming({"partner": "p.name", "period": "r.period", "revision": "r.revision"}, _plan,
                  "LEFT JOIN partner AS p ON p.id = r.partner_id"),
))

attach(PlanObjective, TableDescription(
    "plan_objective", "Plan objective", "Plan objectives",
    fields=(PLAN, POSITION,
            FieldSpec("text", "Objective", required=True, max_length=TEXT_MAX)),
    naming=_part_of_plan("text"),
))

attach(PlanTarget, TableDescription(
    "plan_target", "Plan target", "Plan targets",
    fields=(
        PLAN, POSITION,
        FieldSpec("metric", "Metric", Kind.CHOICE, required=True,
                  choices=tuple((code, m.label) for code, m in METRICS.items())),
        FieldSpec("label", "Label", max_length=NAME_MAX),
        FieldSpec("quarter", "Quarter", rule=quarter_error, empty_text="Whole period"),
        FieldSpec("target", "Target", Kind.INT, minimum=0, currency=PLAN_CURRENCY,
                  money_when=is_money_metric),
        FieldSpec("actual", "Actual to date", Kind.INT, minimum=0, currency=PLAN_CURRENCY,
                  money_when=is_money_metric),
        INTERNAL_NOTE,
    ),
    naming=Naming({**PLAN_NAME, "metric": "r.metric", "label": "r.label",
                   "quarter": "r.quarter"}, _target_name, PLAN_JOINS),
))

attach(PlanCommitment, TableDescription(
    "plan_commitment", "Plan commitment", "Plan commitments",
    fields=(
        PLAN, POSITION,
        FieldSpec("side", "Who commits", Kind.CHOICE, required=True, choices=SIDES),
        FieldSpec("text", "Commitment", required=True, max_length=TEXT_MAX),
        FieldSpec("due_on", "Due", Kind.DATE),
        FieldSpec("done", "Done", Kind.BOOL),
    ),
    naming=_part_of_plan("text"),
))

attach(PlanActivity, TableDescription(
    "plan_activity", "Plan activity", "Plan activities",
    fields=(
        PLAN, POSITION,
        FieldSpec("activity_group", "Group", Kind.CHOICE, required=True,
                  choices=_labelled(GROUP_LABELS)),
        FieldSpec("title", "Activity", required=True, max_length=NAME_MAX),
        FieldSpec("owner_side", "Side", Kind.CHOICE, required=True, choices=SIDES),
        FieldSpec("owner_name", "Owner"),
        FieldSpec("due_on", "Due", Kind.DATE),
        FieldSpec("status", "Status", Kind.CHOICE, required=True,
                  choices=_labelled(ACTIVITY_STATUS_LABELS)),
        FieldSpec("budget", "Budget", Kind.MONEY, minimum=0, currency=PLAN_CURRENCY),
        INTERNAL_NOTE,
    ),
    naming=_part_of_plan("title"),
))

attach(PlanSignature, TableDescription(
    "plan_signature", "Plan signature", "Plan signatures",
    fields=(
        PLAN,
        FieldSpec("side", "Side", Kind.CHOICE, required=True, choices=SIDES),
        FieldSpec("name", "Name"),
        FieldSpec("title", "Title"),
        FieldSpec("signed_on", "Signed on", Kind.DATE),
    ),
    naming=Naming({**PLAN_NAME, "side": "r.side", "name": "r.name"},
                  lambda v: within(": ".join(filter(None, (
                      SIDE_LABELS.get(v["side"], v["side"]), v["name"]))), _plan(v)),
                  PLAN_JOINS),
))

register_plan_guards()
