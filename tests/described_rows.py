"""Rows for any synced table built from its description alone: valid values of every
field (a value each field's own rules accept) and a value each kind must refuse.

A table added later gets rows, conflicts and refusals without anyone writing them; a
field whose rules none of the candidates satisfy fails loudly instead of being skipped.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from channeldesk.store import Store
from channeldesk.store.description import FieldSpec, Kind, TableDescription
from channeldesk.store.models import SyncedModel, synced_models

# Tried in order for text fields until the field's rules accept one (websites, phones,
# emails, periods, quarters, currencies, incentive codes and tiers have rules of their own).
TEXT_CANDIDATES = ("Sample {v} text", "https://example{v}.com", "+49 30 555 01{v}",
                   "person{v}@example.com", "FY202{y}", "202{y}-Q{q}", "{cur}",
                   "reseller", "gold", "reseller,msp", "gold,platinum", "emea,apac",
                   "event: invoice", "0: 2, 10000{v}: 3")
CURRENCIES = ("USD", "EUR", "JPY")


def model_of(table: str) -> type[SyncedModel]:
    return next(m for m in synced_models() if m._meta.table_name == table)


def text_value(description: TableDescription, spec: FieldSpec, variant: int) -> str:
    for pattern in TEXT_CANDIDATES:
        value = pattern.format(v=variant, y=6 + variant % 3, q=1 + variant % 4,
                               cur=CURRENCIES[variant % 3])
        if description.validate(spec.name, value) is None:
            return value
    raise AssertionError(f"{description.table}.{spec.name}: teach tests/described_rows.py "
                         "a valid text for it")


def wire_value(store: Store, description: TableDescription, spec: FieldSpec,
               variant: int, parents: dict[str, str], first_choice: bool = False) -> Any:
    """A valid stored (wire) value; references point at a row made for the purpose, in
    its first state (a draft plan: a signed one takes no new parts)."""
    kind = spec.kind
    if kind is Kind.REFERENCE:
        if spec.references == description.table:  # a link within the table
            if spec.nullable:
                return None  # a plan's revision of another: none on a sample row
            if spec.references in parents:  # a step after another step
                return parents[spec.references]
            return insert_row(store, spec.references, variant, {spec.references: None})
        return parents.get(spec.references) or insert_row(store, spec.references, variant,
                                                          as_parent=True)
    if kind is Kind.CHOICE:
        return spec.choices[0 if first_choice else variant % len(spec.choices)][0]
    if kind is Kind.BOOL:
        return variant % 2
    if kind in (Kind.INT, Kind.MONEY):
        return min((spec.minimum or 0) + 1 + variant, spec.maximum or 10**6) * \
            (9_000_000 if kind is Kind.MONEY else 1)
    if kind is Kind.DATE:
        return date(2026, 1 + variant % 12, 15).isoformat()
    if kind is Kind.TIMESTAMP:
        return f"2026-11-{10 + variant:02d}T14:03:00+00:00"
    if kind is Kind.BLOB:
        return "" if variant % 2 else "ab" * 32
    return text_value(description, spec, variant)


def row_values(store: Store, table: str, variant: int = 0,
               parents: dict[str, str] | None = None, as_parent: bool = False
               ) -> dict[str, Any]:
    """Every editable field of a table, by model attribute, ready for ``Store.insert``."""
    description = model_of(table).description
    values = {}
    for spec in description.fields:
        value = wire_value(store, description, spec, variant, parents or {}, as_parent)
        if spec.kind is Kind.DATE:
            value = date.fromisoformat(value)
        values[spec.attribute or spec.name] = value
    return values


def insert_row(store: Store, table: str, variant: int = 0,
               parents: dict[str, str] | None = None, as_parent: bool = False,
               **overrides: Any) -> str:
    values = {**row_values(store, table, variant, parents, as_parent), **overrides}
    return store.insert(model_of(table), values)


def refused_texts(description: TableDescription, spec: FieldSpec,
                  money: bool) -> list[str]:
    """Typed texts a form edit of this field must refuse (none for links to other records
    and stored files: nobody types those)."""
    if spec.kind in (Kind.REFERENCE, Kind.BLOB):
        return []
    if spec.kind is Kind.CHOICE:
        return ["banana"]
    if spec.kind is Kind.BOOL:
        return ["maybe"]
    if money:
        return ["lots", "-5", "1.23456"]
    if spec.kind is Kind.INT:
        return ["lots", "1.5", "-1" if spec.minimum is not None else "x1"]
    if spec.kind in (Kind.DATE, Kind.TIMESTAMP):
        return ["not-a-date", "2026-02-30"]
    limit = spec.max_length or 1_000
    texts = ["x" * (limit + 1)]
    if spec.required:
        texts.append("   ")
    return texts
