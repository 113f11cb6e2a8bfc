"""Plan periods, statuses and attainment: the rules the tab and the PDFs rely on."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from channeldesk.domain.plan import (
    MetricUnit,
    Period,
    PeriodError,
    PeriodKind,
    PlanStatus,
    allowed_transitions,
    attainment,
    can_transition,
    carry_quarter,
    roll_up,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("FY2026", Period(2026, PeriodKind.YEAR)),
    ("fy 2026", Period(2026, PeriodKind.YEAR)),
    ("2026-H1", Period(2026, PeriodKind.HALF, 1)),
    ("2026h2", Period(2026, PeriodKind.HALF, 2)),
    ("2026-Q3", Period(2026, PeriodKind.QUARTER, 3)),
    (" 2026 q4 ", Period(2026, PeriodKind.QUARTER, 4)),
])
def test_periods_parse(text, expected):
    assert Period.parse(text) == expected


@pytest.mark.parametrize("text", ["", "2026", "FY26", "2026-Q5", "2026-H3", "2026-Q0", "Q3"])
def test_bad_periods_say_what_is_expected(text):
    with pytest.raises(PeriodError, match=r"FY2026|a year has"):
        Period.parse(text)


def test_quarters_of_a_period():
    assert [str(q) for q in Period.parse("FY2026").quarters()] == [
        "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [str(q) for q in Period.parse("2026-H2").quarters()] == ["2026-Q3", "2026-Q4"]
    assert Period.parse("2026-Q2").quarters() == [Period.parse("2026-Q2")]
    assert Period.parse("FY2026").contains(Period.parse("2026-Q4"))
    assert not Period.parse("2026-H1").contains(Period.parse("2026-Q3"))


def test_next_period_rolls_over_the_year():
    assert str(Period.parse("FY2026").next()) == "FY2027"
    assert str(Period.parse("2026-H2").next()) == "2027-H1"
    assert str(Period.parse("2026-Q4").next()) == "2027-Q1"
    assert str(Period.parse("2026-Q1").next()) == "2026-Q2"


periods = st.one_of(
    st.builds(lambda y: Period(y, PeriodKind.YEAR), st.integers(2000, 2099)),
    st.builds(lambda y, i: Period(y, PeriodKind.HALF, i), st.integers(2000, 2099),
              st.integers(1, 2)),
    st.builds(lambda y, i: Period(y, PeriodKind.QUARTER, i), st.integers(2000, 2099),
              st.integers(1, 4)),
)


@given(periods)
def test_period_text_round_trips_and_next_is_later(period):
    assert Period.parse(str(period)) == period
    following = period.next()
    assert following.kind == period.kind
    assert following.sort_key > period.sort_key
    assert len(following.quarters()) == len(period.quarters())
    assert all(period.contains(q) for q in period.quarters())


@given(periods, st.data())
def test_carried_quarters_land_inside_the_new_period(period, data):
    quarter = data.draw(st.sampled_from(period.quarters()))
    carried = carry_quarter(str(quarter), period, period.next())
    assert period.next().contains(Period.parse(carried))
    position = period.quarters().index(quarter)
    assert period.next().quarters().index(Period.parse(carried)) == position


def test_carry_quarter_keeps_whole_period_and_tolerates_strays():
    fy = Period.parse("FY2026")
    assert carry_quarter("", fy, fy.next()) == ""
    assert carry_quarter("2019-Q1", fy, fy.next()) == ""


def test_status_transitions():
    assert can_transition("draft", "agreed")
    assert can_transition(PlanStatus.AGREED, PlanStatus.SIGNED)
    assert can_transition("agreed", "draft")
    assert not can_transition("draft", "signed")
    assert not can_transition("signed", "draft")
    assert allowed_transitions("archived") == frozenset()


@pytest.mark.parametrize(("actual", "target", "expected"), [
    (50, 100, Decimal("50.0")),
    (1, 3, Decimal("33.3")),
    (2, 3, Decimal("66.7")),
    (150, 100, Decimal("150.0")),
    (0, 100, Decimal("0.0")),
    (10, 0, None),
    (10, None, None),
    (None, 100, None),
    (5, -1, None),
])
def test_attainment_never_divides_by_zero(actual, target, expected):
    assert attainment(actual, target) == expected


@given(st.integers(0, 10**15), st.integers(-10**15, 10**15))
def test_attainment_is_safe_for_any_integers(actual, target):
    result = attainment(actual, target)
    if target <= 0:
        assert result is None
    else:
        assert result >= 0
        assert abs(result - Decimal(actual) * 100 / Decimal(target)) <= Decimal("0.05")


def test_roll_up_sums_quarters_and_ignores_a_period_row_beside_them():
    lines = roll_up([
        ("revenue", "", "2026-Q2", 200, 180),
        ("revenue", "", "2026-Q1", 100, None),
        ("revenue", "", "", 999, 999),
        ("new_customers", "", "", 10, None),
        ("custom", "Webinars held", "", 0, 3),
    ])
    revenue, customers, custom = lines
    assert (revenue.target, revenue.actual, revenue.unit) == (300, 180, MetricUnit.MONEY)
    assert [q for q, _, _ in revenue.by_quarter] == ["2026-Q1", "2026-Q2"]
    assert customers.actual is None and customers.attainment is None
    assert custom.label == "Webinars held" and custom.attainment is None


def test_period_start_and_end():
    assert Period.parse("FY2026").start() == date(2026, 1, 1)
    assert Period.parse("FY2026").end() == date(2026, 12, 31)
    assert Period.parse("2026-H2").start() == date(2026, 7, 1)
    assert Period.parse("2026-Q1").end() == date(2026, 3, 31)
    assert Period.parse("2026-Q4").end() == date(2026, 12, 31)


def test_headline_counts_targets_met_and_picks_the_primary_metric():
    from channeldesk.domain.plan import MetricUnit, TargetLine, headline

    lines = [TargetLine("pipeline", "Pipeline created", MetricUnit.MONEY, 500, 600),
             TargetLine("new_customers", "New customers", MetricUnit.COUNT, 10, 4)]
    top = headline(lines)
    assert top.primary.metric == "pipeline"  # no revenue: the first money target
    assert top.label == "Pipeline created attainment" and top.met_count == "1 of 2"
    assert headline([TargetLine("x", "X", MetricUnit.COUNT, 0, 5)]).primary is None


# -- signed and archived plans are read-only (issue 12, finding 1) -----------------------------

def test_a_signed_plan_refuses_changes_to_what_was_agreed():
    from channeldesk.domain.plan import PlanPart, lock_refusal

    assert "Amend" in lock_refusal("signed", PlanPart.TARGET, {"target"})
    assert lock_refusal("signed", PlanPart.SIGNATURE, {"name"}) is not None
    assert lock_refusal("signed", PlanPart.OBJECTIVE, adding=True) is not None
    assert lock_refusal("signed", PlanPart.ACTIVITY, {"deleted"}) is not None
    assert lock_refusal("signed", PlanPart.PLAN, {"summary"}) is not None
    # What happens after signing is still tracked on it.
    assert lock_refusal("signed", PlanPart.TARGET, {"actual"}) is None
    assert lock_refusal("signed", PlanPart.COMMITMENT, {"done"}) is None
    assert lock_refusal("signed", PlanPart.ACTIVITY, {"status"}) is None
    assert lock_refusal("signed", PlanPart.PLAN, {"internal_notes"}) is None
    # A draft or agreed plan takes any edit.
    assert lock_refusal("draft", PlanPart.TARGET, {"target"}) is None
    assert lock_refusal("agreed", PlanPart.SIGNATURE, {"name"}, adding=True) is None


def test_the_status_flow_lets_a_signed_plan_only_be_archived():
    from channeldesk.domain.plan import PlanPart, lock_refusal

    assert lock_refusal("signed", PlanPart.PLAN, {"status"}, new_status="archived") is None
    refused = lock_refusal("signed", PlanPart.PLAN, {"status"}, new_status="agreed")
    assert refused == ("A plan that is signed cannot become agreed. It can become "
                       "Archived.")
    assert "cannot change any more" in lock_refusal("archived", PlanPart.PLAN, {"status"},
                                                    new_status="draft")


def test_an_archived_plan_keeps_only_its_internal_notes_editable():
    from channeldesk.domain.plan import PlanPart, editable_when, lock_refusal

    assert lock_refusal("archived", PlanPart.TARGET, {"actual"}) is not None
    assert lock_refusal("archived", PlanPart.COMMITMENT, {"done"}) is not None
    assert lock_refusal("archived", PlanPart.PLAN, {"internal_notes"}) is None
    assert editable_when("archived", PlanPart.SIGNATURE) == frozenset()
    assert editable_when("draft", PlanPart.SIGNATURE) is None
