"""Money as exact decimals in the domain and as integer minor units in storage.

Floats never touch money: 0.1 + 0.2 is not 0.3 and a fund statement must add up to the
cent. The number of minor units per currency follows ISO 4217 (most currencies have 2
decimals; the exceptions are listed below).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    InvalidOperation,
)

# ISO 4217 currencies whose minor unit is not 1/100.
_MINOR_DIGITS_EXCEPTIONS: dict[str, int] = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
    "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    "CLF": 4, "UYW": 4,
}


# Minor units are stored in a SQLite INTEGER: a signed 64-bit number.
MAX_MINOR_UNITS = (1 << 63) - 1
# Shifting the decimal point must never round: the default context keeps 28 digits and
# would silently change larger amounts.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
# Digits with optional thousands separators (',' every three digits), optional fraction.
_AMOUNT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d*)?$|^[+-]?\.\d+$")


class MoneyError(ValueError):
    """A money value that cannot be represented exactly."""


def validate_currency(code: str) -> str:
    """Return the upper-cased ISO 4217 alphabetic code or raise MoneyError."""
    normalized = (code or "").strip().upper()
    if len(normalized) != 3 or not normalized.isascii() or not normalized.isalpha():
        raise MoneyError(f"'{code}' is not a currency code (three letters, e.g. EUR).")
    return normalized


def currency_error(code: str) -> str | None:
    """Why ``code`` is not a currency code, for a message next to the field; None if it is."""
    try:
        validate_currency(code)
    except MoneyError as error:
        return str(error)
    return None


def minor_digits(currency: str) -> int:
    """How many decimal places the currency's minor unit has."""
    return _MINOR_DIGITS_EXCEPTIONS.get(validate_currency(currency), 2)


@dataclass(frozen=True)
class Money:
    """An exact amount in one currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "currency", validate_currency(self.currency))
        if not isinstance(self.amount, Decimal):
            raise MoneyError("Money amounts must be Decimal, never float.")
        if not self.amount.is_finite():
            raise MoneyError(f"'{self.amount}' is not a finite amount.")

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Read a user-typed amount such as '1,250.50' (thousands commas allowed).

        Commas are accepted only as thousands separators, so a decimal comma ('1,5')
        is refused rather than read as fifteen.
        """
        cleaned = (text or "").strip().replace(" ", "")
        if not _AMOUNT.match(cleaned):
            raise MoneyError(f"'{text}' is not an amount.")
        try:
            amount = Decimal(cleaned.replace(",", ""))
        except InvalidOperation:
            raise MoneyError(f"'{text}' is not an amount.") from None
        money = cls(amount, currency)
        money.to_minor()  # reject sub-cent precision early
        return money

    @classmethod
    def from_minor(cls, units: int, currency: str) -> Money:
        """Rebuild an amount from stored integer minor units."""
        if isinstance(units, bool) or not isinstance(units, int):
            raise MoneyError("Minor units must be an integer.")
        digits = minor_digits(currency)
        return cls(Decimal(units).scaleb(-digits, context=_EXACT), currency)

    def to_minor(self) -> int:
        """Integer minor units for storage; refuses to round silently."""
        digits = minor_digits(self.currency)
        scaled = self.amount.scaleb(digits, context=_EXACT)
        if scaled != scaled.to_integral_value(context=_EXACT):
            raise MoneyError(
                f"{self.amount} {self.currency} has more than {digits} decimal places."
            )
        units = int(scaled)
        if abs(units) > MAX_MINOR_UNITS:
            raise MoneyError(f"{self.amount} {self.currency} is too large to store.")
        return units

    def rounded(self) -> Money:
        """The amount rounded to the currency's minor unit (banker's rounding)."""
        quantum = Decimal(1).scaleb(-minor_digits(self.currency))
        return Money(self.amount.quantize(quantum, rounding=ROUND_HALF_EVEN), self.currency)

    def __add__(self, other: Money) -> Money:
        self._require_same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._require_same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def _require_same_currency(self, other: Money) -> None:
        if not isinstance(other, Money) or other.currency != self.currency:
            raise MoneyError("Cannot combine amounts in different currencies.")


# Symbols a partner recognises; any other currency prints its ISO code after the amount.
CURRENCY_SYMBOLS: dict[str, str] = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}
_COMPACT_STEPS = ((Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "k"))


def _with_symbol(text: str, currency: str) -> str:
    """'€1,250' / '-€1,250' for a known symbol, '1,250 KWD' otherwise."""
    symbol = CURRENCY_SYMBOLS.get(currency)
    if not symbol:
        return f"{text} {currency}"
    return f"-{symbol}{text[1:]}" if text.startswith("-") else f"{symbol}{text}"


def format_money(money: Money, whole: bool = True) -> str:
    """'€1,250,000', '¥50,000,000', '1,250.500 KWD' with ``whole=False``.

    Whole units by default (plans talk in round numbers); otherwise the currency's own
    number of decimals (ISO 4217), never a fixed two. One rule for tables, summaries,
    tiles and charts, so a partner never reads one amount two ways.
    """
    quantum = Decimal(1) if whole else Decimal(1).scaleb(-minor_digits(money.currency))
    amount = money.amount.quantize(quantum, rounding=ROUND_HALF_EVEN)
    return _with_symbol(f"{amount:,}", money.currency)


def compact_money(money: Money) -> str:
    """'€1.25M', '¥50M', '€840k', '980 KWD': short enough for a chart label.

    Works on the amount, never on minor units, so a yen (no minor unit) and a Kuwaiti
    dinar (1,000 fils) come out right.
    """
    amount = money.amount
    for limit, letter in _COMPACT_STEPS:
        if abs(amount) >= limit:
            short = (amount / limit).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
            text = f"{short:f}".rstrip("0").rstrip(".")
            return _with_symbol(f"{text}{letter}", money.currency)
    return _with_symbol(f"{amount.quantize(Decimal(1), rounding=ROUND_HALF_EVEN):,}",
                        money.currency)
