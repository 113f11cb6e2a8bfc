"""What a pushed batch reads before it is applied: the stored results of its ids, the
current state of its fields, and which of its rows the server has (``push`` applies the
batch; this module holds its lookups, each one query per chunk of keys)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from channeldesk.server.change_checks import RowFacts, is_deleted_value
from channeldesk.server.models import Device, User, database
from channeldesk.server.push_answer import Accepted, Result
from channeldesk.server.push_records import (
    RECORD_FIELD,
    RecordAccepted,
    first_seq,
    record_values,
)
from channeldesk.store.journal import field_change_id

DELETED_FIELD = "deleted"
KEY_CHUNK = 200

Key = tuple[str, str, str]


@dataclass
class State:
    """A field's current server value while the batch is being applied."""

    value: str  # JSON
    seq: int
    hlc: str
    device: str


def dump_value(value: Any) -> str:
    """A field value's JSON text, as ``json.dumps(value, ensure_ascii=False,
    allow_nan=False)`` writes it. Texts and whole numbers, nearly every value of a first
    upload, skip the encoder's set-up, which cost more than the encoding."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def load_value(text: str) -> Any:
    return json.loads(text)


def chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def load_existing(team_id: int, change_ids: list[str]
                   ) -> tuple[dict[str, Result], dict[str, RecordAccepted]]:
    """The stored results of these ids: per-field changes, and records stored whole
    (answered with their first seq)."""
    found: dict[str, Result] = {}
    records: dict[str, RecordAccepted] = {}
    param = database.param
    for chunk in chunks(sorted(set(change_ids)), KEY_CHUNK * 2):
        cursor = database.execute_sql(
            'SELECT "change_id", "seq", "field", "value", "hlc", "device_id" '
            f'FROM "server_change" WHERE "team_id" = {param} AND "change_id" IN '
            f'({", ".join([param] * len(chunk))})', [team_id, *chunk])
        for change_id, seq, field, value, hlc, device in cursor.fetchall():
            # A damaged stored value fails the push here, as before, rather than going
            # into an answer that is stored and replayed.
            if field == RECORD_FIELD:
                records[change_id] = RecordAccepted(change_id, first_seq(seq, value))
                continue
            load_value(value)
            found[change_id] = Accepted(change_id, seq, value, hlc, device)
    return found, records


def load_record_fields(team_id: int, change_ids: Iterable[str]) -> dict[str, Result]:
    """The stored results of per-field changes that were stored inside a record row: a
    record pushed whole whose answer was lost, re-sent field by field (the client's
    fallback once it knows a version of one of its fields). A field's change id is its
    record's id with the last eight hex digits replaced (``field_change_id``), so the
    record rows are found by a range of the unique (team, change id) index."""
    wanted = set(change_ids)
    found: dict[str, Result] = {}
    param = database.param
    prefixes = sorted({change_id[:24] for change_id in wanted})
    for chunk in chunks(prefixes, KEY_CHUNK):
        cursor = database.execute_sql(
            'SELECT s."change_id", s."seq", s."value", s."hlc", s."device_id" FROM '
            f'(VALUES {", ".join([f"({param}, {param})"] * len(chunk))}) AS k '
            f'JOIN "server_change" AS s ON s."team_id" = {param} '
            'AND s."change_id" BETWEEN k.column1 AND k.column2 '
            f'AND s."field" = {param}',
            [*(bound for prefix in chunk for bound in (prefix + "0" * 8, prefix + "f" * 8)),
             team_id, RECORD_FIELD])
        for record_id, last_seq, text, hlc, device in cursor.fetchall():
            values = record_values(text)  # a damaged row fails the push, as above
            first = last_seq - len(values) + 1
            for offset, (name, value) in enumerate(values.items()):
                change_id = field_change_id(record_id, name)
                if change_id in wanted:
                    found[change_id] = Accepted(change_id, first + offset,
                                                dump_value(value), hlc, device)
    return found


def load_states(team_id: int, keys: set[Key]) -> dict[Key, State]:
    """The current state of the given fields: a join against a VALUES list, which
    SQLite and PostgreSQL both answer from the primary key (a row-value IN list makes
    PostgreSQL plan one OR branch per key)."""
    states: dict[Key, State] = {}
    param = database.param
    triple = f"({param}, {param}, {param})"
    for chunk in chunks(sorted(keys), KEY_CHUNK):
        cursor = database.execute_sql(
            'SELECT s."table_name", s."row_id", s."field", s."value", s."seq", s."hlc", '
            f's."device_id" FROM (VALUES {", ".join([triple] * len(chunk))}) AS k '
            'JOIN "field_state" AS s ON s."table_name" = k.column1 '
            f'AND s."row_id" = k.column2 AND s."field" = k.column3 AND s."team_id" = {param}',
            [*(part for key in chunk for part in key), team_id])
        for table, row_id, field, value, seq, hlc, device in cursor.fetchall():
            states[(table, row_id, field)] = State(value, seq, hlc, device)
    return states


def load_rows(team_id: int, rows: set[tuple[str, str]]) -> dict[tuple[str, str], RowFacts]:
    """Whether each row exists on the server (has any field), whether it is deleted,
    and who deleted it (their email), in one query per chunk."""
    found: dict[tuple[str, str], RowFacts] = {}
    param = database.param
    pair = f"({param}, {param})"
    deleters: dict[tuple[str, str], str] = {}
    for chunk in chunks(sorted(rows), KEY_CHUNK):
        cursor = database.execute_sql(
            'SELECT k.column1, k.column2, '
            f'MAX(CASE WHEN s."field" = {param} THEN s."value" END), '
            f'MAX(CASE WHEN s."field" = {param} THEN s."device_id" END) '
            f'FROM (VALUES {", ".join([pair] * len(chunk))}) AS k '
            'JOIN "field_state" AS s ON s."table_name" = k.column1 '
            f'AND s."row_id" = k.column2 AND s."team_id" = {param} '
            'GROUP BY k.column1, k.column2',
            [DELETED_FIELD, DELETED_FIELD, *(part for key in chunk for part in key),
             team_id])
        for table, row_id, deleted, device in cursor.fetchall():
            is_deleted = deleted is not None and is_deleted_value(load_value(deleted))
            found[(table, row_id)] = RowFacts(True, is_deleted)
            if is_deleted and device:
                deleters[(table, row_id)] = device
    if deleters:
        emails = dict(Device.select(Device.id, User.email).join(User)
                      .where(Device.id.in_(sorted(set(deleters.values())))).tuples())
        for key, device in deleters.items():
            found[key] = RowFacts(True, True, emails.get(device))
    return found
