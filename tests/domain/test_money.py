"""Money is exact: Decimal in the domain, integer minor units in storage, never float."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from channeldesk.domain.money import MAX_MINOR_UNITS, Money, MoneyError, minor_digits

CURRENCIES = {"JPY": 0, "EUR": 2, "USD": 2, "KWD": 3}
currencies = st.sampled_from(sorted(CURRENCIES))
minor_units = st.integers(min_value=-MAX_MINOR_UNITS, max_value=MAX_MINOR_UNITS)


@pytest.mark.parametrize(("currency", "digits"), [*CURRENCIES.items(), ("clf", 4)])
def test_minor_digits_follow_iso_4217(currency, digits):
    assert minor_digits(currency) == digits


@given(currencies, minor_units)
def test_minor_units_round_trip(currency, units):
    assert Money.from_minor(units, currency).to_minor() == units


@given(st.data(), currencies)
def test_decimal_round_trip(data, currency):
    digits = CURRENCIES[currency]
    amount = data.draw(st.decimals(
        places=digits, allow_nan=False, allow_infinity=False,
        min_value=-(MAX_MINOR_UNITS // 10**digits), max_value=MAX_MINOR_UNITS // 10**digits,
    ))
    money = Money(amount, currency)
    back = Money.from_minor(money.to_minor(), currency)
    assert back == money
    assert back.amount == amount


@given(currencies, minor_units, minor_units)
def test_adding_is_exact(currency, a, b):
    total = Money.from_minor(a, currency) + Money.from_minor(b, currency)
    assert total.amount == Decimal(a + b).scaleb(-CURRENCIES[currency])


def test_large_amounts_are_not_rounded_silently():
    amount = Decimal("12345678901234567.89")  # 19 significant digits in minor units
    assert Money(amount, "EUR").to_minor() == 1234567890123456789
    assert Money.from_minor(1234567890123456789, "EUR").amount == amount
    with pytest.raises(MoneyError, match="too large"):
        Money(Decimal("123456789012345678901234567890.12"), "EUR").to_minor()
    with pytest.raises(MoneyError, match="decimal places"):
        Money(Decimal("123456789012345678901234567890.123"), "EUR").to_minor()


@pytest.mark.parametrize("amount", [0.1, 1, "1.00", None])
def test_only_decimals_are_amounts(amount):
    with pytest.raises(MoneyError):
        Money(amount, "EUR")


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_non_finite_amounts_are_refused(amount):
    with pytest.raises(MoneyError):
        Money(Decimal(amount), "EUR")


@pytest.mark.parametrize(("amount", "currency"), [
    ("0.001", "EUR"), ("1.5", "JPY"), ("2.0005", "KWD"), ("10.125", "USD"),
])
def test_sub_minor_precision_is_refused(amount, currency):
    with pytest.raises(MoneyError, match="decimal places"):
        Money(Decimal(amount), currency).to_minor()
    with pytest.raises(MoneyError):
        Money.parse(amount, currency)


def test_trailing_zeros_are_not_extra_precision():
    assert Money(Decimal("1.2300"), "EUR").to_minor() == 123
    assert Money(Decimal("5E+3"), "JPY").to_minor() == 5000


@pytest.mark.parametrize(("text", "currency", "minor"), [
    ("1,250.50", "EUR", 125050),
    ("1250.5", "USD", 125050),
    ("  1 250.50 ", "EUR", 125050),
    ("1,000,000", "JPY", 1000000),
    ("-12.345", "KWD", -12345),
    ("0.99", "eur", 99),
    (".5", "EUR", 50),
])
def test_parse_user_typed_amounts(text, currency, minor):
    assert Money.parse(text, currency).to_minor() == minor


@pytest.mark.parametrize("text", [
    "", "   ", "abc", "1.2.3", "€5", "1,5", "12,34", "1,2,3", "1,0000", ",100", "1e3", "NaN",
])
def test_parse_refuses_what_is_not_an_amount(text):
    with pytest.raises(MoneyError):
        Money.parse(text, "EUR")


@pytest.mark.parametrize("code", ["", "EU", "EURO", "E1R", "ÉUR", None])
def test_currency_must_be_three_letters(code):
    with pytest.raises(MoneyError, match="currency code"):
        Money(Decimal(1), code)


def test_currency_is_normalised():
    assert Money(Decimal(1), " usd ").currency == "USD"


def test_currencies_do_not_mix():
    with pytest.raises(MoneyError, match="different currencies"):
        Money(Decimal(1), "EUR") + Money(Decimal(1), "USD")
    with pytest.raises(MoneyError, match="different currencies"):
        Money(Decimal(1), "EUR") - Money(Decimal(1), "USD")


def test_subtraction_and_rounding():
    assert (Money(Decimal("10.00"), "EUR") - Money(Decimal("0.01"), "EUR")).to_minor() == 999
    assert Money(Decimal("2.345"), "EUR").rounded().amount == Decimal("2.34")  # half even
    assert Money(Decimal("2.355"), "EUR").rounded().amount == Decimal("2.36")
    assert Money(Decimal("2.5"), "JPY").rounded().to_minor() == 2


@pytest.mark.parametrize("units", [1.0, "100", True, None])
def test_minor_units_must_be_integers(units):
    with pytest.raises(MoneyError):
        Money.from_minor(units, "EUR")


def test_format_and_compact_follow_the_minor_unit():
    from channeldesk.domain.money import Money, compact_money, format_money

    assert format_money(Money.from_minor(50_000_000, "JPY")) == "¥50,000,000"
    assert compact_money(Money.from_minor(50_000_000, "JPY")) == "¥50M"
    assert compact_money(Money.from_minor(50_000_000, "EUR")) == "€500k"
    assert compact_money(Money.from_minor(50_000_000, "KWD")) == "50k KWD"
    assert format_money(Money.from_minor(1_234_567, "KWD"), whole=False) == "1,234.567 KWD"
    assert format_money(Money.from_minor(-150, "EUR"), whole=False) == "-€1.50"
