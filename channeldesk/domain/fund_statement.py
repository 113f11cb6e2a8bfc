"""A partner's fund statement for a period, as plain values: for each program, the
balances at the start and the end, what moved in between and the claims — what the PDF
and the partner pack print. Pure values, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from channeldesk.domain.fund_ledger import Balances


@dataclass(frozen=True)
class StatementLine:
    day: date | None  # None: a stored date nobody can read
    kind: str
    what: str
    amount: int


@dataclass(frozen=True)
class StatementClaim:
    title: str
    state: str
    claimed: int
    approved: int
    paid: int
    revenue_influenced: int


@dataclass(frozen=True)
class ProgramStatement:
    name: str
    kind: str
    currency: str
    opening: Balances
    closing: Balances
    lines: tuple[StatementLine, ...]
    claims: tuple[StatementClaim, ...]


@dataclass(frozen=True)
class FundStatement:
    partner_name: str
    period: str
    period_label: str
    start: date
    end: date
    generated_on: date
    programs: tuple[ProgramStatement, ...] = field(default_factory=tuple)
