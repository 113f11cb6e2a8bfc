"""Applying a pushed batch: the heart of the sync protocol (DESIGN.md §4).

One transaction per batch, in this order:

1. Lock the team's counter row (BEGIN IMMEDIATE on SQLite, ``SELECT … FOR UPDATE`` on
   PostgreSQL). Pushes to one team therefore run one after another and commit in seq
   order, so a puller reading ``seq > S`` can never skip a seq that commits late.
2. A ``batch_id`` seen before returns its stored response unchanged (a retry after a
   lost answer); the same id with different content is refused (409), never applied.
3. Each change in order: a ``change_id`` already stored returns its original result
   without applying it again. Otherwise it is a conflict when its field moved since
   ``base_seq`` to a different value, or when its row was deleted since ``base_seq``
   (unless the change is itself to ``deleted``) — a conflict stores nothing and returns
   the server's value. Everything else is accepted with the next seq, added to the
   history and made the field's current value.
   Before that, the whole batch is checked against the tables' descriptions
   (``change_checks``): a refused change stores nothing and returns "rejected" with a
   reason. A client older than protocol 2 cannot read that answer, so a batch with a
   refusal is answered 426 "please update" for it, and nothing of it is stored.
4. The counter advances by the number accepted, the response is stored under the batch
   id, and the transaction commits — all of it or nothing.

Protocol 4 adds ``records``: new records sent whole, applied before the changes. A
record is stored as ONE history row (``push_records`` describes it) when its id is not
stored yet, nothing of it is refused, and its row is new to the server and to the batch;
its fields still get one field state each, with consecutive seqs. Otherwise it is
applied field by field as the changes it stands for, and answered per field. A record
id stored before answers "accepted" with its original seq and stores nothing. A client
that says a protocol older than 4 and sends records gets 400: it could not read the
answer.

"Moved" means moved by someone else: a device's own later edits of a field it pushed
before (both made on the same pulled base) are not a conflict with itself. Changes from
other devices since ``base_seq`` are looked up in the history; when that history was
pruned below ``base_seq`` the check errs towards reporting a conflict.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Iterable, Mapping

from channeldesk.server import statistics
from channeldesk.server.accounts import Caller
from channeldesk.server.change_checks import (
    BatchCheck,
    Refusal,
    RowFacts,
    RowKey,
)
from channeldesk.server.errors import ApiError
from channeldesk.server.models import (
    ServerChange,
    StoredBatch,
    Team,
    database,
    utc_now,
)
from channeldesk.server.push_answer import (
    Accepted,
    Answer,
    RecordFields,
    RecordOutcome,
    Result,
    answer_text,
)
from channeldesk.server.push_lookups import (
    DELETED_FIELD,
    Key,
    State,
    chunks,
    dump_value,
    load_existing,
    load_record_fields,
    load_rows,
    load_states,
    load_value,
)
from channeldesk.server.push_records import (
    RECORD_FIELD,
    FieldChange,
    Plan,
    RecordAccepted,
    expand,
    plan_records,
    record_text,
)
from channeldesk.server.storage import Storage
from channeldesk.sync.protocol import (
    PROTOCOL_VERSION,
    RECORDS_SINCE,
    REJECTED_SINCE,
    ChangeIn,
    PushRequest,
    PushResult,
    RecordIn,
)

log = logging.getLogger(__name__)

INSERT_CHUNK = 100


@functools.lru_cache(maxsize=64)
def _is_set(text: str) -> bool:
    """Whether a stored ``deleted`` value (JSON text) means deleted. Remembered: every
    field of a row asks about the row's deletion, and its text is nearly always 0 or 1."""
    return bool(load_value(text))


def request_hash(request: PushRequest) -> str:
    """The batch's fingerprint, from its text without an empty ``records`` key: a
    protocol-3 batch stored before the server took records hashes as it did then, so
    its retry still replays instead of being refused as a reused batch id."""
    return hashlib.sha256(request.wire_json().encode("utf-8")).hexdigest()


def _conflict(change_id: str, state: State, row_deleted: bool) -> PushResult:
    return PushResult(change_id=change_id, status="conflict", seq=state.seq,
                      server_value=load_value(state.value), server_hlc=state.hlc,
                      server_device=state.device, row_deleted=row_deleted)


def _deleted_without_field(change_id: str, deletion: State) -> PushResult:
    """A conflict with a deletion on a row whose field the server never had (a restored
    server lost it): the deletion's seq and device, but no value or stamp of the field,
    so a client can never take the deletion's value for the field's."""
    return PushResult(change_id=change_id, status="conflict", seq=deletion.seq,
                      server_value=None, server_hlc=None, server_device=deletion.device,
                      row_deleted=True)


def _rejected(change_id: str, state: State | None, refusal: Refusal) -> PushResult:
    return PushResult(change_id=change_id, status="rejected",
                      seq=state.seq if state else 0,
                      server_value=load_value(state.value) if state else None,
                      server_hlc=state.hlc if state else None,
                      server_device=state.device if state else None,
                      reason=refusal.reason, code=refusal.code)


def _keys(changes: Iterable[ChangeIn | FieldChange]) -> set[Key]:
    """The fields these changes touch and their rows' ``deleted`` fields."""
    keys: set[Key] = set()
    for change in changes:
        keys.add((change.table, change.row_id, change.field))
        keys.add((change.table, change.row_id, DELETED_FIELD))
    return keys


class _Batch:
    """The in-memory work of one batch inside its transaction."""

    def __init__(self, team: Team, caller: Caller, request: PushRequest) -> None:
        self.team = team
        self.caller = caller
        self.changes = request.changes
        self.records = request.records
        self.expanded = [expand(record) for record in self.records]
        self.seq = team.seq
        self.new_changes: list[tuple] = []
        self.received_at = ServerChange.received_at.db_value(utc_now())
        self.touched: dict[Key, State] = {}
        # The field states of records stored whole, as rows to write; a field that a
        # later item of the batch reads goes through ``states`` instead (``watched``).
        self.record_states: list[tuple] = []
        self.watched: set[Key] = set()
        self.watched_rows: set[RowKey] = set()
        self.row_facts: dict[RowKey, RowFacts] = {}
        self._asked_rows: set[RowKey] = set()
        self.done, self.done_records = load_existing(team.id, [
            *(change.change_id for change in self.changes),
            *(record.record_id for record in self.records),
            *self._fields_possibly_stored()])
        self._watch(_keys(self.changes))
        self.states = load_states(team.id, self.watched)
        self.done.update(load_record_fields(team.id, (
            change.change_id for change in self.changes
            if change.change_id not in self.done
            and (change.table, change.row_id, change.field) in self.states)))
        self.loaded = dict(self.states)  # as the batch found them (see moved_by_others)
        self._moved_cache: dict[tuple[Key, int], bool] = {}

    def _watch(self, keys: set[Key]) -> None:
        """Fields a later item of the batch reads: a record stored whole keeps their
        states in ``states`` (see ``_accept_record``)."""
        self.watched |= keys
        self.watched_rows |= {(table, row_id) for table, row_id, _ in keys}

    def _fields_possibly_stored(self) -> list[str]:
        """The change ids of the records' fields that may have been stored as changes
        before: only a row the server has can hold one (a stored change leaves its
        field a state), and a first upload's rows are all new."""
        existing = self.rows({(record.table, record.row_id) for record in self.records})
        return [field.change_id
                for record, fields in zip(self.records, self.expanded, strict=True)
                if (record.table, record.row_id) in existing for field in fields]

    def moved_by_others(self, key: Key, state: State, base_seq: int) -> bool:
        """Whether another device changed this field after ``base_seq``.

        A value this batch wrote is judged by the value it replaced. When that was no
        newer than ``base_seq``, the field is the caller's whatever pruned history lies
        before it: a desktop that deleted a row the restored server had lost sends the
        deletion and then the row's fields again, and those belong on its own tombstone,
        not in a conflict with it (they would never reach the team). When it was newer,
        a colleague's edit stands in the way as if the batch had not touched the field."""
        if state.seq > self.team.seq:  # written by this batch: judge what it replaced
            before = self.loaded.get(key)
            if before is None or before.seq <= base_seq:
                return False
            state = before
        if state.device != self.caller.device_id or base_seq < self.team.min_seq:
            return True
        cached = self._moved_cache.get((key, base_seq))
        if cached is None:
            table, row_id, field = key
            cached = (ServerChange.select(ServerChange.id)
                      .where((ServerChange.team == self.team.id)
                             & (ServerChange.seq > base_seq)
                             & (ServerChange.table_name == table)
                             & (ServerChange.row_id == row_id)
                             # a record row stands for each field of its row
                             & (ServerChange.field << (field, RECORD_FIELD))
                             & (ServerChange.device != self.caller.device_id))
                      .exists())
            self._moved_cache[(key, base_seq)] = cached
        return cached

    def apply(self, change: ChangeIn | FieldChange) -> Result:
        earlier = self.done.get(change.change_id)
        if earlier is not None:
            return earlier
        key = (change.table, change.row_id, change.field)
        current = self.states.get(key)
        field_moved = (current is not None and current.seq > change.base_seq
                       and load_value(current.value) != change.value
                       and self.moved_by_others(key, current, change.base_seq))
        row_gone = False
        if change.field != DELETED_FIELD:
            deleted_key = (change.table, change.row_id, DELETED_FIELD)
            deletion = self.states.get(deleted_key)
            row_gone = (deletion is not None and _is_set(deletion.value)
                        and deletion.seq > change.base_seq
                        and self.moved_by_others(deleted_key, deletion, change.base_seq))
        if current is None and row_gone:
            return _deleted_without_field(change.change_id, self.states[deleted_key])
        if field_moved or row_gone:
            return _conflict(change.change_id, current, row_deleted=row_gone)
        return self._accept(change, key)

    def _accept(self, change: ChangeIn | FieldChange, key: Key) -> Accepted:
        self.seq += 1
        value = dump_value(change.value)
        state = State(value, self.seq, change.hlc, self.caller.device_id)
        self.states[key] = state
        self.touched[key] = state
        self.new_changes.append((
            self.team.id, self.seq, change.change_id, change.table, change.row_id,
            change.field, value, change.hlc, self.caller.device_id, self.received_at))
        result = Accepted(change.change_id, self.seq, value, change.hlc,
                          self.caller.device_id)
        self.done[change.change_id] = result
        return result

    def rows(self, rows: set[RowKey]) -> dict[RowKey, RowFacts]:
        """Whether the server has each row, loaded once per row for the batch (the
        checks ask first; the records' plan asks again, or alone when the checks are
        switched off in tests)."""
        wanted = rows - self._asked_rows
        if wanted:
            self.row_facts.update(load_rows(self.team.id, wanted))
            self._asked_rows |= wanted
        return {row: self.row_facts[row] for row in rows if row in self.row_facts}

    def run(self) -> tuple[list[RecordOutcome], list[Result]]:
        """Check the whole batch, then apply its records and then its changes."""
        refused = self._check()
        plan = self._plan_records(refused)
        by_fields = [fields for fields, how in zip(self.expanded, plan, strict=True)
                     if how == "fields"]
        if by_fields:  # before anything is applied: ``loaded`` is as the batch found it
            keys = _keys([field for fields in by_fields for field in fields])
            self._watch(keys)
            found = load_states(self.team.id, keys)
            self.states.update(found)
            self.loaded.update(found)
        records = [self._apply_record(record, fields, how, refused)
                   for record, fields, how in zip(self.records, self.expanded, plan,
                                                  strict=True)]
        results = [self._apply_checked(change, refused) for change in self.changes]
        return records, results

    def _check(self) -> dict[str, Refusal]:
        """The refusals of everything not stored before, by change id: the records'
        fields and the changes are checked together (a change of a record sent in the
        same batch is a change of the same new row; a reference may point at a record
        of the batch)."""
        pending = [field for record, fields in zip(self.records, self.expanded,
                                                   strict=True)
                   if record.record_id not in self.done_records for field in fields]
        pending.extend(self.changes)
        fresh = [change for change in pending if change.change_id not in self.done]
        refused = BatchCheck(fresh, self.team.seq, self.rows).run()
        return {fresh[index].change_id: refusal for index, refusal in refused.items()}

    def _plan_records(self, refused: Mapping[str, Refusal]) -> list[Plan]:
        existing = self.rows({(record.table, record.row_id) for record in self.records})
        return plan_records(self.records, self.expanded, self.done_records.keys(),
                            self.done.keys(), refused.keys(), existing.keys())

    def _apply_record(self, record: RecordIn, fields: list[FieldChange], how: Plan,
                      refused: dict[str, Refusal]) -> RecordOutcome:
        if how == "stored":
            return self.done_records[record.record_id]
        if how == "whole":
            return self._accept_record(record)
        return RecordFields(record.record_id,
                            [self._apply_checked(field, refused) for field in fields])

    def _accept_record(self, record: RecordIn) -> RecordAccepted:
        """Store a new record as one history row; its fields get one state each, with
        consecutive seqs, as n accepted changes would (no model and no SQL per value,
        and a plain row to write unless a later item of the batch reads the field)."""
        first = self.seq + 1
        self.seq += len(record.values)
        table, row_id, hlc = record.table, record.row_id, record.hlc
        team, device, watched = self.team.id, self.caller.device_id, self.watched
        texts = [dump_value(value) for value in record.values.values()]
        fields = zip(range(first, self.seq + 1), record.values, texts, strict=True)
        if (table, row_id) not in self.watched_rows:  # nearly always: rows, no objects
            self.record_states.extend([(team, table, row_id, name, text, seq, hlc, device)
                                       for seq, name, text in fields])
        else:
            for seq, name, text in fields:
                key = (table, row_id, name)
                if key in watched:
                    state = State(text, seq, hlc, device)
                    self.states[key] = state
                    self.touched[key] = state
                else:
                    self.record_states.append((team, table, row_id, name, text, seq, hlc,
                                               device))
        self.new_changes.append((
            self.team.id, self.seq, record.record_id, table, row_id, RECORD_FIELD,
            record_text(record.values), hlc, device, self.received_at))
        result = RecordAccepted(record.record_id, first)
        self.done_records[record.record_id] = result
        return result

    def _apply_checked(self, change: ChangeIn | FieldChange,
                       refused: dict[str, Refusal]) -> Result:
        refusal = refused.get(change.change_id)
        if refusal is not None and change.change_id not in self.done:
            key = (change.table, change.row_id, change.field)
            return _rejected(change.change_id, self.states.get(key), refusal)
        return self.apply(change)

    def write(self) -> None:
        """Insert the history rows and upsert the field states, many rows a statement.

        Plain multi-row SQL rather than peewee's insert_many: building 500-row queries
        through peewee's expression tree cost more than the database work itself.
        """
        _insert(CHANGE_COLUMNS, "server_change", self.new_changes)
        states = [(self.team.id, table, row_id, field, state.value, state.seq, state.hlc,
                   state.device)
                  for (table, row_id, field), state in self.touched.items()]
        _insert(STATE_COLUMNS, "field_state", self.record_states + states, STATE_UPSERT)
        if self.seq != self.team.seq:
            Team.update(seq=self.seq).where(Team.id == self.team.id).execute()


CHANGE_COLUMNS = ("team_id", "seq", "change_id", "table_name", "row_id", "field", "value",
                  "hlc", "device_id", "received_at")
STATE_COLUMNS = ("team_id", "table_name", "row_id", "field", "value", "seq", "hlc",
                 "device_id")
# The same text on SQLite (3.24+) and PostgreSQL.
STATE_UPSERT = (' ON CONFLICT ("team_id", "table_name", "row_id", "field") DO UPDATE SET '
                '"value" = excluded."value", "seq" = excluded."seq", '
                '"hlc" = excluded."hlc", "device_id" = excluded."device_id"')


def _insert(columns: tuple[str, ...], table: str, rows: list[tuple],
            suffix: str = "") -> None:
    """INSERT the rows in chunks; column and table names are constants of this module."""
    if not rows:
        return
    param = database.param
    row_sql = "(" + ", ".join([param] * len(columns)) + ")"
    names = ", ".join(f'"{column}"' for column in columns)
    for chunk in chunks(rows, INSERT_CHUNK):
        sql = (f'INSERT INTO "{table}" ({names}) VALUES '
               + ", ".join([row_sql] * len(chunk)) + suffix)
        database.execute_sql(sql, [value for row in chunk for value in row])


def _refuse_old_client(results: list[Result], protocol: int, stored: bool) -> None:
    """426 "please update" for a client older than protocol 2 when the answer holds a
    refusal, which it cannot read: for a fresh batch (then nothing of it is stored) and
    for a replay of one a newer ChannelDesk sent first (then it was stored already)."""
    refusal = next((result for result in results if result.status == "rejected"), None)
    if refusal is None or protocol >= REJECTED_SINCE:
        return
    done = ("It was stored before, apart from what was refused." if stored
            else "Nothing was stored.")
    raise ApiError(426, "This server checks every change and refused some of this batch "
                        f"({refusal.reason}); update ChannelDesk to see why and fix them. "
                        + done, code="upgrade_required")


def push(storage: Storage, caller: Caller, request: PushRequest,
         protocol: int = PROTOCOL_VERSION) -> Answer:
    """Apply one batch for the caller's team, atomically; see the module docstring.
    ``protocol``: the version the client speaks (1 cannot read a refusal)."""
    if request.device_id != caller.device_id:
        raise ApiError(403, "device_id is not the device this token was issued to.",
                       code="wrong_device")
    if request.records and protocol < RECORDS_SINCE:
        raise ApiError(400, f"This batch carries new records whole, which protocol "
                            f"{RECORDS_SINCE} introduced, but the client says it speaks "
                            f"protocol {protocol} and could not read the answer; send "
                            f"X-ChannelDesk-Sync: {RECORDS_SINCE} or the records' fields "
                            "as changes.", code="records_need_protocol_4")
    fingerprint = request_hash(request)
    with storage.write_transaction():
        team = storage.lock_team(caller.team_id)
        stored = StoredBatch.get_or_none((StoredBatch.team == team.id)
                                         & (StoredBatch.batch_id == request.batch_id))
        if stored is not None:
            if stored.request_hash != fingerprint:
                raise ApiError(409, f"batch_id {request.batch_id} was already used for a "
                                    "different batch; use a new batch_id.",
                               code="batch_id_reused")
            log.info("device %s replayed batch %s", caller.device_id, request.batch_id)
            replayed = Answer(stored.response)
            if protocol < REJECTED_SINCE:  # only its answer is read back as a model
                _refuse_old_client(replayed.response.results, protocol, stored=True)
            return replayed
        batch = _Batch(team, caller, request)
        records, results = batch.run()
        results_and_fields = [*results, *(result for record in records
                                          if isinstance(record, RecordFields)
                                          for result in record.fields)]
        refusals = [result for result in results_and_fields if result.status == "rejected"]
        _refuse_old_client(results, protocol, stored=False)
        batch.write()
        body = answer_text(request.batch_id, results, batch.seq, team.epoch,
                           records if request.records else None)
        StoredBatch.create(team=team.id, batch_id=request.batch_id, request_hash=fingerprint,
                           response=body, created_at=utc_now())
    if batch.new_changes:
        statistics.refresh_after_push(storage, team.id, batch.seq)
    conflicts = sum(1 for result in results_and_fields if result.status == "conflict")
    whole = sum(1 for record in records if isinstance(record, RecordAccepted))
    log.info("device %s pushed batch %s: %d changes, %d records (%d whole), %d new history "
             "rows, %d conflicts, %d refused, seq %d", caller.device_id, request.batch_id,
             len(results), len(records), whole, len(batch.new_changes), conflicts,
             len(refusals), batch.seq)
    if refusals:
        log.info("device %s: first refusal (%s): %s", caller.device_id, refusals[0].code,
                 refusals[0].reason)
    return Answer(body)
