"""Editing a program or a request after it was made, under the rules making it applies.

Once money moved, some things are fixed: a program's currency, kind and period (every
ledger amount is in that currency, every accrual over that period; the store's guard in
``store/incentive_program_lock.py`` refuses the change on every write path), and a
claim's amounts once funds were reserved or a claim was made (the vendor agreed on those
figures). Each function validates, then writes in one transaction and returns an
:class:`~channeldesk.services.operations.Operation` for exact undo; a refusal raises
:class:`OperationRefused` with a sentence for a person and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from channeldesk.domain.claim_state import ClaimState
from channeldesk.domain.incentive import ProgramKind, spiff_amount
from channeldesk.services.incentive_operations import live
from channeldesk.services.operations import Operation, OperationRefused, Recorder, run
from channeldesk.store import Store
from channeldesk.store.incentive_program_lock import has_money, program_change_refusal
from channeldesk.store.models import Claim, IncentiveProgram


def edit_program(store: Store, program_id: str,
                 values: Mapping[str, Any]) -> Operation[dict[str, Any]]:
    """Change a program's settings. Its currency, kind and period are refused once a
    ledger entry or claim exists under it (every amount is in that currency and every
    accrual over that period): a new program is the way to run another. Returns the
    previous values of what changed."""
    program = live(IncentiveProgram, program_id, "program")
    editable = set(IncentiveProgram.editable_fields())
    changes = {name: value for name, value in values.items() if name in editable}
    problem = program_change_refusal(store.db.connection(), [program.id], changes)
    if problem:
        raise OperationRefused(problem)
    if not str(changes.get("name", program.name) or "").strip():
        raise OperationRefused("Give the program a name.")

    def write(recorder: Recorder) -> dict[str, Any]:
        return recorder.update(IncentiveProgram, program.id, changes)
    return run(store, write)


def program_fixed(store: Store, program_id: str) -> bool:
    """Whether the program's currency, kind and period are fixed (money moved)."""
    return has_money(store.db.connection(), program_id)


# What a claim's edit may change; the amounts only while nothing is reserved or claimed.
CLAIM_EDITABLE = ("title", "activity_type", "activity_start", "activity_end", "requested",
                  "activity_cost", "units", "deal_ref", "revenue_influenced", "description")
AMOUNT_FIELDS = ("requested", "activity_cost", "units", "revenue_influenced")
_AMOUNTS_OPEN = frozenset({ClaimState.DRAFT, ClaimState.SUBMITTED, ClaimState.INFO_REQUESTED})


def amounts_fixed(claim: Claim) -> bool:
    """Whether the claim's amounts are fixed: funds were reserved or a claim was made,
    so the ledger and the vendor's agreement hold them from then on."""
    return ClaimState(claim.state) not in _AMOUNTS_OPEN


def _check_claim_values(values: Mapping[str, Any]) -> None:
    if not str(values["title"] or "").strip():
        raise OperationRefused("Give the request a title (what the activity is).")
    for name, what in (("requested", "The requested amount"),
                       ("activity_cost", "The activity's cost"),
                       ("revenue_influenced", "Revenue influenced"), ("units", "Units")):
        if (values[name] or 0) < 0:
            raise OperationRefused(f"{what} cannot be negative. Enter 0 or more.")
    start, end = values["activity_start"], values["activity_end"]
    if start and end and end < start:
        raise OperationRefused("The activity ends before it starts. Check the dates.")


def edit_claim(store: Store, claim_id: str,
               values: Mapping[str, Any]) -> Operation[dict[str, Any]]:
    """Change what a request or claim says, under the rules :func:`create_claim`
    applies: a title, amounts of 0 or more, an end on or after the start, a SPIFF's
    amount derived from its units. Once funds are reserved (or a claim was made) the
    requested amount, cost, units and revenue are fixed. Returns the previous values."""
    claim = live(Claim, claim_id, "claim")
    program = live(IncentiveProgram, claim.program_id, "program")
    changes = {name: value for name, value in values.items() if name in CLAIM_EDITABLE}
    merged = {name: changes.get(name, getattr(claim, name)) for name in CLAIM_EDITABLE}
    _check_claim_values(merged)
    if program.kind == ProgramKind.SPIFF and not amounts_fixed(claim):
        if (merged["units"] or 0) <= 0:
            raise OperationRefused("A SPIFF claim needs the number of qualifying deals or "
                                   "units (1 or more).")
        changes["requested"] = spiff_amount(program.spiff_amount, merged["units"])
    if amounts_fixed(claim):
        moved = [name for name in AMOUNT_FIELDS
                 if name in changes and changes[name] != getattr(claim, name)]
        if moved:
            labels = ", ".join(name.replace("_", " ") for name in moved)
            raise OperationRefused(
                f"'{claim.title}' is {claim.state.replace('_', ' ')}: its {labels} can no "
                "longer change, because the funds were agreed on these figures. Withdraw "
                "it and make a new request to change them.")
    if "title" in changes:
        changes["title"] = str(changes["title"]).strip()

    def write(recorder: Recorder) -> dict[str, Any]:
        return recorder.update(Claim, claim.id, changes)
    return run(store, write)
