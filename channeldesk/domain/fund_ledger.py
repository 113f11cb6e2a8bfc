"""The fund ledger: every balance of a partner's fund is a sum over its entries.

Nothing stores a running total. An entry has a kind and a non-negative amount in minor
units of the program's currency:

* ``budget`` — money set aside for a program and period (program level, no partner);
* ``allocate`` / ``accrue`` / ``expire`` — money put into a partner's fund (by hand, or
  as a % of reported sales) and taken out when it runs out unused;
* ``reserve`` / ``claim`` / ``approve`` / ``pay`` / ``release`` — one per step of a claim.

What a claim *holds* is derived, never written: once approved, what is approved and not
yet paid; before, what was reserved and not released. So an approval of less than the
pre-approved amount frees the rest without a second entry, and every step of a claim
writes at most one entry (the property sync relies on: docs/incentives.md).

    reserved  = Σ over claims of what each holds
    available = allocated + accrued - reserved - paid - expired
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from enum import StrEnum


class EntryKind(StrEnum):
    BUDGET = "budget"
    ALLOCATE = "allocate"
    ACCRUE = "accrue"
    EXPIRE = "expire"
    RESERVE = "reserve"
    RELEASE = "release"
    CLAIM = "claim"
    APPROVE = "approve"
    PAY = "pay"


ENTRY_LABELS = {
    EntryKind.BUDGET: "Budget",
    EntryKind.ALLOCATE: "Allocated",
    EntryKind.ACCRUE: "Accrued",
    EntryKind.EXPIRE: "Expired",
    EntryKind.RESERVE: "Reserved",
    EntryKind.RELEASE: "Released",
    EntryKind.CLAIM: "Claimed",
    EntryKind.APPROVE: "Approved",
    EntryKind.PAY: "Paid",
}

CLAIM_KINDS = frozenset({EntryKind.RESERVE, EntryKind.RELEASE, EntryKind.CLAIM,
                         EntryKind.APPROVE, EntryKind.PAY})


def entry_label(code: str) -> str:
    try:
        return ENTRY_LABELS[EntryKind(code)]
    except ValueError:
        return code


@dataclass(frozen=True)
class Entry:
    """One ledger entry as the balance arithmetic needs it."""

    kind: str
    amount: int
    claim_id: str | None = None


@dataclass(frozen=True)
class ClaimTotals:
    """One claim's sums by kind; ``approvals`` counts approve entries (an approval
    switches what the claim holds from its reservation to its approved amount)."""

    reserved: int = 0
    released: int = 0
    claimed: int = 0
    approved: int = 0
    paid: int = 0
    approvals: int = 0

    @property
    def holding(self) -> int:
        if self.approvals:
            return self.approved - self.paid
        return self.reserved - self.released


@dataclass(frozen=True)
class Balances:
    """A fund's balances in minor units; ``available`` follows from the others."""

    allocated: int = 0
    accrued: int = 0
    reserved: int = 0
    claimed: int = 0
    approved: int = 0
    paid: int = 0
    expired: int = 0

    @property
    def available(self) -> int:
        return self.allocated + self.accrued - self.reserved - self.paid - self.expired

    def as_dict(self) -> dict[str, int]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["available"] = self.available
        return values


def claim_totals(entries: Iterable[Entry]) -> ClaimTotals:
    sums: dict[str, int] = defaultdict(int)
    approvals = 0
    for entry in entries:
        sums[entry.kind] += entry.amount
        approvals += entry.kind == EntryKind.APPROVE
    return ClaimTotals(sums[EntryKind.RESERVE], sums[EntryKind.RELEASE],
                       sums[EntryKind.CLAIM], sums[EntryKind.APPROVE], sums[EntryKind.PAY],
                       approvals)


def balances(entries: Iterable[Entry]) -> Balances:
    """A fund's balances from its entries (any order)."""
    sums: dict[str, int] = defaultdict(int)
    by_claim: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        sums[entry.kind] += entry.amount
        if entry.claim_id and entry.kind in CLAIM_KINDS:
            by_claim[entry.claim_id].append(entry)
    reserved = sum(claim_totals(items).holding for items in by_claim.values())
    return Balances(sums[EntryKind.ALLOCATE], sums[EntryKind.ACCRUE], reserved,
                    sums[EntryKind.CLAIM], sums[EntryKind.APPROVE], sums[EntryKind.PAY],
                    sums[EntryKind.EXPIRE])


def invariant_problems(entries: Iterable[Entry]) -> list[str]:
    """What breaks the ledger's rules (empty when nothing does): no negative entry or
    balance, no claim paid beyond its approval or holding less than nothing, and every
    unit accounted for (allocated + accrued = available + reserved + paid + expired)."""
    items = list(entries)
    problems = [f"negative {e.kind} entry of {e.amount}" for e in items if e.amount < 0]
    by_claim: dict[str, list[Entry]] = defaultdict(list)
    for entry in items:
        if entry.claim_id:
            by_claim[entry.claim_id].append(entry)
    for claim_id, claim_entries in by_claim.items():
        totals = claim_totals(claim_entries)
        if totals.paid > totals.approved:
            problems.append(f"claim {claim_id} paid {totals.paid} of {totals.approved} approved")
        if totals.holding < 0:
            problems.append(f"claim {claim_id} holds {totals.holding}")
    found = balances(items)
    problems.extend(f"{name} is {value}" for name, value in found.as_dict().items()
                    if value < 0)
    income = found.allocated + found.accrued
    spent = found.available + found.reserved + found.paid + found.expired
    if income != spent:
        problems.append(f"{income} came in but {spent} is accounted for")
    return problems
