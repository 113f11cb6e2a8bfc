"""What a synced table means to a person, declared once beside its model (DESIGN.md §2).

A :class:`TableDescription` says how a table and each of its fields are called, which
values a field may hold (kind, choices, NOT NULL, ranges, length, the domain rule a form
applies), which fields — or whole records — are internal-only, where a money field's
currency comes from and how a person names a record. The conflicts view, the edit
forms, the CSV columns, the plan editor's columns and (later) the server's check of pushed
changes all read it, so a rule written here holds everywhere and nowhere else.

Values are handled in their stored (wire) form: text, integers (money in minor units,
booleans as 0/1), dates as ISO text. :meth:`TableDescription.validate` checks such a
value; :meth:`~TableDescription.parse` reads what a person typed into one;
:meth:`~TableDescription.format` shows one as the rest of the app does.

No Qt and no peewee here: the server can read descriptions without the client's models.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from channeldesk.domain.money import MAX_MINOR_UNITS, Money, MoneyError, minor_digits
from channeldesk.domain.plan_document import format_money

IN_CHUNK = 400
NAME_CHARS = 90
TEXT_MAX = 1_000  # a one-line text; long texts take the domain's TEXT_MAX
BOOKKEEPING = ("id", "created_at", "updated_at", "deleted")
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
class Naming:
    """How a person names a record, read for many rows in one query: ``columns`` maps
    an alias to an SQL expression over the row ``r`` and the tables ``joins`` adds;
    ``text`` turns those values into the words after the table label."""

    columns: Mapping[str, str]
    text: Callable[[Mapping[str, Any]], str]
    joins: str = ""


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


_BOOKKEEPING_SPECS = {
    "id": FieldSpec("id", "Record id", editable=False),
    "created_at": FieldSpec("created_at", "Created", editable=False),
    "updated_at": FieldSpec("updated_at", "Last changed", editable=False),
    "deleted": FieldSpec("deleted", "Deleted", Kind.BOOL, editable=False, has_default=True),
}


@dataclass(frozen=True)
class TableDescription:
    """One synced table: its labels, fields, record names and rules."""

    table: str
    label: str
    plural: str
    fields: tuple[FieldSpec, ...]
    naming: Naming
    internal_row: str | None = None  # a bool column that makes the whole record internal
    form_rules: Callable[[dict[str, Any]], dict[str, str]] | None = None

    # -- fields -------------------------------------------------------------------------

    def field(self, name: str) -> FieldSpec:
        """A field by column name ("partner_id") or model attribute ("partner"); the
        bookkeeping columns too. KeyError for a name the table does not have."""
        for spec in self.fields:
            if name in (spec.name, spec.attribute):
                return spec
        if name in _BOOKKEEPING_SPECS:
            return _BOOKKEEPING_SPECS[name]
        raise KeyError(f"{self.table} has no field {name!r}")

    def has(self, name: str) -> bool:
        try:
            self.field(name)
        except KeyError:
            return False
        return True

    def editable_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(spec for spec in self.fields if spec.editable)

    def field_label(self, name: str) -> str:
        return self.field(name).label if self.has(name) else name

    def is_internal(self, name: str) -> bool:
        return self.has(name) and self.field(name).internal

    def internal_fields(self) -> frozenset[str]:
        """Attribute names of the internal-only fields (the model's ``internal_fields``)."""
        return frozenset(spec.attribute or spec.name for spec in self.fields if spec.internal)

    def blob_fields(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.fields if spec.kind is Kind.BLOB)

    def is_money(self, name: str, row: Mapping[str, Any] | None = None) -> bool:
        """Whether the field holds money on this row (a target holds money for the
        revenue metric and a count for new customers)."""
        spec = self.field(name)
        if spec.kind is Kind.MONEY:
            return True
        return bool(spec.money_when and row is not None and spec.money_when(row))

    # -- checking -----------------------------------------------------------------------

    def validate(self, name: str, value: Any, context: RecordInfo | None = None) -> str | None:
        """What is wrong with a stored value for this field (None when nothing is): the
        same rules a form edit applies, so a merged, imported or pushed value obeys them."""
        if not self.has(name):
            return f"{self.label} has no field '{name}'."
        spec = self.field(name)
        problem = _type_problem(spec, value)
        if problem is None and self.form_rules is not None and value not in (None, ""):
            typed = _iso_date(value) if spec.kind is Kind.DATE else value
            problem = self.form_rules({spec.attribute or spec.name: typed}).get(
                spec.attribute or spec.name)
        return problem

    def validate_row(self, values: Mapping[str, Any], *, complete: bool = False
                     ) -> dict[str, str]:
        """Field → message for each bad value; with ``complete``, also each NOT NULL
        field without a default that is missing (a new row must arrive whole)."""
        errors = {name: message for name, value in values.items()
                  if (message := self.validate(name, value)) is not None}
        if complete:
            for spec in self.fields:
                if spec.name not in values and not spec.nullable and not spec.has_default:
                    errors.setdefault(spec.name, f"{spec.label} is missing.")
        return errors

    def parse(self, name: str, text: str, context: RecordInfo | None = None) -> Any:
        """The stored value of what a person typed; FieldError says what is wrong."""
        spec = self.field(name)
        value = _parse_text(spec, self.is_money(name, context.values if context else None),
                            (text or "").strip(), context)
        problem = self.validate(name, value, context)
        if problem:
            raise FieldError(problem)
        return value

    # -- showing ------------------------------------------------------------------------

    def format(self, name: str, value: Any, context: RecordInfo | None = None) -> str:
        """A stored value as the app shows it ("Identified", "$90,000.00", "Yes"); a
        value that does not fit the field is shown as it is, never raised."""
        spec = self.field(name) if self.has(name) else FieldSpec(name, name)
        if value is None or value == "":
            return spec.empty_text
        try:
            return _format(spec, self.is_money(name, context.values if context else None),
                           value, context)
        except (ValueError, TypeError, MoneyError, OverflowError):
            return str(value)

    def editor_text(self, name: str, value: Any, context: RecordInfo | None = None) -> str:
        """The text an editor starts with: what :meth:`parse` reads back to ``value``."""
        if value is None:
            return ""
        spec = self.field(name)
        if self.is_money(name, context.values if context else None) and isinstance(value, int):
            currency = context.currency if context else None
            if currency:
                return str(Money.from_minor(value, currency).amount)
        if spec.kind is Kind.BOOL:
            return "Yes" if _truthy(value) else "No"
        return str(value)

    # -- naming records -----------------------------------------------------------------

    def name_records(self, conn: sqlite3.Connection, ids: Iterable[str]
                     ) -> dict[str, RecordInfo]:
        """Each id's :class:`RecordInfo`, in one query per few hundred ids; an id with
        no row here (deleted elsewhere, never pulled) gets a name that says so."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, RecordInfo] = {}
        sql = self._naming_sql()
        for start in range(0, len(wanted), IN_CHUNK):
            chunk = wanted[start:start + IN_CHUNK]
            marks = ", ".join("?" * len(chunk))
            cursor = conn.execute(f"{sql} WHERE r.id IN ({marks})", chunk)
            names = [column[0] for column in cursor.description]
            for row in cursor:
                found[row[0]] = self._record(dict(zip(names, row, strict=True)))
        for row_id in wanted:
            found.setdefault(row_id, RecordInfo(f"{self.label} (not on this device)", "",
                                                False, exists=False))
        return found

    def _naming_sql(self) -> str:
        aliases = ", ".join(f'{sql} AS "name:{alias}"'
                            for alias, sql in self.naming.columns.items())
        currency, join = self._currency_sql()
        return (f'SELECT r.id AS "row:id", r.*, {aliases}, {currency} AS "currency:" '
                f'FROM "{self.table}" AS r {self.naming.joins} {join}')

    def _currency_sql(self) -> tuple[str, str]:
        source = next((s.currency for s in self.fields if s.currency), None)
        if source is None:
            return "NULL", ""
        if source.via is None:
            return f'r."{source.column}"', ""
        parent = self.field(source.via).references
        return (f'"currency:parent"."{source.column}"',
                f'LEFT JOIN "{parent}" AS "currency:parent" '
                f'ON "currency:parent".id = r."{source.via}"')

    def _record(self, row: dict[str, Any]) -> RecordInfo:
        named = {key[5:]: value for key, value in row.items() if key.startswith("name:")}
        values = {key: value for key, value in row.items() if ":" not in key}
        try:
            title = _short(" ".join(str(self.naming.text(named)).split()))
        except (ValueError, TypeError, KeyError):
            title = ""
        internal = bool(self.internal_row and _truthy(values.get(self.internal_row)))
        return RecordInfo(f"{self.label} · {title}" if title else self.label, title,
                          internal, values, row.get("currency:"))


# -- the registry -------------------------------------------------------------------------

_REGISTRY: dict[str, TableDescription] = {}


def register(description: TableDescription) -> TableDescription:
    """Make a description findable by its table name (done by ``attach`` in the models)."""
    _REGISTRY[description.table] = description
    return description


def description_for(table: str) -> TableDescription | None:
    """The description of a synced table, or None for a table this version does not know."""
    return _REGISTRY.get(table)


def descriptions() -> list[TableDescription]:
    return list(_REGISTRY.values())


def name_records(conn: sqlite3.Connection, keys: Iterable[tuple[str, str]]
                 ) -> dict[tuple[str, str], RecordInfo]:
    """Names of records of many tables at once: (table, id) → :class:`RecordInfo`. A
    table this version does not know is named by its table name, never its id."""
    by_table: dict[str, list[str]] = {}
    for table, row_id in keys:
        by_table.setdefault(table, []).append(row_id)
    named: dict[tuple[str, str], RecordInfo] = {}
    for table, ids in by_table.items():
        description = description_for(table)
        if description is None:
            label = table.replace("_", " ").capitalize()
            named.update({(table, i): RecordInfo(f"{label} (unknown here)", "", False)
                          for i in ids})
            continue
        try:
            found = description.name_records(conn, ids)
        except sqlite3.Error:  # a table not in this file yet (an older schema)
            found = {i: RecordInfo(f"{description.label} (not on this device)", "", False,
                                   exists=False) for i in ids}
        named.update({(table, i): info for i, info in found.items()})
    return named


def with_references(conn: sqlite3.Connection, description: TableDescription,
                    info: RecordInfo, names: Mapping[str, Iterable[Any]]) -> RecordInfo:
    """``info`` with the names of the records that reference values point at, so
    :meth:`TableDescription.format` shows "Northwind Systems" instead of an id.
    ``names`` maps a reference column to the ids to name."""
    found: dict[str, str] = dict(info.references)
    for column, ids in names.items():
        parent = description.field(column).references
        wanted = [i for i in ids if isinstance(i, str) and i]
        if parent and wanted:
            found.update({key[1]: record.title or record.name
                          for key, record in name_records(conn, ((parent, i)
                                                                 for i in wanted)).items()})
    return replace(info, references=found)


# -- the rules by kind --------------------------------------------------------------------

def _truthy(value: Any) -> bool:
    return value in (1, True, "1")


def _short(text: str) -> str:
    return text if len(text) <= NAME_CHARS else text[:NAME_CHARS - 1] + "…"


def _type_problem(spec: FieldSpec, value: Any) -> str | None:
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


def _iso_date(value: Any) -> date | None:
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
    if _iso_date(value) is None:
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


def _parse_text(spec: FieldSpec, money: bool, text: str, context: RecordInfo | None) -> Any:
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


def _format(spec: FieldSpec, money: bool, value: Any, context: RecordInfo | None) -> str:
    if spec.kind is Kind.BOOL:
        return "Yes" if _truthy(value) else "No"
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
        day = _iso_date(value)
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


def within(main: Any, parent: Any, limit: int = 40) -> str:
    """A record's own words with what it belongs to: "QBR call (Northwind Systems)";
    long own words are cut first, so the part that tells records apart stays."""
    main_text, parent_text = str(main or "").strip(), str(parent or "").strip()
    if len(main_text) > limit:
        main_text = main_text[:limit - 1].rstrip() + "…"
    if main_text and parent_text:
        return f"{main_text} ({parent_text})"
    return main_text or parent_text
