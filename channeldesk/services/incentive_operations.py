"""What a CAM does with incentive funds, as Qt-free operations with exact undo.

Each function validates, then writes in one store transaction and returns an
:class:`~channeldesk.services.operations.Operation`; a refusal raises
:class:`OperationRefused` with a sentence for a person and writes nothing. The desktop
wraps each in one undo step; the command line and the demo data call the same functions.

A claim's step writes its timeline row and its (at most one) ledger entry under ids
derived from the claim id and the step number (:func:`step_row_id`), so two devices that
take the same step offline write the *same* rows and meet as a sync conflict instead of
adding up (``docs/incentives.md``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from channeldesk.domain.claim_state import (
    ClaimAction,
    ClaimFacts,
    ClaimState,
    Step,
    TransitionRefused,
    decide,
)
from channeldesk.domain.fund_ledger import EntryKind
from channeldesk.domain.incentive import (
    ActivityType,
    ProgramKind,
    RebateStanding,
    accrual_amount,
    eligibility_problem,
    missing_proof,
    needs_preapproval,
    parse_proof_rules,
    parse_tiers,
    proof_label,
    rebate_standing,
    reimbursable,
    spiff_amount,
)
from channeldesk.domain.money import Money, MoneyError, minor_digits
from channeldesk.domain.plan import Period, PeriodError
from channeldesk.domain.plan_document import format_money
from channeldesk.domain.progress import CancelToken, Progress, no_progress
from channeldesk.services.asset_files import FileProblem, StoredFile, file_size, store_file
from channeldesk.services.operations import Operation, OperationRefused, Recorder, run
from channeldesk.store import Store
from channeldesk.store.incentive_queries import (
    allocation_amount,
    claim_due_on,
    claim_totals,
    partner_total,
    program_budget,
    proof_kinds,
    sales_reports,
)
from channeldesk.store.models import (
    Claim,
    ClaimProof,
    ClaimTransition,
    FundAllocation,
    FundLedgerEntry,
    IncentiveProgram,
    Partner,
    SyncedModel,
)

COOP_MEMO = "Co-op accrued on reported sales"
REBATE_MEMO = "Rebate earned on reported sales"
STEP_NAMESPACE = uuid.UUID("6f1c1f0e-52a4-4a63-9d0b-5c1b8f3e2a71")


def step_row_id(claim_id: str, step: int, part: str) -> str:
    """The id of a claim step's timeline row (``part`` "transition") or ledger entry
    ("ledger"): the same on every device for the same claim and step."""
    return str(uuid.uuid5(STEP_NAMESPACE, f"{claim_id}/{step}/{part}"))


def money_text(units: int, currency: str) -> str:
    """An amount as messages show it: '€1,250.00', '¥5,000', '1.250 KWD'."""
    return format_money(Money.from_minor(units, currency), whole=minor_digits(currency) == 0)


def _token() -> str:
    return uuid.uuid4().hex


def _put(recorder: Recorder, model: type[SyncedModel], row_id: str,
         values: dict[str, Any]) -> None:
    """Insert a row under a fixed id, or bring back (and overwrite) the tombstone an undo
    left under that id."""
    if recorder.store.get(model, row_id) is None:
        recorder.insert(model, values, row_id=row_id)
    else:
        recorder.update(model, row_id, {**values, "deleted": False})


def live(model: type[SyncedModel], row_id: str, what: str) -> Any:
    """The live row, or a refusal saying it is gone (deleted, perhaps elsewhere)."""
    row = model.get_or_none(model.id == row_id)
    if row is None or row.deleted:
        raise OperationRefused(f"The {what} is no longer there (deleted, perhaps on another "
                               "device). Refresh and try again.")
    return row


def _positive(amount: int, what: str) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise OperationRefused(f"{what} must be an amount.")
    if amount < 0:
        raise OperationRefused(f"{what} cannot be negative. Enter 0 or more.")
    if amount == 0:
        raise OperationRefused(f"{what} must be more than 0.")


def _same_currency(program: IncentiveProgram, currency: str | None) -> None:
    if currency and currency.upper() != program.currency:
        raise OperationRefused(
            f"The amount is in {currency.upper()} but '{program.name}' runs in "
            f"{program.currency}. Enter the amount in {program.currency}.")


def _eligible(program: IncentiveProgram, partner: Partner) -> None:
    problem = eligibility_problem(program.partner_types, program.tiers,
                                  partner.partner_type, partner.tier)
    if problem:
        raise OperationRefused(f"{partner.name} cannot take part in '{program.name}'. "
                               f"{problem}")


# -- programs and funds -----------------------------------------------------------------

def set_budget(store: Store, program_id: str, amount: int, actor: str = "",
               today: date | None = None, currency: str | None = None) -> Operation[str]:
    """Add ``amount`` to a program's budget for its period (a ledger entry)."""
    program = live(IncentiveProgram, program_id, "program")
    _positive(amount, "The budget")
    _same_currency(program, currency)

    def write(recorder: Recorder) -> str:
        return recorder.insert(FundLedgerEntry, {
            "program": program.id, "kind": EntryKind.BUDGET.value, "amount": amount,
            "entry_date": today or date.today(), "period": program.period, "actor": actor,
            "memo": "Budget", "write_token": _token()})
    return run(store, write)


@dataclass(frozen=True)
class AllocationRequest:
    """Funds for one partner under one program; ``currency`` (when given) must be the program's."""
    program_id: str
    partner_id: str
    amount: int
    expires_on: date | None = None
    note: str = ""
    currency: str | None = None


def allocate_funds(store: Store, request: AllocationRequest, actor: str = "",
                   today: date | None = None) -> Operation[str]:
    """Give a partner funds under a program: an allocation and its ledger entry. Refused
    beyond the program's budget (when one is set), for an ineligible partner, in another
    currency or with an expiry before today."""
    today = today or date.today()
    program = live(IncentiveProgram, request.program_id, "program")
    partner = live(Partner, request.partner_id, "partner")
    _positive(request.amount, "The allocation")
    _same_currency(program, request.currency)
    _eligible(program, partner)
    if request.expires_on and request.expires_on < today:
        raise OperationRefused(f"The expiry date {request.expires_on:%d %b %Y} is already "
                               "past. Choose a later date.")
    budget, given = program_budget(store.db, program.id)
    if budget and given + request.amount > budget:
        raise OperationRefused(
            f"'{program.name}' has {money_text(budget - given, program.currency)} of its "
            f"{money_text(budget, program.currency)} budget left; "
            f"{money_text(request.amount, program.currency)} cannot be allocated. Raise "
            "the budget or allocate less.")

    def write(recorder: Recorder) -> str:
        allocation = recorder.insert(FundAllocation, {
            "program": program.id, "partner": partner.id, "period": program.period,
            "expires_on": request.expires_on, "note": request.note})
        recorder.insert(FundLedgerEntry, {
            "program": program.id, "partner": partner.id, "allocation": allocation,
            "kind": EntryKind.ALLOCATE.value, "amount": request.amount,
            "entry_date": today, "period": program.period, "actor": actor,
            "memo": request.note or "Allocation", "write_token": _token()})
        return allocation
    return run(store, write)


def expire_funds(store: Store, today: date, actor: str = "") -> Operation[int]:
    """Take unused money out of allocations that expired before ``today`` (at most what
    the allocation gave and what is still available), and expire pre-approvals whose
    validity ran out without a claim. Each expiry has a fixed id per allocation, so two
    devices expiring the same allocation write one entry. Returns how many were expired."""
    expiring = list(FundAllocation.select().where(
        (FundAllocation.deleted == False) & (FundAllocation.expires_on < today)))  # noqa: E712
    lapsed = list(Claim.select().where(
        (Claim.deleted == False) & (Claim.state == ClaimState.PRE_APPROVED.value)  # noqa: E712
        & (Claim.preapproval_expires_on < today)))

    def write(recorder: Recorder) -> int:
        count = 0
        for allocation in expiring:
            entry_id = step_row_id(allocation.id, 0, "expire")
            existing = store.get(FundLedgerEntry, entry_id)
            if existing is not None and not existing.deleted:
                continue
            available = partner_total(store.db, allocation.partner_id,
                                      allocation.program_id).available
            amount = min(allocation_amount(store.db, allocation.id), max(0, available))
            if amount <= 0:
                continue
            _put(recorder, FundLedgerEntry, entry_id, {
                "program": allocation.program_id, "partner": allocation.partner_id,
                "allocation": allocation.id, "kind": EntryKind.EXPIRE.value,
                "amount": amount, "entry_date": today, "period": allocation.period,
                "actor": actor, "memo": f"Expired on {allocation.expires_on:%d %b %Y}",
                "write_token": _token()})
            count += 1
        for claim in lapsed:
            _take_step(recorder, claim, ClaimAction.EXPIRE, 0, "Pre-approval validity ran out.",
                       actor, today, datetime.now(UTC))
            count += 1
        return count
    return run(store, write)


# -- claims -------------------------------------------------------------------------------

@dataclass(frozen=True)
class NewClaim:
    """A new request or claim as typed; amounts in minor units of the program's currency."""
    program_id: str
    partner_id: str
    title: str
    activity_type: str = ActivityType.EVENT.value
    activity_start: date | None = None
    activity_end: date | None = None
    requested: int = 0
    activity_cost: int = 0
    units: int = 0
    deal_ref: str = ""
    revenue_influenced: int = 0
    description: str = ""
    currency: str | None = None


def create_claim(store: Store, new: NewClaim) -> Operation[str]:
    """A draft request (or, for rebates and SPIFFs, a draft claim). A SPIFF claim asks
    for the program's amount per deal or unit times ``units``."""
    program = live(IncentiveProgram, new.program_id, "program")
    partner = live(Partner, new.partner_id, "partner")
    _same_currency(program, new.currency)
    _eligible(program, partner)
    if not new.title.strip():
        raise OperationRefused("Give the request a title (what the activity is).")
    for value, what in ((new.requested, "The requested amount"),
                        (new.activity_cost, "The activity's cost"),
                        (new.revenue_influenced, "Revenue influenced"), (new.units, "Units")):
        if value < 0:
            raise OperationRefused(f"{what} cannot be negative. Enter 0 or more.")
    if new.activity_start and new.activity_end and new.activity_end < new.activity_start:
        raise OperationRefused("The activity ends before it starts. Check the dates.")
    requested = new.requested
    if program.kind == ProgramKind.SPIFF:
        if new.units <= 0:
            raise OperationRefused("A SPIFF claim needs the number of qualifying deals or "
                                   "units (1 or more).")
        requested = spiff_amount(program.spiff_amount, new.units)

    def write(recorder: Recorder) -> str:
        return recorder.insert(Claim, {
            "program": program.id, "partner": partner.id, "title": new.title.strip(),
            "activity_type": new.activity_type, "activity_start": new.activity_start,
            "activity_end": new.activity_end, "currency": program.currency,
            "requested": requested, "activity_cost": new.activity_cost,
            "units": new.units, "deal_ref": new.deal_ref,
            "revenue_influenced": new.revenue_influenced, "description": new.description})
    return run(store, write)


def claim_facts(store: Store, claim: Claim, program: IncentiveProgram) -> ClaimFacts:
    """What :func:`~channeldesk.domain.claim_state.decide` needs, read from the ledger."""
    totals = claim_totals(store.db, claim.id)
    available = partner_total(store.db, claim.partner_id, claim.program_id).available
    return ClaimFacts(
        state=ClaimState(claim.state),
        preapproval_required=needs_preapproval(program.kind),
        requested=claim.requested, reserved=totals.holding, claimed=totals.claimed,
        approved=totals.approved, paid=totals.paid, available=available,
        max_claimable=(reimbursable(claim.activity_cost, program.reimbursement_pct)
                       if claim.activity_cost and needs_preapproval(program.kind) else None),
        preapproval_expires_on=claim.preapproval_expires_on,
        claim_due_on=claim_due_on(claim.activity_end, program.claim_deadline_days),
        claim_submitted_on=claim.claim_submitted_on,
        missing_proof=tuple(proof_label(k) for k in proof_missing(store, claim, program)))


def proof_missing(store: Store, claim: Claim, program: IncentiveProgram) -> list[str]:
    """Kinds of proof the claim's activity type asks for and the claim lacks."""
    return missing_proof(parse_proof_rules(program.proof_rules), claim.activity_type,
                         proof_kinds(store.db, claim.id))


def take_action(store: Store, claim_id: str, action: ClaimAction | str, amount: int = 0,
                comment: str = "", actor: str = "", today: date | None = None,
                now: datetime | None = None, valid_until: date | None = None
                ) -> Operation[Step]:
    """Move a claim one step (submit, pre-approve, approve, pay…), checked by the state
    machine against the ledger; ``valid_until`` sets a pre-approval's validity (the
    program's default window otherwise)."""
    today, now = today or date.today(), now or datetime.now(UTC)

    def write(recorder: Recorder) -> Step:
        claim = live(Claim, claim_id, "claim")
        return _take_step(recorder, claim, ClaimAction(action), amount, comment, actor,
                          today, now, valid_until)
    return run(store, write)


def _take_step(recorder: Recorder, claim: Claim, action: ClaimAction, amount: int,
               comment: str, actor: str, today: date, now: datetime,
               valid_until: date | None = None) -> Step:
    store = recorder.store
    program = live(IncentiveProgram, claim.program_id, "program")
    facts = claim_facts(store, claim, program)
    if action is ClaimAction.PRE_APPROVE:
        valid_until = valid_until or today + timedelta(days=program.preapproval_valid_days)
        facts = replace(facts, preapproval_expires_on=valid_until)
    try:
        step = decide(facts, action, amount, today, comment,
                      lambda units: money_text(units, claim.currency))
    except TransitionRefused as refusal:
        raise OperationRefused(str(refusal)) from None
    number = claim.step + 1
    token = _token()
    _put(recorder, ClaimTransition, step_row_id(claim.id, number, "transition"), {
        "claim": claim.id, "step": number, "action": action.value,
        "from_state": step.before.value, "to_state": step.after.value, "amount": step.amount,
        "actor": actor, "occurred_at": now.isoformat(timespec="seconds"),
        "comment": comment.strip(), "write_token": token})
    if step.entry is not None:
        _put(recorder, FundLedgerEntry, step_row_id(claim.id, number, "ledger"), {
            "program": claim.program_id, "partner": claim.partner_id, "claim": claim.id,
            "kind": step.entry.value, "amount": step.amount, "entry_date": today,
            "period": program.period, "actor": actor, "memo": claim.title,
            "write_token": token})
    changes: dict[str, Any] = {"state": step.after.value, "step": number}
    if action is ClaimAction.PRE_APPROVE:
        changes["preapproval_expires_on"] = valid_until
    if action is ClaimAction.SUBMIT_CLAIM:
        changes["claim_submitted_on"] = today
    recorder.update(Claim, claim.id, changes)
    return step


def attach_proof(store: Store, claim_id: str, proof_kind: str, source: Path | bytes,
                 file_name: str = "", progress: Progress = no_progress,
                 cancel: CancelToken | None = None) -> Operation[str]:
    """Keep a proof-of-performance file in the blob store and attach it to the claim.

    A file is copied in chunks (``asset_files.store_file``: hashed on the way, refused
    above its size limit, stopped by ``cancel``); the desktop runs this copy in a worker
    and then calls :func:`attach_stored_proof` itself."""
    claim = live(Claim, claim_id, "claim")
    _proof_allowed(claim)
    if isinstance(source, bytes):
        if not source:
            raise OperationRefused("The file is empty. Choose the document itself.")
        digest, name = store.blobs.put_bytes(source), file_name
    else:
        try:
            stored = store_proof_file(store, Path(source), progress, cancel)
        except FileProblem as problem:
            raise OperationRefused(f"{problem} Choose another file.") from None
        digest, name = stored.sha256, file_name or stored.name
    return attach_stored_proof(store, claim.id, proof_kind, digest, name)


def store_proof_file(store: Store, path: Path, progress: Progress = no_progress,
                     cancel: CancelToken | None = None) -> StoredFile:
    """Copy a proof into the blob store in chunks (hashed on the way, refused above the
    size limit, stopped by ``cancel``); an empty file is refused before any copying."""
    if file_size(path) == 0:
        raise FileProblem(f"'{path.name}' is empty (0 bytes).")
    return store_file(store.blobs, path, progress, cancel)


def attach_stored_proof(store: Store, claim_id: str, proof_kind: str, sha256: str,
                        file_name: str) -> Operation[str]:
    """Attach a file already in the blob store (by its hash) to the claim as proof."""
    claim = live(Claim, claim_id, "claim")
    _proof_allowed(claim)

    def write(recorder: Recorder) -> str:
        return recorder.insert(ClaimProof, {"claim": claim.id, "proof_kind": proof_kind,
                                            "file_name": file_name, "blob": sha256})
    return run(store, write)


def _proof_allowed(claim: Claim) -> None:
    if claim.state not in _PROOF_STATES:
        raise OperationRefused("Proof can be attached while the claim is being prepared "
                               "or when information was requested.")


_PROOF_STATES = frozenset({ClaimState.DRAFT, ClaimState.SUBMITTED, ClaimState.INFO_REQUESTED,
                           ClaimState.PRE_APPROVED, ClaimState.CLAIM_INFO_REQUESTED})


# -- rebates and accrual -----------------------------------------------------------------

def sales_for(store: Store, partner_id: str, period: Period, currency: str) -> int:
    """A partner's reported sales within ``period`` in ``currency``, each quarter counted
    once (see :func:`counted_reports`)."""
    reports = []
    for text, sales in sales_reports(store.db, partner_id, currency):
        try:
            reports.append((Period.parse(text), sales))
        except PeriodError:
            continue
    return sum(sales for _period, sales in counted_reports(reports, period))


def counted_reports(reports: list[tuple[Period, int]],
                    period: Period) -> list[tuple[Period, int]]:
    """The reports inside ``period`` that add up without counting a quarter twice.

    The import refuses overlapping reports, but two devices may each import one offline.
    A report covering more of the period wins (2026-H1 over its 2026-Q1: the later, fuller
    figure), then the older report; one overlapping a report already counted is left out.
    """
    inside = [(reported, sales) for reported, sales in reports if period.contains(reported)]
    inside.sort(key=lambda item: -len(item[0].quarters()))  # stable: older first on ties
    counted: list[tuple[Period, int]] = []
    covered: set[Period] = set()
    for reported, sales in inside:
        quarters = set(reported.quarters())
        if not quarters & covered:
            counted.append((reported, sales))
            covered |= quarters
    return counted


def prior_period(period: Period) -> Period:
    """The same period a year earlier (what a growth rebate compares with)."""
    return Period(period.year - 1, period.kind, period.index)


def coop_accrual_due(store: Store, partner: Partner, program: IncentiveProgram) -> int:
    """Co-op a partner has earned on its reported sales in the program's period and
    currency, minus what was already accrued."""
    earned = accrual_amount(sales_for(store, partner.id, Period.parse(program.period),
                                      program.currency), program.accrual_bp)
    return earned - partner_total(store.db, partner.id, program.id).accrued


def accrue_coop(store: Store, partner_id: str, today: date | None = None,
                actor: str = "") -> Operation[int]:
    """Accrue co-op funds on a partner's reported sales in every co-op program it is
    eligible for (the accrual rate times sales, minus what was accrued before)."""
    partner = live(Partner, partner_id, "partner")
    programs = [p for p in IncentiveProgram.live().where(
        (IncentiveProgram.kind == ProgramKind.COOP.value) & (IncentiveProgram.accrual_bp > 0))
        if not eligibility_problem(p.partner_types, p.tiers, partner.partner_type,
                                   partner.tier)]

    def write(recorder: Recorder) -> int:
        total = 0
        for program in programs:
            due = coop_accrual_due(store, partner, program)
            if due > 0:
                recorder.insert(FundLedgerEntry, {
                    "program": program.id, "partner": partner.id,
                    "kind": EntryKind.ACCRUE.value, "amount": due,
                    "entry_date": today or date.today(), "period": program.period,
                    "actor": actor, "memo": COOP_MEMO,
                    "write_token": _token()})
                total += due
        return total
    return run(store, write)


def record_rebate(store: Store, program_id: str, partner_id: str, actor: str = "",
                  today: date | None = None) -> Operation[int]:
    """Accrue what a partner earned under a rebate program so far (minus what was
    accrued before), so it can be claimed and paid like any fund. Returns the amount."""
    program = live(IncentiveProgram, program_id, "program")
    partner = live(Partner, partner_id, "partner")
    if program.kind != ProgramKind.REBATE:
        raise OperationRefused(f"'{program.name}' is not a rebate program.")
    _eligible(program, partner)
    standing = rebate_of(store, program, partner.id)
    accrued = partner_total(store.db, partner.id, program.id).accrued
    due = standing.earned - accrued
    if due <= 0:
        raise OperationRefused(f"Nothing more to accrue: {partner.name} earned "
                               f"{money_text(standing.earned, program.currency)} and that "
                               "is already in its fund.")

    def write(recorder: Recorder) -> int:
        recorder.insert(FundLedgerEntry, {
            "program": program.id, "partner": partner.id, "kind": EntryKind.ACCRUE.value,
            "amount": due, "entry_date": today or date.today(), "period": program.period,
            "actor": actor, "memo": REBATE_MEMO,
            "write_token": _token()})
        return due
    return run(store, write)


def earned_due(store: Store, partner_id: str) -> list[tuple[IncentiveProgram, int, str]]:
    """What a partner earned and is not yet in its funds: (program, amount, memo) for each
    co-op program (accrual on reported sales) and rebate program (earned rebate) it is
    eligible for, where the amount is more than 0."""
    partner = live(Partner, partner_id, "partner")
    found = []
    for program in IncentiveProgram.live().where(IncentiveProgram.kind.in_(
            (ProgramKind.COOP.value, ProgramKind.REBATE.value))).order_by(
                IncentiveProgram.name):
        if eligibility_problem(program.partner_types, program.tiers, partner.partner_type,
                               partner.tier):
            continue
        if program.kind == ProgramKind.COOP:
            if program.accrual_bp <= 0:
                continue
            due, memo = coop_accrual_due(store, partner, program), COOP_MEMO
        else:
            due = (rebate_of(store, program, partner.id).earned
                   - partner_total(store.db, partner.id, program.id).accrued)
            memo = REBATE_MEMO
        if due > 0:
            found.append((program, due, memo))
    return found


def accrue_earned(store: Store, partner_id: str, actor: str = "",
                  today: date | None = None) -> Operation[list[str]]:
    """Accrue everything a partner earned in co-op and rebates (:func:`earned_due`) in one
    step; refused, writing nothing, when nothing is due. Returns what was accrued, one
    "€500.00 in Co-op 2026" per program (programs may run in different currencies)."""
    partner = live(Partner, partner_id, "partner")
    dues = earned_due(store, partner.id)
    if not dues:
        raise OperationRefused(f"Nothing to accrue: what {partner.name} earned in co-op and "
                               "rebates on its reported sales is already in its funds.")

    def write(recorder: Recorder) -> list[str]:
        for program, due, memo in dues:
            recorder.insert(FundLedgerEntry, {
                "program": program.id, "partner": partner.id,
                "kind": EntryKind.ACCRUE.value, "amount": due,
                "entry_date": today or date.today(), "period": program.period,
                "actor": actor, "memo": memo, "write_token": _token()})
        return [f"{money_text(due, program.currency)} in {program.name}"
                for program, due, _memo in dues]
    return run(store, write)


def rebate_of(store: Store, program: IncentiveProgram, partner_id: str) -> RebateStanding:
    """A partner's rebate standing under a program for the program's period."""
    period = Period.parse(program.period)
    tiers = parse_tiers(program.rebate_tiers, minor_digits(program.currency))
    return rebate_standing(sales_for(store, partner_id, period, program.currency),
                           sales_for(store, partner_id, prior_period(period),
                                     program.currency),
                           program.rebate_basis, tiers)


def parse_amount(text: str, currency: str) -> int:
    """A typed amount in minor units, refused with a sentence when it is not one."""
    try:
        units = Money.parse(text, currency).to_minor()
    except MoneyError as error:
        raise OperationRefused(f"{error} Type an amount such as 1,250.00.") from None
    if units < 0:
        raise OperationRefused("Amounts cannot be negative. Enter 0 or more.")
    return units
