"""New records pushed whole (protocol 4): the shapes the push and the pull share.

A first upload is nearly all new records, and storing one history row and parsing one
request model per field value was the floor under its time (docs/bulk-sync.md, "Aims not
met"). So a new record travels as one ``RecordIn`` and, when the server can take it as
it is (a row it does not have, nothing of it refused), is stored as ONE history row:

* ``change_id`` is the record's id, ``field`` is :data:`RECORD_FIELD` (never a column
  name: it is not an identifier), and ``value`` is a JSON object of the values in the
  order they were sent, each value's text exactly as ``push.dump_value`` writes it;
* ``seq`` is the LAST seq of the record's range: a record of n values takes n seqs, like
  n changes would, and its field i has seq ``last - n + 1 + i``. Seqs stay contiguous
  and the history's pruning needs no change (it prunes whole rows up to a seq).

Every reader sees the per-field changes the row stands for (change id
``field_change_id(record_id, name)``): the pull expands it, the field states are written
one row per value as before, and "moved by others" counts a record row as a change of
each field of its row.

This module holds no database work: the record items as field changes, the choice
of how each record is applied, the stored object's text, and the answer of a record
stored whole.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any, Literal, NamedTuple

from channeldesk.store.journal import RECORD_FIELD, field_change_id
from channeldesk.sync.protocol import RecordIn

__all__ = [
    "RECORD_FIELD",
    "DamagedRecordError",
    "FieldChange",
    "Plan",
    "RecordAccepted",
    "expand",
    "first_seq",
    "plan_records",
    "record_text",
    "record_values",
]


class FieldChange(NamedTuple):
    """One field of a pushed record, with ``ChangeIn``'s attribute names, so that the
    batch's checks and its per-field apply take it as they take a change. A tuple, not a
    model: a first upload expands hundreds of thousands of them, and validating each as
    a ``ChangeIn`` again was the cost protocol 4 removes."""

    change_id: str
    table: str
    row_id: str
    field: str
    value: Any
    hlc: str
    base_seq: int


def expand(record: RecordIn) -> list[FieldChange]:
    """The changes a record stands for, in the order of its values."""
    table, row_id, hlc, base = record.table, record.row_id, record.hlc, record.base_seq
    record_id = record.record_id
    # tuple.__new__ directly (no Python frame per field): a first upload makes ~900,000
    return [_new(FieldChange, (field_change_id(record_id, name), table, row_id, name, value,
                               hlc, base))
            for name, value in record.values.items()]


_new = tuple.__new__


# How a record of a batch is applied: answered as stored before, stored whole as one
# history row, or applied field by field as the changes it stands for.
Plan = Literal["stored", "whole", "fields"]


def plan_records(records: list[RecordIn], expanded: list[list[FieldChange]],
                 stored_records: Collection[str], stored_changes: Collection[str],
                 refused: Collection[str], existing_rows: Collection[tuple[str, str]]
                 ) -> list[Plan]:
    """How each record of a batch is applied, in order.

    Whole only when neither the server nor the batch has a trace of the record or its
    row and nothing of it is refused: then storing it whole gives exactly what applying
    its fields would (every field accepted with the next seqs), and nothing can conflict.
    A record id stored whole before, or earlier in the same batch, is answered with that
    result. Everything else (the row exists, an earlier record of the batch wrote it, a
    field was refused or was sent before as a change) goes field by field.
    """
    plan: list[Plan] = []
    written: set[tuple[str, str]] = set()
    whole: set[str] = set()
    for record, fields in zip(records, expanded, strict=True):
        row = (record.table, record.row_id)
        if record.record_id in stored_records or record.record_id in whole:
            plan.append("stored")
        elif (row not in written and row not in existing_rows
              and record.record_id not in stored_changes
              and not any(field.change_id in refused or field.change_id in stored_changes
                          for field in fields)):
            plan.append("whole")
            whole.add(record.record_id)
        else:
            plan.append("fields")
        written.add(row)
    return plan


class RecordAccepted(NamedTuple):
    """The answer for a record stored whole: its first field's seq. Written as JSON by
    hand (:meth:`json`), as the ``RecordResult`` model would write it."""

    record_id: str  # 32 hex digits, normalised on the way in
    seq: int
    status = "accepted"

    def json(self) -> str:
        return (f'{{"record_id":"{self.record_id}","status":"accepted",'
                f'"seq":{int(self.seq)},"fields":null}}')


def record_text(values: dict[str, Any]) -> str:
    """The stored object: ``{"name":value,…}`` in the order sent, each value written as
    ``push.dump_value`` writes it alone (the same encoder and options), the names as
    they are (identifiers: the request model checks them)."""
    return json.dumps(values, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


class DamagedRecordError(ValueError):
    """A stored record row whose value is not the JSON object of its fields."""


def record_values(text: str) -> dict[str, Any]:
    """The values of a stored record row, in the order they were sent."""
    try:
        values = json.loads(text)
    except ValueError as error:
        raise DamagedRecordError(f"not JSON: {error}") from error
    if not isinstance(values, dict) or not values or any(
            not isinstance(value, SCALARS) for value in values.values()):
        raise DamagedRecordError(f"not an object of field values: {text[:80]!r}")
    return values


SCALARS = (str, int, float, type(None))  # what a field holds (protocol.FieldValue)


def first_seq(last_seq: int, text: str) -> int:
    """The seq of a stored record's first field, from its row's (last) seq."""
    return last_seq - len(record_values(text)) + 1
