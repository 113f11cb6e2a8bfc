"""Partners, their contacts and the engagement log (DESIGN.md step 3), with what each
table means to a person."""

from __future__ import annotations

from datetime import date

from peewee import BooleanField, ForeignKeyField, TextField

from channeldesk.domain.partner import (
    NAME_MAX,
    TEXT_MAX,
    ActivityKind,
    PartnerStatus,
    PartnerTier,
    PartnerType,
    Region,
    label,
    validate_activity,
    validate_contact,
    validate_partner,
)
from channeldesk.store.description import (
    FieldSpec,
    Kind,
    Naming,
    TableDescription,
    choices_of,
    within,
)
from channeldesk.store.models.base import IsoDateField, SyncedModel, attach


class Partner(SyncedModel):
    name = TextField()
    partner_type = TextField()
    tier = TextField()
    status = TextField()
    region = TextField()
    country = TextField(default="")
    owner = TextField(default="")
    website = TextField(default="")
    phone = TextField(default="")
    internal_notes = TextField(default="")


class Contact(SyncedModel):
    partner = ForeignKeyField(Partner, backref="contacts", column_name="partner_id")
    name = TextField()
    role = TextField(default="")
    email = TextField(default="")
    phone = TextField(default="")
    is_primary = BooleanField(default=False)


class Activity(SyncedModel):
    """One touchpoint in the engagement log; internal-only ones never reach a partner."""

    partner = ForeignKeyField(Partner, backref="activities", column_name="partner_id")
    kind = TextField()
    occurred_on = IsoDateField()
    subject = TextField()
    notes = TextField(default="")
    internal_only = BooleanField(default=False)


PARTNER_REFERENCE = FieldSpec("partner_id", "Partner", Kind.REFERENCE, required=True,
                              references="partner")

attach(Partner, TableDescription(
    "partner", "Partner", "Partners",
    fields=(
        FieldSpec("name", "Name", required=True, max_length=NAME_MAX),
        FieldSpec("partner_type", "Partner type", Kind.CHOICE, required=True,
                  choices=choices_of(PartnerType, label)),
        FieldSpec("tier", "Tier", Kind.CHOICE, required=True,
                  choices=choices_of(PartnerTier, label)),
        FieldSpec("status", "Status", Kind.CHOICE, required=True,
                  choices=choices_of(PartnerStatus, label)),
        FieldSpec("region", "Region", Kind.CHOICE, required=True,
                  choices=choices_of(Region, label)),
        FieldSpec("country", "Country"),
        FieldSpec("owner", "Owner"),
        FieldSpec("website", "Website"),
        FieldSpec("phone", "Phone"),
        FieldSpec("internal_notes", "Internal notes", Kind.LONG_TEXT, max_length=TEXT_MAX,
                  internal=True),
    ),
    naming=Naming({"name": "r.name"}, lambda v: v["name"]),
    form_rules=validate_partner,
))

attach(Contact, TableDescription(
    "contact", "Contact", "Contacts",
    fields=(
        PARTNER_REFERENCE,
        FieldSpec("name", "Name", required=True, max_length=NAME_MAX),
        FieldSpec("role", "Role"),
        FieldSpec("email", "Email"),
        FieldSpec("phone", "Phone"),
        FieldSpec("is_primary", "Primary contact", Kind.BOOL),
    ),
    naming=Naming({"name": "r.name", "partner": "p.name"},
                  lambda v: within(v["name"], v["partner"]),
                  "LEFT JOIN partner AS p ON p.id = r.partner_id"),
    form_rules=validate_contact,
))

# The engagement log's fields, the same on a partner's and on a prospect's activities.
ACTIVITY_LOG_FIELDS = (
        FieldSpec("kind", "Kind", Kind.CHOICE, required=True,
                  choices=choices_of(ActivityKind, label)),
        FieldSpec("occurred_on", "Date", Kind.DATE, required=True),
        FieldSpec("subject", "Subject", required=True, max_length=NAME_MAX),
        FieldSpec("notes", "Notes", Kind.LONG_TEXT, max_length=TEXT_MAX),
        FieldSpec("internal_only", "Internal only", Kind.BOOL, internal=True),
)

attach(Activity, TableDescription(
    "activity", "Activity", "Activities",
    fields=(
        PARTNER_REFERENCE,
        *ACTIVITY_LOG_FIELDS,
    ),
    naming=Naming({"subject": "r.subject", "partner": "p.name"},
                  lambda v: within(v["subject"], v["partner"]),
                  "LEFT JOIN partner AS p ON p.id = r.partner_id"),
    internal_row="internal_only",
    form_rules=lambda values: validate_activity(values, date.today()),
))
