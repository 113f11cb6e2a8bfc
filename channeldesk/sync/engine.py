"""The sync client: pull, push, pull again if needed, then files (DESIGN.md §4).

A batch whose answer was lost is sent again first, before the pull (see
``_resend_pending``).

``SyncEngine.sync()`` is meant for a worker thread. Everything it writes goes through
its own short ``BEGIN IMMEDIATE`` transactions on the thread's own connection, one per
page or batch, with the journal muted for remote values and ``foreign_keys`` off (rows
of one push can arrive in any order across pages) and ``synchronous=FULL`` (an answer
the server stored must not be forgotten here after a power cut). It never calls the
store's write methods, so the GUI thread can keep editing meanwhile; SQLite serialises
the two writers. After each commit the store's listeners hear which rows changed.

A cancel (a ``threading.Event``) is looked at between pages and batches; whatever was
committed stays, the rest is done by the next sync.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import peewee
from pydantic import BaseModel

from channeldesk.domain.progress import Progress
from channeldesk.store import Store, journal
from channeldesk.sync import (
    conflict_log,
    devices,
    outbox,
    push_ahead,
    snapshot,
    state,
    validate,
)
from channeldesk.sync.apply import Mode, PageApplier, PageResult, RemoteField, apply_parked
from channeldesk.sync.blobs import referenced_blobs, sync_blobs
from channeldesk.sync.errors import (
    LocalDataError,
    RequestRefused,
    ServerError,
    ServerGone,
    SyncBusy,
    SyncError,
)
from channeldesk.sync.prefetch import PageFetcher
from channeldesk.sync.protocol import (
    API_PREFIX,
    BIG_BATCHES_SINCE,
    DEFAULT_PAGE,
    LEGACY_BATCH,
    MAX_BATCH,
    MAX_BATCH_VALUES,
    MAX_PAGE,
    PROTOCOL_HEADER,
    RECORDS_SINCE,
    ChangesPage,
    DevicesPage,
    PushResponse,
    SnapshotPage,
)
from channeldesk.sync.rows import LocalSchema
from channeldesk.sync.transport import Transport, decode

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
MAX_SNAPSHOT_RESTARTS = 3


@dataclass
class SyncReport:
    """What one sync did. ``pulled`` counts field values written here, ``pushed`` the
    changes the server accepted, ``conflicts`` the new conflicts; ``open_conflicts`` is
    how many wait for the user after this sync."""

    pulled: int = 0
    pushed: int = 0
    conflicts: int = 0
    blobs_up: int = 0
    blobs_down: int = 0
    snapshot: bool = False
    cancelled: bool = False
    open_conflicts: int = 0
    rejected: int = 0  # of ``conflicts``: changes the server refused (they say why)
    refusals: list[str] = field(default_factory=list)  # the first few, in words
    quarantined: int = 0  # pulled values this version's rules do not allow, kept aside


class _Run:
    """The state of one sync() call."""

    def __init__(self, progress: Progress | None, cancel: threading.Event | None) -> None:
        self._progress = progress
        self._cancel = cancel
        self.report = SyncReport()
        self.server_seq = 0
        self.snapshot_restarts = 0

    def cancelled(self) -> bool:
        if self._cancel is not None and self._cancel.is_set():
            self.report.cancelled = True
        return self.report.cancelled

    def progress(self, done: int, total: int, message: str) -> None:
        if self._progress is not None:
            self._progress(done, total, message)


class SyncEngine:
    """Syncs one store with one server account; see the module docstring.

    ``device_id`` is the id the server gave this installation at sign-in.
    ``blob_refs`` lists the blob hashes the local rows refer to.
    """

    def __init__(self, store: Store, transport: Transport, device_id: str, *,
                 page_limit: int = DEFAULT_PAGE, snapshot_limit: int = MAX_PAGE,
                 max_batch: int = MAX_BATCH,
                 blob_refs: Callable[[Store], set[str]] = referenced_blobs) -> None:
        self.store = store
        self.transport = transport
        self.device_id = device_id
        self.page_limit = page_limit
        self.snapshot_limit = snapshot_limit
        self.max_batch = max_batch
        self.blob_refs = blob_refs
        self._lock = threading.Lock()
        self._schema: LocalSchema | None = None
        self._pages = PageFetcher()
        self._server_protocol = 1  # until a page of the server says otherwise

    def close(self) -> None:
        self.transport.close()

    # -- the whole sync ------------------------------------------------------------------

    def sync(self, progress: Progress | None = None,
             cancel: threading.Event | None = None) -> SyncReport:
        """Pull, push, pull again when the server moved on, then files.

        ``progress(done, total, message)``: total 0 means "unknown". Raises a
        :class:`~channeldesk.sync.errors.SyncError`; what was committed before stays.
        """
        if not self._lock.acquire(blocking=False):
            raise SyncBusy("A sync is already running.")
        run = _Run(progress, cancel)
        self._pages = PageFetcher()
        try:
            self._run(run)
        except (sqlite3.Error, peewee.DatabaseError) as error:
            raise LocalDataError(f"The local database could not be updated ({error}); what "
                                 "was synced before stays, try again.") from error
        finally:
            self._pages.close()
            self._lock.release()
        return run.report

    def _run(self, run: _Run) -> None:
        conn = self._conn()
        if conn.in_transaction:
            raise LocalDataError("Sync cannot run inside an open transaction.")
        self._schema = LocalSchema(conn)
        self._apply_parked()
        self._resend_pending(run)
        self._pull(run)
        if not run.cancelled():
            self._push(run)
        if not run.cancelled() and run.server_seq > (state.get_int(conn, state.CURSOR) or 0):
            self._pull(run)
        if not run.cancelled():
            self._learn_devices()
        if not run.cancelled():
            blobs = sync_blobs(self.store, self.transport, self.blob_refs(self.store),
                               run.progress, run._cancel)
            run.report.blobs_up, run.report.blobs_down = blobs.uploaded, blobs.downloaded
        if not run.cancelled():
            state.put(conn, last_sync_at=conflict_log.now_text())
        run.report.open_conflicts = conflict_log.open_count(conn)
        log.info("sync: %s", run.report)

    # -- local transactions --------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        return self.store.db.connection()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE with the journal muted, foreign keys off, synchronous FULL."""
        conn = self._conn()
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA synchronous = FULL")
        try:
            with self.store.db.atomic("IMMEDIATE"), journal.muted(conn, "sync"):
                yield conn
        finally:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")

    def _apply(self, items: Sequence[RemoteField], mode: Mode,
               after: Callable[[sqlite3.Connection], dict[str, set[str]] | None],
               before: Callable[[sqlite3.Connection], None] | None = None) -> PageResult:
        """Apply one page between ``before`` and ``after`` (bookkeeping), all in one
        transaction."""
        assert self._schema is not None
        with self._transaction() as conn:
            if before is not None:
                before(conn)
            pushed_through = state.get_int(conn, state.PUSHED_THROUGH) or 0
            applier = PageApplier(conn, self._schema, pushed_through, mode,
                                  self.store.clock)
            result = applier.apply(items)
            self._note_skipped(conn, result.skipped)
            self._note_quarantined(result.quarantined)
            for table, ids in (after(conn) or {}).items():
                result.touched[table].update(ids)
        if result.max_hlc:
            self.store.clock.observe(result.max_hlc)  # bounded: see HybridClock.observe
        self.store.notify_changed(result.touched)
        return result

    def _note_quarantined(self, quarantined: list[str]) -> None:
        """Log a page's invalid values once per page (each is also a conflict record)."""
        if quarantined:
            log.warning("sync: kept aside %d invalid value(s) the server sent, e.g. %s",
                        len(quarantined), quarantined[0])

    def _note_skipped(self, conn: sqlite3.Connection, skipped: set[tuple[str, str]]) -> None:
        if not skipped:
            return
        known = {tuple(pair) for pair in json.loads(state.get(conn, state.SKIPPED_FIELDS)
                                                    or "[]")}
        new = skipped - known
        if new:
            log.warning("sync: kept values of fields this version does not know: %s",
                        sorted(new))
            state.put(conn, skipped_fields=json.dumps(sorted(known | new)))

    def _apply_parked(self) -> None:
        """Apply values kept for fields an upgrade has since added."""
        assert self._schema is not None
        conn = self._conn()
        pairs = {tuple(pair) for pair in json.loads(state.get(conn, state.SKIPPED_FIELDS)
                                                    or "[]")}
        ready = {pair for pair in pairs if self._schema.knows(*pair)}
        if not ready:
            return
        with self._transaction() as conn:
            touched = apply_parked(conn, self._schema,
                                   state.get_int(conn, state.PUSHED_THROUGH) or 0, ready)
            state.put(conn, skipped_fields=json.dumps(sorted(pairs - ready)))
        self.store.notify_changed(touched)

    # -- talking to the server -----------------------------------------------------------

    def _get(self, model: type[M], path: str, params: dict[str, Any], what: str) -> M:
        reply = self.transport.request("GET", API_PREFIX + path, params=params)
        page = decode(reply, model, what)
        self._note_server_protocol(reply.headers)
        return page

    def _note_server_protocol(self, headers: Mapping[str, str]) -> None:
        """Remember the protocol the server named on its last page (1 when it named
        none): it decides how big a batch the push may send."""
        text = headers.get(PROTOCOL_HEADER.lower(), "")
        self._server_protocol = int(text) if text.isdigit() else 1

    def _page(self, model: type[M], path: str, params: dict[str, Any], what: str) -> M:
        """A page of changes or of a snapshot, prefetched when it was foreseen."""
        return self._pages.get(path, params, lambda: self._get(model, path, params, what))

    def _foresee(self, model: type[M], path: str, params: dict[str, Any], what: str) -> None:
        """Ask for the page that will follow while the current one is applied."""
        self._pages.prefetch(path, params, lambda: self._get(model, path, params, what))

    # -- pull ----------------------------------------------------------------------------

    def _pull(self, run: _Run) -> None:
        conn = self._conn()
        if state.get_int(conn, state.CURSOR) is None and not snapshot.in_progress(conn):
            self._start_snapshot(run, "gone")  # first sync: the current state, not history
        while not run.cancelled():
            if snapshot.in_progress(conn):
                self._snapshot(run)
                continue
            cursor = state.get_int(conn, state.CURSOR) or 0
            stored_epoch = state.get(conn, state.EPOCH)
            try:
                page = self._page(ChangesPage, "/changes",
                                  {"since": cursor, "limit": self.page_limit},
                                  "Pulling changes")
            except ServerGone as gone:
                log.info("sync: %s", gone.message)
                self._start_snapshot(run, "gone" if gone.epoch == stored_epoch else "epoch")
                continue
            if stored_epoch is not None and page.epoch != stored_epoch:
                log.warning("sync: the server's history changed (epoch %s, was %s)",
                            page.epoch, stored_epoch)
                self._start_snapshot(run, "epoch")
                continue
            validate.check_changes_page(page, cursor)
            if page.has_more:
                self._foresee(ChangesPage, "/changes",
                              {"since": page.next_seq, "limit": self.page_limit},
                              "Pulling changes")
            result = self._apply(page.changes, "changes", lambda c, p=page: state.put(
                c, cursor=p.next_seq, epoch=p.epoch))
            run.report.pulled += result.written
            run.report.quarantined += len(result.quarantined)
            run.progress(page.next_seq, 0, "Receiving changes")
            if not page.has_more:
                return

    def _start_snapshot(self, run: _Run, mode: Mode) -> None:
        run.snapshot_restarts += 1
        if run.snapshot_restarts > MAX_SNAPSHOT_RESTARTS:
            raise ServerError("The server's history kept changing while downloading it; "
                              "try again later.")
        run.report.snapshot = True
        self._snapshot(run, fresh=mode)

    def _snapshot(self, run: _Run, fresh: Mode | None = None) -> None:
        """Download snapshot pages until the last one, resuming where a previous sync
        stopped; each page is applied with its cursor in one transaction. A ``fresh``
        snapshot is begun in the transaction of its first page, so a failure before
        that leaves nothing behind."""
        conn = self._conn()
        while not run.cancelled():
            progress = (fresh, None) if fresh else snapshot.in_progress(conn)
            if progress is None:
                return
            mode, cursor = progress
            params: dict[str, Any] = {"limit": self.snapshot_limit}
            if cursor:
                params["cursor"] = cursor
            try:
                page = self._page(SnapshotPage, "/snapshot", params, "Downloading team data")
            except RequestRefused as refused:
                if refused.status != 422 or not cursor:
                    raise
                self._start_snapshot(run, mode)  # a cursor this server does not know
                return
            if not fresh and self._snapshot_moved(conn, page):
                self._start_snapshot(run, "epoch")
                return
            validate.check_snapshot_page(page, cursor)
            if page.next_cursor is not None:
                self._foresee(SnapshotPage, "/snapshot",
                              {"limit": self.snapshot_limit, "cursor": page.next_cursor},
                              "Downloading team data")
            begin = (lambda c, m=fresh: snapshot.begin(c, m)) if fresh else None
            result = self._apply(page.rows, mode, lambda c, p=page, m=mode:
                                 self._after_snapshot_page(c, p, m), before=begin)
            fresh = None
            run.report.pulled += result.written
            run.report.quarantined += len(result.quarantined)
            run.progress(0, 0, "Receiving team data")

    def _snapshot_moved(self, conn: sqlite3.Connection, page: SnapshotPage) -> bool:
        epoch = state.get(conn, state.SNAPSHOT_EPOCH)
        as_of = state.get_int(conn, state.SNAPSHOT_AS_OF)
        return (epoch is not None and epoch != page.epoch) or (
            as_of is not None and as_of != page.as_of_seq)

    def _after_snapshot_page(self, conn: sqlite3.Connection, page: SnapshotPage,
                             mode: Mode) -> dict[str, set[str]] | None:
        state.put(conn, snapshot_cursor=page.next_cursor or "", snapshot_epoch=page.epoch,
                  snapshot_as_of=page.as_of_seq)
        if page.next_cursor is not None:
            return None
        assert self._schema is not None
        return snapshot.finish(conn, self._schema, mode, page.as_of_seq, page.epoch,
                               state.get_int(conn, state.PUSHED_THROUGH) or 0,
                               self.store.clock.now)

    def _learn_devices(self) -> None:
        """Ask who the devices are that open conflicts name, when some are new here.
        Only for showing a person instead of an id: a failure is logged, not raised."""
        if not devices.unknown_in_conflicts(self._conn()):
            return
        try:
            page = self._get(DevicesPage, "/devices", {}, "Listing the team's devices")
        except SyncError as error:
            log.warning("sync: could not list the team's devices: %s", error)
            return
        with self._transaction() as conn:
            devices.remember(conn, page.devices)

    # -- push ----------------------------------------------------------------------------

    def _resend_pending(self, run: _Run) -> None:
        """Send again a batch whose answer was lost, before pulling.

        Its changes still count as unpushed, so a pull would keep their fields' local
        values; but the server may have committed them long ago and taken newer values
        from others on top. Recording the (replayed) answer first lets the pull apply
        those newer values instead of skipping them for good.
        """
        conn = self._conn()
        waiting = outbox.pending(conn)
        if waiting is None or not self._same_history(conn):
            return  # after an epoch change, the snapshot drops it and rebuilds it
        if waiting.request.device_id != self.device_id:
            waiting = outbox.with_new_id(waiting, self.device_id)
        self._send(run, waiting)

    def _same_history(self, conn: sqlite3.Connection) -> bool:
        """Whether the server still has the history this copy knows (a one-change
        probe): a batch built on another history's seqs must not be sent as it is."""
        stored = state.get(conn, state.EPOCH)
        if stored is None:
            return False
        cursor = state.get_int(conn, state.CURSOR) or 0
        try:
            page = self._get(ChangesPage, "/changes", {"since": cursor, "limit": 1},
                             "Checking the server's history")
        except ServerGone as gone:
            return gone.epoch == stored
        return page.epoch == stored

    def _push(self, run: _Run) -> None:
        conn = self._conn()
        self._resend_pending(run)
        with self._transaction() as writing:
            touched = outbox.resend_refused_rows(
                writing, state.get_int(writing, state.PUSHED_THROUGH) or 0)
        if touched:
            log.info("sync: sending refused records again whole: %s", sorted(touched))
        whole_records = self._server_protocol >= RECORDS_SINCE
        entries = outbox.outbox(conn, state.get_int(conn, state.PUSHED_THROUGH) or 0,
                                whole_records=whole_records)
        size = self._batch_size()
        values = min(self.max_batch * 4, MAX_BATCH_VALUES) if whole_records else size
        batches = list(outbox.chunks(entries, size - outbox.room_for_new_rows(size),
                                     values - outbox.room_for_new_rows(values)))
        rows = outbox.by_row(entries)

        def build(index: int) -> outbox.PendingBatch:
            chunk = batches[index]
            return outbox.build(conn, outbox.with_rest_of_new_rows(chunk, rows, size, values),
                                self.device_id, max(entry.seq for entry in chunk))

        def build_ahead(index: int) -> outbox.PendingBatch | None:
            if state.resent_ids(conn):
                return None
            batch = build(index)
            batch.body  # noqa: B018 (encoded now, while the server works on the one before)
            return batch

        ahead: outbox.PendingBatch | None = None
        for done in range(len(batches)):
            if run.cancelled():
                return
            run.progress(done, len(batches), "Sending changes")
            with self._transaction() as conn:
                batch = ahead or build(done)
                state.put(conn, pending_batch=batch.dump())
            following = done + 1 if done + 1 < len(batches) else None
            ahead = self._send(run, batch, None if following is None
                               else lambda index=following: build_ahead(index))
        if batches:
            run.progress(len(batches), len(batches), "Sending changes")

    def _batch_size(self) -> int:
        """A protocol-3 server takes big batches; anything older, 500 changes."""
        if self._server_protocol >= BIG_BATCHES_SINCE:
            return self.max_batch
        return min(self.max_batch, LEGACY_BATCH)

    def _send(self, run: _Run, batch: outbox.PendingBatch,
              build_next: Callable[[], outbox.PendingBatch | None] | None = None,
              ) -> outbox.PendingBatch | None:
        """Send a stored batch and record the answer; a batch id the server saw with
        other content is replaced by a fresh one once. ``build_next`` runs while the
        answer is awaited; its batch is returned when recording the answer left it
        valid (``push_ahead``), else None."""
        try:
            response, following = push_ahead.post_while(lambda: self._post_batch(batch),
                                                        build_next)
        except RequestRefused as refused:
            if refused.code != "batch_id_reused":
                raise
            batch = outbox.with_new_id(batch, self.device_id)
            with self._transaction() as conn:
                state.put(conn, pending_batch=batch.dump())
            response, following = self._post_batch(batch), None
        outbox.check_response(batch, response)
        assert self._schema is not None
        with self._transaction() as conn:
            outcome = outbox.record(conn, self._schema, batch, response)
        self.store.notify_changed(outcome.touched)
        run.report.pushed += outcome.accepted
        run.report.conflicts += outcome.conflicts
        run.report.rejected += outcome.rejected
        run.report.refusals.extend(outcome.reasons[:3 - len(run.report.refusals)])
        run.server_seq = max(run.server_seq, response.server_seq)
        return push_ahead.still_valid(following, batch)

    def _post_batch(self, batch: outbox.PendingBatch) -> PushResponse:
        reply = self.transport.request("POST", f"{API_PREFIX}/push",
                                       body=batch.body)
        return decode(reply, PushResponse, "Sending changes")
