"""The fields of a synced table: their kinds, and the rules each kind implies.

A :class:`FieldSpec` is one column as a person meets it; the functions here check a
stored (wire) value of a kind, read typed text into one and show one. Tables put their
fields together in :mod:`channeldesk.store.description`, which is what readers import.
No Qt, no peewee, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from channeldesk.domain.money import MAX_MINOR_UNITS, Money, MoneyError, minor_digits
from channeldesk.domain.plan_document import format_money

TEXT_MAX = 1_000  # a one-line text; long texts take the domain's TEXT_MAX
_TRUE = frozenset({"1", "yes", "y", "true", "on", "x"})
_FALSE = frozenset({"0", "no", "n", "false", "off", ""})


class Kind(StrEnum):
    """How a field's value is typed, stored and shown."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    BOOL = "bool"
    INT = "int"
    DATE = "date"
    MONEY = "money"  # integer minor units of the currency named by ``currency``
    REFERENCE = "reference"  # the id of a row of another synced table
    TIMESTAMP = "timestamp"  # ISO 8601 date and time, UTC
    BLOB = "blob"  # SHA-256 of a file in the blob store, '' for none


class FieldError(ValueError):
    """A value a field cannot hold; the message is worded for the person who typed it."""


@dataclass(frozen=True)
class CurrencyFrom:
    """Where a money field's ISO 4217 code comes from: a column of the row itself
    (``prospect.currency``) or, through the reference column ``via``, of its parent (a
    plan target's plan)."""

    column: str = "currency"
    via: str | None = None


Rule = Callable[[Any], str | None]
RowRule = Callable[[Mapping[str, Any]], bool]


@dataclass(frozen=True)
class FieldSpec:
    """One column as a person meets it. ``nullable`` and ``has_default`` come from the
    model when the description is attached to it (the column is their one declaration)."""

    name: str  # the column name, as the journal and the wire carry it ("partner_id")
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False  # a person must give a non-empty value
    choices: tuple[tuple[str, str], ...] = ()  # (stored code, label)
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    internal: bool = False
    currency: CurrencyFrom | None = None
    money_when: RowRule | None = None  # an INT that holds money on rows where this holds
    references: str | None = None  # the table a REFERENCE points at
    rule: Rule | None = None  # a domain check of a present value (email, phone, period…)
    empty_text: str = ""  # how an empty value reads, e.g. "Whole period"
    editable: bool = True
    nullable: bool = False
    has_default: bool = False
    attribute: str = ""  # the model's attribute name when it differs ("partner")

    def choice_label(self, code: Any) -> str:
        return dict(self.choices).get(code, str(code))


def choices_of(codes: Iterable[str], label: Callable[[str], str]) -> tuple[tuple[str, str], ...]:
    """(code, label) pairs from an enum or dict of codes and the domain's label function."""
    return tuple((str(code), label(str(code))) for code in codes)


@dataclass(frozen=True)
class RecordInfo:
    """One record as a reader needs it: its name ("Prospect · Nordlicht GmbH"), the
    words after the label, whether it is wholly internal, its stored values (money and
    choices may depend on them), its currency, and names of records it refers to."""

    name: str
    title: str
    internal: bool
    values: Mapping[str, Any] = field(default_factory=dict)
    currency: str | None = None
    references: Mapping[str, str] = field(default_factory=dict)
    exists: bool = True


# -- the rules by kind --------------------------------------------------------------------

def truthy(value: Any) -> bool:
    return value in (1, True, "1")


def type_problem(spec: FieldSpec, value: Any) -> str | None:
    """Kind, NOT NULL, choices, length and range: the rules every field's kind implies."""
    if value is None:
        if spec.required or not spec.nullable:
            return f"{spec.label} is required." if spec.required else \
                f"{spec.label} cannot be left without a value."
        return None
    check = _KIND_CHECKS.get(spec.kind, _check_text)
    return check(spec, value)


def _check_text(spec: FieldSpec, value: Any) -> str | None:
    if not isinstance(value, str):
        return f"{spec.label} must be text."
    if spec.required and not value.strip():
        return f"{spec.label} is required."
    limit = spec.max_length or TEXT_MAX
    if len(value) > limit:
        return f"{spec.label} is too long ({len(value):,} characters, at most {limit:,})."
    return spec.rule(value) if spec.rule and value.strip() else None


def _check_choice(spec: FieldSpec, value: Any) -> str | None:
    if not isinstance(value, str):
        return f"{spec.label} must be one of its choices."
    if value == "" and not spec.required:
        return None
    if value not in dict(spec.choices):
        shown = ", ".join(text for _, text in spec.choices)
        return f"'{value}' is not a {spec.label.lower()}. Choose one of: {shown}."
    return None


def _check_bool(spec: FieldSpec, value: Any) -> str | None:
    if value not in (0, 1, True, False):
        return f"{spec.label} must be yes or no."
    return None


def _check_number(spec: FieldSpec, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{spec.label} must be a whole number." if spec.kind is Kind.INT else \
            f"{spec.label} must be an amount in whole minor units (cents)."
    if abs(value) > MAX_MINOR_UNITS:
        return f"{spec.label} is too large."
    if spec.minimum is not None and value < spec.minimum:
        return f"{spec.label} cannot be less than {spec.minimum:,}." if spec.minimum else \
            f"{spec.label} cannot be negative."
    if spec.maximum is not None and value > spec.maximum:
        return f"{spec.label} cannot be more than {spec.maximum:,}."
    return None


def iso_date(value: Any) -> date | None:
    """A date from a date or ISO 'YYYY-MM-DD' text; None for anything else."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _check_date(spec: FieldSpec, value: Any) -> str | None:
    if iso_date(value) is None:
        return f"{spec.label}: enter a date like 2026-11-27."
    return spec.rule(value) if spec.rule else None


def _check_timestamp(spec: FieldSpec, value: Any) -> str | None:
    try:
        datetime.fromisoformat(value if isinstance(value, str) else "?")
    except ValueError:
        return f"{spec.label}: expected a date and time like 2026-11-27T14:03:00+00:00."
    return None


def _check_reference(spec: FieldSpec, value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return f"{spec.label}: choose the record this belongs to."
    return None


def _check_blob(spec: FieldSpec, value: Any) -> str | None:
    if not isinstance(value, str) or (value and (
            len(value) != 64 or any(c not in "0123456789abcdef" for c in value))):
        return f"{spec.label} must name a stored file (its SHA-256)."
    return None


_KIND_CHECKS: dict[Kind, Callable[[FieldSpec, Any], str | None]] = {
    Kind.TEXT: _check_text, Kind.LONG_TEXT: _check_text, Kind.CHOICE: _check_choice,
    Kind.BOOL: _check_bool, Kind.INT: _check_number, Kind.MONEY: _check_number,
    Kind.DATE: _check_date, Kind.TIMESTAMP: _check_timestamp,
    Kind.REFERENCE: _check_reference, Kind.BLOB: _check_blob,
}


def parse_text(spec: FieldSpec, money: bool, text: str, context: RecordInfo | None) -> Any:
    """Typed text → the stored value, before the rules; FieldError when it cannot read."""
    if not text and spec.kind not in (Kind.TEXT, Kind.LONG_TEXT, Kind.CHOICE, Kind.BOOL,
                                      Kind.BLOB):
        return None
    if spec.kind is Kind.CHOICE:
        wanted = text.casefold()
        return next((code for code, shown in spec.choices
                     if wanted in (code.casefold(), shown.casefold())), text)
    if spec.kind is Kind.BOOL:
        if text.casefold() not in _TRUE | _FALSE:
            raise FieldError(f"{spec.label}: answer yes or no.")
        return int(text.casefold() in _TRUE)
    if money:
        return _parse_money(spec, text, context)
    if spec.kind is Kind.INT:
        cleaned = text.replace(",", "").replace(" ", "")
        digits = cleaned.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()):  # int() would take '²'
            raise FieldError(f"{spec.label}: '{text}' is not a whole number.")
        return int(cleaned)
    if spec.kind is Kind.DATE:
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise FieldError(f"{spec.label}: enter a date like 2026-11-27.") from None
    return text


def _parse_money(spec: FieldSpec, text: str, context: RecordInfo | None) -> int:
    currency = context.currency if context else None
    if not currency:
        raise FieldError(f"{spec.label}: the record's currency is not known here.")
    try:
        return Money.parse(text.lstrip("$€£¥").strip(), currency).to_minor()
    except MoneyError:
        digits = minor_digits(currency)
        places = "no decimals" if digits == 0 else f"at most {digits} decimals"
        example = "1,250" if digits == 0 else "1,250." + "5" * digits
        raise FieldError(f"{spec.label}: '{text}' is not an amount in {currency}. Type it "
                         f"with {places}, e.g. {example}.") from None


def format_value(spec: FieldSpec, money: bool, value: Any, context: RecordInfo | None) -> str:
    if spec.kind is Kind.BOOL:
        return "Yes" if truthy(value) else "No"
    if spec.kind is Kind.CHOICE:
        return spec.choice_label(value)
    if money:
        currency = context.currency if context else None
        if not currency:
            return f"{int(value):,} (minor units)"
        return format_money(Money.from_minor(int(value), currency), whole=False)
    if spec.kind is Kind.INT:
        return f"{int(value):,}"
    if spec.kind is Kind.DATE:
        day = iso_date(value)
        return day.isoformat() if day else str(value)
    if spec.kind is Kind.TIMESTAMP:
        when = datetime.fromisoformat(str(value))
        when = when.astimezone(UTC) if when.tzinfo else when
        return when.strftime("%Y-%m-%d %H:%M UTC")
    if spec.kind is Kind.REFERENCE:
        names = context.references if context else {}
        return names.get(value) or "(a record not on this device)"
    if spec.kind is Kind.BLOB:
        return "A stored file"
    return str(value)
