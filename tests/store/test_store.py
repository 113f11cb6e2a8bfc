"""The store's write path: change notices, previous values, clock stamps, device id."""

from __future__ import annotations

import sqlite3
import time
from datetime import date

import peewee
import pytest

from channeldesk.domain.hlc import Stamp
from channeldesk.store import journal, open_store
from channeldesk.store.models import Activity, Change, Contact, Partner

ACME = {"name": "Acme", "partner_type": "reseller", "tier": "gold", "status": "active",
        "region": "emea"}


def contact_of(partner_id: str, name: str = "Ada") -> dict:
    return {"partner": partner_id, "name": name, "email": "ada@example.com"}


@pytest.fixture
def notices(store):
    heard: list = []
    store.subscribe(heard.append)
    return heard


def test_notice_comes_once_after_the_outermost_commit(store, notices):
    with store.transaction():
        partner = store.insert(Partner, ACME)
        with store.transaction():
            contact = store.insert(Contact, contact_of(partner))
            store.update(Partner, partner, {"tier": "platinum"})
        assert notices == []  # nothing is committed yet
    assert len(notices) == 1
    assert notices[0].rows == {"partner": frozenset({partner}), "contact": frozenset({contact})}
    assert notices[0].tables == {"partner", "contact"}


def test_each_plain_write_is_its_own_notice(store, notices):
    partner = store.insert(Partner, ACME)
    store.delete(Partner, partner)
    assert [n.rows for n in notices] == [{"partner": {partner}}, {"partner": {partner}}]


def test_no_notice_after_a_rollback(store, notices):
    with pytest.raises(RuntimeError), store.transaction():
        store.insert(Partner, ACME)
        raise RuntimeError("cancelled")
    assert notices == []
    partner = store.insert(Partner, ACME)
    assert [n.rows for n in notices] == [{"partner": {partner}}]


def test_a_rolled_back_inner_transaction_is_left_out_of_the_notice(store, notices):
    with store.transaction():
        kept = store.insert(Partner, ACME)
        with pytest.raises(RuntimeError), store.transaction():
            store.insert(Partner, {**ACME, "name": "Dropped"})
            store.update(Partner, kept, {"name": "Acme Ltd"})
            raise RuntimeError("inner step failed")
    assert [n.rows for n in notices] == [{"partner": {kept}}]
    assert Partner.select().count() == 1
    assert store.get(Partner, kept).name == "Acme"


def test_a_no_op_write_sends_no_notice(store, notices):
    partner = store.insert(Partner, ACME)
    notices.clear()
    store.update(Partner, partner, {"name": "Acme"})
    store.restore(Partner, partner)  # it was never deleted
    assert notices == []


def test_unsubscribe(store, notices):
    extra: list = []
    unsubscribe = store.subscribe(extra.append)
    store.insert(Partner, ACME)
    unsubscribe()
    store.insert(Partner, ACME)
    assert len(extra) == 1 and len(notices) == 2


def test_update_returns_previous_values_of_changed_fields_only(store):
    partner = store.insert(Partner, ACME)
    previous = store.update(Partner, partner, {"name": "Acme", "tier": "silver",
                                               "status": "inactive"})
    assert previous == {"tier": "gold", "status": "active"}


def test_update_compares_values_as_stored(store):
    partner = store.insert(Partner, ACME)
    contact = store.insert(Contact, {**contact_of(partner), "is_primary": True})
    activity = store.insert(Activity, {"partner": partner, "kind": "call",
                                       "occurred_on": "2026-03-01", "subject": "QBR prep"})
    stamp = store.get(Contact, contact).updated_at
    assert store.update(Contact, contact, {"is_primary": 1}) == {}
    assert store.update(Activity, activity, {"occurred_on": date(2026, 3, 1)}) == {}
    assert store.get(Contact, contact).updated_at == stamp
    assert store.update(Contact, contact, {"is_primary": False}) == {"is_primary": True}


def test_a_no_op_update_writes_nothing(store):
    partner = store.insert(Partner, ACME)
    stamp = store.get(Partner, partner).updated_at
    journalled = Change.select().count()
    assert store.update(Partner, partner, dict(ACME)) == {}
    assert store.get(Partner, partner).updated_at == stamp
    assert Change.select().count() == journalled


def test_update_of_a_missing_row_fails(store):
    with pytest.raises(Partner.DoesNotExist):
        store.update(Partner, "no-such-id", {"name": "x"})


def test_stamps_strictly_increase(store):
    partner = store.insert(Partner, ACME)
    stamps = [store.get(Partner, partner).updated_at]
    for number in range(50):
        store.update(Partner, partner, {"name": f"Acme {number}"})
        stamps.append(store.get(Partner, partner).updated_at)
        stamps.append(store.get(Partner, store.insert(Partner, ACME)).created_at)
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert all(stamp.endswith("-" + store.device_id) for stamp in stamps)


def test_ids_are_uuid7_text_unless_given(store):
    first = store.insert(Partner, ACME)
    second = store.insert(Partner, ACME)
    assert len(first) == 36 and first[14] == "7" and first < second
    assert store.insert(Partner, ACME, row_id="0190-redo") == "0190-redo"


def test_a_row_stamped_by_a_clock_ahead_of_ours_can_still_be_edited(store):
    partner = store.insert(Partner, ACME)
    ahead = _hour_ahead("otherdevice")  # e.g. a synced edit from a fast clock
    conn = store.db.connection()
    with store.transaction(), journal.muted(conn, "sync"):
        conn.execute("UPDATE partner SET tier = 'silver', updated_at = ? WHERE id = ?",
                     (ahead, partner))
    store.update(Partner, partner, {"tier": "platinum"})
    assert store.get(Partner, partner).updated_at > ahead
    # A stamp from the far future (a buggy device) no longer makes edits impossible.
    with store.transaction(), journal.muted(conn, "sync"):
        conn.execute("UPDATE partner SET updated_at = 'ffffffffffff0005-x' WHERE id = ?",
                     (partner,))
    store.update(Partner, partner, {"tier": "gold"})
    assert store.get(Partner, partner).tier == "gold"


def _hour_ahead(device: str) -> str:
    return Stamp(time.time_ns() // 1_000_000 + 3_600_000, 5, device).encode()


def test_device_id_and_clock_survive_a_reopen(db_path):
    store = open_store(db_path)
    partner = store.insert(Partner, ACME)
    device = store.device_id
    # An edit stamped well ahead of the wall clock (made while the clock was fast).
    ahead = _hour_ahead(device)
    store.db.connection().execute(
        "UPDATE partner SET name = 'Acme 2', updated_at = ? WHERE id = ?", (ahead, partner)
    )
    store.close()

    store = open_store(db_path)
    assert store.device_id == device
    later = store.insert(Partner, ACME)
    assert store.get(Partner, later).created_at > ahead
    store.close()


def test_device_ids_differ_between_databases(tmp_path):
    first = open_store(tmp_path / "a.sqlite3")
    first_id = first.device_id
    first.close()
    second = open_store(tmp_path / "b.sqlite3")
    assert second.device_id != first_id
    second.close()


def test_foreign_keys_are_checked_at_commit(store):
    with pytest.raises(peewee.IntegrityError, match="FOREIGN KEY"), store.transaction():
        store.insert(Contact, contact_of("no-such-partner"))
    assert Contact.select().count() == 0


def test_foreign_keys_allow_any_order_within_a_transaction(store):
    with store.transaction():
        contact = store.insert(Contact, contact_of("partner-applied-later"))
        store.insert(Partner, ACME, row_id="partner-applied-later")
    assert store.get(Contact, contact).partner.name == "Acme"


def test_live_hides_tombstones(store):
    kept = store.insert(Partner, ACME)
    gone = store.insert(Partner, ACME)
    store.delete(Partner, gone)
    assert [p.id for p in Partner.live()] == [kept]
    assert store.get(Partner, gone).deleted is True


def test_schema_has_no_surprises(store):
    conn: sqlite3.Connection = store.db.connection()
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
