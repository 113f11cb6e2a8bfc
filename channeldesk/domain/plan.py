"""Joint business plans: periods, statuses, metrics and attainment. Pure values, no db.

A plan covers one partner for one period: a fiscal year (``FY2026``), a half
(``2026-H1``) or a quarter (``2026-Q3``). Targets may be set for the whole period or per
quarter inside it, so a yearly plan can be tracked quarter by quarter at each QBR.
Attainment is never a division by zero: a zero or missing target has no percentage, and
the PDF and the tab show a dash instead of a made-up number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class PeriodError(ValueError):
    """A period text that is not FY2026, 2026-H1 or 2026-Q3."""


class PeriodKind(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"


_PERIOD = re.compile(
    r"^\s*(?:FY\s*(?P<fy>\d{4})|(?P<year>\d{4})\s*[-/ ]?\s*(?P<kind>[HQ])(?P<n>\d))\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, order=True)
class Period:
    """A planning period; ``index`` is the half (1-2) or quarter (1-4), 0 for a year."""

    year: int
    kind: PeriodKind
    index: int = 0

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read 'FY2026', '2026-H1', '2026-Q3' (case and separators are forgiven)."""
        found = _PERIOD.match(text or "")
        if not found:
            raise PeriodError(
                f"'{text}' is not a period. Use FY2026 for a year, 2026-H1 for a half or "
                "2026-Q3 for a quarter.")
        if found["fy"]:
            return cls(int(found["fy"]), PeriodKind.YEAR, 0)
        kind = PeriodKind.HALF if found["kind"].upper() == "H" else PeriodKind.QUARTER
        index = int(found["n"])
        limit = 2 if kind is PeriodKind.HALF else 4
        if not 1 <= index <= limit:
            raise PeriodError(f"'{text}': a year has {limit} {kind.value}s, not {index}.")
        return cls(int(found["year"]), kind, index)

    def __str__(self) -> str:
        if self.kind is PeriodKind.YEAR:
            return f"FY{self.year}"
        return f"{self.year}-{'H' if self.kind is PeriodKind.HALF else 'Q'}{self.index}"

    @property
    def label(self) -> str:
        """How a partner reads it on a cover page."""
        if self.kind is PeriodKind.YEAR:
            return f"Fiscal year {self.year}"
        if self.kind is PeriodKind.HALF:
            return f"{'First' if self.index == 1 else 'Second'} half of {self.year}"
        return f"Q{self.index} {self.year}"

    def quarters(self) -> list[Period]:
        """The quarters inside this period, in order (a quarter holds itself)."""
        if self.kind is PeriodKind.QUARTER:
            return [self]
        first = 1 if self.kind is PeriodKind.YEAR or self.index == 1 else 3
        count = 4 if self.kind is PeriodKind.YEAR else 2
        return [Period(self.year, PeriodKind.QUARTER, q) for q in range(first, first + count)]

    def contains(self, other: Period) -> bool:
        return other.year == self.year and set(other.quarters()) <= set(self.quarters())

    def next(self) -> Period:
        """The period of the same length that follows: the one a copied plan is for."""
        if self.kind is PeriodKind.YEAR:
            return Period(self.year + 1, self.kind, 0)
        limit = 2 if self.kind is PeriodKind.HALF else 4
        if self.index == limit:
            return Period(self.year + 1, self.kind, 1)
        return Period(self.year, self.kind, self.index + 1)

    def start(self) -> date:
        return date(self.year, (self.quarters()[0].index - 1) * 3 + 1, 1)

    def end(self) -> date:
        last = self.quarters()[-1].index * 3
        return date(self.year + (last == 12), last % 12 + 1, 1) - timedelta(days=1)

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Chronological by start, longer periods first at the same start."""
        first = self.quarters()[0].index
        return (self.year, first, -len(self.quarters()))


def period_error(text: str) -> str | None:
    """Why ``text`` is not a period, for a message next to the field; None if it is."""
    try:
        Period.parse(text)
    except PeriodError as error:
        return str(error)
    return None


def quarter_error(text: str) -> str | None:
    """A target's quarter is '' (the whole period) or one quarter such as 2026-Q3."""
    try:
        if Period.parse(text).kind is PeriodKind.QUARTER:
            return None
    except PeriodError:
        pass
    return f"'{text}' is not a quarter. Use 2026-Q3, or leave it empty for the whole period."


class PlanStatus(StrEnum):
    DRAFT = "draft"
    AGREED = "agreed"
    SIGNED = "signed"
    ARCHIVED = "archived"


STATUS_LABELS = {
    PlanStatus.DRAFT: "Draft",
    PlanStatus.AGREED: "Agreed",
    PlanStatus.SIGNED: "Signed",
    PlanStatus.ARCHIVED: "Archived",
}

# Forward along the life of a plan; back one step when a partner reopens what was agreed
# (a signed plan is a record: it can only be archived).
_TRANSITIONS: dict[PlanStatus, frozenset[PlanStatus]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.AGREED, PlanStatus.ARCHIVED}),
    PlanStatus.AGREED: frozenset({PlanStatus.DRAFT, PlanStatus.SIGNED, PlanStatus.ARCHIVED}),
    PlanStatus.SIGNED: frozenset({PlanStatus.ARCHIVED}),
    PlanStatus.ARCHIVED: frozenset(),
}


# A status no version knows (left by an older version or a restored backup) may only be
# corrected: back to a draft to work on, or to the archive.
_FROM_UNKNOWN = frozenset({PlanStatus.DRAFT, PlanStatus.ARCHIVED})


def allowed_transitions(status: PlanStatus | str) -> frozenset[PlanStatus]:
    try:
        return _TRANSITIONS[PlanStatus(status)]
    except ValueError:
        return _FROM_UNKNOWN


def can_transition(current: PlanStatus | str, new: PlanStatus | str) -> bool:
    return PlanStatus(new) in allowed_transitions(current)


# -- what a signed or archived plan still lets change ------------------------------------------

LOCKED_STATUSES = frozenset({PlanStatus.SIGNED, PlanStatus.ARCHIVED})


class PlanPart(StrEnum):
    """The records a plan is made of, as the lock rules name them."""

    PLAN = "plan"
    OBJECTIVE = "objective"
    TARGET = "target"
    COMMITMENT = "commitment"
    ACTIVITY = "activity"
    SIGNATURE = "signature"


# A signed plan is the record of what both sides agreed: its words, targets, dates and
# signers are fixed. What happens after signing is tracked on it all the same: the actual
# to date of a target, a commitment kept, an activity's progress, and the vendor's own
# internal notes (never part of what the partner signed).
_TRACKED_AFTER_SIGNING: dict[PlanPart, frozenset[str]] = {
    PlanPart.PLAN: frozenset({"status", "internal_notes"}),
    PlanPart.TARGET: frozenset({"actual", "internal_notes"}),
    PlanPart.COMMITMENT: frozenset({"done"}),
    PlanPart.ACTIVITY: frozenset({"status", "internal_notes"}),
}
# An archived plan is history: only the vendor's internal notes may still be written.
_NOTES_ONLY: dict[PlanPart, frozenset[str]] = {
    part: fields & {"internal_notes"} for part, fields in _TRACKED_AFTER_SIGNING.items()}


def is_locked(status: PlanStatus | str) -> bool:
    """Signed and archived plans are read-only (apart from what :func:`editable_when`
    lists)."""
    try:
        return PlanStatus(status) in LOCKED_STATUSES
    except ValueError:
        return False


def editable_when(status: PlanStatus | str, part: PlanPart | str) -> frozenset[str] | None:
    """The fields of ``part`` that may still change on a plan with ``status``; None when
    every field may (a draft or agreed plan)."""
    if not is_locked(status):
        return None
    allowed = _NOTES_ONLY if PlanStatus(status) is PlanStatus.ARCHIVED else \
        _TRACKED_AFTER_SIGNING
    return allowed.get(PlanPart(part), frozenset())


def lock_refusal(status: PlanStatus | str, part: PlanPart | str,
                 fields: frozenset[str] | set[str] | tuple[str, ...] = (), *,
                 new_status: str | None = None, adding: bool = False) -> str | None:
    """Why this edit of a plan with ``status`` is refused, in words for a person; None
    when it may be made.

    ``fields`` are the columns an update changes (``deleted`` for a removal or a
    restore); ``adding`` is a new part on the plan; ``new_status`` a status change of the
    plan itself, which must follow the status flow (a signed plan may only be archived).
    """
    known = set(PlanStatus)
    if status not in known:
        return None  # not a status of ours: the description's choice check refuses it
    if new_status is not None and new_status in known and new_status != str(status) \
            and not can_transition(status, new_status):
        return _status_refusal(status, new_status)
    if not is_locked(status):
        return None
    allowed = editable_when(status, part) or frozenset()
    if not adding and set(fields) <= allowed:
        return None
    label = STATUS_LABELS[PlanStatus(status)].lower()
    if PlanStatus(status) is PlanStatus.SIGNED:
        return (f"This plan is {label}, so it is read-only: what both sides signed cannot "
                "change. Use Amend to start a new revision with the change.")
    return f"This plan is {label}, so it is read-only."


def _status_refusal(current: PlanStatus | str, new: str) -> str:
    now = STATUS_LABELS.get(PlanStatus(current), str(current))
    wanted = STATUS_LABELS[PlanStatus(new)]
    allowed = sorted(STATUS_LABELS[s] for s in allowed_transitions(current))
    then = (f"It can become {' or '.join(allowed)}." if allowed
            else "It cannot change any more.")
    return f"A plan that is {now.lower()} cannot become {wanted.lower()}. {then}"


class MetricUnit(StrEnum):
    MONEY = "money"    # stored in minor units of the plan's currency
    COUNT = "count"


@dataclass(frozen=True)
class MetricDef:
    code: str
    label: str
    unit: MetricUnit


METRICS: dict[str, MetricDef] = {m.code: m for m in (
    MetricDef("revenue", "Revenue", MetricUnit.MONEY),
    MetricDef("new_customers", "New customers", MetricUnit.COUNT),
    MetricDef("deals_registered", "Deals registered", MetricUnit.COUNT),
    MetricDef("pipeline", "Pipeline created", MetricUnit.MONEY),
    MetricDef("certified_people", "Certified people", MetricUnit.COUNT),
    MetricDef("mdf_spend", "MDF spend", MetricUnit.MONEY),
    MetricDef("renewal_rate", "Renewals closed", MetricUnit.COUNT),
)}


def metric_label(code: str, custom_label: str = "") -> str:
    if custom_label:
        return custom_label
    known = METRICS.get(code)
    return known.label if known else code.replace("_", " ").capitalize()


def metric_unit(code: str) -> MetricUnit:
    known = METRICS.get(code)
    return known.unit if known else MetricUnit.COUNT


def attainment(actual: int | Decimal | None, target: int | Decimal | None) -> Decimal | None:
    """Actual as a percentage of target, one decimal; None when there is nothing to divide.

    A missing actual or a target of zero (or less, or missing) has no meaningful
    percentage; callers show a dash rather than 0 % or infinity.
    """
    if actual is None or target is None or target <= 0:
        return None
    percent = Decimal(actual) * 100 / Decimal(target)
    return percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TargetLine:
    """One metric's target and actual for the whole period, summed over its quarters."""

    metric: str
    label: str
    unit: MetricUnit
    target: int
    actual: int | None
    by_quarter: tuple[tuple[str, int, int | None], ...] = ()

    @property
    def attainment(self) -> Decimal | None:
        return attainment(self.actual, self.target)


def format_percent(value: Decimal | None) -> str:
    """An attainment as every document and screen prints it: '65.5%', or a dash.

    One rule (one decimal, half up, as :func:`attainment` computes it), so a gauge and
    the table beside it never disagree."""
    return "–" if value is None else f"{value}%"


@dataclass(frozen=True)
class Headline:
    """The figures that lead a plan: its primary metric's attainment and how many of its
    targets are met. Attainments of different metrics are never averaged (revenue and
    MDF spend do not add up to anything a partner can act on)."""

    primary: TargetLine | None
    met: int
    measured: int  # targets with something to meet (a target above zero)

    @property
    def attainment(self) -> Decimal | None:
        return self.primary.attainment if self.primary else None

    @property
    def label(self) -> str:
        """'Revenue attainment' (or the primary metric's own name)."""
        return f"{self.primary.label} attainment" if self.primary else "Attainment"

    @property
    def met_count(self) -> str:
        """'3 of 5' for a tile captioned "Targets met" (a dash when none is set)."""
        return f"{self.met} of {self.measured}" if self.measured else "–"

    @property
    def met_text(self) -> str:
        """'3 of 5 targets met' (a dash when no target has been set)."""
        if not self.measured:
            return "–"
        return f"{self.met_count} target{'' if self.measured == 1 else 's'} met"


def primary_line(lines: list[TargetLine] | tuple[TargetLine, ...]) -> TargetLine | None:
    """The metric a plan is mostly about: revenue, else its first money target, else its
    first target; only targets above zero count."""
    set_lines = [line for line in lines if line.target > 0]
    return (next((line for line in set_lines if line.metric == "revenue"), None)
            or next((line for line in set_lines if line.unit is MetricUnit.MONEY), None)
            or (set_lines[0] if set_lines else None))


def headline(lines: list[TargetLine] | tuple[TargetLine, ...]) -> Headline:
    """Primary attainment and 'n of m targets met' for a plan's (or a quarter's) lines;
    pure, so the Plans list, the PDF cover and the scorecard show the same figures."""
    measured = [line for line in lines if line.target > 0]
    met = sum(1 for line in measured if line.actual is not None and line.actual >= line.target)
    return Headline(primary_line(lines), met, len(measured))


def lines_for_period(lines: list[TargetLine] | tuple[TargetLine, ...],
                     part: Period) -> list[TargetLine]:
    """The lines over ``part`` of a plan's period (a quarter or a half): quarterly
    targets summed over the quarters inside it."""
    names = [str(q) for q in part.quarters()]
    picked = []
    for line in lines:
        rows = [row for row in line.by_quarter if row[0] in names]
        if not rows:
            continue
        actuals = [a for _, _, a in rows if a is not None]
        picked.append(TargetLine(line.metric, line.label, line.unit,
                                 sum(t for _, t, _ in rows),
                                 sum(actuals) if actuals else None, tuple(rows)))
    return picked


def roll_up(rows: list[tuple[str, str, str, int, int | None]]) -> list[TargetLine]:
    """Per-metric totals from target rows ``(metric, label, quarter, target, actual)``.

    ``quarter`` is '' for a whole-period row or '2026-Q1'. A metric with quarter rows is
    the sum of them (a whole-period row beside them is ignored, since it would count twice);
    an actual is known once any row of the metric has one. Order of first appearance.
    """
    grouped: dict[str, list[tuple[str, str, str, int, int | None]]] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)
    lines = []
    for metric, group in grouped.items():
        quarterly = sorted((r for r in group if r[2]), key=lambda r: r[2])
        used = quarterly or [r for r in group if not r[2]]
        actuals = [r[4] for r in used if r[4] is not None]
        lines.append(TargetLine(
            metric=metric,
            label=metric_label(metric, group[0][1]),
            unit=metric_unit(metric),
            target=sum(r[3] or 0 for r in used),
            actual=sum(actuals) if actuals else None,
            by_quarter=tuple((r[2], r[3] or 0, r[4]) for r in quarterly),
        ))
    return lines


class ActivityGroup(StrEnum):
    MARKETING = "marketing"
    SALES = "sales"
    TECHNICAL = "technical"
    SUPPORT = "support"


GROUP_LABELS = {
    ActivityGroup.MARKETING: "Marketing",
    ActivityGroup.SALES: "Sales",
    ActivityGroup.TECHNICAL: "Technical",
    ActivityGroup.SUPPORT: "Support",
}


class ActivityStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


ACTIVITY_STATUS_LABELS = {
    ActivityStatus.PLANNED: "Planned",
    ActivityStatus.IN_PROGRESS: "In progress",
    ActivityStatus.DONE: "Done",
    ActivityStatus.CANCELLED: "Cancelled",
}


class Side(StrEnum):
    VENDOR = "vendor"
    PARTNER = "partner"


SIDE_LABELS = {Side.VENDOR: "Vendor", Side.PARTNER: "Partner"}


def carry_quarter(quarter: str, old: Period, new: Period) -> str:
    """The quarter of ``new`` that takes the place of ``quarter`` of ``old`` in a copy.

    Copying FY2026 to FY2027 moves 2026-Q3 targets to 2027-Q3: the same position inside
    the period. A whole-period target ('') stays whole-period.
    """
    if not quarter:
        return ""
    old_quarters, new_quarters = old.quarters(), new.quarters()
    try:
        position = old_quarters.index(Period.parse(quarter))
    except (PeriodError, ValueError):
        return ""  # a quarter outside the old period: carry it as a whole-period target
    return str(new_quarters[min(position, len(new_quarters) - 1)])


def validate_plan(values: dict) -> dict[str, str]:
    """Errors by field for a new plan: a partner, a period we can read, a currency."""
    errors: dict[str, str] = {}
    if not values.get("partner"):
        errors["partner"] = "Choose the partner this plan is with."
    try:
        Period.parse(values.get("period") or "")
    except PeriodError as error:
        errors["period"] = str(error)
    currency = (values.get("currency") or "").strip()
    if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
        errors["currency"] = f"'{currency}' is not a currency code (three letters, e.g. EUR)."
    return errors
