"""Values for synced fields, made from the tables' descriptions (valid ones that differ
per n, and the kinds of invalid ones a buggy or hostile device sends)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from channeldesk.store.description import FieldSpec, Kind, TableDescription

TEXT_CANDIDATES = ("{name} {n} ✓ Łódź", "person{n}@example.com", "+1 555 01{n:02d}",
                   "https://example.com/{n}", "2026", "2026-Q{q}", "Q{q}", "FY2026",
                   "USD", "EUR", "")


def valid_value(description: TableDescription, spec: FieldSpec, n: int) -> Any:
    """A value the field's rules allow, different per n where the field allows it."""
    if spec.kind is Kind.CHOICE:
        return spec.choices[n % len(spec.choices)][0]
    if spec.kind is Kind.BOOL:
        return n % 2
    if spec.kind is Kind.DATE:
        return (dt.date(2026, 1, 1) + dt.timedelta(days=n)).isoformat()
    if spec.kind in (Kind.INT, Kind.MONEY):
        low = spec.minimum if spec.minimum is not None else 0
        high = spec.maximum if spec.maximum is not None else low + 100_000
        return low + (1000 + n) % (high - low + 1)
    if spec.kind is Kind.TIMESTAMP:
        return f"2026-01-01T10:{n % 60:02d}:00+00:00"
    if spec.kind is Kind.BLOB:
        return ""
    for pattern in TEXT_CANDIDATES:
        text = pattern.format(name=spec.name, n=n, q=n % 4 + 1)
        if description.validate(spec.name, text) is None:
            return text
    raise AssertionError(f"no sample fits {description.table}.{spec.name}")


INVALID_BY_KIND: dict[Kind, tuple[Any, ...]] = {
    Kind.TEXT: (None, 42, "x" * 100_000),
    Kind.LONG_TEXT: (None, 3.5),
    Kind.CHOICE: ("diamond<script>", 7, None),
    Kind.BOOL: ("yes", 2, None),
    Kind.INT: ("lots", 1e308, 2**62, None),
    Kind.MONEY: ("1e308", 1.5, 2**62, None),
    Kind.DATE: ("not-a-date", "2026-13-45", 20260101, None),
    Kind.REFERENCE: ("", 5, None),
    Kind.TIMESTAMP: ("yesterday", None),
    Kind.BLOB: ("not-a-hash", 1),
}


def invalid_values(spec: FieldSpec) -> tuple[Any, ...]:
    """Values the field refuses (None only where the field is NOT NULL)."""
    values = INVALID_BY_KIND[spec.kind]
    return tuple(v for v in values if v is not None or not spec.nullable)
