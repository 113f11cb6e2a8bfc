"""What a synced table means to a person, declared once beside its model (DESIGN.md §2).

A :class:`TableDescription` says how a table and each of its fields are called, which
values a field may hold (kind, choices, NOT NULL, ranges, length, the domain rule a form
applies), which fields — or whole records — are internal-only, where a money field's
currency comes from and how a person names a record. The conflicts view, the edit
forms, the CSV columns, the plan editor's columns, the server's check of pushed
changes and the client's check of pulled ones all read it, so a rule written here
holds everywhere and nowhere else.

Values are handled in their stored (wire) form: text, integers (money in minor units,
booleans as 0/1), dates as ISO text. :meth:`TableDescription.validate` checks such a
value; :meth:`~TableDescription.parse` reads what a person typed into one;
:meth:`~TableDescription.format` shows one as the rest of the app does.

The field kinds and their rules are in :mod:`channeldesk.store.fields` (re-exported
here). No Qt and no peewee here: the server can read descriptions without the client's
models (importing ``channeldesk.store.models`` registers them all).
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from channeldesk.domain.money import Money, MoneyError
from channeldesk.store.fields import (
    CurrencyFrom,
    FieldError,
    FieldSpec,
    Kind,
    RecordInfo,
    choices_of,
    format_value,
    iso_date,
    parse_text,
    truthy,
    type_problem,
)

__all__ = [
    "CurrencyFrom", "FieldError", "FieldSpec", "Kind", "Naming", "RecordInfo",
    "TableDescription", "change_problem", "choices_of", "description_for", "descriptions",
    "name_records", "register", "with_references", "within",
]

IN_CHUNK = 400
NAME_CHARS = 90


@dataclass(frozen=True)
class Naming:
    """How a person names a record, read for many rows in one query: ``columns`` maps
    an alias to an SQL expression over the row ``r`` and the tables ``joins`` adds;
    ``text`` turns those values into the words after the table label."""

    columns: Mapping[str, str]
    text: Callable[[Mapping[str, Any]], str]
    joins: str = ""


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
        spec = self._by_name.get(name)
        if spec is None:
            raise KeyError(f"{self.table} has no field {name!r}")
        return spec

    @functools.cached_property
    def _by_name(self) -> dict[str, FieldSpec]:
        """Names and attributes → field, the first field in order winning, the
        bookkeeping columns last (a pushed or pulled page asks for every value)."""
        index = dict(_BOOKKEEPING_SPECS)
        for spec in reversed(self.fields):
            if spec.attribute:
                index[spec.attribute] = spec
            index[spec.name] = spec
        return index

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
        problem = type_problem(spec, value)
        if problem is None and self.form_rules is not None and value not in (None, ""):
            typed = iso_date(value) if spec.kind is Kind.DATE else value
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
        value = parse_text(spec, self.is_money(name, context.values if context else None),
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
            money = self.is_money(name, context.values if context else None)
            return format_value(spec, money, value, context)
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
            return "Yes" if truthy(value) else "No"
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
        internal = bool(self.internal_row and truthy(values.get(self.internal_row)))
        return RecordInfo(f"{self.label} · {title}" if title else self.label, title,
                          internal, values, row.get("currency:"))


def _short(text: str) -> str:
    return text if len(text) <= NAME_CHARS else text[:NAME_CHARS - 1] + "…"


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


def change_problem(table: str, field: str, value: Any) -> str | None:
    """Why a pushed or pulled change of one field cannot be stored (unknown table or
    field, wrong kind, bad choice, out of range…); None when it can. The check a server
    or a client makes on a value it did not type itself."""
    description = description_for(table)
    if description is None:
        return f"'{table}' is not a table this version knows."
    return description.validate(field, value)


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


def within(main: Any, parent: Any, limit: int = 40) -> str:
    """A record's own words with what it belongs to: "QBR call (Northwind Systems)";
    long own words are cut first, so the part that tells records apart stays."""
    main_text, parent_text = str(main or "").strip(), str(parent or "").strip()
    if len(main_text) > limit:
        main_text = main_text[:limit - 1].rstrip() + "…"
    if main_text and parent_text:
        return f"{main_text} ({parent_text})"
    return main_text or parent_text
