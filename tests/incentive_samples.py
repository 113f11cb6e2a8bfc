"""Incentive programs, funds and claims written through the real store and the real
operations, for the domain-to-UI incentive tests."""

from __future__ import annotations

from datetime import date

from plan_samples import add_partner

from channeldesk.domain.claim_state import ClaimAction
from channeldesk.services import incentive_operations as ops
from channeldesk.store import Store
from channeldesk.store.models import IncentiveProgram

TODAY = date(2026, 5, 4)


def add_program(store: Store, name: str = "EMEA MDF 2026", kind: str = "mdf",
                currency: str = "EUR", **values) -> str:
    with store.transaction():
        return store.insert(IncentiveProgram, {
            "name": name, "kind": kind, "period": values.pop("period", "FY2026"),
            "currency": currency, "rebate_basis": "sales",
            "internal_notes": "SECRET-PROGRAM-NOTE", **values})


def funded_partner(store: Store, amount: int = 10_000_00, name: str = "Acadia Cloud",
                   program: str | None = None, **program_values) -> tuple[str, str]:
    """A partner with ``amount`` allocated under an MDF program: (program id, partner id)."""
    program_id = program or add_program(store, **program_values)
    partner_id = add_partner(store, name)
    ops.allocate_funds(store, ops.AllocationRequest(program_id, partner_id, amount,
                                                     date(2026, 12, 31)), "Sam", TODAY)
    return program_id, partner_id


def claim_in(store: Store, program_id: str, partner_id: str, *, reserve: int = 0,
             claim: int = 0, approve: int = 0, pays: tuple[int, ...] = (),
             title: str = "Spring roadshow", proof: bool = True) -> str:
    """A claim taken as far as the amounts say: requested, pre-approved ``reserve``,
    claimed ``claim`` (with the event's proof attached), approved, paid."""
    claim_id = ops.create_claim(store, ops.NewClaim(
        program_id, partner_id, title, "event", date(2026, 4, 1), date(2026, 4, 3),
        requested=reserve or claim or 1_000_00, activity_cost=4 * (reserve or claim or 1),
        revenue_influenced=80_000_00)).value
    step = ops.take_action
    step(store, claim_id, ClaimAction.SUBMIT, reserve or 1_000_00, actor="Ana", today=TODAY)
    if not reserve:
        return claim_id
    step(store, claim_id, ClaimAction.PRE_APPROVE, reserve, actor="Sam", today=TODAY)
    if not claim:
        return claim_id
    if proof:
        for kind in ("invoice", "attendee_list", "photos"):
            ops.attach_proof(store, claim_id, kind, f"{kind} of {title}".encode(), f"{kind}.pdf")
    step(store, claim_id, ClaimAction.SUBMIT_CLAIM, claim, actor="Ana", today=TODAY)
    if approve:
        step(store, claim_id, ClaimAction.APPROVE, approve, actor="Sam", today=TODAY)
    for amount in pays:
        step(store, claim_id, ClaimAction.PAY, amount, actor="Finance", today=TODAY)
    return claim_id
