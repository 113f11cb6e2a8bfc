"""A model-based test: desktops edit, delete, restore, sync through a faulty network,
crash between the server's commit and theirs, and decide conflicts; the server prunes
its history or is restored from a backup; all in random order. Pushes go in batches of
a few records (``max_batch=20``, room for a whole row), so a sync may send several, each
built while the one before is on its way, and a fault can fall between them.

Invariants, checked after a quiet round (every conflict decided, everyone synced until
nothing moves): all databases hold the same data; the server stored no change twice;
every database passes its integrity check; in a live row, a field only one desktop ever
wrote holds that desktop's last value and every value is one somebody wrote (nothing
acknowledged is lost); a row only one desktop deleted or restored stays as it left it
(no deleted row comes back by itself).
"""

from __future__ import annotations

import contextlib
import tempfile
import warnings
from pathlib import Path

import keyring
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from channeldesk.server.app import create_app
from channeldesk.server.config import ServerConfig
from channeldesk.server.models import ServerChange
from channeldesk.server.storage import sqlite_url
from channeldesk.services import credentials
from channeldesk.store.models import Partner
from channeldesk.sync import conflicts, decision_undo
from channeldesk.sync.errors import SyncError

from .fake_keyrings import MemoryKeyring
from .harness import Client, Server, TestClient, local_state, table_hashes

FIELDS = ("tier", "phone", "status")
VALUES = st.sampled_from(["a", "b", "c", "d"])
# The value each letter stands for in each field: values the server accepts.
MEANING = {field: dict(zip("abcd", values, strict=True)) for field, values in (
    ("tier", ("registered", "silver", "gold", "platinum")),
    ("phone", ("+1 555 0101", "+1 555 0102", "+1 555 0103", "+1 555 0104")),
    ("status", ("onboarding", "active", "inactive", "suspended")))}
FAULTS = st.sampled_from([None, None, None, ("drop_request", "/push"),
                          ("drop_response", "/push"), ("duplicate", "/push"),
                          ("truncate", "/changes"), ("drop_request", "/changes"),
                          ("html", "/push")])
NAMES = ("alice", "carol", "dave")
QUIET_ROUNDS = 8


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.previous_keyring = keyring.get_keyring()
        keyring.set_keyring(MemoryKeyring())
        self.folder = Path(tempfile.mkdtemp(prefix="sync-model-"))
        app = create_app(ServerConfig(database_url=sqlite_url(self.folder / "s.sqlite3"),
                                      data_dir=self.folder / "server"))
        self.server = Server(app, TestClient(app, raise_server_exceptions=False))
        self.clients: list[Client] = []
        for name in NAMES:
            self.server.add_user(f"{name}@acme.example")
            (self.folder / name).mkdir()
            self.clients.append(Client(self.server, self.folder / name / "db.sqlite3",
                                       f"{name}@acme.example", page_limit=7, max_batch=20))
        self.rows: list[str] = []
        self.restores = 0
        self.writers: dict[tuple[str, str], set[int]] = {}
        self.last: dict[tuple[str, str], object] = {}
        self.written: dict[tuple[str, str], set] = {}

    def _wrote(self, who: int, row: str, field: str, value) -> None:
        key = (row, field)
        self.writers.setdefault(key, set()).add(who)
        self.last[key] = value
        self.written.setdefault(key, set()).add(value)

    def _here(self, who: int, row: str):
        return self.clients[who].get(Partner, row)

    # -- what desktops do ----------------------------------------------------------------

    @initialize()
    def shared_partners(self) -> None:
        """Start from partners every desktop has, so edits meet each other."""
        for name in ("x", "y"):
            self.create(0, name)
        for client in self.clients:
            client.sync()

    @rule(who=st.integers(0, 2), name=VALUES)
    def create(self, who: int, name: str) -> None:
        row = self.clients[who].add_partner(f"P {name}")
        self.rows.append(row)
        for field, value in (("tier", "silver"), ("phone", ""), ("status", "active"),
                             ("deleted", 0)):
            self._wrote(who, row, field, value)

    @precondition(lambda self: self.rows)
    @rule(who=st.integers(0, 2), pick=st.integers(0, 1000), field=st.sampled_from(FIELDS),
          value=VALUES)
    def edit(self, who: int, pick: int, field: str, value: str) -> None:
        value = MEANING[field][value]
        row = self.rows[pick % len(self.rows)]
        here = self._here(who, row)
        if here is not None and getattr(here, field) != value:
            self.clients[who].update(Partner, row, {field: value})
            self._wrote(who, row, field, value)

    @precondition(lambda self: self.rows)
    @rule(who=st.integers(0, 2), pick=st.integers(0, 1000), deleted=st.booleans())
    def delete_or_restore(self, who: int, pick: int, deleted: bool) -> None:
        row = self.rows[pick % len(self.rows)]
        here = self._here(who, row)
        if here is not None and here.deleted != deleted:
            self.clients[who].update(Partner, row, {"deleted": deleted})
            self._wrote(who, row, "deleted", int(deleted))

    @rule(who=st.integers(0, 2), names=st.lists(VALUES, min_size=1, max_size=3))
    def create_many(self, who: int, names: list[str]) -> None:
        """An import: one record entry per row in the journal, expanded when pushed."""
        rows = [{"name": f"P {name}", "partner_type": "reseller", "tier": "silver",
                 "status": "active", "region": "emea"} for name in names]
        for row in self.clients[who].activate().insert_many(Partner, rows):
            self.rows.append(row)
            for field, value in (("tier", "silver"), ("phone", ""), ("status", "active"),
                                 ("deleted", 0)):
                self._wrote(who, row, field, value)

    @precondition(lambda self: self.rows)
    @rule(who=st.integers(0, 2), picks=st.lists(st.integers(0, 1000), min_size=1,
                                                max_size=4), deleted=st.booleans())
    def delete_or_restore_many(self, who: int, picks: list[int], deleted: bool) -> None:
        """An undo (or redo) of an import: the bulk tombstone writes its own journal."""
        rows = {self.rows[pick % len(self.rows)] for pick in picks}
        rows = sorted(row for row in rows if self._here(who, row) is not None)
        changing = [row for row in rows if self._here(who, row).deleted != deleted]
        if rows:  # rows already as asked stay untouched (and unjournalled)
            self.clients[who].activate().set_deleted_many(Partner, rows, deleted)
        for row in changing:
            self._wrote(who, row, "deleted", int(deleted))

    @rule(who=st.integers(0, 2), fault=FAULTS)
    def sync(self, who: int, fault) -> None:
        client = self.clients[who]
        if fault is not None:
            client.transport.fail(*fault)
        with contextlib.suppress(SyncError):
            client.sync()
        client.transport.faults.clear()

    @rule()
    def server_prunes_its_history(self) -> None:
        """Anyone behind now gets 410 Gone and a snapshot."""
        self.server.prune_all()

    @rule(back=st.integers(1, 40))
    def server_restored_from_a_backup(self, back: int) -> None:
        """The server goes back ``back`` changes (not before its pruned history) and
        gets a new epoch: what it lost must come back from the desktops."""
        team = self.server.team()
        target = max(team.min_seq, team.seq - back)
        self.restores += 1
        self.server.restore_to(target, epoch=f"restored-{self.restores}")

    @rule(who=st.integers(0, 2))
    def crash_and_restart(self, who: int) -> None:
        old = self.clients[who]
        old.close()
        self.clients[who] = Client(self.server, old.path, old.email, reopen=True,
                                   page_limit=7, max_batch=20)

    @rule(who=st.integers(0, 2), keep_mine=st.booleans())
    def decide(self, who: int, keep_mine: bool) -> None:
        self._decide(who, keep_mine)

    def _decide(self, who: int, keep_mine: bool) -> None:
        client = self.clients[who]
        for found in conflicts.list_conflicts(client.store):
            try:
                if found.row_deleted and keep_mine:
                    conflicts.restore_with_mine(client.store, found.id)
                    self._wrote(who, found.row_id, "deleted", 0)
                elif found.row_deleted:
                    conflicts.accept_delete(client.store, found.id)
                else:
                    conflicts.resolve(client.store, found.id,
                                      "keep_mine" if keep_mine else "keep_theirs")
            except conflicts.ConflictNotOpenError:
                continue  # decided with its row a moment ago
            if not keep_mine:
                self._forget_single_writer(found.row_id, found.row_deleted, found.field)

    @rule(who=st.integers(0, 2), keep_mine=st.booleans())
    def decide_and_take_it_back(self, who: int, keep_mine: bool) -> None:
        """One decision for every open conflict, undone at once: exactly as before."""
        store = self.clients[who].store
        ids = [found.id for found in conflicts.list_conflicts(store)]
        if not ids:
            return
        before = local_state(store)
        try:
            decision = decision_undo.resolve_undoably(
                store, ids, "keep_mine" if keep_mine else "keep_theirs")
        except conflicts.ConflictNotOpenError:
            assert local_state(store) == before  # refused whole
            return
        decision_undo.undo(store, decision)
        assert local_state(store) == before

    def _forget_single_writer(self, row: str, whole_row: bool, field: str) -> None:
        """Taking theirs on purpose drops my edit: not a loss."""
        for key in list(self.writers):
            if key[0] == row and (whole_row or key[1] == field):
                self.writers[key] = {-1, -2}

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def no_change_is_stored_twice(self) -> None:
        with self.server.storage.session():
            ids = [r[0] for r in ServerChange.select(ServerChange.change_id).tuples()]
        assert len(ids) == len(set(ids))

    def teardown(self) -> None:
        try:
            self._quiet_round()
            self._check_final_state()
        finally:
            for client in self.clients:
                client.close()
            self.server.http.close()
            self.server.app.state.storage.close()
            keyring.set_keyring(self.previous_keyring)
            credentials._session_tokens.clear()

    def _quiet_round(self) -> None:
        """Everyone syncs and keeps their own side of each conflict, round after round,
        until a whole round moves nothing."""
        for _ in range(QUIET_ROUNDS):
            moved = 0
            for who, client in enumerate(self.clients):
                report = client.sync()
                moved += report.pulled + report.pushed + report.open_conflicts
                self._decide(who, keep_mine=True)
            if not moved:
                return
        raise AssertionError("the clients did not settle in quiet rounds")

    def _check_final_state(self) -> None:
        reference = table_hashes(self.clients[0].store)
        for client in self.clients:
            assert table_hashes(client.store) == reference
            conn = client.store.db.connection()
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        first = self.clients[0]
        for (row, field), writers in self.writers.items():
            final = first.store.db.connection().execute(
                f'SELECT "{field}" FROM partner WHERE id = ?', (row,)).fetchone()
            assert final is not None, row
            deleted = first.store.db.connection().execute(
                "SELECT deleted FROM partner WHERE id = ?", (row,)).fetchone()[0]
            if deleted and field != "deleted":
                continue  # the fields of a deleted row are moot (a deletion wins over
                # earlier edits, as the server decides); that all copies agree is checked
            assert final[0] in self.written[(row, field)], (row, field, final)
            if len(writers) == 1:
                assert final[0] == self.last[(row, field)], (row, field, writers)


@pytest.mark.slow
def test_sync_model():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        runner = settings(max_examples=30, stateful_step_count=40, deadline=None,
                          suppress_health_check=list(HealthCheck))(SyncMachine)
        runner.TestCase().runTest()


def test_a_restore_right_after_a_prune_keeps_the_edit_the_restore_lost():
    """Found by the model: an edit pushed after a prune, lost by a restore to the
    prune's seq, while the re-send is interrupted and a colleague syncs first."""
    state = SyncMachine()
    try:
        state.shared_partners()
        state.edit(field="tier", pick=0, value="a", who=0)
        state.server_prunes_its_history()
        state.sync(fault=None, who=0)
        state.server_restored_from_a_backup(back=1)
        state.sync(fault=("drop_request", "/push"), who=0)
        state.sync(fault=None, who=1)
    finally:
        state.teardown()  # quiet rounds, then every invariant


def test_an_edit_re_sent_after_restores_beats_a_colleagues_re_send_of_the_older_value():
    """Found by the model: after restores that lost both the row's later fields and an
    edit of its tier, a colleague re-sent the whole row with the tier as created; the
    editor's re-send of the edit was then refused and the editor took the older value
    (the edit, acknowledged once, was lost). The later edit now wins by its stamp."""
    state = SyncMachine()
    try:
        state.shared_partners()
        state.edit(field="tier", pick=0, value="a", who=0)
        state.sync(fault=None, who=0)
        for back in (15, 2, 4):
            state.server_restored_from_a_backup(back=back)
        state.sync(fault=("html", "/push"), who=0)
        state.server_restored_from_a_backup(back=16)
        state.sync(fault=("drop_response", "/push"), who=2)
    finally:
        state.teardown()


def test_a_field_the_server_never_had_never_takes_the_value_of_the_rows_deletion():
    """Found by the model: a re-sent field of a row deleted on a restored server that
    never had the field came back as a conflict carrying the deletion (value 1), and
    the client wrote that 1 into tier and website; the server then refused them for
    good and the desktops never settled. The server now sends no value for such a field."""
    state = SyncMachine()
    try:
        state.shared_partners()
        state.delete_or_restore_many(deleted=True, picks=[1], who=1)
        state.delete_or_restore_many(deleted=True, picks=[0, 1], who=2)
        state.server_restored_from_a_backup(back=18)
        state.sync(fault=None, who=1)
        state.server_restored_from_a_backup(back=2)
        state.delete_or_restore_many(deleted=False, picks=[1], who=2)
        state.sync(fault=None, who=2)
        here = state.clients[2].store.db.connection()
        assert {tier for (tier,) in here.execute("SELECT tier FROM partner")} == {"silver"}
        state.server_restored_from_a_backup(back=30)
        state.sync(fault=("drop_request", "/push"), who=2)
    finally:
        state.teardown()


def test_a_row_the_restore_lost_and_its_maker_then_deleted_reaches_the_team_whole():
    """Found by the model: a desktop pushed a new partner after a prune, a restore lost
    it, and the desktop then deleted it. Its next sync sent the deletion and the row's
    fields again, but the server answered each field with a conflict against that very
    deletion (the pruned history could not show nobody else had deleted the row), so
    colleagues got a tombstone with an empty name, tier and status while the maker kept
    the whole row: the desktops never agreed. A value the batch itself wrote is now the
    caller's own, not someone else's move."""
    state = SyncMachine()
    try:
        state.shared_partners()
        state.create_many(names=["c"], who=0)
        state.create(name="c", who=1)
        state.create(name="c", who=0)
        state.server_prunes_its_history()
        state.sync(fault=None, who=1)
        state.create_many(names=["a", "c"], who=2)
        state.server_restored_from_a_backup(back=32)
        lost = state.rows[3]  # the partner desktop 1 made and pushed
        state.delete_or_restore(deleted=True, pick=3, who=1)
        state.sync(fault=None, who=1)
        state.sync(fault=None, who=0)
        there = state.clients[0].store.db.connection()
        assert there.execute("SELECT name, tier, status, deleted FROM partner WHERE id = ?",
                             (lost,)).fetchone() == ("P c", "silver", "active", 1)
    finally:
        state.teardown()


def test_a_change_answered_after_a_restore_still_takes_a_later_colleagues_value():
    """Found by the model: a desktop's push was stored but its answer lost; the server
    was then restored, and the desktop's snapshot after the restore kept its own
    unpushed value over a colleague's later change of the field. Sent again, the change
    was answered with its first (older) seq, and the desktop, its cursor already past
    the colleague's change, kept its value for good while everyone else had theirs.
    The desktop now reads the team again from that seq."""
    state = SyncMachine()
    try:
        state.shared_partners()
        state.create_many(names=["a"], who=0)
        state.decide(keep_mine=False, who=0)
        state.server_restored_from_a_backup(back=12)
        state.server_restored_from_a_backup(back=6)
        state.crash_and_restart(who=0)
        state.server_prunes_its_history()
        state.server_prunes_its_history()
        state.edit(field="tier", pick=239, value="a", who=0)
        state.sync(fault=("drop_response", "/push"), who=2)
        state.edit(field="phone", pick=591, value="a", who=0)
        state.delete_or_restore_many(deleted=False, picks=[532], who=2)
        state.create_many(names=["c"], who=2)
        state.create_many(names=["d"], who=1)
        state.create(name="a", who=0)
        state.sync(fault=("truncate", "/changes"), who=1)
        state.sync(fault=("html", "/push"), who=1)
        state.create(name="a", who=0)
        state.server_restored_from_a_backup(back=1)
    finally:
        state.teardown()
