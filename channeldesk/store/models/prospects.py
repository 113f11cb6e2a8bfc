"""Recruitment (DESIGN.md step 1): prospects, their pipeline moves and activities, and the
ideal partner profile they are scored against, with what each table means to a person."""

from __future__ import annotations

from datetime import date

from peewee import BooleanField, ForeignKeyField, TextField

from channeldesk.domain.fit_score import ATTRIBUTE_LABELS, MAX_WEIGHT, OPERATOR_LABELS
from channeldesk.domain.money import currency_error
from channeldesk.domain.partner import NAME_MAX, TEXT_MAX, PartnerType, Region
from channeldesk.domain.partner import validate_activity as _validate_activity
from channeldesk.domain.prospect import (
    MAX_EMPLOYEES,
    Source,
    Stage,
    label,
    validate_prospect,
)
from channeldesk.store.description import (
    CurrencyFrom,
    FieldSpec,
    Kind,
    Naming,
    TableDescription,
    choices_of,
    within,
)
from channeldesk.store.models.base import CheckedIntegerField, IsoDateField, SyncedModel, attach
from channeldesk.store.models.partners import ACTIVITY_LOG_FIELDS, Partner


class Prospect(SyncedModel):
    """A company the CAM is working towards a partner agreement (DESIGN.md step 1).

    Money is integer minor units plus an ISO 4217 code; ``competencies`` and
    ``competitors`` are comma-separated lists, as a CRM export gives them. The fit score
    is not a column: it is derived on each device from the profile (``prospect_fit``).
    """

    company = TextField()
    website = TextField(default="")
    country = TextField(default="")
    region = TextField(default="")
    vertical = TextField(default="")
    employees = CheckedIntegerField(null=True)
    annual_revenue_minor = CheckedIntegerField(null=True)
    currency = TextField(default="USD")
    partner_type = TextField(default="")
    source = TextField(default="")
    stage = TextField(default="identified")
    lost_reason = TextField(default="")
    owner = TextField(default="")
    next_step = TextField(default="")
    next_step_on = IsoDateField(null=True)
    contact_name = TextField(default="")
    contact_email = TextField(default="")
    contact_phone = TextField(default="")
    competencies = TextField(default="")
    competitors = TextField(default="")
    internal_notes = TextField(default="")
    converted_partner = ForeignKeyField(Partner, null=True, column_name="converted_partner_id",
                                        backref="source_prospects")


class ProspectStageChange(SyncedModel):
    """One move through the pipeline: who moved the prospect, from where to where, when."""

    prospect = ForeignKeyField(Prospect, backref="stage_changes", column_name="prospect_id")
    from_stage = TextField(default="")
    to_stage = TextField()
    changed_on = TextField()  # ISO 8601 UTC timestamp, for people; the HLC orders edits
    changed_by = TextField(default="")
    lost_reason = TextField(default="")


class ProspectActivity(SyncedModel):
    """A call or meeting with a prospect; carried over to the partner on conversion.

    A table of its own because ``activity.partner_id`` is NOT NULL: letting it point at
    a prospect instead would mean rebuilding the synced activity table.
    """

    prospect = ForeignKeyField(Prospect, backref="activities", column_name="prospect_id")
    kind = TextField()
    occurred_on = IsoDateField()
    subject = TextField()
    notes = TextField(default="")
    internal_only = BooleanField(default=False)


class IdealPartnerProfile(SyncedModel):
    """The weighted criteria every prospect is scored against; the newest live one counts."""

    name = TextField()


class ProfileCriterion(SyncedModel):
    """One weighted criterion of a profile (see ``domain/fit_score.py`` for the meaning)."""

    profile = ForeignKeyField(IdealPartnerProfile, backref="criteria", column_name="profile_id")
    attribute = TextField()
    operator = TextField()
    choices = TextField(default="")  # comma-separated values for in / not in / has / lacks
    low = CheckedIntegerField(null=True)
    high = CheckedIntegerField(null=True)
    weight = CheckedIntegerField(default=1)
    position = CheckedIntegerField(default=0)


STAGES = choices_of(Stage, label)
PROSPECT_REFERENCE = FieldSpec("prospect_id", "Prospect", Kind.REFERENCE, required=True,
                               references="prospect")
COMPANY_JOIN = "LEFT JOIN prospect AS p ON p.id = r.prospect_id"

attach(Prospect, TableDescription(
    "prospect", "Prospect", "Prospects",
    fields=(
        FieldSpec("company", "Company", required=True, max_length=NAME_MAX),
        FieldSpec("website", "Website"),
        FieldSpec("country", "Country"),
        FieldSpec("region", "Region", Kind.CHOICE, choices=choices_of(Region, label)),
        FieldSpec("vertical", "Vertical"),
        FieldSpec("employees", "Employees", Kind.INT, minimum=0, maximum=MAX_EMPLOYEES),
        FieldSpec("annual_revenue_minor", "Annual revenue", Kind.MONEY, minimum=0,
                  currency=CurrencyFrom("currency")),
        FieldSpec("currency", "Currency", required=True, rule=currency_error),
        FieldSpec("partner_type", "Partner type", Kind.CHOICE,
                  choices=choices_of(PartnerType, label)),
        FieldSpec("source", "Source", Kind.CHOICE, choices=choices_of(Source, label)),
        FieldSpec("stage", "Stage", Kind.CHOICE, required=True, choices=STAGES),
        FieldSpec("lost_reason", "Lost reason", internal=True),
        FieldSpec("owner", "Owner"),
        FieldSpec("next_step", "Next step"),
        FieldSpec("next_step_on", "Next step date", Kind.DATE),
        FieldSpec("contact_name", "Contact name"),
        FieldSpec("contact_email", "Contact email"),
        FieldSpec("contact_phone", "Contact phone"),
        FieldSpec("competencies", "Competencies"),
        FieldSpec("competitors", "Competitors"),
        FieldSpec("internal_notes", "Internal notes", Kind.LONG_TEXT, max_length=TEXT_MAX,
                  internal=True),
        FieldSpec("converted_partner_id", "Converted to partner", Kind.REFERENCE,
                  references="partner"),
    ),
    naming=Naming({"company": "r.company"}, lambda v: v["company"]),
    form_rules=validate_prospect,
))

attach(ProspectStageChange, TableDescription(
    "prospect_stage_change", "Stage change", "Stage changes",
    fields=(
        PROSPECT_REFERENCE,
        FieldSpec("from_stage", "From stage", Kind.CHOICE, choices=STAGES),
        FieldSpec("to_stage", "To stage", Kind.CHOICE, required=True, choices=STAGES),
        FieldSpec("changed_on", "Changed on", Kind.TIMESTAMP, required=True),
        FieldSpec("changed_by", "Changed by"),
        FieldSpec("lost_reason", "Lost reason", internal=True),
    ),
    naming=Naming({"company": "p.company", "from": "r.from_stage", "to": "r.to_stage"},
                  lambda v: f"{v['company']}: {label(v['from']) or 'new'} → {label(v['to'])}",
                  COMPANY_JOIN),
))

attach(ProspectActivity, TableDescription(
    "prospect_activity", "Prospect activity", "Prospect activities",
    fields=(
        PROSPECT_REFERENCE,
        *ACTIVITY_LOG_FIELDS,
    ),
    naming=Naming({"subject": "r.subject", "company": "p.company"},
                  lambda v: within(v["subject"], v["company"]), COMPANY_JOIN),
    internal_row="internal_only",
    form_rules=lambda values: _validate_activity(values, date.today()),
))

attach(IdealPartnerProfile, TableDescription(
    "ideal_partner_profile", "Ideal partner profile", "Ideal partner profiles",
    fields=(FieldSpec("name", "Name", required=True, max_length=NAME_MAX),),
    naming=Naming({"name": "r.name"}, lambda v: v["name"]),
))

attach(ProfileCriterion, TableDescription(
    "profile_criterion", "Profile criterion", "Profile criteria",
    fields=(
        FieldSpec("profile_id", "Profile", Kind.REFERENCE, required=True,
                  references="ideal_partner_profile"),
        FieldSpec("attribute", "Attribute", Kind.CHOICE, required=True,
                  choices=tuple((str(a), text.capitalize())
                                for a, text in ATTRIBUTE_LABELS.items())),
        FieldSpec("operator", "Operator", Kind.CHOICE, required=True,
                  choices=tuple((str(o), text) for o, text in OPERATOR_LABELS.items())),
        FieldSpec("choices", "Values"),
        FieldSpec("low", "From", Kind.INT, minimum=0),
        FieldSpec("high", "To", Kind.INT, minimum=0),
        FieldSpec("weight", "Weight", Kind.INT, minimum=1, maximum=MAX_WEIGHT),
        FieldSpec("position", "Order", Kind.INT, minimum=0),
    ),
    naming=Naming({"attribute": "r.attribute", "profile": "p.name"},
                  lambda v: within(dict(ATTRIBUTE_LABELS).get(v["attribute"], v["attribute"])
                                   .capitalize(), v["profile"]),
                  "LEFT JOIN ideal_partner_profile AS p ON p.id = r.profile_id"),
))
