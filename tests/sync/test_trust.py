"""One bad value from one device never stalls a team (issue 11): what the server refuses
is shown to the pushing user as a conflict with the reason; what an older server (or a
restored backup) sends that the rules do not allow is kept aside, never a stuck sync;
clock stamps from far in the future do not break later edits."""

from __future__ import annotations

import pytest

from channeldesk.store.models import Contact, Partner
from channeldesk.sync import conflicts

from .harness import converge, table_hashes
from .raw_device import raw_push


@pytest.fixture
def pair(make_client):
    alice, carol = make_client("alice"), make_client("carol")
    partner = alice.add_partner("Acme Resellers")
    converge(alice, carol)
    return alice, carol, partner


def test_a_refused_value_is_a_conflict_with_the_reason_and_fixing_it_syncs(pair):
    alice, carol, partner = pair
    conn = alice.store.db.connection()  # an edit the forms would refuse, written raw
    with alice.activate().transaction():
        conn.execute("UPDATE partner SET tier = 'diamond', updated_at = ? WHERE id = ?",
                     (alice.store.clock.now(), partner))
    report = alice.sync()
    assert report.rejected == 1 and report.open_conflicts == 1
    [refused] = conflicts.list_conflicts(alice.store)
    assert refused.kind == "rejected" and refused.theirs == "silver"
    assert refused.reason_text.startswith("The server refused this value because "
                                          "'diamond' is not a tier")
    assert alice.value(Partner, partner, "tier") == "diamond"  # kept, for the user to fix
    carol.sync()
    assert carol.value(Partner, partner, "tier") == "silver"  # nothing invalid reached her
    alice.update(Partner, partner, {"tier": "gold"})  # the fix, as an ordinary edit
    alice.sync()
    assert conflicts.list_conflicts(alice.store) == []
    carol.sync()
    assert carol.value(Partner, partner, "tier") == "gold"


def test_invalid_pulled_values_are_quarantined_and_a_correction_unsticks(pair, monkeypatch):
    alice, carol, partner = pair
    carol.update(Partner, partner, {"phone": "+1 555 0100"})  # her own edit must get out
    raw_push(carol.server, monkeypatch, [
        {"table": "partner", "row_id": partner, "field": "name", "value": None},
        {"table": "partner", "row_id": partner, "field": "tier", "value": "diamond<script>"},
        {"table": "partner", "row_id": partner, "field": "country", "value": "Norway"}])
    report = carol.sync()  # was: exit 3 "NOT NULL constraint failed: partner.name"
    assert report.quarantined == 2 and report.pushed == 1
    assert carol.value(Partner, partner, "name") == "Acme Resellers"
    assert carol.value(Partner, partner, "country") == "Norway"  # the rest of the page
    kept = {c.field: c for c in conflicts.list_conflicts(carol.store)}
    assert set(kept) == {"name", "tier"} and kept["tier"].kind == "quarantined"
    assert "not allow" in kept["tier"].reason_text
    raw_push(carol.server, monkeypatch, [  # corrected on the server
        {"table": "partner", "row_id": partner, "field": "name", "value": "Acme AS"},
        {"table": "partner", "row_id": partner, "field": "tier", "value": "gold"}])
    carol.sync()
    assert conflicts.list_conflicts(carol.store) == []
    assert carol.value(Partner, partner, "name") == "Acme AS"
    alice.sync()
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_keeping_mine_puts_a_valid_value_back_on_the_server(pair, monkeypatch):
    alice, carol, partner = pair
    raw_push(carol.server, monkeypatch, [
        {"table": "partner", "row_id": partner, "field": "tier", "value": 7}])
    carol.sync()
    [kept] = conflicts.list_conflicts(carol.store)
    with pytest.raises(ValueError, match="cannot be taken"):
        conflicts.resolve(carol.store, kept.id, "keep_theirs")
    conflicts.resolve(carol.store, kept.id, "keep_mine")
    carol.sync()
    alice.sync()
    assert alice.value(Partner, partner, "tier") == "silver"
    assert conflicts.list_conflicts(alice.store) == []


def test_a_stamp_from_the_far_future_does_not_break_later_edits(pair, monkeypatch):
    alice, carol, partner = pair
    raw_push(carol.server, monkeypatch, [
        {"table": "partner", "row_id": partner, "field": "country", "value": "Norway",
         "hlc": "ffffffffffffffff-attacker"}])
    carol.sync()
    assert carol.value(Partner, partner, "country") == "Norway"
    carol.update(Partner, partner, {"country": "Sweden"})  # was: OverflowError
    carol.update(Partner, carol.add_partner("Later"), {"tier": "gold"})
    carol.sync()
    alice.sync()
    assert alice.value(Partner, partner, "country") == "Sweden"


def test_a_row_already_stamped_in_the_far_future_can_be_edited(pair):
    alice, _carol, partner = pair
    conn = alice.store.db.connection()  # what an older version wrote from a pull
    with alice.activate().transaction():
        conn.execute("INSERT INTO journal_mute (reason) VALUES ('test')")
        conn.execute("UPDATE partner SET updated_at = 'ffffffffffffffff-x' WHERE id = ?",
                     (partner,))
        conn.execute("DELETE FROM journal_mute")
    alice.update(Partner, partner, {"country": "Norway"})
    assert alice.value(Partner, partner, "country") == "Norway"
    with alice.activate().transaction():
        conn.execute("INSERT INTO journal_mute (reason) VALUES ('test')")
        conn.execute("UPDATE partner SET updated_at = 'ffffffffffffffff-x' WHERE id = ?",
                     (partner,))
        conn.execute("DELETE FROM journal_mute")
    alice.activate().set_deleted_many(Partner, [partner], True)  # an undone import
    assert alice.value(Partner, partner, "deleted") is True


def test_a_contact_added_to_a_partner_deleted_elsewhere_is_a_conflict(pair):
    alice, carol, partner = pair
    alice.delete(Partner, partner)
    alice.sync()
    contact = carol.add_contact(partner, "Dana Scully")
    report = carol.sync()
    assert report.rejected > 0
    found = conflicts.list_conflicts(carol.store)
    why = {c.reason_text for c in found if c.reason_code == "parent_deleted"}
    assert why == {"The server refused this value because the partner was deleted by "
                   "alice@acme.example while you added a contact to it; restore the "
                   "partner or discard the contact."}
    alice.sync()
    assert alice.get(Contact, contact) is None  # never a live, invisible contact
    reference = next(c for c in found if c.reason_code == "parent_deleted")
    conflicts.resolve(carol.store, reference.id, "keep_mine")  # restore the partner
    carol.sync()
    assert conflicts.list_conflicts(carol.store) == []
    alice.sync()
    assert alice.value(Partner, partner, "deleted") is False
    assert alice.value(Contact, contact, "name") == "Dana Scully"


def test_discarding_the_contact_of_a_deleted_partner(pair):
    alice, carol, partner = pair
    alice.delete(Partner, partner)
    alice.sync()
    contact = carol.add_contact(partner, "Dana Scully")
    carol.sync()
    found = conflicts.list_conflicts(carol.store)
    conflicts.resolve(carol.store, found[0].id, "keep_theirs")  # discard the contact
    assert conflicts.list_conflicts(carol.store) == []
    assert carol.get(Contact, contact) is None  # nobody else ever had it
    carol.sync()
    alice.sync()
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_a_record_created_then_edited_arrives_whole_across_batches(make_client):
    """The outbox holds a field's latest entry: a partner inserted first and renamed
    after 700 other entries has its name past the first batch's end. The server refuses
    a new record that does not arrive whole, so the batch brings the name forward."""
    alice, carol = make_client("alice"), make_client("carol")
    first = alice.add_partner("First")
    others = [alice.add_partner(f"Partner {n}") for n in range(60)]
    alice.update(Partner, first, {"name": "First, renamed"})
    report = alice.sync()
    assert report.conflicts == 0 and report.open_conflicts == 0
    carol.sync()
    assert carol.value(Partner, first, "name") == "First, renamed"
    assert carol.value(Partner, others[-1], "name") == "Partner 59"
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_an_invalid_value_meeting_my_unsent_edit_never_replaces_it(pair, monkeypatch):
    alice, carol, partner = pair
    carol.update(Partner, partner, {"tier": "gold"})  # not sent yet
    raw_push(carol.server, monkeypatch, [
        {"table": "partner", "row_id": partner, "field": "tier", "value": "diamond"}])
    carol.sync()
    assert carol.value(Partner, partner, "tier") == "gold"
    [found] = conflicts.list_conflicts(carol.store)  # mine against the invalid theirs
    with pytest.raises(ValueError, match="cannot be taken"):
        conflicts.resolve(carol.store, found.id, "keep_theirs")
    conflicts.resolve(carol.store, found.id, "keep_mine")
    carol.sync()
    alice.sync()
    assert alice.value(Partner, partner, "tier") == "gold"


def test_a_contact_of_a_partner_that_never_existed_is_kept_aside(pair, monkeypatch):
    """An older server took a contact pointing at no partner: the teammate's database
    keeps no broken reference (``check`` would call it unhealthy)."""
    _alice, carol, partner = pair
    raw_push(carol.server, monkeypatch, [
        {"table": "contact", "row_id": "c-ghost", "field": field, "value": value}
        for field, value in (("partner_id", "no-such-partner"), ("name", "Ghost"),
                             ("deleted", 0), ("created_at", "0192f3a4b5c60000-old"))])
    raw_push(carol.server, monkeypatch, [  # and a good one in the same history
        {"table": "contact", "row_id": "c-real", "field": field, "value": value}
        for field, value in (("partner_id", partner), ("name", "Real"), ("deleted", 0),
                             ("created_at", "0192f3a4b5c60000-old"))])
    report = carol.sync()
    assert report.quarantined == 1
    assert carol.get(Contact, "c-ghost") is None
    assert carol.value(Contact, "c-real", "name") == "Real"
    conn = carol.store.db.connection()
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    [kept] = conflicts.list_conflicts(carol.store)
    assert "never received" in kept.reason_text


def test_the_notice_of_a_record_that_never_arrived_can_be_set_aside(pair, monkeypatch):
    """The kept-aside value was one the record needs, so the record is not here: the user
    can acknowledge the notice (keep mine), not type into a record that is not there; a
    valid value from the server later brings the record."""
    _alice, carol, partner = pair
    raw_push(carol.server, monkeypatch, [
        {"table": "contact", "row_id": "c-bad", "field": field, "value": value}
        for field, value in (("partner_id", None), ("name", "Dana"), ("deleted", 0),
                             ("created_at", "0192f3a4b5c60000-old"))])
    carol.sync()
    [kept] = conflicts.list_conflicts(carol.store)
    assert kept.kind == "quarantined" and carol.get(Contact, "c-bad") is None
    with pytest.raises(ValueError, match="never arrived"):
        conflicts.resolve(carol.store, kept.id, "merged", "Dana")
    conflicts.resolve(carol.store, kept.id, "keep_mine")  # was: "no longer exists"
    assert conflicts.list_conflicts(carol.store) == []
    assert carol.sync().pushed == 0  # nothing of carol's was invented for it
    raw_push(carol.server, monkeypatch, [
        {"table": "contact", "row_id": "c-bad", "field": "partner_id", "value": partner}])
    carol.sync()
    assert carol.value(Contact, "c-bad", "name") == "Dana"
