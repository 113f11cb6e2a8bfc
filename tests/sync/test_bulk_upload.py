"""A database's first upload: big batches for a server that takes them, no download of
what was just sent, and fresh planner statistics on PostgreSQL as a team grows."""

from __future__ import annotations

import json

import pytest

from channeldesk.server import statistics
from channeldesk.server.models import ServerChange, StoredBatch, database
from channeldesk.server.push import request_hash
from channeldesk.store import journal
from channeldesk.store.models import Partner
from channeldesk.sync import outbox, push_ahead, state
from channeldesk.sync.errors import LocalDataError, Offline
from channeldesk.sync.protocol import LEGACY_BATCH, MAX_BATCH

from .harness import converge, table_hashes


def _requests(client, method: str, path: str) -> list[tuple[str, str, int]]:
    return [entry for entry in client.transport.log
            if entry[0] == method and entry[1].endswith(path)]


def _values_per_push(client) -> list[int]:
    """How many values each batch stored, changes and record fields alike (read back
    from the server's stored answers, in the order they were applied: each moved the
    team's seq by as many)."""
    with client.server.storage.session():
        answers = [json.loads(row.response) for row in StoredBatch.select()]
    seqs = sorted(answer["server_seq"] for answer in answers)
    return [seq - before for before, seq in zip([0, *seqs], seqs, strict=False)]


def _history_fields(client) -> list[str]:
    with client.server.storage.session():
        return [row[0] for row in ServerChange.select(ServerChange.field).tuples()]


def test_a_first_upload_is_sent_in_big_batches_and_not_pulled_back(make_sqlite_client):
    alice = make_sqlite_client("alice")
    for n in range(120):  # ~1,200 field values: three legacy batches, one big one
        alice.add_partner(f"Partner {n}", country="FR")
    report = alice.sync()
    assert report.pushed > LEGACY_BATCH * 2
    assert len(_requests(alice, "POST", "/push")) == 1
    assert _values_per_push(alice) == [report.pushed]
    # Nothing pulled after the push: the cursor moved past the batch's own changes.
    paths = [path for _, path, _ in alice.transport.log]
    assert paths[-1].endswith("/push")
    conn = alice.store.db.connection()
    assert state.get_int(conn, state.CURSOR) == alice.server.team().seq
    carol = make_sqlite_client("carol")
    carol.sync()
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_a_new_record_is_sent_whole_and_kept_as_one_history_entry(make_client):
    alice, carol = make_client("alice"), make_client("carol")
    partners = [alice.add_partner(f"Partner {n}", country="FR") for n in range(20)]
    for partner in partners[:5]:
        alice.add_contact(partner, f"Contact of {partner[-4:]}")
    alice.update(Partner, partners[0], {"tier": "gold"})  # after the record: on top

    report = alice.sync()

    fields = _history_fields(alice)
    assert fields.count(journal.RECORD_FIELD) == 25  # one entry per new record
    assert fields.count("tier") == 1  # the later edit, as a change of its own
    assert report.pushed == alice.server.team().seq  # every value has its seq
    conn = alice.store.db.connection()
    assert state.get_int(conn, state.CURSOR) == alice.server.team().seq
    carol.sync()
    assert carol.value(Partner, partners[0], "tier") == "gold"
    assert table_hashes(alice.store) == table_hashes(carol.store)
    carol.update(Partner, partners[1], {"country": "NO"})  # per-field edits go on top
    converge(alice, carol)
    assert alice.value(Partner, partners[1], "country") == "NO"
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_a_protocol_3_server_gets_new_records_field_by_field(make_sqlite_client,
                                                              monkeypatch):
    monkeypatch.setattr("channeldesk.server.routes_sync.PROTOCOL_VERSION", 3)
    alice, carol = make_sqlite_client("alice"), make_sqlite_client("carol")
    for n in range(3):
        alice.add_partner(f"Partner {n}")
    alice.sync()
    assert journal.RECORD_FIELD not in _history_fields(alice)
    carol.sync()
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_a_colleagues_change_between_is_still_pulled(make_sqlite_client):
    """The cursor only skips a batch when nothing of anyone else lies between."""
    alice, carol = make_sqlite_client("alice"), make_sqlite_client("carol")
    partner = alice.add_partner("Acme")
    alice.sync()
    carol.sync()
    carol.update(Partner, partner, {"country": "NO"})
    carol.sync()  # the server moved on; alice has not pulled it yet
    alice.add_partner("Initech")
    alice.engine._pull = lambda run: None  # push first, without the pull before it
    alice.sync()
    conn = alice.store.db.connection()
    assert state.get_int(conn, state.CURSOR) < alice.server.team().seq
    del alice.engine._pull
    alice.sync()
    assert alice.value(Partner, partner, "country") == "NO"
    converge(alice, carol)
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_an_older_server_gets_batches_of_500(make_sqlite_client, monkeypatch):
    # A protocol-2 server names no version on its pages.
    monkeypatch.setattr("channeldesk.server.routes_sync.PROTOCOL_VERSION", 2)
    alice = make_sqlite_client("alice")
    for n in range(120):
        alice.add_partner(f"Partner {n}", country="FR")
    report = alice.sync()
    sizes = _values_per_push(alice)
    assert len(sizes) >= 3 and max(sizes) <= LEGACY_BATCH
    assert sum(sizes) == report.pushed
    carol = make_sqlite_client("carol")
    carol.sync()
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_a_batch_is_cut_before_its_values_outgrow_the_body_limit():
    long_text = "x" * 90_000
    entries = [outbox.Entry(seq, f"{seq:032x}", "partner", f"row-{seq}", "notes",
                            long_text, "0192f3a4b5c60000-3fa2c9d1")
               for seq in range(1, 61)]
    batches = list(outbox.chunks(entries, MAX_BATCH))
    assert sum(len(batch) for batch in batches) == 60
    assert all(sum(len(e.value) for e in batch) <= outbox.BATCH_TEXT_BUDGET
               for batch in batches)
    assert len(batches) > 1


def test_later_edits_of_new_records_come_along_from_the_index():
    def entry(seq: int, row: str, field: str) -> outbox.Entry:
        return outbox.Entry(seq, f"{seq:032x}", "partner", row, field, "v",
                            "0192f3a4b5c60000-3fa2c9d1")

    entries = [entry(1, "a", "created_at"), entry(2, "a", "name"), entry(3, "b", "name"),
               entry(4, "a", "city"), entry(5, "c", "created_at")]
    rows = outbox.by_row(entries)
    chunk = entries[:2]
    assert [e.seq for e in outbox.with_rest_of_new_rows(chunk, rows)] == [1, 2, 4]
    assert [e.seq for e in outbox.with_rest_of_new_rows(entries[2:4], rows)] == [3, 4]


def test_statistics_are_refreshed_as_a_team_doubles():
    assert not statistics.due(None, statistics.FIRST_AT - 1)
    assert statistics.due(None, statistics.FIRST_AT)
    assert not statistics.due(10_000, 19_999)
    assert statistics.due(10_000, 20_000)


def test_the_server_analyses_its_tables_after_a_team_grew(make_client, monkeypatch):
    monkeypatch.setattr(statistics, "FIRST_AT", 5)
    alice = make_client("alice")
    storage = alice.server.storage
    for n in range(3):
        alice.add_partner(f"Partner {n}")
    alice.sync()
    team = alice.server.team()
    if storage.kind != "postgresql":
        assert storage.analyzed_at == {}
        return
    assert storage.analyzed_at == {team.id: team.seq}
    assert storage.analyzing is not None
    storage.analyzing.join(timeout=60)
    with storage.session():
        analysed = database.execute_sql(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN "
            "('server_change', 'field_state') AND (last_analyze IS NOT NULL "
            "OR analyze_count > 0)").fetchone()[0]
    assert analysed == 2
    alice.add_partner("One more")  # far from doubling: no second ANALYZE
    alice.sync()
    assert storage.analyzed_at == {team.id: team.seq}


def test_a_value_no_server_can_store_is_named_and_nothing_is_sent(make_sqlite_client):
    """A batch is validated as a whole; the change it cannot carry is still named."""
    alice = make_sqlite_client("alice")
    for n in range(5):
        alice.add_partner(f"Partner {n}")
    broken = alice.add_partner("Initech")
    conn = alice.store.db.connection()
    # As a damaged or hand-edited file could hold it; the record's journal entry
    # sends the row's values as stored.
    with alice.store.transaction(), journal.muted(conn, "test"):
        conn.execute("UPDATE partner SET website = ? WHERE id = ?", ("a\x00b", broken))
    with pytest.raises(LocalDataError, match=f"website in partner {broken} cannot be sent"):
        alice.sync()
    assert _requests(alice, "POST", "/push") == []
    assert state.get(conn, state.PENDING_BATCH) is None


def test_the_stored_batch_is_the_request_sent(make_sqlite_client):
    """One serialisation serves both: the pending batch read back is what went out."""
    alice = make_sqlite_client("alice")
    alice.add_partner("Acme", website="https://acme.example", phone="+33 1 23 45 67 89")
    alice.transport.fail("drop_response", "/push")
    with pytest.raises(Offline):
        alice.sync()
    conn = alice.store.db.connection()
    stored = outbox.pending(conn)
    assert stored is not None
    assert json.loads(stored.request_json) == stored.request.model_dump(mode="json")
    assert json.loads(stored.dump())["last_seq"] == stored.last_seq
    with alice.server.storage.session():
        sent = [row.request_hash for row in StoredBatch.select()]
    assert sent == [request_hash(stored.request)]
    assert alice.sync().conflicts == 0  # the replay is answered from the server's store
    assert state.get(conn, state.PENDING_BATCH) is None


def test_a_damaged_device_id_asks_for_a_new_sign_in(make_sqlite_client):
    alice = make_sqlite_client("alice")
    alice.add_partner("Acme")
    with pytest.raises(LocalDataError, match="sign in to the team server again"):
        outbox.build(alice.store.db.connection(),
                     outbox.outbox(alice.store.db.connection(), 0), "not a device id")


def _watch_builds(monkeypatch) -> list[bool]:
    """For each ``outbox.build`` of a push, whether it ran while the batch before was
    being sent (inside ``push_ahead.post_while``, which sends first and then builds)."""
    ahead = [False]
    builds: list[bool] = []
    real_post_while, real_build = push_ahead.post_while, outbox.build

    def post_while(post, build):
        if build is None:
            return real_post_while(post, None)

        def flagged():
            ahead[0] = True
            try:
                return build()
            finally:
                ahead[0] = False
        return real_post_while(post, flagged)

    def build(*args, **kwargs):
        builds.append(ahead[0])
        return real_build(*args, **kwargs)

    monkeypatch.setattr(push_ahead, "post_while", post_while)
    monkeypatch.setattr(outbox, "build", build)
    return builds


def test_the_next_batch_is_built_while_the_previous_one_is_on_its_way(make_client,
                                                                      monkeypatch):
    alice, carol = make_client("alice", max_batch=50), make_client("carol")
    for n in range(60):
        alice.add_partner(f"Partner {n}", country="FR")
    alice.sync()  # the first sync learns the server's protocol; nothing to send yet
    for n in range(60, 120):
        alice.add_partner(f"Partner {n}", country="DE")
    builds = _watch_builds(monkeypatch)
    before = len(_requests(alice, "POST", "/push"))

    report = alice.sync()

    pushes = len(_requests(alice, "POST", "/push")) - before
    assert pushes >= 3 and report.conflicts == 0
    assert builds == [False] + [True] * (pushes - 1)  # each built once, all but the first
    carol.sync()                                      # while the one before was sent
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_a_batch_built_ahead_is_built_again_when_it_shares_a_record(make_client,
                                                                   monkeypatch):
    """A record's later edit brought forward into the batch that creates it is sent
    again by a later batch, on the version the first answer gave it: that batch is
    built again after the answer, not taken as it was built ahead."""
    alice, carol = make_client("alice", max_batch=50), make_client("carol")
    alice.sync()
    first = alice.add_partner("Partner 0", country="FR")
    for n in range(1, 20):
        alice.add_partner(f"Partner {n}", country="FR")
    alice.update(Partner, first, {"tier": "gold"})  # at the outbox's end
    builds = _watch_builds(monkeypatch)

    report = alice.sync()

    assert report.conflicts == 0 and len(_requests(alice, "POST", "/push")) == 2
    assert builds == [False, True, False]  # the second, built ahead and built again
    assert _history_fields(alice).count("tier") == 1  # its re-send stored nothing
    # Answered with the version its first answer recorded: nothing to read again.
    conn = alice.store.db.connection()
    assert state.get_int(conn, state.CURSOR) == alice.server.team().seq
    carol.sync()
    assert carol.value(Partner, first, "tier") == "gold"
    assert table_hashes(alice.store) == table_hashes(carol.store)


def test_a_batch_that_cannot_be_built_ahead_fails_after_the_answer_is_recorded(
        make_sqlite_client):
    """The error of a batch built ahead surfaces in its turn: the batch in flight then
    is recorded first, and nothing of the broken one is sent or stored."""
    alice = make_sqlite_client("alice", max_batch=50)
    alice.sync()
    for n in range(20):
        alice.add_partner(f"Partner {n}")
    broken = alice.add_partner("Initech")  # in the second batch
    conn = alice.store.db.connection()
    with alice.store.transaction(), journal.muted(conn, "test"):
        conn.execute("UPDATE partner SET website = ? WHERE id = ?", ("a\x00b", broken))
    with pytest.raises(LocalDataError, match=f"website in partner {broken} cannot be sent"):
        alice.sync()
    assert len(_requests(alice, "POST", "/push")) == 1
    assert state.get(conn, state.PENDING_BATCH) is None
    assert state.get_int(conn, state.PUSHED_THROUGH) > 0  # the first answer was recorded
    assert _values_per_push(alice) == [alice.server.team().seq]
