"""Two or three desktops edit offline, sync, and end up with the same data."""

from __future__ import annotations

import datetime as dt
import threading

from channeldesk.store import write_guards
from channeldesk.store.description import Kind, description_for
from channeldesk.store.models import Activity, Contact, Partner, synced_models
from channeldesk.sync import state

from .harness import converge, table_hashes
from .samples import valid_value


def test_offline_edits_on_both_sides_converge(make_client):
    alice, carol = make_client("alice"), make_client("carol")
    acme = alice.add_partner("Acme Resellers", country="DE")
    contact_id = alice.add_contact(acme, "Jo Miller", email="jo@acme.example")
    globex = carol.add_partner("Globex MSP", tier="gold")

    first = alice.sync()
    assert first.pushed > 0 and first.conflicts == 0
    report = carol.sync()
    assert report.pulled > 0 and report.pushed > 0
    alice.sync()

    assert table_hashes(alice.store) == table_hashes(carol.store)
    assert carol.value(Partner, acme, "country") == "DE"
    assert alice.value(Partner, globex, "tier") == "gold"
    contact = carol.get(Contact, contact_id)
    assert contact.partner_id == acme and contact.email == "jo@acme.example"


def test_three_clients_converge_after_edits_deletes_and_restores(make_client):
    clients = [make_client(name) for name in ("alice", "carol", "dave")]
    alice, carol, dave = clients
    ids = [alice.add_partner(f"Partner {n}") for n in range(5)]
    converge(*clients)
    carol.update(Partner, ids[0], {"phone": "+49 30 1234"})
    dave.delete(Partner, ids[1])
    alice.update(Partner, ids[2], {"status": "inactive"})
    dave.delete(Partner, ids[3])
    dave.restore(Partner, ids[3])
    converge(*clients)
    reference = table_hashes(alice.store)
    assert all(table_hashes(c.store) == reference for c in clients)
    assert carol.get(Partner, ids[1]).deleted is True
    assert dave.value(Partner, ids[0], "phone") == "+49 30 1234"


def test_a_second_sync_with_nothing_new_changes_nothing(make_client):
    alice, carol = make_client("alice"), make_client("carol")
    alice.add_partner("Acme")
    converge(alice, carol)
    before = table_hashes(carol.store)
    journal = carol.store.db.connection().execute("SELECT count(*) FROM change").fetchone()
    report = carol.sync()
    assert (report.pulled, report.pushed, report.conflicts) == (0, 0, 0)
    assert table_hashes(carol.store) == before
    assert carol.store.db.connection().execute(
        "SELECT count(*) FROM change").fetchone() == journal


def test_pulled_changes_are_not_journalled_again(make_client):
    alice, carol = make_client("alice"), make_client("carol")
    alice.add_partner("Acme")
    converge(alice, carol)
    conn = carol.store.db.connection()
    assert conn.execute("SELECT count(*) FROM change").fetchone()[0] == 0
    assert state.get_int(conn, state.CURSOR) == alice.server.team().seq


def _sample_values(model, n: int) -> dict:
    """A valid value for every editable field of a model (its description's rules),
    different per n."""
    description = description_for(model._meta.table_name)
    values = {}
    for name in model.editable_fields():
        field = model._meta.fields[name]
        if type(field).__name__ == "ForeignKeyField":
            continue
        spec = description.field(name)
        value = valid_value(description, spec, n)
        if spec.kind is Kind.DATE:
            value = dt.date.fromisoformat(value)
        elif spec.kind is Kind.BOOL:
            value = bool(value)
        values[name] = value
    return values


def _unlocked_choices(model) -> dict:
    """The first choice of each choice field of a table a write guard watches: a
    sampled one (a signed plan) would lock the rows still to come, and a status only
    reaches it through its workflow."""
    if not write_guards.guarded(model._meta.table_name):
        return {}
    description = description_for(model._meta.table_name)
    return {spec.name: spec.choices[0][0] for spec in description.editable_fields()
            if spec.kind is Kind.CHOICE}


def test_every_synced_table_round_trips(make_client):
    """Walks synced_models(), so a table added later is covered without anyone
    remembering to: a row of each, every field set, arrives identical."""
    alice, carol = make_client("alice"), make_client("carol")
    created: dict[type, str] = {}
    pending = list(synced_models())
    while pending:
        model = pending.pop(0)
        values = _sample_values(model, len(created))
        foreign = [f for f in model._meta.fields.values() if type(f).__name__ ==
                   "ForeignKeyField"]
        # A link to a row of the same table (a plan's revision) is left empty.
        if any(f.rel_model not in created and f.rel_model is not model for f in foreign):
            pending.append(model)
            continue
        for f in foreign:
            values[f.name] = created.get(f.rel_model)
        created[model] = alice.insert(model, {**values, **_unlocked_choices(model)})
    converge(alice, carol)
    for model, row_id in created.items():
        mine, theirs = alice.get(model, row_id), carol.get(model, row_id)
        assert theirs is not None, model.__name__
        for name in model._meta.sorted_field_names:
            if name != "updated_at":
                assert getattr(theirs, name) == getattr(mine, name), (model.__name__, name)
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_listeners_hear_which_rows_a_pull_changed(make_client):
    alice, carol = make_client("alice"), make_client("carol")
    acme = alice.add_partner("Acme")
    activity = alice.insert(Activity, {"partner": acme, "kind": "call",
                                             "occurred_on": dt.date(2026, 3, 1),
                                             "subject": "QBR"})
    alice.sync()
    heard = []
    carol.store.subscribe(heard.append)
    carol.sync()
    rows = {table: set(ids) for notice in heard for table, ids in notice.rows.items()}
    assert rows == {"partner": {acme}, "activity": {activity}}


def test_progress_is_reported_and_cancel_stops_between_batches(make_client):
    alice = make_client("alice", max_batch=500)
    for n in range(1200):
        alice.add_partner(f"Partner {n:04}")
    cancel = threading.Event()
    seen = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append((done, total, message))
        if message == "Sending changes" and done == 1:
            cancel.set()

    report = alice.sync(progress=progress, cancel=cancel)
    assert report.cancelled
    conn = alice.store.db.connection()
    assert state.get(conn, state.PENDING_BATCH) is None
    assert 0 < report.pushed < 1200 * 5
    assert ("Sending changes" in {message for _, _, message in seen})
    report = alice.sync()
    assert not report.cancelled and report.pushed > 0
