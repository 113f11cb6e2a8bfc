"""How well a prospect fits the ideal partner profile: a 0-100 score a person can read.

Each criterion has a weight. The 100 points are shared out over the criteria in
proportion to their weights (largest remainder, so the shares add up to exactly 100);
a prospect earns a criterion's share when it meets it, nothing otherwise, and nothing
for a fact that is unknown. The breakdown lists every criterion with the points it gave
("+25 region EMEA", "+0 vertical retail"), so the score is never a mystery.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from channeldesk.domain.prospect import label, split_list
from channeldesk.domain.text_order import sort_key


class Attribute(StrEnum):
    REGION = "region"
    COUNTRY = "country"
    VERTICAL = "vertical"
    PARTNER_TYPE = "partner_type"
    SOURCE = "source"
    EMPLOYEES = "employees"
    ANNUAL_REVENUE = "annual_revenue"
    COMPETENCY = "competency"
    COMPETITOR = "competitor"


class Operator(StrEnum):
    IN = "in"
    NOT_IN = "not_in"
    BETWEEN = "between"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    HAS = "has"
    LACKS = "lacks"


CHOICE_ATTRIBUTES = frozenset({Attribute.REGION, Attribute.COUNTRY, Attribute.VERTICAL,
                               Attribute.PARTNER_TYPE, Attribute.SOURCE})
NUMBER_ATTRIBUTES = frozenset({Attribute.EMPLOYEES, Attribute.ANNUAL_REVENUE})
LIST_ATTRIBUTES = frozenset({Attribute.COMPETENCY, Attribute.COMPETITOR})

OPERATORS: dict[frozenset[Attribute], tuple[Operator, ...]] = {
    CHOICE_ATTRIBUTES: (Operator.IN, Operator.NOT_IN),
    NUMBER_ATTRIBUTES: (Operator.BETWEEN, Operator.AT_LEAST, Operator.AT_MOST),
    LIST_ATTRIBUTES: (Operator.HAS, Operator.LACKS),
}

ATTRIBUTE_LABELS: dict[Attribute, str] = {
    Attribute.REGION: "region", Attribute.COUNTRY: "country", Attribute.VERTICAL: "vertical",
    Attribute.PARTNER_TYPE: "partner type", Attribute.SOURCE: "source",
    Attribute.EMPLOYEES: "employees", Attribute.ANNUAL_REVENUE: "revenue",
    Attribute.COMPETENCY: "competencies", Attribute.COMPETITOR: "competitors sold",
}
OPERATOR_LABELS: dict[Operator, str] = {
    Operator.IN: "is one of", Operator.NOT_IN: "is none of", Operator.BETWEEN: "between",
    Operator.AT_LEAST: "at least", Operator.AT_MOST: "at most",
    Operator.HAS: "include any of", Operator.LACKS: "include none of",
}
MAX_WEIGHT = 100


def operators_for(attribute: Attribute) -> tuple[Operator, ...]:
    return next(ops for group, ops in OPERATORS.items() if attribute in group)


@dataclass(frozen=True)
class Criterion:
    """One weighted rule. ``choices`` for in/not in/has/lacks; ``low``/``high`` for
    numbers (revenue in whole units of ``currency``)."""

    attribute: Attribute
    operator: Operator
    weight: int = 1
    choices: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    currency: str = "USD"


@dataclass(frozen=True)
class ProspectFacts:
    """What scoring looks at; revenue in whole units of ``currency``."""

    region: str = ""
    country: str = ""
    vertical: str = ""
    partner_type: str = ""
    source: str = ""
    employees: int | None = None
    annual_revenue: int | None = None
    currency: str = "USD"
    competencies: str = ""
    competitors: str = ""


@dataclass(frozen=True)
class BreakdownLine:
    points: int
    text: str

    def __str__(self) -> str:
        return f"+{self.points} {self.text}"


@dataclass(frozen=True)
class FitScore:
    score: int
    lines: tuple[BreakdownLine, ...]

    def breakdown(self) -> str:
        """One line per criterion, as the detail pane and the tooltip show it."""
        return "\n".join(str(line) for line in self.lines)


def criterion_error(criterion: Criterion) -> str | None:
    """Why a criterion cannot be used; None when it can."""
    if criterion.operator not in operators_for(criterion.attribute):
        return (f"'{OPERATOR_LABELS[criterion.operator]}' does not apply to "
                f"{ATTRIBUTE_LABELS[criterion.attribute]}.")
    if not 1 <= criterion.weight <= MAX_WEIGHT:
        return f"The weight must be between 1 and {MAX_WEIGHT}."
    if criterion.attribute in NUMBER_ATTRIBUTES:
        needs_low = criterion.operator in (Operator.BETWEEN, Operator.AT_LEAST)
        needs_high = criterion.operator in (Operator.BETWEEN, Operator.AT_MOST)
        if (needs_low and criterion.low is None) or (needs_high and criterion.high is None):
            return "Enter the number(s) to compare with."
        if criterion.operator == Operator.BETWEEN and criterion.low > criterion.high:
            return "The lower bound is above the upper bound."
    elif not [c for c in criterion.choices if c.strip()]:
        return "Enter at least one value."
    return None


def shares(weights: Sequence[int], total: int = 100) -> list[int]:
    """Split ``total`` points over weights in proportion, adding up exactly (largest
    remainder; ties go to the earlier criterion)."""
    weight_sum = sum(weights)
    if weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    floors = [int(x) for x in exact]
    left = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda n: (-(exact[n] - floors[n]), n))
    for n in order[:left]:
        floors[n] += 1
    return floors


def score(criteria: Sequence[Criterion], facts: ProspectFacts) -> FitScore:
    """The prospect's fit: 0 to 100, the sum of the points on its breakdown lines."""
    points = shares([max(0, c.weight) for c in criteria])
    lines = []
    for criterion, share in zip(criteria, points, strict=True):
        met, what = _judge(criterion, facts)
        lines.append(BreakdownLine(share if met else 0, what))
    return FitScore(sum(line.points for line in lines), tuple(lines))


def _judge(criterion: Criterion, facts: ProspectFacts) -> tuple[bool, str]:
    """Whether the prospect meets the criterion, and the words for its breakdown line."""
    name = ATTRIBUTE_LABELS[criterion.attribute]
    if criterion.attribute in CHOICE_ATTRIBUTES:
        value = getattr(facts, criterion.attribute.value)
        if not value:
            return False, f"{name} unknown"
        wanted = {sort_key(c.strip()) for c in criterion.choices}
        # codes and their labels both count: "emea", "EMEA", "na", "North America"
        inside = sort_key(value) in wanted or sort_key(label(value)) in wanted
        met = inside if criterion.operator == Operator.IN else not inside
        return met, f"{name} {label(value)}"
    if criterion.attribute in LIST_ATTRIBUTES:
        held = split_list(facts.competencies if criterion.attribute == Attribute.COMPETENCY
                          else facts.competitors)
        wanted = [c.strip() for c in criterion.choices if c.strip()]
        found = [c for c in wanted if sort_key(c) in held]
        met = bool(found) if criterion.operator == Operator.HAS else not found
        shown = ", ".join(found or wanted)
        if criterion.attribute == Attribute.COMPETITOR:
            return met, f"sells {shown}" if found else f"does not sell {shown}"
        return met, f"has {shown}" if found else f"no {shown}"
    return _judge_number(criterion, facts, name)


def _judge_number(criterion: Criterion, facts: ProspectFacts, name: str) -> tuple[bool, str]:
    if criterion.attribute == Attribute.EMPLOYEES:
        value, shown = facts.employees, None
    else:
        value = facts.annual_revenue
        if value is not None and facts.currency != criterion.currency:
            return False, f"revenue in {facts.currency} (profile counts {criterion.currency})"
        shown = f"{value:,} {facts.currency}" if value is not None else None
    if value is None:
        return False, f"{name} unknown"
    low_ok = criterion.low is None or criterion.operator == Operator.AT_MOST \
        or value >= criterion.low
    high_ok = criterion.high is None or criterion.operator == Operator.AT_LEAST \
        or value <= criterion.high
    return low_ok and high_ok, f"{name} {shown or f'{value:,}'}"


def describe(criterion: Criterion) -> str:
    """The criterion in words, for the profile editor and the breakdown's heading."""
    name = ATTRIBUTE_LABELS[criterion.attribute]
    how = OPERATOR_LABELS[criterion.operator]
    if criterion.attribute in NUMBER_ATTRIBUTES:
        unit = f" {criterion.currency}" if criterion.attribute == Attribute.ANNUAL_REVENUE else ""
        if criterion.operator == Operator.BETWEEN:
            return f"{name} between {criterion.low:,} and {criterion.high:,}{unit}"
        bound = criterion.low if criterion.operator == Operator.AT_LEAST else criterion.high
        return f"{name} {how} {bound:,}{unit}" if bound is not None else f"{name} {how} …"
    return f"{name} {how} {', '.join(label(c) for c in criterion.choices)}"
