"""Fit scoring: shares add up to 100, the breakdown explains the score, unknowns earn 0."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from channeldesk.domain.fit_score import (
    Attribute,
    Criterion,
    Operator,
    ProspectFacts,
    criterion_error,
    describe,
    operators_for,
    score,
    shares,
)

PROFILE = (
    Criterion(Attribute.REGION, Operator.IN, 25, ("emea",)),
    Criterion(Attribute.VERTICAL, Operator.IN, 25, ("healthcare", "finance")),
    Criterion(Attribute.EMPLOYEES, Operator.BETWEEN, 20, low=50, high=500),
    Criterion(Attribute.ANNUAL_REVENUE, Operator.AT_LEAST, 20, low=1_000_000, currency="EUR"),
    Criterion(Attribute.COMPETITOR, Operator.LACKS, 10, ("Brightline",)),
)


def test_a_perfect_fit_scores_100_and_says_why():
    facts = ProspectFacts(region="emea", vertical="Finance", employees=120,
                          annual_revenue=2_000_000, currency="EUR", competitors="Kestrel")
    fit = score(PROFILE, facts)
    assert fit.score == 100
    assert fit.breakdown().splitlines() == [
        "+25 region EMEA", "+25 vertical Finance", "+20 employees 120",
        "+20 revenue 2,000,000 EUR", "+10 does not sell Brightline"]


def test_misses_earn_zero_with_the_value_named():
    facts = ProspectFacts(region="apac", vertical="retail", employees=12,
                          annual_revenue=5, currency="EUR", competitors="brightline; x")
    fit = score(PROFILE, facts)
    assert fit.score == 0
    assert [str(line) for line in fit.lines] == [
        "+0 region APAC", "+0 vertical retail", "+0 employees 12", "+0 revenue 5 EUR",
        "+0 sells Brightline"]


def test_unknown_facts_and_other_currencies_earn_nothing():
    fit = score(PROFILE, ProspectFacts(annual_revenue=9_000_000, currency="USD"))
    assert fit.score == 10  # only "does not sell Brightline" holds
    assert "+0 region unknown" in fit.breakdown()
    assert "+0 revenue in USD (profile counts EUR)" in fit.breakdown()


def test_accents_and_case_do_not_matter_for_choices():
    profile = (Criterion(Attribute.COUNTRY, Operator.IN, 1, ("Türkiye",)),)
    assert score(profile, ProspectFacts(country="TURKIYE")).score == 100


def test_not_in_and_has():
    profile = (Criterion(Attribute.SOURCE, Operator.NOT_IN, 1, ("list",)),
               Criterion(Attribute.COMPETENCY, Operator.HAS, 1, ("Azure", "AWS")))
    fit = score(profile, ProspectFacts(source="event", competencies="aws, gcp"))
    assert fit.score == 100
    assert fit.breakdown() == "+50 source Event\n+50 has AWS"


def test_an_empty_profile_scores_zero():
    assert score((), ProspectFacts(region="emea")).score == 0


def test_shares_add_up_exactly():
    assert shares([1, 1, 1]) == [34, 33, 33]
    assert shares([0, 0]) == [0, 0]
    assert shares([]) == []


def test_criterion_errors():
    assert criterion_error(Criterion(Attribute.REGION, Operator.BETWEEN, 1, ("emea",)))
    assert criterion_error(Criterion(Attribute.REGION, Operator.IN, 1, ()))
    assert criterion_error(Criterion(Attribute.EMPLOYEES, Operator.BETWEEN, 1, low=9, high=1))
    assert criterion_error(Criterion(Attribute.EMPLOYEES, Operator.AT_LEAST, 1))
    assert criterion_error(Criterion(Attribute.EMPLOYEES, Operator.AT_LEAST, 0, low=1))
    assert criterion_error(Criterion(Attribute.EMPLOYEES, Operator.AT_MOST, 5, high=9)) is None
    assert describe(PROFILE[2]) == "employees between 50 and 500"
    assert describe(PROFILE[3]) == "revenue at least 1,000,000 EUR"


attributes = st.sampled_from(list(Attribute))
texts = st.text(max_size=12)
numbers = st.one_of(st.none(), st.integers(min_value=-10, max_value=10**12))


@st.composite
def criteria(draw) -> Criterion:
    attribute = draw(attributes)
    return Criterion(attribute, draw(st.sampled_from(operators_for(attribute))),
                     draw(st.integers(min_value=0, max_value=100)),
                     tuple(draw(st.lists(texts, max_size=3))), draw(numbers), draw(numbers),
                     draw(st.sampled_from(["USD", "EUR"])))


facts = st.builds(ProspectFacts, region=texts, country=texts, vertical=texts,
                  partner_type=texts, source=texts, employees=numbers,
                  annual_revenue=numbers, currency=st.sampled_from(["USD", "EUR"]),
                  competencies=texts, competitors=texts)


@settings(max_examples=300, deadline=None)
@given(st.lists(criteria(), max_size=8), facts)
def test_score_is_always_0_to_100_and_the_sum_of_its_lines(profile, prospect):
    fit = score(profile, prospect)
    assert 0 <= fit.score <= 100
    assert fit.score == sum(line.points for line in fit.lines)
    assert len(fit.lines) == len(profile)
    assert all(str(line).startswith("+") for line in fit.lines)


@given(st.lists(st.integers(min_value=0, max_value=1000), max_size=20))
def test_shares_always_add_to_100_when_any_weight_counts(weights):
    split = shares(weights)
    assert sum(split) == (100 if sum(weights) else 0)
    assert all(part >= 0 for part in split)
