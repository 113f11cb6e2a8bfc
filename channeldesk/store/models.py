"""peewee models of the local database.

Every synced table derives from :class:`SyncedModel`: a UUIDv7 text id made on this
device, created/updated hybrid-clock stamps and a tombstone flag. Models describe tables
for reading; all writes go through :class:`channeldesk.store.database.Store`, and SQLite
triggers (see ``journal.py``) journal every change whatever code makes it.

Fields that a partner must never see are listed in ``internal_fields``; presentation mode
and every partner-facing export leave them out.
"""

from __future__ import annotations

from typing import ClassVar

from peewee import (
    AutoField,
    BareField,
    BooleanField,
    DateField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


class IsoDateField(DateField):
    """A date stored as ISO text ('2026-11-27'), without relying on sqlite3's adapters."""

    def db_value(self, value):
        value = super().db_value(value)
        return value.isoformat() if hasattr(value, "isoformat") else value


class LocalModel(Model):
    """Tables that stay on this device and never sync."""

    class Meta:
        legacy_table_names = False


class SyncedModel(LocalModel):
    """A row that syncs: client-made id, clock stamps, tombstone instead of delete."""

    id = TextField(primary_key=True)
    created_at = TextField()
    updated_at = TextField()
    deleted = BooleanField(default=False)

    internal_fields: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def live(cls):
        """Rows that have not been deleted."""
        return cls.select().where(cls.deleted == False)  # noqa: E712 (peewee expression)

    @classmethod
    def editable_fields(cls) -> list[str]:
        """Fields a user or an import may set; bookkeeping columns are the store's."""
        bookkeeping = {"id", "created_at", "updated_at", "deleted"}
        return [name for name in cls._meta.sorted_field_names if name not in bookkeeping]


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

    internal_fields: ClassVar[frozenset[str]] = frozenset({"internal_notes"})


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

    internal_fields: ClassVar[frozenset[str]] = frozenset({"internal_only"})


class Change(LocalModel):
    """The change journal (outbox): one row per changed field, written by triggers."""

    seq = AutoField()
    change_id = TextField()
    table_name = TextField()
    row_id = TextField()
    field = TextField()
    value = BareField(null=True)  # untyped: text, integer, real or null, as written
    hlc = TextField()

    class Meta:
        table_name = "change"


class LocalMeta(LocalModel):
    """Facts about this copy of the database: device id and the like."""

    key = TextField(primary_key=True)
    value = TextField()

    class Meta:
        table_name = "local_meta"


def synced_models() -> list[type[SyncedModel]]:
    """Every synced model, found by inheritance so a new one cannot be left out."""
    found: list[type[SyncedModel]] = []
    pending = list(SyncedModel.__subclasses__())
    while pending:
        model = pending.pop(0)
        found.append(model)
        pending.extend(model.__subclasses__())
    return found


def all_models() -> list[type[LocalModel]]:
    """Every model the store binds to its database."""
    return [*synced_models(), Change, LocalMeta]


# -- recruitment: prospects and the ideal partner profile ---------------------------------

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
    employees = IntegerField(null=True)
    annual_revenue_minor = IntegerField(null=True)
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

    internal_fields: ClassVar[frozenset[str]] = frozenset({"internal_notes", "lost_reason"})


class ProspectStageChange(SyncedModel):
    """One move through the pipeline: who moved the prospect, from where to where, when."""

    prospect = ForeignKeyField(Prospect, backref="stage_changes", column_name="prospect_id")
    from_stage = TextField(default="")
    to_stage = TextField()
    changed_on = TextField()  # ISO 8601 UTC timestamp, for people; the HLC orders edits
    changed_by = TextField(default="")
    lost_reason = TextField(default="")

    internal_fields: ClassVar[frozenset[str]] = frozenset({"lost_reason"})


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

    internal_fields: ClassVar[frozenset[str]] = frozenset({"internal_only"})


class IdealPartnerProfile(SyncedModel):
    """The weighted criteria every prospect is scored against; the newest live one counts."""

    name = TextField()


class ProfileCriterion(SyncedModel):
    """One weighted criterion of a profile (see ``domain/fit_score.py`` for the meaning)."""

    profile = ForeignKeyField(IdealPartnerProfile, backref="criteria", column_name="profile_id")
    attribute = TextField()
    operator = TextField()
    choices = TextField(default="")  # comma-separated values for in / not in / has / lacks
    low = IntegerField(null=True)
    high = IntegerField(null=True)
    weight = IntegerField(default=1)
    position = IntegerField(default=0)


# -- joint business plans (migration 4) -------------------------------------------------------

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

    internal_fields: ClassVar[frozenset[str]] = frozenset({"internal_notes"})
    blob_fields: ClassVar[tuple[str, ...]] = ("partner_logo",)

    class Meta:
        table_name = "business_plan"


class PlanObjective(SyncedModel):
    plan = ForeignKeyField(BusinessPlan, backref="objectives", column_name="plan_id")
    position = IntegerField(default=0)
    text = TextField()


class PlanTarget(SyncedModel):
    """A metric's target and actual, for the whole period (quarter '') or one quarter."""

    plan = ForeignKeyField(BusinessPlan, backref="targets", column_name="plan_id")
    position = IntegerField(default=0)
    metric = TextField()
    label = TextField(default="")
    quarter = TextField(default="")
    target = IntegerField(default=0)
    actual = IntegerField(null=True)
    internal_notes = TextField(default="")

    internal_fields: ClassVar[frozenset[str]] = frozenset({"internal_notes"})


class PlanCommitment(SyncedModel):
    plan = ForeignKeyField(BusinessPlan, backref="commitments", column_name="plan_id")
    position = IntegerField(default=0)
    side = TextField()
    text = TextField()
    due_on = IsoDateField(null=True)
    done = BooleanField(default=False)


class PlanActivity(SyncedModel):
    plan = ForeignKeyField(BusinessPlan, backref="activities", column_name="plan_id")
    position = IntegerField(default=0)
    activity_group = TextField()
    title = TextField()
    owner_side = TextField(default="partner")
    owner_name = TextField(default="")
    due_on = IsoDateField(null=True)
    status = TextField(default="planned")
    budget = IntegerField(null=True)  # minor units of the plan's currency
    internal_notes = TextField(default="")

    internal_fields: ClassVar[frozenset[str]] = frozenset({"internal_notes"})


class PlanSignature(SyncedModel):
    plan = ForeignKeyField(BusinessPlan, backref="signatures", column_name="plan_id")
    side = TextField()
    name = TextField(default="")
    title = TextField(default="")
    signed_on = IsoDateField(null=True)
