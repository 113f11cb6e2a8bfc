"""A plan and a partner's scorecard as plain values: what a partner-facing document shows.

The store loads these (leaving every internal-only field behind), the PDF builders render
them. Plain frozen values pickle cheaply, so a batch export can hand them to worker
processes that never open the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from channeldesk.domain.money import Money, format_money  # format_money: re-exported
from channeldesk.domain.plan import (
    ActivityStatus,
    MetricUnit,
    Period,
    PeriodError,
    PeriodKind,
    TargetLine,
    lines_for_period,
)


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


def active_budget(items: tuple[PlanActivityItem, ...] | list[PlanActivityItem]) -> int:
    """The budget of the activities that will happen, in minor units: a cancelled
    activity spends nothing, so it never counts in a total."""
    return sum(a.budget or 0 for a in items if a.status != ActivityStatus.CANCELLED)


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
    """A partner review pack: the plan plus the scorecard parts, for one period.

    ``period`` is the plan's own period or a half or quarter inside it (a yearly plan
    reviewed quarter by quarter); the scorecard and the engagement are measured over it.
    """

    plan: PlanDocument
    engagement: EngagementSummary
    generated_on: date
    extra: dict[str, object] = field(default_factory=dict)  # sections added by later features
    period: str = ""  # '' means the plan's own period

    @property
    def scope(self) -> Period | None:
        """The period the pack is for, or None when the plan's period cannot be read."""
        try:
            return Period.parse(self.period or self.plan.period)
        except PeriodError:
            return None

    @property
    def whole_plan(self) -> bool:
        return not self.period or self.period == self.plan.period

    @property
    def period_label(self) -> str:
        scope = self.scope
        return scope.label if scope else self.plan.period_label

    @property
    def period_in_sentence(self) -> str:
        """'the second half of 2026', 'fiscal year 2026', 'Q3 2026': the label as it
        reads inside a sentence."""
        label = self.period_label
        if label.startswith(("First half", "Second half")):
            return f"the {label[0].lower()}{label[1:]}"
        if label.startswith("Fiscal year"):
            return f"f{label[1:]}"
        return label

    @property
    def kicker(self) -> str:
        """What the pack is, for its cover: the review of a quarter, a half or a year."""
        kind = self.scope.kind if self.scope else PeriodKind.YEAR
        return {PeriodKind.QUARTER: "Quarterly partner review",
                PeriodKind.HALF: "Half-year partner review",
                PeriodKind.YEAR: "Annual partner review"}[kind]

    @property
    def targets(self) -> tuple[TargetLine, ...]:
        """The plan's targets over the pack's period: all of them for the whole plan, the
        quarterly ones summed over a half or quarter inside it."""
        scope = self.scope
        if self.whole_plan or scope is None:
            return self.plan.targets
        return tuple(lines_for_period(self.plan.targets, scope))

    @property
    def whole_period_only(self) -> tuple[TargetLine, ...]:
        """Targets set for the plan's whole period only: a quarter has no share of them."""
        if self.whole_plan:
            return ()
        return tuple(line for line in self.plan.targets if not line.by_quarter)
