"""Incentive programs, funds, claims and the fund ledger (migration 11), with what each
table means to a person. Money is in minor units of the program's currency (a sales
report carries its own). Balances are never columns: see ``domain/fund_ledger.py``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from peewee import ForeignKeyField, TextField

from channeldesk.domain.claim_state import ACTION_LABELS, ClaimState, state_label
from channeldesk.domain.fund_ledger import EntryKind, entry_label
from channeldesk.domain.incentive import (
    MAX_DEADLINE_DAYS,
    NAME_MAX,
    ActivityType,
    ProgramKind,
    ProofKind,
    RebateBasis,
    activity_label,
    basis_label,
    kind_label,
    partner_types_error,
    proof_label,
    proof_rules_error,
    tiers_error,
    tiers_rule_error,
)
from channeldesk.domain.money import currency_error
from channeldesk.domain.partner import TEXT_MAX
from channeldesk.domain.plan import period_error
from channeldesk.store.description import (
    CurrencyFrom,
    FieldSpec,
    Kind,
    Naming,
    TableDescription,
    choices_of,
    within,
)
from channeldesk.store.incentive_program_lock import register_program_guard
from channeldesk.store.models.base import CheckedIntegerField, IsoDateField, SyncedModel, attach
from channeldesk.store.models.partners import Partner


class IncentiveProgram(SyncedModel):
    """An MDF, co-op, rebate or SPIFF program for one period and currency."""

    name = TextField()
    kind = TextField(default=ProgramKind.MDF.value)
    period = TextField()
    currency = TextField(default="EUR")
    partner_types = TextField(default="")
    tiers = TextField(default="")
    claim_deadline_days = CheckedIntegerField(default=60)
    preapproval_valid_days = CheckedIntegerField(default=90)
    reimbursement_pct = CheckedIntegerField(default=50)
    proof_rules = TextField(default="")
    accrual_bp = CheckedIntegerField(default=0)
    rebate_basis = TextField(default=RebateBasis.SALES.value)
    rebate_tiers = TextField(default="")
    spiff_amount = CheckedIntegerField(default=0)
    description = TextField(default="")
    internal_notes = TextField(default="")

    class Meta:
        table_name = "incentive_program"


class FundAllocation(SyncedModel):
    """Funds given to a partner under a program; the amount is in the ledger."""

    program = ForeignKeyField(IncentiveProgram, column_name="program_id")
    partner = ForeignKeyField(Partner, column_name="partner_id")
    period = TextField()
    expires_on = IsoDateField(null=True)
    note = TextField(default="")

    class Meta:
        table_name = "fund_allocation"


class SalesReport(SyncedModel):
    """A partner's reported sales for a period: the base of co-op accrual and rebates."""

    partner = ForeignKeyField(Partner, column_name="partner_id")
    period = TextField()
    currency = TextField()
    sales = CheckedIntegerField(default=0)
    units = CheckedIntegerField(default=0)
    source = TextField(default="")

    class Meta:
        table_name = "sales_report"


class Claim(SyncedModel):
    """A request for funds and the claim that follows it: one record, one state machine
    (``domain/claim_state.py``); ``step`` counts its transitions."""

    program = ForeignKeyField(IncentiveProgram, column_name="program_id")
    partner = ForeignKeyField(Partner, column_name="partner_id")
    title = TextField()
    activity_type = TextField(default=ActivityType.EVENT.value)
    activity_start = IsoDateField(null=True)
    activity_end = IsoDateField(null=True)
    currency = TextField()  # the program's, copied when the claim is made
    state = TextField(default=ClaimState.DRAFT.value)
    step = CheckedIntegerField(default=0)
    requested = CheckedIntegerField(default=0)
    activity_cost = CheckedIntegerField(default=0)
    units = CheckedIntegerField(default=0)
    deal_ref = TextField(default="")
    revenue_influenced = CheckedIntegerField(default=0)
    preapproval_expires_on = IsoDateField(null=True)
    claim_submitted_on = IsoDateField(null=True)
    description = TextField(default="")
    internal_notes = TextField(default="")

    class Meta:
        table_name = "claim"


class ClaimTransition(SyncedModel):
    """One step of a claim's timeline: who moved it when, from and to which state."""

    claim = ForeignKeyField(Claim, column_name="claim_id")
    step = CheckedIntegerField()
    action = TextField()
    from_state = TextField()
    to_state = TextField()
    amount = CheckedIntegerField(default=0)
    actor = TextField(default="")
    occurred_at = TextField()
    comment = TextField(default="")
    write_token = TextField(default="")

    class Meta:
        table_name = "claim_transition"


class ClaimProof(SyncedModel):
    """A proof-of-performance document attached to a claim (a file in the blob store)."""

    claim = ForeignKeyField(Claim, column_name="claim_id")
    proof_kind = TextField()
    file_name = TextField(default="")
    blob = TextField(default="")

    class Meta:
        table_name = "claim_proof"


class FundLedgerEntry(SyncedModel):
    """One movement of money in a program's funds (``domain/fund_ledger.py``)."""

    program = ForeignKeyField(IncentiveProgram, column_name="program_id")
    partner = ForeignKeyField(Partner, column_name="partner_id", null=True)
    claim = ForeignKeyField(Claim, column_name="claim_id", null=True)
    allocation = ForeignKeyField(FundAllocation, column_name="allocation_id", null=True)
    sales_report = ForeignKeyField(SalesReport, column_name="sales_report_id", null=True)
    kind = TextField()
    amount = CheckedIntegerField(default=0)
    entry_date = IsoDateField()
    period = TextField(default="")
    actor = TextField(default="")
    memo = TextField(default="")
    write_token = TextField(default="")

    class Meta:
        table_name = "fund_ledger_entry"


# -- what the tables mean ---------------------------------------------------------------------

PROGRAM_CURRENCY = CurrencyFrom("currency", via="program_id")
CLAIM_CURRENCY = CurrencyFrom("currency")
PROGRAM = FieldSpec("program_id", "Program", Kind.REFERENCE, required=True,
                    references="incentive_program")
PARTNER = FieldSpec("partner_id", "Partner", Kind.REFERENCE, required=True,
                    references="partner")
CLAIM = FieldSpec("claim_id", "Claim", Kind.REFERENCE, required=True, references="claim")
INTERNAL_NOTE = FieldSpec("internal_notes", "Internal notes", Kind.LONG_TEXT,
                          max_length=TEXT_MAX, internal=True)
TOKEN = FieldSpec("write_token", "Write token", editable=False)
CLAIM_JOINS = ("LEFT JOIN claim AS c ON c.id = r.claim_id "
               "LEFT JOIN partner AS p ON p.id = c.partner_id")


def _claim_part(column: str, label=lambda v: str(v)) -> Naming:
    return Naming({"title": "c.title", "partner": "p.name", "own": f"r.{column}"},
                  lambda v: within(f"{label(v['own'])}: {v['title']}", v["partner"]),
                  CLAIM_JOINS)


attach(IncentiveProgram, TableDescription(
    "incentive_program", "Incentive program", "Incentive programs",
    fields=(
        FieldSpec("name", "Name", required=True, max_length=NAME_MAX),
        FieldSpec("kind", "Kind", Kind.CHOICE, required=True,
                  choices=choices_of(ProgramKind, kind_label)),
        FieldSpec("period", "Period", required=True, rule=period_error),
        FieldSpec("currency", "Currency", required=True, rule=currency_error),
        FieldSpec("partner_types", "Eligible partner types", rule=partner_types_error,
                  empty_text="All types"),
        FieldSpec("tiers", "Eligible tiers", rule=tiers_error, empty_text="All tiers"),
        FieldSpec("claim_deadline_days", "Claim deadline (days after the activity)",
                  Kind.INT, minimum=0, maximum=MAX_DEADLINE_DAYS),
        FieldSpec("preapproval_valid_days", "Pre-approval valid for (days)", Kind.INT,
                  minimum=1, maximum=MAX_DEADLINE_DAYS),
        FieldSpec("reimbursement_pct", "Vendor's share (%)", Kind.INT, minimum=0,
                  maximum=100),
        FieldSpec("proof_rules", "Proof of performance per activity type", Kind.LONG_TEXT,
                  rule=proof_rules_error, empty_text="Standard rules"),
        FieldSpec("accrual_bp", "Co-op accrual (basis points of sales)", Kind.INT,
                  minimum=0, maximum=10_000),
        FieldSpec("rebate_basis", "Rebate on", Kind.CHOICE, required=True,
                  choices=choices_of(RebateBasis, basis_label)),
        FieldSpec("rebate_tiers", "Rebate tiers (from: rate %)", rule=tiers_rule_error),
        FieldSpec("spiff_amount", "SPIFF per deal or unit", Kind.MONEY, minimum=0,
                  currency=CurrencyFrom("currency")),
        FieldSpec("description", "Description", Kind.LONG_TEXT, max_length=TEXT_MAX),
        INTERNAL_NOTE,
    ),
    naming=Naming({"name": "r.name", "period": "r.period"},
                  lambda v: " ".join(filter(None, (v["name"], v["period"])))),
))

attach(FundAllocation, TableDescription(
    "fund_allocation", "Fund allocation", "Fund allocations",
    fields=(
        PROGRAM, PARTNER,
        FieldSpec("period", "Period", required=True, rule=period_error),
        FieldSpec("expires_on", "Expires on", Kind.DATE),
        FieldSpec("note", "Note", max_length=TEXT_MAX),
    ),
    naming=Naming({"program": "g.name", "partner": "p.name", "period": "r.period"},
                  lambda v: within(f"{v['program']} {v['period']}", v["partner"]),
                  "LEFT JOIN incentive_program AS g ON g.id = r.program_id "
                  "LEFT JOIN partner AS p ON p.id = r.partner_id"),
))

attach(SalesReport, TableDescription(
    "sales_report", "Sales report", "Sales reports",
    fields=(
        PARTNER,
        FieldSpec("period", "Period", required=True, rule=period_error),
        FieldSpec("currency", "Currency", required=True, rule=currency_error),
        FieldSpec("sales", "Sales", Kind.MONEY, minimum=0, currency=CurrencyFrom("currency")),
        FieldSpec("units", "Units", Kind.INT, minimum=0),
        FieldSpec("source", "Source", max_length=TEXT_MAX),
    ),
    naming=Naming({"partner": "p.name", "period": "r.period"},
                  lambda v: within(v["period"], v["partner"]),
                  "LEFT JOIN partner AS p ON p.id = r.partner_id"),
))

attach(Claim, TableDescription(
    "claim", "Claim", "Claims",
    fields=(
        PROGRAM, PARTNER,
        FieldSpec("title", "Title", required=True, max_length=NAME_MAX),
        FieldSpec("activity_type", "Activity type", Kind.CHOICE, required=True,
                  choices=choices_of(ActivityType, activity_label)),
        FieldSpec("activity_start", "Activity starts", Kind.DATE),
        FieldSpec("activity_end", "Activity ends", Kind.DATE),
        FieldSpec("currency", "Currency", required=True, rule=currency_error,
                  editable=False),
        FieldSpec("state", "State", Kind.CHOICE, required=True, editable=False,
                  choices=choices_of(ClaimState, state_label)),
        FieldSpec("step", "Step", Kind.INT, minimum=0, editable=False),
        FieldSpec("requested", "Requested", Kind.MONEY, minimum=0, currency=CLAIM_CURRENCY),
        FieldSpec("activity_cost", "Activity cost", Kind.MONEY, minimum=0,
                  currency=CLAIM_CURRENCY),
        FieldSpec("units", "Units / deals", Kind.INT, minimum=0),
        FieldSpec("deal_ref", "Deal reference", max_length=NAME_MAX),
        FieldSpec("revenue_influenced", "Revenue influenced", Kind.MONEY, minimum=0,
                  currency=CLAIM_CURRENCY),
        FieldSpec("preapproval_expires_on", "Pre-approval valid until", Kind.DATE,
                  editable=False),
        FieldSpec("claim_submitted_on", "Claim submitted on", Kind.DATE, editable=False),
        FieldSpec("description", "Description", Kind.LONG_TEXT, max_length=TEXT_MAX),
        INTERNAL_NOTE,
    ),
    naming=Naming({"title": "r.title", "partner": "p.name"},
                  lambda v: within(v["title"], v["partner"]),
                  "LEFT JOIN partner AS p ON p.id = r.partner_id"),
))

attach(ClaimTransition, TableDescription(
    "claim_transition", "Claim step", "Claim steps",
    fields=(
        CLAIM,
        FieldSpec("step", "Step", Kind.INT, minimum=0, editable=False),
        FieldSpec("action", "Action", Kind.CHOICE, required=True, editable=False,
                  choices=tuple((str(a), text) for a, text in ACTION_LABELS.items())),
        FieldSpec("from_state", "From", Kind.CHOICE, required=True, editable=False,
                  choices=choices_of(ClaimState, state_label)),
        FieldSpec("to_state", "To", Kind.CHOICE, required=True, editable=False,
                  choices=choices_of(ClaimState, state_label)),
        FieldSpec("amount", "Amount", Kind.MONEY, minimum=0, editable=False,
                  currency=CurrencyFrom("currency", via="claim_id")),
        FieldSpec("actor", "By", editable=False),
        FieldSpec("occurred_at", "When", Kind.TIMESTAMP, editable=False),
        FieldSpec("comment", "Comment", Kind.LONG_TEXT, max_length=TEXT_MAX),
        TOKEN,
    ),
    naming=_claim_part("action", lambda code: ACTION_LABELS.get(code, str(code))),
))

attach(ClaimProof, TableDescription(
    "claim_proof", "Proof of performance", "Proofs of performance",
    fields=(
        CLAIM,
        FieldSpec("proof_kind", "Kind of proof", Kind.CHOICE, required=True,
                  choices=choices_of(ProofKind, proof_label)),
        FieldSpec("file_name", "File", max_length=NAME_MAX),
        FieldSpec("blob", "File content", Kind.BLOB),
    ),
    naming=_claim_part("proof_kind", proof_label),
))


def _entry_name(values: Mapping[str, Any]) -> str:
    what = entry_label(values["kind"] or "")
    return within(" · ".join(filter(None, (what, values["title"] or values["program"]))),
                  values["partner"])


attach(FundLedgerEntry, TableDescription(
    "fund_ledger_entry", "Ledger entry", "Ledger entries",
    fields=(
        PROGRAM,
        FieldSpec("partner_id", "Partner", Kind.REFERENCE, references="partner"),
        FieldSpec("claim_id", "Claim", Kind.REFERENCE, references="claim"),
        FieldSpec("allocation_id", "Allocation", Kind.REFERENCE, references="fund_allocation"),
        FieldSpec("sales_report_id", "Sales report", Kind.REFERENCE, references="sales_report"),
        FieldSpec("kind", "Kind", Kind.CHOICE, required=True, editable=False,
                  choices=choices_of(EntryKind, entry_label)),
        FieldSpec("amount", "Amount", Kind.MONEY, minimum=0, editable=False,
                  currency=PROGRAM_CURRENCY),
        FieldSpec("entry_date", "Date", Kind.DATE, editable=False),
        FieldSpec("period", "Period"),
        FieldSpec("actor", "By", editable=False),
        FieldSpec("memo", "Memo", max_length=TEXT_MAX),
        TOKEN,
    ),
    naming=Naming({"kind": "r.kind", "title": "c.title", "program": "g.name",
                   "partner": "p.name"}, _entry_name,
                  "LEFT JOIN claim AS c ON c.id = r.claim_id "
                  "LEFT JOIN incentive_program AS g ON g.id = r.program_id "
                  "LEFT JOIN partner AS p ON p.id = r.partner_id"),
))

register_program_guard()
