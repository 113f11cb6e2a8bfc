"""Push semantics of DESIGN.md §4: seq order, per-field conflicts, deleted rows, atomic
batches and idempotency."""

from __future__ import annotations

import pytest

from channeldesk.server.models import FieldState, ServerChange, StoredBatch, Team
from channeldesk.server.push import Accepted, answer_text, dump_value
from channeldesk.sync.protocol import MAX_BATCH, PushResponse, PushResult

from .wire import batch, change, new_id, pull_all, push

# Abstract rows ("plan", "x", "target"): the protocol's mechanics, not the value checks.
pytestmark = pytest.mark.usefixtures("unchecked_values")


def _state(app):
    """Everything a push can change, for before/after comparisons."""
    with app.state.storage.session():
        return (list(Team.select(Team.id, Team.seq, Team.epoch).order_by(Team.id).tuples()),
                list(ServerChange.select(ServerChange.seq, ServerChange.change_id,
                                         ServerChange.value).order_by(ServerChange.seq)
                     .tuples()),
                list(FieldState.select().order_by(FieldState.table_name, FieldState.row_id,
                                                  FieldState.field).tuples()),
                StoredBatch.select().count())


def test_accepted_changes_get_consecutive_seqs_in_batch_order(client, alice):
    first = push(client, alice, change("partner", "p1", "name", "Acme"),
                 change("partner", "p1", "tier", "gold"),
                 change("partner", "p2", "name", "Globex"))
    assert [r["status"] for r in first["results"]] == ["accepted"] * 3
    assert [r["seq"] for r in first["results"]] == [1, 2, 3]
    assert first["server_seq"] == 3
    assert len(first["epoch"]) == 32
    second = push(client, alice, change("partner", "p1", "name", "Acme Inc", base_seq=3))
    assert second["results"][0]["seq"] == 4
    assert second["server_seq"] == 4
    assert second["epoch"] == first["epoch"]
    result = first["results"][0]
    assert result["server_value"] == "Acme"
    assert result["server_device"] == alice.device_id
    assert result["row_deleted"] is False
    pulled = pull_all(client, alice)
    assert [c["seq"] for c in pulled] == [1, 2, 3, 4]
    assert [c["value"] for c in pulled] == ["Acme", "gold", "Globex", "Acme Inc"]


def test_values_of_every_journal_type_round_trip(client, alice):
    values = ["text ünïcødé", 42, -(2**63), 2**63 - 1, 3.25, None, "", True, False]
    changes = [change("partner", "p1", f"f{number}", value)
               for number, value in enumerate(values)]
    push(client, alice, *changes)
    pulled = {c["field"]: c["value"] for c in pull_all(client, alice)}
    expected = [1 if v is True else 0 if v is False else v for v in values]
    assert [pulled[f"f{number}"] for number in range(len(values))] == expected
    assert isinstance(pulled["f4"], float) and isinstance(pulled["f1"], int)


def test_stale_base_with_a_different_value_is_a_conflict_and_stores_nothing(client, alice,
                                                                          carol):
    push(client, alice, change("partner", "p1", "name", "Acme"))              # seq 1
    push(client, carol, change("partner", "p1", "name", "Carol's", base_seq=1))  # seq 2
    before = pull_all(client, alice)
    answer = push(client, alice, change("partner", "p1", "name", "Alice's", base_seq=1),
                  change("partner", "p1", "tier", "gold", base_seq=1))
    conflict, accepted = answer["results"]
    assert conflict["status"] == "conflict"
    assert conflict["seq"] == 2
    assert conflict["server_value"] == "Carol's"
    assert conflict["server_device"] == carol.device_id
    assert conflict["server_hlc"] == before[1]["hlc"]
    assert conflict["row_deleted"] is False
    assert accepted["status"] == "accepted" and accepted["seq"] == 3  # the batch goes on
    assert answer["server_seq"] == 3
    after = pull_all(client, alice)
    assert [c["value"] for c in after] == ["Acme", "Carol's", "gold"]


def test_no_conflict_when_the_value_is_the_same_or_the_base_is_current(client, alice,
                                                                         carol):
    push(client, alice, change("partner", "p1", "name", "Acme"))              # seq 1
    push(client, carol, change("partner", "p1", "name", "Same", base_seq=1))  # seq 2
    same = push(client, alice, change("partner", "p1", "name", "Same", base_seq=1))
    assert same["results"][0]["status"] == "accepted"
    assert same["results"][0]["seq"] == 3
    current = push(client, alice, change("partner", "p1", "name", "New", base_seq=2))
    assert current["results"][0]["status"] == "accepted"
    assert current["results"][0]["seq"] == 4
    # A field nobody has touched never conflicts, whatever the base.
    fresh = push(client, carol, change("partner", "p9", "name", "Fresh", base_seq=0))
    assert fresh["results"][0]["status"] == "accepted"


def test_1_and_1_0_are_the_same_value_but_1_and_text_1_are_not(client, alice, carol):
    push(client, alice, change("plan", "x", "target", 1))                    # seq 1
    push(client, carol, change("plan", "x", "target", 1.0, base_seq=1))      # seq 2
    same = push(client, alice, change("plan", "x", "target", 1.0, base_seq=0))  # seq 3
    assert same["results"][0]["status"] == "accepted"
    text = push(client, carol, change("plan", "x", "target", "1", base_seq=2))
    assert text["results"][0]["status"] == "conflict"
    assert text["results"][0]["server_value"] == 1.0
    number = push(client, carol, change("plan", "x", "target", 1, base_seq=2))
    assert number["results"][0]["status"] == "accepted"


def test_a_devices_own_later_edits_do_not_conflict_with_its_earlier_ones(client, alice,
                                                                        carol):
    push(client, carol, change("partner", "p1", "name", "Acme"))  # seq 1, pulled by alice
    answer = push(client, alice, change("partner", "p1", "name", "A1", base_seq=1),
                  change("partner", "p1", "name", "A2", base_seq=1))
    assert [r["status"] for r in answer["results"]] == ["accepted", "accepted"]
    later = push(client, alice, change("partner", "p1", "name", "A3", base_seq=1))
    assert later["results"][0]["status"] == "accepted"
    # ...but another device's edit in between still conflicts.
    push(client, carol, change("partner", "p1", "name", "C", base_seq=4))  # seq 5
    answer = push(client, alice, change("partner", "p1", "name", "A4", base_seq=1))
    assert answer["results"][0]["status"] == "conflict"
    assert answer["results"][0]["server_value"] == "C"
    assert answer["results"][0]["seq"] == 5


def test_editing_a_row_someone_else_deleted_is_a_conflict(client, alice, carol):
    push(client, alice, change("partner", "p1", "name", "Acme"),
         change("partner", "p1", "deleted", 0))                           # seq 1, 2
    push(client, carol, change("partner", "p1", "deleted", 1, base_seq=2))  # seq 3
    answer = push(client, alice, change("partner", "p1", "name", "Acme 2", base_seq=2),
                  change("partner", "p1", "phone", "+1 555", base_seq=2))
    edit, new_field = answer["results"]
    assert edit["status"] == "conflict" and edit["row_deleted"] is True
    assert edit["server_value"] == "Acme" and edit["seq"] == 1
    # A field the server never had: the deletion is what it conflicts with, and no
    # value is sent for the field (a client once wrote the deletion's 1 into it).
    assert new_field["status"] == "conflict" and new_field["row_deleted"] is True
    assert new_field["seq"] == 3 and new_field["server_device"]
    assert new_field["server_value"] is None and new_field["server_hlc"] is None
    assert answer["server_seq"] == 3
    # Undeleting is a change to `deleted` itself: allowed when made on the deletion.
    restore = push(client, alice, change("partner", "p1", "deleted", 0, base_seq=3),
                   change("partner", "p1", "name", "Acme 2", base_seq=3))
    assert [r["status"] for r in restore["results"]] == ["accepted", "accepted"]


def test_deleting_a_row_again_or_editing_it_on_a_known_deletion_is_no_conflict(client,
                                                                               alice,
                                                                               carol):
    push(client, carol, change("partner", "p1", "deleted", 1))  # seq 1
    answer = push(client, alice, change("partner", "p1", "deleted", 1, base_seq=0),
                  change("partner", "p1", "notes", "kept", base_seq=1))
    assert [r["status"] for r in answer["results"]] == ["accepted", "accepted"]


def test_a_row_deleted_by_the_same_device_is_not_a_conflict_for_it(client, alice):
    push(client, alice, change("partner", "p1", "deleted", 1))
    answer = push(client, alice, change("partner", "p1", "name", "late", base_seq=0))
    assert answer["results"][0]["status"] == "accepted"


def test_a_batch_with_one_invalid_change_is_rejected_whole(client, server_app, alice):
    push(client, alice, change("partner", "p1", "name", "Acme"))
    before = _state(server_app)
    bad_changes = [
        {**change("Partner", "p1", "name", "x")},                 # not an identifier
        {**change("partner", "p1", "name", "x"), "hlc": "yesterday"},
        {**change("partner", "p1", "name", "x"), "base_seq": -1},
        {**change("partner", "p1", "name", "x"), "value": {"nested": 1}},
        {**change("partner", "p1", "name", "x"), "value": "x" * 100_001},
        {**change("partner", "p1", "name", "x"), "value": 2**63},
        {**change("partner", "p1", "drop table", "x")},
        {**change("partner", "p 1", "name", "x")},
        {**change("partner", "p1", "name", "x"), "extra": 1},
        {**change("partner", "p1", "name", "x"), "change_id": "42"},
    ]
    for bad in bad_changes:
        body = batch(alice, change("partner", "p2", "name", "ok"), bad)
        response = client.post("/v1/push", json=body, headers=alice.headers)
        assert response.status_code == 422, bad
        error = response.json()
        assert error["error"] == "invalid_request"
        assert error["errors"] and error["errors"][0]["loc"][:3] == ["body", "changes", 1]
        assert _state(server_app) == before


def test_more_than_max_batch_changes_in_one_batch_is_refused(client, server_app, alice):
    before = _state(server_app)
    changes = [change("partner", f"p{n}", "name", "x") for n in range(MAX_BATCH + 1)]
    response = client.post("/v1/push", json=batch(alice, *changes), headers=alice.headers)
    assert response.status_code == 422
    assert _state(server_app) == before
    assert push(client, alice, *changes[:MAX_BATCH])["server_seq"] == MAX_BATCH


def test_a_replayed_batch_gets_the_identical_response_and_changes_nothing(client, server_app,
                                                                         alice, carol):
    push(client, carol, change("partner", "p1", "name", "Carol's"))
    body = batch(alice, change("partner", "p1", "name", "Alice's", base_seq=0),
                 change("partner", "p2", "name", "New"))
    first = client.post("/v1/push", json=body, headers=alice.headers)
    state = _state(server_app)
    push(client, carol, change("partner", "p2", "name", "moved on", base_seq=3))
    state_after_carol = _state(server_app)
    for _ in range(5):
        again = client.post("/v1/push", json=body, headers=alice.headers)
        assert again.status_code == 200
        assert again.json() == first.json()  # the same answer, even after carol's edit
        assert _state(server_app) == state_after_carol
    assert state[3] + 1 == state_after_carol[3]


def test_a_batch_id_reused_for_different_content_is_refused(client, alice):
    batch_id = new_id()
    push(client, alice, change("partner", "p1", "name", "x"), batch_id=batch_id)
    answer = push(client, alice, change("partner", "p1", "name", "y"), batch_id=batch_id,
                  expect=409)
    assert answer["error"] == "batch_id_reused"


def test_a_change_id_seen_before_returns_its_result_without_a_duplicate(client, server_app,
                                                                       alice):
    original = change("partner", "p1", "name", "Acme")
    first = push(client, alice, original)
    push(client, alice, change("partner", "p1", "name", "Later", base_seq=1))
    for _ in range(3):
        again = push(client, alice, dict(original), change("partner", "p3", "name", "z"))
        assert again["results"][0] == first["results"][0]
        assert again["results"][1]["status"] == "accepted"
    with server_app.state.storage.session():
        assert ServerChange.select().where(
            ServerChange.change_id == original["change_id"]).count() == 1
    assert [c["value"] for c in pull_all(client, alice)][:2] == ["Acme", "Later"]


def test_the_same_change_id_twice_in_one_batch_is_applied_once(client, alice):
    one = change("partner", "p1", "name", "Acme")
    answer = push(client, alice, one, dict(one))
    assert answer["results"][0] == answer["results"][1]
    assert answer["server_seq"] == 1


def test_dashed_uuid_ids_are_normalised(client, alice):
    dashed = "0F8E2B6C-9D4A-4E1F-8A7B-6C5D4E3F2A1B"
    answer = push(client, alice, change("partner", "p1", "name", "x", change_id=dashed))
    assert answer["results"][0]["change_id"] == dashed.replace("-", "").lower()
    again = push(client, alice, change("partner", "p1", "name", "x",
                                       change_id=dashed.replace("-", "").lower()))
    assert again["results"][0]["seq"] == 1


ODD_VALUES = ["東京 \"quoted\" \\ back\nslash", 1.5, 1e16, -(2**63), None, 0, "", "ม ع 😀"]


def test_the_answer_written_without_models_reads_as_the_models_would_write_it():
    """``answer_text`` writes accepted results straight from stored JSON; a client reads
    it with ``PushResponse`` and must get exactly what a model would have said."""
    accepted = [Accepted(f"{index:032x}", index + 1, dump_value(value),
                         "0192f3a4b5c60000-dev", "d" * 32)
                for index, value in enumerate(ODD_VALUES)]
    conflict = PushResult(change_id="f" * 32, status="conflict", seq=3,
                          server_value="theirs", server_hlc="0192f3a4b5c60000-x",
                          server_device="e" * 32, row_deleted=True)
    results = [*accepted, conflict]
    text = answer_text("b" * 32, results, 42, "epoch-1")
    expected = PushResponse(batch_id="b" * 32, server_seq=42, epoch="epoch-1", results=[
        PushResult(change_id=result.change_id, status="accepted", seq=result.seq,
                   server_value=value, server_hlc=result.hlc, server_device=result.device)
        for result, value in zip(accepted, ODD_VALUES, strict=True)] + [conflict])
    assert PushResponse.model_validate_json(text) == expected


def test_an_accepted_odd_value_comes_back_as_sent_and_again_on_a_replay(client, alice):
    changes = [change("partner", "p1", f"f{index}", value)
               for index, value in enumerate(ODD_VALUES)]
    body = batch(alice, *changes)
    headers = {**alice.headers, "X-ChannelDesk-Sync": "3"}
    answers = [client.post("/v1/push", json=body, headers=headers) for _ in range(2)]
    assert answers[0].text == answers[1].text  # the replay sends the stored text
    results = answers[0].json()["results"]
    assert [result["server_value"] for result in results] == ODD_VALUES
    assert {result["status"] for result in results} == {"accepted"}
    legacy = client.post("/v1/push", json=body, headers=alice.headers).json()["results"]
    assert [result["server_value"] for result in legacy] == ODD_VALUES
    assert not {"reason", "code"} & set(legacy[0])  # protocol 1 forbids them
