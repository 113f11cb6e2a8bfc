"""The outbox: journal entries not yet pushed, sent in batches, and what comes back.

The outbox is every journal entry after ``pushed_through``, coalesced to the latest
entry per field (the server needs the value, not every keystroke), in journal order,
cut into batches. Each change carries its field's known version as ``base_seq``. To a
protocol-4 server a created record goes as one item (``RecordIn``) with the fields no
later entry supersedes; the server stores it as one history entry (docs/bulk-sync.md).

A batch is written to ``sync_state.pending_batch`` (the whole request, not just its
range) before it is sent. If the answer is lost — or the app dies between the server's
commit and ours — the next sync sends the identical request again and the server
replays its stored answer; a rebuilt request could differ (bases move when versions
change) and be refused as a reused batch id. The answer is recorded in one transaction
with ``pushed_through``, so a batch is either fully recorded or will be sent again.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import ValidationError

from channeldesk.store import journal
from channeldesk.store.journal import UNJOURNALLED_COLUMNS
from channeldesk.sync import conflict_log, cursor_after_push, state
from channeldesk.sync.errors import LocalDataError, ServerError
from channeldesk.sync.protocol import (
    LEGACY_BATCH,
    ChangeIn,
    PushRequest,
    PushResponse,
    PushResult,
    RecordIn,
    RecordResult,
)
from channeldesk.sync.rows import LocalSchema, journal_again
from channeldesk.sync.state import Key, Version
from channeldesk.sync.transport import Body, json_body

DELETED = "deleted"
RECORD = journal.RECORD_FIELD


class Entry(NamedTuple):
    """The latest journal entry of one field (a tuple: a first upload makes one per
    value, and a frozen dataclass cost three times as much to build), or of a whole new
    record: then ``field`` is :data:`RECORD` and ``value`` its ``{field: value}``."""

    seq: int
    change_id: str
    table: str
    row_id: str
    field: str
    value: object
    hlc: str

    @property
    def key(self) -> Key:
        return (self.table, self.row_id, self.field)

    @property
    def weight(self) -> int:
        """How many values the entry carries."""
        return len(self.value) if self.field == RECORD else 1  # type: ignore[arg-type]

    @property
    def text_length(self) -> int:
        """Roughly how many characters its values take on the wire."""
        values = self.value.values() if self.field == RECORD else (self.value,)  # type: ignore[union-attr]
        return sum(len(value) if isinstance(value, str) else 8 for value in values)


@dataclass(frozen=True)
class PendingBatch:
    """A batch as sent (or about to be): the request and the journal seq it covers."""

    request: PushRequest
    last_seq: int

    @functools.cached_property
    def request_json(self) -> str:
        """The request as JSON, made once: it is both stored and sent."""
        return self.request.wire_json()

    @functools.cached_property
    def body(self) -> Body:
        """The request as sent (gzipped when large), made once."""
        return json_body(self.request_json)

    def dump(self) -> str:
        return f'{{"last_seq": {int(self.last_seq)}, "request": {self.request_json}}}'

    @classmethod
    def load(cls, text: str) -> PendingBatch:
        data = json.loads(text)
        return cls(PushRequest.model_validate(data["request"]), int(data["last_seq"]))


@dataclass
class PushOutcome:
    accepted: int = 0
    conflicts: int = 0
    rejected: int = 0  # of the conflicts, those the server refused
    reasons: list[str] = field(default_factory=list)  # "the server refused …" sentences
    touched: dict[str, set[str]] = field(default_factory=dict)


def pending(conn: sqlite3.Connection) -> PendingBatch | None:
    text = state.get(conn, state.PENDING_BATCH)
    return PendingBatch.load(text) if text else None


def outbox(conn: sqlite3.Connection, pushed_through: int,
           whole_records: bool = False) -> list[Entry]:
    """The latest unpushed entry per field, oldest first.

    A record entry (a created row, see ``journal.RECORD_FIELD``) is expanded into one
    entry per field (``journal.expand_records``), unless a later entry of the same field
    supersedes it. With ``whole_records`` (a protocol-4 server) it stays one entry
    holding the fields no later entry supersedes.
    """
    fields = conn.execute(
        "SELECT c.seq, c.change_id, c.table_name, c.row_id, c.field, c.value, c.hlc "
        "FROM change AS c JOIN (SELECT max(seq) AS seq FROM change WHERE seq > ? "
        "AND field != ? GROUP BY table_name, row_id, field) AS latest "
        "ON c.seq = latest.seq ORDER BY c.seq",
        (pushed_through, journal.RECORD_FIELD)).fetchall()
    records = conn.execute(
        "SELECT seq, change_id, table_name, row_id, hlc FROM change "
        "WHERE seq > ? AND field = ? ORDER BY seq",
        (pushed_through, journal.RECORD_FIELD)).fetchall()
    if not records:
        return [Entry(*row) for row in fields]
    if whole_records:
        return _with_whole_records(fields, journal.record_values(conn, records))
    if not fields:  # e.g. right after an import: nothing to merge, already in order
        return [Entry(*change) for change in journal.expand_records(conn, records)]
    latest: dict[Key, tuple] = {(row[2], row[3], row[4]): row for row in fields}
    order: dict[Key, tuple[int, int]] = {key: (row[0], 0) for key, row in latest.items()}
    for position, change in enumerate(journal.expand_records(conn, records)):
        key = (change[2], change[3], change[4])
        known = latest.get(key)
        if known is None or known[0] < change[0]:
            latest[key] = change
            order[key] = (change[0], position)
    return [Entry(*latest[key]) for key in sorted(latest, key=order.__getitem__)]


def _with_whole_records(fields: list[tuple], records: list[journal.RecordValues]
                        ) -> list[Entry]:
    """Per-field entries and whole records merged in journal order: a record keeps the
    fields no later entry supersedes (the later entry goes as a change on top of it) and
    replaces an earlier entry of a field it holds, as its expansion would."""
    if not fields:
        return [Entry(seq, change_id, table, row_id, RECORD, values, hlc)
                for seq, change_id, table, row_id, values, hlc in records]
    latest: dict[Key, tuple] = {(row[2], row[3], row[4]): row for row in fields}
    for seq, change_id, table, row_id, values, hlc in records:
        kept = {}
        for name, value in values.items():
            known = latest.get((table, row_id, name))
            if known is not None and known[0] > seq:
                continue
            if known is not None:
                del latest[(table, row_id, name)]
            kept[name] = value
        if kept:
            latest[(table, row_id, RECORD)] = (seq, change_id, table, row_id, RECORD, kept,
                                               hlc)
    return sorted((Entry(*row) for row in latest.values()), key=lambda entry: entry.seq)


BATCH_TEXT_BUDGET = 2_000_000  # characters of values a batch carries at most (the
# server refuses bodies over 8 MiB; a batch of long notes is cut before that)


def room_for_new_rows(size: int) -> int:
    """Room kept in a batch of ``size`` for later edits of the records it creates."""
    return max(1, size // 5)


def chunks(entries: list[Entry], size: int = LEGACY_BATCH - room_for_new_rows(LEGACY_BATCH),
           values: int | None = None) -> Iterator[list[Entry]]:
    """Batches of at most ``size`` entries, ``values`` values (a whole record counts its
    fields; by default as many as entries) and about BATCH_TEXT_BUDGET characters of
    values, that never cut a run of one row's entries in two: the server refuses a new
    record that does not arrive whole."""
    start = 0
    while start < len(entries):
        end = _end_within_budget(entries, start, min(start + size, len(entries)),
                                 values if values is not None else size)
        if end < len(entries):
            cut = end
            row = (entries[end].table, entries[end].row_id)
            while cut > start and (entries[cut - 1].table, entries[cut - 1].row_id) == row:
                cut -= 1
            end = cut if cut > start else end  # a row longer than a batch: cut anyway
        yield entries[start:end]
        start = end


def _end_within_budget(entries: list[Entry], start: int, end: int, values: int) -> int:
    """``end``, or earlier when the entries from ``start`` would exceed the text budget
    or carry more than ``values`` values (at least one entry)."""
    used_text = used_values = 0
    for index in range(start, end):
        entry = entries[index]
        used_text += entry.text_length
        used_values += entry.weight
        if (used_text > BATCH_TEXT_BUDGET or used_values > values) and index > start:
            return index
    return end


RowEntries = dict[tuple[str, str], list[Entry]]


def by_row(entries: list[Entry]) -> RowEntries:
    """The outbox's entries per record, in journal order (built once per push, so that
    bringing a record's later entries forward costs the record, not the outbox)."""
    rows: RowEntries = {}
    for entry in entries:
        rows.setdefault((entry.table, entry.row_id), []).append(entry)
    return rows


def with_rest_of_new_rows(chunk: list[Entry], rows: RowEntries,
                          limit: int = LEGACY_BATCH, values: int | None = None
                          ) -> list[Entry]:
    """``chunk`` plus the later outbox entries of the records it creates (``rows``: the
    outbox by record, see :func:`by_row`), at most ``limit`` entries and ``values``
    values (by default as many as entries) in all.

    The server refuses a new record that does not arrive whole, and the outbox holds a
    field's *latest* entry, so a record inserted and then edited has that field further
    on, maybe past the batch's end. Sending it early is harmless: the later batch sends
    the same change id again and the server answers with its first result.
    """
    creating = {(e.table, e.row_id) for e in chunk if e.field in ("created_at", RECORD)}
    if not creating:
        return chunk
    inside = {e.seq for e in chunk}
    extra = sorted((e for row in creating for e in rows.get(row, ()) if e.seq not in inside),
                   key=lambda e: e.seq)
    room = min(limit - len(chunk),
               (values if values is not None else limit) - sum(e.weight for e in chunk))
    return chunk + extra[:max(0, room)]


def build(conn: sqlite3.Connection, entries: list[Entry], device_id: str,
          last_seq: int | None = None) -> PendingBatch:
    """A request for these entries with the bases known now; not yet stored.
    ``last_seq``: the journal seq the batch covers through (by default its newest
    entry's; less when later entries were brought forward, see with_rest_of_new_rows).

    A re-send (see ``state.note_resent``) is based on the row's deletion too when this
    copy has seen one: it restores a value the server lost, on the tombstone as well, so
    every copy of the row agrees and an undelete brings the value back. A whole record
    goes as one item unless this copy knows a version of one of its fields (then its
    fields go as changes on their bases, as to an older server).
    """
    keys = [entry.key for entry in entries if entry.field != RECORD]
    keys += [(entry.table, entry.row_id, name) for entry in entries
             if entry.field == RECORD for name in entry.value]  # type: ignore[union-attr]
    keys += [(entry.table, entry.row_id, DELETED) for entry in entries]
    bases = state.load_versions(conn, keys)
    resent = state.resent_ids(conn)
    changes: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    sent: list[Entry] = []  # the per-field entries, in the order of ``changes``
    for entry in entries:
        if entry.field == RECORD:
            if not any(key in bases for key in _record_keys(entry)):
                records.append({"record_id": entry.change_id, "table": entry.table,
                                "row_id": entry.row_id, "values": entry.value,
                                "hlc": entry.hlc})
                continue
            expanded = _expanded(entry)
        else:
            expanded = [entry]
        for item in expanded:
            base = bases.get(item.key)
            base_seq = base.seq if base else 0
            if item.change_id in resent:
                deletion = bases.get((item.table, item.row_id, DELETED))
                base_seq = max(base_seq, deletion.seq if deletion else 0)
            changes.append({"change_id": item.change_id, "table": item.table,
                            "row_id": item.row_id, "field": item.field,
                            "value": item.value, "hlc": item.hlc, "base_seq": base_seq})
            sent.append(item)
    try:  # all at once: one call into pydantic instead of one per change
        request = PushRequest.model_validate({"batch_id": uuid.uuid4().hex,
                                              "device_id": device_id, "changes": changes,
                                              "records": records})
    except ValidationError as error:
        raise _unsendable(sent, [e for e in entries if e.field == RECORD
                                 and e.change_id in {r["record_id"] for r in records}],
                          error) from error
    return PendingBatch(request, last_seq if last_seq is not None
                        else max(entry.seq for entry in entries))


def _record_keys(entry: Entry) -> list[Key]:
    return [(entry.table, entry.row_id, name) for name in entry.value]  # type: ignore[union-attr]


def _expanded(entry: Entry) -> list[Entry]:
    """A whole record's fields as per-field entries, with the ids its expansion has."""
    return [Entry(entry.seq, journal.field_change_id(entry.change_id, name), entry.table,
                  entry.row_id, name, value, entry.hlc)
            for name, value in entry.value.items()]  # type: ignore[union-attr]


def _unsendable(entries: list[Entry], records: list[Entry],
                error: ValidationError) -> LocalDataError:
    """The first change a batch cannot carry, named for the user (``entries``: the
    per-field changes, ``records``: the whole records, each in request order)."""
    first = error.errors()[0]
    location = first["loc"]
    if len(location) >= 2 and isinstance(location[1], int) and location[0] in (
            "changes", "records"):
        entry = (entries if location[0] == "changes" else records)[location[1]]
        field_name = entry.field
        if entry.field == RECORD:
            field_name = str(location[3]) if len(location) >= 4 and location[2] == "values" \
                else "a field"
        return LocalDataError(
            f"The change of {field_name} in {entry.table} {entry.row_id} cannot be "
            f"sent: {first['msg']}. Edit that field and sync again.")
    if location and location[0] == "device_id":
        return LocalDataError(f"This copy's sign-in is damaged (its device id: "
                              f"{first['msg']}); sign in to the team server again.")
    return LocalDataError(f"These changes cannot be sent: {first['msg']}.")


def with_new_id(batch: PendingBatch, device_id: str) -> PendingBatch:
    """The same changes under a fresh batch id (and the current device): the server saw
    the old id with other content; change ids keep already-applied changes from being
    applied twice."""
    request = batch.request.model_copy(update={"batch_id": uuid.uuid4().hex,
                                               "device_id": device_id})
    return PendingBatch(request, batch.last_seq)


def check_response(batch: PendingBatch, response: PushResponse) -> None:
    """An answer for another batch, or with results that do not match the changes and
    records, is nonsense: nothing of it is recorded."""
    changes = batch.request.changes
    records = batch.request.records
    if (response.batch_id.replace("-", "").lower() != batch.request.batch_id
            or len(response.results) != len(changes)
            or any(result.change_id.replace("-", "").lower() != change.change_id
                   for result, change in zip(response.results, changes, strict=True))
            or len(response.records) != len(records)
            or not all(_matches(record, result)
                       for record, result in zip(records, response.records, strict=True))):
        raise ServerError("The server answered a push with results for other changes; "
                          "nothing was recorded.")


def _matches(record: RecordIn, result: RecordResult) -> bool:
    """Whether a record's result is about that record: an accepted one with a seq, or
    one result per field, in order."""
    if result.record_id.replace("-", "").lower() != record.record_id:
        return False
    if result.status == "accepted":
        return result.seq >= 1 and result.fields is None
    return result.fields is not None and len(result.fields) == len(record.values) and all(
        field_result.change_id.replace("-", "").lower() == change.change_id
        for field_result, change in zip(result.fields, record_changes(record), strict=True))


def record_changes(record: RecordIn) -> list[ChangeIn]:
    """The changes a pushed record stands for (what the server applied one by one when
    it answered "fields")."""
    return [ChangeIn.model_construct(
        change_id=journal.field_change_id(record.record_id, name), table=record.table,
        row_id=record.row_id, field=name, value=value, hlc=record.hlc,
        base_seq=record.base_seq) for name, value in record.values.items()]


def record(conn: sqlite3.Connection, schema: LocalSchema, batch: PendingBatch,
           response: PushResponse) -> PushOutcome:
    """Record an answer in the caller's transaction: versions of accepted fields,
    conflicts for rejected ones, then move ``pushed_through`` past the batch.

    A rejected re-send (a value a restored server had lost, which someone has set again
    since) is not a conflict: the later edit wins by its clock stamp, the only order
    left across histories (as ``apply`` decides a pulled one). Theirs is taken unless the
    field was edited here since; when mine is the later edit (theirs is, say, another
    copy's re-send of the value before it), mine goes again on top of theirs.
    """
    outcome = PushOutcome()
    sent_again: list[str] = []
    versions: dict[Key, Version | None] = {}
    refused_before = conflict_log.open_keys(conn, conflict_log.REJECTED)
    pairs: list[tuple[ChangeIn, PushResult]] = []
    record_versions: list[tuple] = []  # of records stored whole, saved before ``versions``
    cursor = state.get_int(conn, state.CURSOR)
    passed_over: list[int] = []  # see cursor_after_push.read_again_after_replays
    for item, item_result in zip(batch.request.records, response.records, strict=True):
        if item_result.status == "accepted":  # stored whole
            if cursor is not None and item_result.seq < cursor:
                passed_over.append(item_result.seq)
            record_versions.extend(_record_versions(item, item_result.seq, versions))
            if refused_before:
                for key in _record_keys_of(item):
                    if key in refused_before:
                        conflict_log.close(conn, key, (conflict_log.REJECTED,), "fixed")
            outcome.accepted += len(item.values)
        else:
            pairs.extend(zip(record_changes(item), item_result.fields, strict=True))
    pairs.extend(zip(batch.request.changes, response.results, strict=True))
    changes = [change for change, _ in pairs]
    keys = [(c.table, c.row_id, c.field) for c in changes]
    keys += [(c.table, c.row_id, DELETED) for c in changes]
    known = state.load_versions(conn, keys)
    resent = state.resent_ids(conn)
    for change, result in pairs:
        key = (change.table, change.row_id, change.field)
        if result.status == "accepted":
            if cursor is not None and result.seq < cursor and (
                    key not in known or known[key].seq != result.seq):
                passed_over.append(result.seq)
            versions[key] = Version(result.seq, change.value, change.hlc)
            outcome.accepted += 1
            if key in refused_before:
                conflict_log.close(conn, key, (conflict_log.REJECTED,), "fixed")
            continue
        if result.status == "rejected":
            if conflict_log.record(
                    conn, key, base=known.get(key), mine=change.value, mine_hlc=change.hlc,
                    theirs=result.server_value, theirs_seq=result.seq,
                    theirs_hlc=result.server_hlc, theirs_device=result.server_device,
                    row_deleted=False, theirs_missing=result.server_hlc is None,
                    kind=conflict_log.REJECTED,
                    reason=f"{result.code or 'invalid'}: {result.reason or 'no reason given'}"):
                outcome.conflicts += 1
                outcome.rejected += 1
                if result.code != "row_refused" and len(outcome.reasons) < 3:
                    outcome.reasons.append(f"the server refused {change.table}.{change.field}"
                                           f" because {result.reason}")
            continue
        # The deletion this result may describe: as known before, or accepted earlier
        # in this very batch.
        deleted_key = (change.table, change.row_id, DELETED)
        deletion = versions.get(deleted_key) or known.get(deleted_key)
        base = known.get(key)
        theirs_missing = result.row_deleted and change.field != DELETED and (
            result.server_hlc is None  # the server says it never had the field
            or (deletion is not None and deletion.seq == result.seq  # an older server
                and (base is None or base.seq != result.seq)))
        if change.change_id in resent:
            if not theirs_missing and schema.knows(change.table, change.field):
                versions[key] = Version(result.seq, result.server_value,
                                        result.server_hlc or "")
                if change.hlc > (result.server_hlc or ""):
                    sent_again += _send_again(conn, batch, change)
                else:
                    _take(conn, batch, change, result.server_value,
                          result.server_hlc or "", outcome)
            continue  # (a deletion that came after the pull: the local value stays)
        if conflict_log.record(
                conn, key, base=base, mine=change.value, mine_hlc=change.hlc,
                theirs=None if theirs_missing else result.server_value,
                theirs_seq=result.seq, theirs_hlc=result.server_hlc,
                theirs_device=result.server_device, row_deleted=result.row_deleted,
                theirs_missing=theirs_missing):
            outcome.conflicts += 1
    state.save_version_rows(conn, record_versions)  # a later change's version wins
    state.save_versions(conn, versions)
    if resent:
        state.note_resent(conn, sent_again, done=[change.change_id for change in changes])
    state.put(conn, pushed_through=batch.last_seq, pending_batch=None)
    if not cursor_after_push.read_again_after_replays(conn, passed_over, response):
        cursor_after_push.skip_own_changes(conn, batch, response)
    return outcome


def _record_versions(item: RecordIn, first_seq: int,
                     versions: dict[Key, Version | None]) -> list[tuple]:
    """The versions of a record the server stored whole, as rows of ``field_version``
    (a first upload records hundreds of thousands: no object per field). Its deletion
    flag goes into ``versions`` too, where a later change's conflict looks for it."""
    table, row_id, hlc = item.table, item.row_id, item.hlc
    if DELETED in item.values:
        offset = list(item.values).index(DELETED)
        versions[(table, row_id, DELETED)] = Version(first_seq + offset,
                                                     item.values[DELETED], hlc)
    return [(table, row_id, name, seq, value, hlc)
            for seq, (name, value) in enumerate(item.values.items(), first_seq)]


def _record_keys_of(item: RecordIn) -> list[Key]:
    return [(item.table, item.row_id, name) for name in item.values]


def resend_refused_rows(conn: sqlite3.Connection, pushed_through: int) -> set[str]:
    """Send a refused record again, whole, once the user has edited it.

    The server refuses a new record that does not arrive whole, so fixing the one field
    it named is not enough: the record's other refused fields are journalled again (with
    their local values) beside the fix, and their refusals closed. Returns the tables
    touched. Runs in the caller's transaction.
    """
    rows = conn.execute(
        "SELECT DISTINCT c.table_name, c.row_id FROM conflict AS c WHERE "
        "c.resolved_at IS NULL AND c.kind = ? AND EXISTS (SELECT 1 FROM change AS j "
        "WHERE j.table_name = c.table_name AND j.row_id = c.row_id AND j.seq > ?)",
        (conflict_log.REJECTED, pushed_through)).fetchall()
    for table, row_id in rows:
        resend_refused_row(conn, table, row_id, pushed_through)
    return {table for table, _ in rows}


def resend_refused_row(conn: sqlite3.Connection, table: str, row_id: str,
                       pushed_through: int) -> None:
    """Journal a refused record's refused fields again beside the unsent edits of it
    (all its fields when the server lost the record), and close its refusals."""
    waiting = journal.pending_fields(conn, table, {field for (field,) in conn.execute(
        "SELECT DISTINCT field FROM change WHERE table_name = ? AND row_id = ? "
        "AND seq > ?", (table, row_id, pushed_through))})
    refused = dict(conn.execute(
        "SELECT field, reason FROM conflict WHERE resolved_at IS NULL AND kind = ? AND "
        "table_name = ? AND row_id = ?", (conflict_log.REJECTED, table, row_id)))
    again = set(refused)
    if any((reason or "").startswith("incomplete:") for reason in refused.values()):
        again |= _journalled_columns(conn, table)  # the server lost it: send all of it
    row = conn.execute(f'SELECT * FROM "{table}" WHERE id = ?', (row_id,))
    names = [item[0] for item in row.description]
    values = row.fetchone()
    if values is not None:
        current = dict(zip(names, values, strict=True))
        # With the row's own stamp (a value, not a new edit); the entries are written
        # explicitly, so the row's unchanged updated_at must not trip the journal.
        with journal.muted(conn, "resend"):
            for field_name in sorted(again - waiting):
                if field_name in current:
                    journal_again(conn, table, row_id, field_name, current[field_name],
                                  current["updated_at"])
    for field_name in refused:
        conflict_log.close(conn, (table, row_id, field_name), (conflict_log.REJECTED,),
                           "sent again")


def _journalled_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')
            if row[1] not in UNJOURNALLED_COLUMNS}


def _edited_since(conn: sqlite3.Connection, batch: PendingBatch, change: ChangeIn) -> bool:
    """Whether the field has local edits newer than the batch (they go out anyway)."""
    return conn.execute("SELECT 1 FROM change WHERE table_name = ? AND row_id = ? AND "
                        "field IN (?, ?) AND seq > ? LIMIT 1",
                        (change.table, change.row_id, change.field, journal.RECORD_FIELD,
                         batch.last_seq)).fetchone() is not None


def _send_again(conn: sqlite3.Connection, batch: PendingBatch, change: ChangeIn
                ) -> list[str]:
    """Re-send a refused re-send whose edit is later than the server's value, with its
    own stamp, on top of the server's value (the caller saved that as the base); [] when
    a newer local edit of the field is waiting to go out anyway. Returns the new entry's
    change id, to be noted as a re-send."""
    if _edited_since(conn, batch, change):
        return []
    return [journal_again(conn, change.table, change.row_id, change.field, change.value,
                          change.hlc)]


def _take(conn: sqlite3.Connection, batch: PendingBatch, change: ChangeIn, value: Any,
          hlc: str, outcome: PushOutcome) -> None:
    """Write a value the server decided into a re-sent field (the journal is muted by the
    caller), unless the field has local edits newer than the batch."""
    if _edited_since(conn, batch, change):
        return
    conn.execute(f'UPDATE "{change.table}" SET "{change.field}" = ?, '
                 "updated_at = max(updated_at, ?) WHERE id = ?",
                 (value, hlc, change.row_id))
    outcome.touched.setdefault(change.table, set()).add(change.row_id)
