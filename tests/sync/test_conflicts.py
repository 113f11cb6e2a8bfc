"""Same-field clashes become conflicts for the user; each decision syncs to everyone."""

from __future__ import annotations

import pytest

from channeldesk.store.models import Partner
from channeldesk.sync import conflicts, devices
from channeldesk.sync.conflicts import ConflictNotOpenError

from .harness import converge, table_hashes


@pytest.fixture
def pair(make_client):
    """alice and carol share one synced partner (tier silver, phone '')."""
    alice, carol = make_client("alice"), make_client("carol")
    partner = alice.add_partner("Acme Resellers")
    converge(alice, carol)
    return alice, carol, partner


def clash(alice, carol, partner, field="tier", mine="platinum", theirs="gold"):
    """Both edit the same field offline; alice syncs first, so carol meets the clash."""
    alice.update(Partner, partner, {field: theirs})
    carol.update(Partner, partner, {field: mine})
    alice.sync()
    return carol.sync()


def test_the_second_pusher_gets_a_conflict_with_base_mine_and_theirs(pair):
    alice, carol, partner = pair
    report = clash(alice, carol, partner)
    assert report.conflicts == 1 and report.open_conflicts == 1
    [found] = conflicts.list_conflicts(carol.store)
    assert (found.table, found.row_id, found.field) == ("partner", partner, "tier")
    assert (found.base, found.mine, found.theirs) == ("silver", "platinum", "gold")
    assert not found.row_deleted and found.theirs_time is not None
    assert found.theirs_device == alice.engine.device_id
    # Nothing is overwritten silently: carol still sees hers, alice hers.
    assert carol.value(Partner, partner, "tier") == "platinum"
    assert alice.value(Partner, partner, "tier") == "gold"
    # Syncing again neither repeats the conflict nor loses it.
    again = carol.sync()
    assert again.conflicts == 0 and again.open_conflicts == 1
    assert conflicts.list_conflicts(alice.store) == []


@pytest.mark.parametrize(("choice", "merged", "final"), [
    ("keep_mine", None, "platinum"),
    ("keep_theirs", None, "gold"),
    ("merged", "silver", "silver"),  # a merged value obeys the field's choices too
])
def test_each_decision_syncs_to_everyone(pair, choice, merged, final):
    alice, carol, partner = pair
    clash(alice, carol, partner)
    [found] = conflicts.list_conflicts(carol.store)
    conflicts.resolve(carol.store, found.id, choice, merged)
    assert carol.value(Partner, partner, "tier") == final
    assert conflicts.list_conflicts(carol.store) == []
    converge(carol, alice)
    assert alice.value(Partner, partner, "tier") == final
    assert table_hashes(alice.store) == table_hashes(carol.store)
    assert conflicts.list_conflicts(alice.store) == []
    assert conflicts.list_conflicts(carol.store) == []
    with pytest.raises(ConflictNotOpenError):
        conflicts.resolve(carol.store, found.id, "keep_mine")


def test_a_newer_remote_value_is_shown_as_theirs(pair):
    alice, carol, partner = pair
    clash(alice, carol, partner)
    alice.update(Partner, partner, {"tier": "registered"})
    alice.sync()
    carol.sync()
    [found] = conflicts.list_conflicts(carol.store)
    assert found.theirs == "registered"
    assert carol.value(Partner, partner, "tier") == "platinum"
    conflicts.resolve(carol.store, found.id, "keep_theirs")
    converge(carol, alice)
    assert carol.value(Partner, partner, "tier") == "registered"
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_one_decision_for_many_conflicts(pair):
    alice, carol, partner = pair
    other = alice.add_partner("Globex")
    converge(alice, carol)
    for row in (partner, other):
        alice.update(Partner, row, {"status": "inactive", "region": "apac"})
        carol.update(Partner, row, {"status": "suspended", "region": "na"})
    alice.sync()
    assert carol.sync().conflicts == 4
    ids = [c.id for c in conflicts.list_conflicts(carol.store)]
    conflicts.resolve_many(carol.store, ids, "keep_mine")
    converge(carol, alice)
    assert {alice.value(Partner, row, "region") for row in (partner, other)} == {"na"}
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_edits_of_different_fields_merge_without_conflict(pair):
    alice, carol, partner = pair
    alice.update(Partner, partner, {"tier": "gold"})
    carol.update(Partner, partner, {"phone": "+1 555 0100"})
    alice.sync()
    assert carol.sync().conflicts == 0
    alice.sync()
    for client in (alice, carol):
        assert (client.value(Partner, partner, "tier"),
                client.value(Partner, partner, "phone")) == ("gold", "+1 555 0100")


def test_a_device_never_conflicts_with_its_own_earlier_edits(pair):
    alice, carol, partner = pair
    for tier in ("gold", "platinum", "registered"):
        alice.update(Partner, partner, {"tier": tier})
        assert alice.sync().conflicts == 0
    carol.sync()
    assert carol.value(Partner, partner, "tier") == "registered"


def delete_versus_edit(alice, carol, partner):
    alice.delete(Partner, partner)
    carol.update(Partner, partner, {"phone": "+1 555 0199", "tier": "gold"})
    alice.sync()
    return carol.sync()


def test_editing_a_row_someone_deleted_is_a_conflict(pair):
    alice, carol, partner = pair
    report = delete_versus_edit(alice, carol, partner)
    assert report.conflicts == 2
    found = conflicts.list_conflicts(carol.store)
    assert {c.field for c in found} == {"phone", "tier"}
    assert all(c.row_deleted for c in found)
    assert carol.get(Partner, partner).deleted is True  # the deletion arrived
    assert carol.value(Partner, partner, "phone") == "+1 555 0199"  # mine is kept


def test_restore_with_my_changes(pair):
    alice, carol, partner = pair
    delete_versus_edit(alice, carol, partner)
    first = conflicts.list_conflicts(carol.store)[0]
    conflicts.restore_with_mine(carol.store, first.id)
    assert conflicts.list_conflicts(carol.store) == []
    converge(carol, alice)
    row = alice.get(Partner, partner)
    assert (row.deleted, row.phone, row.tier) == (False, "+1 555 0199", "gold")
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_accept_the_delete(pair):
    alice, carol, partner = pair
    delete_versus_edit(alice, carol, partner)
    first = conflicts.list_conflicts(carol.store)[0]
    conflicts.accept_delete(carol.store, first.id)
    assert conflicts.list_conflicts(carol.store) == []
    converge(carol, alice)
    row = carol.get(Partner, partner)
    assert (row.deleted, row.phone, row.tier) == (True, "", "silver")
    assert table_hashes(alice.store) == table_hashes(carol.store)
    assert conflicts.list_conflicts(alice.store) == []


def test_keep_theirs_on_a_deleted_row_accepts_the_delete(pair):
    alice, carol, partner = pair
    delete_versus_edit(alice, carol, partner)
    ids = [c.id for c in conflicts.list_conflicts(carol.store)]
    conflicts.resolve_many(carol.store, ids, "keep_theirs")
    converge(carol, alice)
    assert carol.get(Partner, partner).deleted is True
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_deciding_is_announced_to_listeners(pair):
    alice, carol, partner = pair
    clash(alice, carol, partner)
    heard = []
    carol.store.subscribe(heard.append)
    [found] = conflicts.list_conflicts(carol.store)
    conflicts.resolve(carol.store, found.id, "keep_theirs")
    assert heard and heard[-1].rows == {"partner": frozenset({partner})}


def test_restore_with_mine_refuses_a_value_conflict(pair):
    alice, carol, partner = pair
    clash(alice, carol, partner)
    [found] = conflicts.list_conflicts(carol.store)
    with pytest.raises(ValueError, match="not a deleted record"):
        conflicts.restore_with_mine(carol.store, found.id)
    with pytest.raises(ConflictNotOpenError):
        conflicts.resolve(carol.store, 9999, "keep_mine")


def test_accepting_a_delete_also_undoes_later_unsent_edits_of_the_row(pair):
    """Found by the model test: an edit made after the conflict was dropped from the
    outbox but stayed in the row, so this desktop differed from everyone else."""
    alice, carol, partner = pair
    delete_versus_edit(alice, carol, partner)
    carol.update(Partner, partner, {"status": "inactive"})  # after the conflict, unsent
    conflicts.accept_delete(carol.store, conflicts.list_conflicts(carol.store)[0].id)
    assert carol.value(Partner, partner, "status") == "active"
    converge(carol, alice)
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_a_conflict_names_the_person_and_device_behind_theirs(pair):
    alice, carol, partner = pair
    clash(alice, carol, partner)
    conn = carol.store.db.connection()
    assert devices.known(conn)[alice.engine.device_id] == devices.DeviceName(
        "alice@acme.example", "laptop")
    [found] = conflicts.list_conflicts(carol.store)
    assert devices.describe(found.theirs_device, devices.known(conn)) == (
        "alice@acme.example (laptop)")
    # Asked once: a second sync with the same conflict does not list the devices again.
    carol.transport.log.clear()
    carol.sync()
    assert not any(path.endswith("/devices") for _, path, _ in carol.transport.log)


def test_a_device_the_server_cannot_list_stays_an_id(pair):
    alice, carol, partner = pair
    carol.transport.fail("error_500", "/devices")
    report = clash(alice, carol, partner)
    assert report.open_conflicts == 1  # the sync itself went through
    [found] = conflicts.list_conflicts(carol.store)
    assert devices.describe(found.theirs_device, devices.known(
        carol.store.db.connection())) == f"Device {alice.engine.device_id[:8]}"
