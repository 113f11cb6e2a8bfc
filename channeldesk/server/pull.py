"""Reading a team's history and state: pages of changes, and pages of a snapshot.

Changes come in seq order after a cursor ``since``; a cursor the server can no longer
serve answers 410 Gone with the team's epoch: older than the retained history
(``since < team.min_seq``), or ahead of the team's counter (the client synced with a
server that was since restored from a backup — its number went back).

A record pushed whole (protocol 4) is one history row standing for its fields; a page
lists those fields as the per-field changes they are (``push_records``), each with its
own seq, so a reader cannot tell it from the same record pushed field by field. A page
may end inside a record and the next one starts inside it.

A snapshot pages through the current value of every field, tombstones included, ordered
by (table, row_id, field). It is not one frozen read: its ``as_of_seq`` is the team's seq
when the first page was read, and the client pulls changes since that seq afterwards;
a field changed in between arrives through the pull (or twice — the client applies a
field only when its seq is newer than what it has, so overlap is harmless).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from json.encoder import encode_basestring

from channeldesk.server.accounts import Caller
from channeldesk.server.errors import ApiError
from channeldesk.server.models import Team, database
from channeldesk.server.push_lookups import dump_value
from channeldesk.server.push_records import RECORD_FIELD, DamagedRecordError, record_values
from channeldesk.server.storage import Storage
from channeldesk.store.journal import field_change_id
from channeldesk.sync.protocol import (
    IDENTIFIER_PATTERN,
    INT64_MAX,
    MAX_RECORD_FIELDS,
    ROW_ID_PATTERN,
)

log = logging.getLogger(__name__)

IDENTIFIER = re.compile(IDENTIFIER_PATTERN.replace("$", r"\Z"))
ROW_ID = re.compile(ROW_ID_PATTERN.replace("$", r"\Z"))


def _team(caller: Caller) -> Team:
    return Team.get_by_id(caller.team_id)


def changes_page(storage: Storage, caller: Caller, since: int, limit: int) -> JsonBody:
    with storage.session():
        team = _team(caller)
        if since < team.min_seq:
            raise ApiError(410, f"Changes up to seq {team.min_seq} are no longer kept; "
                                "download a snapshot, keep the outbox, then pull from its "
                                "as_of_seq.", epoch=team.epoch)
        if since > team.seq:
            raise ApiError(410, f"The cursor {since} is ahead of this server's history "
                                f"({team.seq}): the server was restored or replaced. "
                                "Download a snapshot.", epoch=team.epoch)
        param = database.param
        # Seqs above min_seq are contiguous, so the page is a bounded range: the planner
        # reads exactly the page even with stale statistics. A record's row carries its
        # last seq, so the range reaches MAX_RECORD_FIELDS further for one that begins
        # inside the page and ends beyond it.
        rows = database.execute_sql(
            'SELECT "seq", "change_id", "table_name", "row_id", "field", "value", "hlc", '
            f'"device_id" FROM "server_change" WHERE "team_id" = {param} AND "seq" > {param} '
            f'AND "seq" <= {param} ORDER BY "seq" LIMIT {param}',
            [team.id, since, since + limit + 1 + MAX_RECORD_FIELDS, limit + 1]).fetchall()
    if any(row[4] == RECORD_FIELD for row in rows):
        items, next_seq, has_more = _expanded_page(team, rows, since, limit)
    else:
        has_more = len(rows) > limit
        rows = rows[:limit]
        items = [_CHANGE % (seq, _string(change_id), _string(table), _string(row_id),
                            _string(field), value, _string(hlc), _string(device))
                 for seq, change_id, table, row_id, field, value, hlc, device in rows]
        next_seq = rows[-1][0] if rows else since
    return _page("changes", items, next_seq=next_seq, has_more=has_more, epoch=team.epoch)


Row = tuple[int, str, str, str, str, str, str, str]


def _expanded_page(team: Team, rows: list[Row], since: int, limit: int
                   ) -> tuple[list[str], int, bool]:
    """A page from history rows of which some are records: each row gives one item
    per field after ``since``, and the page ends after ``limit`` items, inside a record
    if need be. Every row gives at least one item (its last seq is after ``since``), so
    the ``limit + 1`` rows read are enough to tell whether there is more."""
    items: list[str] = []
    next_seq = since
    for row in rows:
        for seq, item in _items(team, row, since):
            if len(items) == limit:
                return items, next_seq, True
            items.append(item)
            next_seq = seq
    return items, next_seq, False


def _items(team: Team, row: Row, since: int) -> list[tuple[int, str]]:
    seq, change_id, table, row_id, field, value, hlc, device = row
    if field != RECORD_FIELD:
        return [(seq, _CHANGE % (seq, _string(change_id), _string(table), _string(row_id),
                                 _string(field), value, _string(hlc), _string(device)))]
    try:
        values = record_values(value)
    except DamagedRecordError as error:
        log.error("team %d: the history row of record %s (seq %d) is damaged: %s",
                  team.id, change_id, seq, error)
        raise ApiError(500, f"The server's history is damaged at seq {seq}; the details "
                            "are in its log.") from error
    first = seq - len(values) + 1
    shared = (_string(table), _string(row_id))
    stamp = (_string(hlc), _string(device))
    return [(first + offset, _CHANGE % (first + offset,
                                        _string(field_change_id(change_id, name)), *shared,
                                        _string(name), dump_value(field_value), *stamp))
            for offset, (name, field_value) in enumerate(values.items())
            if first + offset > since]


# A page is written as JSON text directly: the stored values are JSON already, and
# building a pydantic object per field cost more than reading the rows. The shapes are
# those of ChangesPage and SnapshotPage (tests parse every page with them).
_CHANGE = ('{"seq":%d,"change_id":%s,"table":%s,"row_id":%s,"field":%s,"value":%s,'
           '"hlc":%s,"device_id":%s}')
_SNAPSHOT_ROW = ('{"table":%s,"row_id":%s,"field":%s,"value":%s,"seq":%d,"hlc":%s,'
                 '"device_id":%s}')
_string = encode_basestring


class JsonBody(bytes):
    """A response body that is JSON text already (see ``routes_sync``)."""


def _page(key: str, items: list[str], **tail: object) -> JsonBody:
    text = "".join((f'{{"{key}":[', ",".join(items), "],",
                    json.dumps(tail, ensure_ascii=False, separators=(",", ":"))[1:]))
    return JsonBody(text.encode("utf-8"))


def encode_cursor(as_of_seq: int, key: tuple[str, str, str]) -> str:
    text = json.dumps([as_of_seq, *key], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, tuple[str, str, str]]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        as_of_seq, table, row_id, field = json.loads(base64.urlsafe_b64decode(padded))
        if not (type(as_of_seq) is int and 0 <= as_of_seq <= INT64_MAX
                and all(isinstance(part, str) for part in (table, row_id, field))
                and IDENTIFIER.match(table) and IDENTIFIER.match(field)
                and ROW_ID.match(row_id)):
            raise ValueError("not a cursor this server issued")
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise ApiError(422, "cursor: not a cursor this server issued; start the snapshot "
                            "again without one.") from error
    return as_of_seq, (table, row_id, field)


def snapshot_page(storage: Storage, caller: Caller, cursor: str | None,
                  limit: int) -> JsonBody:
    after: tuple[str, str, str] | None = None
    if cursor:
        as_of_seq, after = decode_cursor(cursor)
    param = database.param
    with storage.session():
        team = _team(caller)
        if not cursor:
            as_of_seq = team.seq
        where, values = f'"team_id" = {param}', [team.id]
        if after is not None:
            where += f' AND ("table_name", "row_id", "field") > ({param}, {param}, {param})'
            values.extend(after)
        rows = database.execute_sql(
            'SELECT "table_name", "row_id", "field", "value", "seq", "hlc", "device_id" '
            f'FROM "field_state" WHERE {where} ORDER BY "table_name", "row_id", "field" '
            f"LIMIT {param}", [*values, limit + 1]).fetchall()
    has_more = len(rows) > limit
    rows = rows[:limit]
    items = [_SNAPSHOT_ROW % (_string(table), _string(row_id), _string(field), value, seq,
                              _string(hlc), _string(device))
             for table, row_id, field, value, seq, hlc, device in rows]
    next_cursor = encode_cursor(as_of_seq, rows[-1][:3]) if has_more else None
    return _page("rows", items, next_cursor=next_cursor, as_of_seq=as_of_seq,
                 epoch=team.epoch)
