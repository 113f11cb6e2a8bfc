"""A plan and a partner's scorecard as plain values: what a partner-facing document shows.

The store loads these (leaving every internal-only field behind), the PDF builders render
them. Plain frozen values pickle cheaply, so a batch export can hand them to worker
processes that never open the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from channeldesk.domain.money import Money
from channeldesk.domain.plan import MetricUnit, TargetLine


@dataclass(frozen=True)
class PlanActivityItem:
    group: str
    title: str
    owner_side: str
    owner_name: str
    due_on: date | None
    status: str
    budget: int | None  # minor units of the plan's currency


@dataclass(frozen=True)
class CommitmentItem:
    side: str
    text: str
    due_on: date | None
    done: bool


@dataclass(frozen=True)
class SignatureItem:
    side: str
    name: str
    title: str
    signed_on: date | None


@dataclass(frozen=True)
class PlanDocument:
    """Everything a plan PDF shows; nothing internal-only is ever put in here."""

    plan_id: str
    partner_id: str
    partner_name: str
    partner_country: str
    period: str
    period_label: str
    status: str
    title: str
    currency: str
    summary: str
    objectives: tuple[str, ...] = ()
    targets: tuple[TargetLine, ...] = ()
    activities: tuple[PlanActivityItem, ...] = ()
    commitments: tuple[CommitmentItem, ...] = ()
    signatures: tuple[SignatureItem, ...] = ()
    partner_logo: bytes | None = None

    def money(self, minor_units: int) -> Money:
        return Money.from_minor(minor_units, self.currency)

    def format_value(self, unit: MetricUnit, value: int | None) -> str:
        """A target or actual as the partner reads it: '€ 1,250,000' or '12'."""
        if value is None:
            return "–"
        if unit is MetricUnit.MONEY:
            return format_money(self.money(value))
        return f"{value:,}"


@dataclass(frozen=True)
class EngagementSummary:
    """The engagement part of a scorecard, from the partner's activity log and contacts."""

    per_month: tuple[tuple[str, int], ...]  # ('2026-05', 3), oldest first
    last_qbr: date | None
    last_activity: date | None
    contacts: tuple[tuple[str, str, bool], ...]  # (name, role, is primary)


@dataclass(frozen=True)
class PackDocument:
    """A quarterly review pack: the current plan plus the scorecard parts."""

    plan: PlanDocument
    engagement: EngagementSummary
    generated_on: date
    extra: dict[str, object] = field(default_factory=dict)  # sections added by later features


CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}


def format_money(money: Money, whole: bool = True) -> str:
    """'€1,250,000' (whole units by default: plans talk in round numbers)."""
    amount = money.amount.quantize(Decimal(1)) if whole else money.rounded().amount
    symbol = CURRENCY_SYMBOLS.get(money.currency)
    text = f"{amount:,}"
    if symbol:
        return f"-{symbol}{text[1:]}" if text.startswith("-") else f"{symbol}{text}"
    return f"{text} {money.currency}"
