"""Faults at any moment cost at most one page or batch, and never data: network down,
answers lost after the server committed, nonsense answers, 410 Gone, a restored server."""

from __future__ import annotations

import pytest

from channeldesk.server import accounts
from channeldesk.server.models import FieldState, ServerChange
from channeldesk.store.models import Partner
from channeldesk.sync import conflicts, state
from channeldesk.sync.errors import AuthExpired, Offline, ServerError

from .harness import POISONED_VALUES, converge, table_hashes


def snapshot_of(client) -> tuple:
    """Everything sync may touch in a client database."""
    conn = client.store.db.connection()
    tables = ("sync_state", "field_version", "field_version_prior", "conflict", "change")
    return (table_hashes(client.store),
            {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables})


def server_changes(client) -> list[tuple]:
    with client.server.storage.session():
        return list(ServerChange.select(ServerChange.change_id).tuples())


@pytest.fixture
def pair(make_client):
    alice, carol = make_client("alice"), make_client("carol")
    partner = alice.add_partner("Acme Resellers")
    converge(alice, carol)
    return alice, carol, partner


def test_server_down_raises_offline_and_changes_nothing(pair):
    alice, carol, partner = pair
    carol.update(Partner, partner, {"tier": "gold"})
    alice.update(Partner, partner, {"phone": "+1 555 0142"})
    alice.sync()
    before = snapshot_of(carol)
    carol.transport.offline = True
    with pytest.raises(Offline):
        carol.sync()
    assert snapshot_of(carol) == before
    carol.transport.offline = False
    carol.sync()
    alice.sync()
    assert table_hashes(alice.store) == table_hashes(carol.store)


@pytest.mark.parametrize("kind", ["html", "wrong_json", "truncate", "error_500"])
@pytest.mark.parametrize("path", ["/changes", "/push"])
def test_nonsense_answers_raise_server_error_and_change_nothing(make_sqlite_client, kind,
                                                                path):
    alice, carol = make_sqlite_client("alice"), make_sqlite_client("carol")
    partner = alice.add_partner("Acme")
    converge(alice, carol)
    alice.update(Partner, partner, {"tier": "gold"})
    alice.sync()
    carol.update(Partner, partner, {"phone": "+1 555 0142"})
    before = snapshot_of(carol)
    carol.transport.fail(kind, path)
    with pytest.raises(ServerError):
        carol.sync()
    if path == "/changes":
        assert snapshot_of(carol) == before
    else:  # the pull before it was applied; the push is pending, nothing recorded
        conn = carol.store.db.connection()
        assert state.get(conn, state.PENDING_BATCH) is not None
        assert carol.value(Partner, partner, "tier") == "gold"
    carol.sync()
    alice.sync()
    assert table_hashes(alice.store) == table_hashes(carol.store)
    assert len(server_changes(alice)) == len(set(server_changes(alice)))


@pytest.mark.parametrize("kind", sorted(POISONED_VALUES))
@pytest.mark.parametrize("path", ["/changes", "/snapshot"])
def test_a_page_with_a_value_no_database_takes_is_refused_whole(make_sqlite_client, kind,
                                                                path):
    alice, carol = make_sqlite_client("alice"), make_sqlite_client("carol")
    partner = alice.add_partner("Acme")
    if path == "/changes":
        converge(alice, carol)
        alice.update(Partner, partner, {"tier": "gold", "phone": "+1 555 0142"})
    alice.sync()
    before = snapshot_of(carol)
    carol.transport.fail(kind, path)
    with pytest.raises(ServerError):  # refused by the JSON parser or by validate.py
        carol.sync()
    assert snapshot_of(carol) == before
    carol.sync()
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_a_lost_push_answer_is_healed_by_the_next_sync_without_duplicates(pair):
    alice, carol, partner = pair
    carol.update(Partner, partner, {"tier": "gold", "phone": "+44 20 7946 0000"})
    carol.add_partner("Globex")
    history = len(server_changes(carol))
    carol.transport.fail("drop_response", "/push")
    with pytest.raises(Offline):
        carol.sync()
    committed = len(server_changes(carol))
    assert committed > history  # the server did commit the batch
    report = carol.sync()
    assert report.conflicts == 0 and report.open_conflicts == 0
    assert len(server_changes(carol)) == committed  # replayed, not applied again
    alice.sync()
    assert table_hashes(alice.store) == table_hashes(carol.store)
    conn = carol.store.db.connection()
    assert state.get(conn, state.PENDING_BATCH) is None


def test_a_crash_after_the_server_committed_heals_after_reopening(pair, tmp_path):
    alice, carol, partner = pair
    carol.update(Partner, partner, {"tier": "gold"})
    carol.transport.fail("drop_response", "/push")
    with pytest.raises(Offline):
        carol.sync()
    carol.store.close()  # the app dies; a new one opens the same file
    from .harness import Client
    reopened = Client(carol.server, carol.path, carol.email, reopen=True)
    try:
        assert reopened.sync().conflicts == 0
        alice.sync()
        assert alice.value(Partner, partner, "tier") == "gold"
        assert table_hashes(alice.store) == table_hashes(reopened.store)
    finally:
        reopened.close()


def test_a_duplicated_push_is_applied_once(pair):
    alice, carol, partner = pair
    carol.update(Partner, partner, {"tier": "gold"})
    carol.transport.fail("duplicate", "/push")
    assert carol.sync().pushed == 1
    assert len(server_changes(carol)) == len(set(server_changes(carol)))
    alice.sync()
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_a_dropped_link_mid_pull_costs_at_most_one_page(make_client):
    alice = make_client("alice")
    carol = make_client("carol", page_limit=10)
    carol.sync()  # first sync done (snapshot of an empty team)
    for n in range(8):
        alice.add_partner(f"Partner {n}")
    alice.sync()
    carol.transport.fail("drop_request", "/changes", after=2)
    with pytest.raises(Offline):
        carol.sync()
    conn = carol.store.db.connection()
    assert state.get_int(conn, state.CURSOR) == 20  # two whole pages kept
    carol.sync()
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_gone_after_prune_downloads_a_snapshot_and_keeps_the_outbox(pair):
    alice, carol, partner = pair
    carol.update(Partner, partner, {"phone": "+49 30 1234 567"})  # offline, unsent
    mine = carol.add_partner("Carol's new partner")
    alice.update(Partner, partner, {"tier": "gold"})
    theirs = alice.add_partner("Alice's new partner")
    alice.sync()
    carol.server.prune_all()
    report = carol.sync()
    assert report.snapshot and report.conflicts == 0
    assert carol.value(Partner, partner, "tier") == "gold"
    assert carol.value(Partner, partner, "phone") == "+49 30 1234 567"
    assert carol.get(Partner, theirs) is not None
    alice.sync()
    assert alice.get(Partner, mine) is not None
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_a_row_the_server_no_longer_has_is_removed_unless_edited_here(pair):
    alice, carol, partner = pair
    kept = alice.add_partner("Edited at carol")
    converge(alice, carol)
    carol.update(Partner, kept, {"phone": "+33 1 4000 0000"})
    alice.add_partner("Newer than carol's cursor")
    alice.sync()
    with carol.server.storage.session():  # an admin removed both rows on the server
        FieldState.delete().where(FieldState.row_id.in_([partner, kept])).execute()
    carol.server.prune_all()
    carol.sync()
    assert carol.get(Partner, partner) is None
    assert carol.get(Partner, kept) is not None  # edited here, so kept
    # The server refuses the edit of a record it no longer has (it would hold only the
    # phone); keeping mine sends the whole record, and it comes back for everyone.
    [refused] = conflicts.list_conflicts(carol.store)
    assert refused.kind == "rejected" and "arrived without Name" in refused.reason_text
    conflicts.resolve(carol.store, refused.id, "keep_mine")
    carol.sync()
    assert conflicts.list_conflicts(carol.store) == []
    alice.add_partner("Newer than alice's cursor")
    carol.sync()
    alice.server.prune_all()
    alice.sync()
    assert alice.get(Partner, partner) is None
    assert alice.value(Partner, kept, "phone") == "+33 1 4000 0000"


def test_a_restored_server_gets_back_what_it_lost_and_the_outbox(pair):
    alice, carol, partner = pair
    backup_seq = alice.server.team().seq
    alice.update(Partner, partner, {"tier": "gold"})
    lost = alice.add_partner("Made after the backup")
    alice.sync()
    carol.sync()
    alice.server.restore_to(backup_seq, epoch="restored-epoch")
    carol.update(Partner, partner, {"phone": "+1 212 555 0100"})  # unsent at the restore
    report = carol.sync()
    assert report.snapshot and report.conflicts == 0
    conn = carol.store.db.connection()
    assert state.get(conn, state.EPOCH) == "restored-epoch"
    alice.sync()
    for client in (alice, carol):
        assert client.value(Partner, partner, "tier") == "gold"
        assert client.value(Partner, partner, "phone") == "+1 212 555 0100"
        assert client.get(Partner, lost) is not None
    assert table_hashes(alice.store) == table_hashes(carol.store)
    assert conflicts.list_conflicts(alice.store) == []


def test_a_revoked_device_gets_auth_expired(pair):
    _, carol, _ = pair
    with carol.server.storage.session():
        accounts.revoke_device(carol.engine.device_id)
    before = snapshot_of(carol)
    with pytest.raises(AuthExpired):
        carol.sync()
    assert snapshot_of(carol) == before


def test_a_newer_value_on_top_of_a_batch_whose_answer_was_lost_is_not_skipped(pair):
    """Found by the model test: the lost batch's fields counted as unsent, so the pull
    kept them and skipped carol's newer value for good."""
    alice, carol, partner = pair
    alice.update(Partner, partner, {"tier": "gold"})
    alice.transport.fail("drop_response", "/push")
    with pytest.raises(Offline):
        alice.sync()
    carol.sync()
    carol.update(Partner, partner, {"tier": "platinum"})
    carol.sync()
    report = alice.sync()
    assert report.conflicts == 0
    assert alice.value(Partner, partner, "tier") == "platinum"
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_a_resend_after_a_restore_gives_way_to_an_edit_made_since(pair):
    """What a restored server lost is sent again, but that is nobody's decision: when
    someone has set the field again meanwhile, theirs stands and no conflict is shown."""
    alice, carol, partner = pair
    backup_seq = alice.server.team().seq
    alice.update(Partner, partner, {"tier": "gold"})
    alice.sync()
    carol.sync()
    alice.server.restore_to(backup_seq, epoch="restored")
    carol.transport.fail("drop_request", "/push")
    with pytest.raises(Offline):
        carol.sync()  # carol's snapshot queued gold again; the send failed
    alice.sync()  # alice re-sends gold too ...
    alice.update(Partner, partner, {"tier": "registered"})
    alice.sync()  # ... and then changes it: the newest edit
    report = carol.sync()
    assert report.conflicts == 0 and report.open_conflicts == 0
    assert carol.value(Partner, partner, "tier") == "registered"
    alice.sync()
    assert table_hashes(alice.store) == table_hashes(carol.store)
    assert state.get(carol.store.db.connection(), state.RESENT) is None


def test_a_resend_that_meets_its_own_deletion_keeps_the_field_value(make_sqlite_client):
    """Found by the model test: the server answered a re-sent field of a row deleted in
    the same batch with the deletion (value 1), which went into the field. Re-sends are
    now based on the deletion they have seen, so the values are restored on the
    tombstone, the same on every copy."""
    alice, carol = make_sqlite_client("alice"), make_sqlite_client("carol")
    before = alice.server.team().seq
    partner = alice.add_partner("Acme")
    converge(alice, carol)
    alice.server.restore_to(before + 2, epoch="restored")  # created_at, deleted survive
    carol.delete(Partner, partner)
    carol.sync()
    alice.sync()
    for client in (alice, carol):
        row = client.get(Partner, partner)
        assert (row.deleted, row.phone, row.tier, row.name) == (True, "", "silver", "Acme")
        assert conflicts.list_conflicts(client.store) == []
    assert table_hashes(alice.store) == table_hashes(carol.store)
