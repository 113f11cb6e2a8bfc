"""Protocol 4 on the server: a new record pushed whole is stored as one history row, and
every reader (pulls, conflict checks, replays, pruning) sees the per-field changes it
stands for, exactly as if it had been pushed field by field."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from typing import Any

import pytest

from channeldesk.server import retention
from channeldesk.server.models import FieldState, ServerChange, StoredBatch, Team, utc_now
from channeldesk.server.push import (
    Accepted,
    RecordFields,
    answer_text,
    dump_value,
    request_hash,
)
from channeldesk.server.push_records import (
    RECORD_FIELD,
    RecordAccepted,
    record_text,
    record_values,
)
from channeldesk.store.journal import field_change_id
from channeldesk.sync.protocol import (
    ChangesPage,
    PushRequest,
    PushResponse,
    PushResult,
    RecordResult,
)
from channeldesk.sync.validate import check_changes_page

from .wire import Account, batch, change, hlc, new_id, push

unchecked = pytest.mark.usefixtures("unchecked_values")

PARTNER = {"name": "Acme", "partner_type": "reseller", "tier": "gold", "status": "active",
           "region": "emea", "deleted": 0}


def record(table: str, row_id: str, values: dict[str, Any], base_seq: int = 0,
           record_id: str | None = None) -> dict[str, Any]:
    return {"record_id": record_id or new_id(), "table": table, "row_id": row_id,
            "values": values, "hlc": hlc(), "base_seq": base_seq}


def body(account: Account, *records: dict, changes: tuple[dict, ...] = (),
         batch_id: str | None = None) -> dict:
    return {**batch(account, *changes, batch_id=batch_id), "records": list(records)}


def send(client, account: Account, payload: dict, protocol: str = "4", expect: int = 200):
    response = client.post("/v1/push", json=payload,
                           headers={**account.headers, "X-ChannelDesk-Sync": protocol})
    assert response.status_code == expect, response.text
    return response


def push_records(client, account: Account, *records: dict,
                 changes: tuple[dict, ...] = ()) -> PushResponse:
    answer = send(client, account, body(account, *records, changes=changes))
    return PushResponse.model_validate_json(answer.text)


def page(client, account: Account, since: int, limit: int) -> ChangesPage:
    response = client.get("/v1/changes", params={"since": since, "limit": limit},
                          headers=account.headers)
    assert response.status_code == 200, response.text
    parsed = ChangesPage.model_validate_json(response.text)
    check_changes_page(parsed, since)
    return parsed


def history(app) -> list[tuple]:
    with app.state.storage.session():
        return list(ServerChange.select(ServerChange.seq, ServerChange.change_id,
                                        ServerChange.field, ServerChange.value)
                    .order_by(ServerChange.seq).tuples())


def states(app, row_id: str) -> dict[str, tuple]:
    with app.state.storage.session():
        rows = FieldState.select().where(FieldState.row_id == row_id)
        return {row.field: (row.seq, row.value, row.hlc) for row in rows}


def team_seq(app) -> int:
    with app.state.storage.session():
        return Team.select(Team.seq).order_by(Team.id).first().seq


def as_fields(item: dict) -> list[dict]:
    """The per-field changes a record item stands for (what a protocol-3 client sends)."""
    return [{"change_id": field_change_id(item["record_id"], name), "table": item["table"],
             "row_id": item["row_id"], "field": name, "value": value, "hlc": item["hlc"],
             "base_seq": item["base_seq"]} for name, value in item["values"].items()]


# -- stored whole ----------------------------------------------------------------------------

def test_a_new_record_is_one_history_row_and_pulls_as_its_fields(client, server_app, alice,
                                                                 bob):
    item = record("partner", "p1", PARTNER)
    answer = push_records(client, alice, item)
    n = len(PARTNER)
    assert answer.records == [RecordResult(record_id=item["record_id"], status="accepted",
                                           seq=1)]
    assert answer.results == [] and answer.server_seq == n
    [(seq, change_id, field, value)] = history(server_app)
    assert (seq, change_id, field) == (n, item["record_id"], RECORD_FIELD)
    assert value == "{" + ",".join(f'"{k}":{dump_value(v)}' for k, v in PARTNER.items()) + "}"
    fields = states(server_app, "p1")
    assert {name: fields[name][:2] for name in PARTNER} == {
        name: (index + 1, dump_value(PARTNER[name])) for index, name in enumerate(PARTNER)}
    assert team_seq(server_app) == n
    # Another team gets the same values field by field: its page must read the same.
    per_field = push(client, bob, *as_fields(item))
    assert [result["seq"] for result in per_field["results"]] == list(range(1, n + 1))
    mine, theirs = page(client, alice, 0, 100), page(client, bob, 0, 100)

    def comparable(pulled: ChangesPage) -> list[dict]:
        return [c.model_dump(exclude={"device_id"}) for c in pulled.changes]
    assert comparable(mine) == comparable(theirs)
    assert (mine.next_seq, mine.has_more) == (theirs.next_seq, theirs.has_more) == (n, False)
    assert {c.device_id for c in mine.changes} == {alice.device_id}
    snapshots = [client.get("/v1/snapshot", headers=account.headers).json()["rows"]
                 for account in (alice, bob)]
    for rows in snapshots:
        for row in rows:
            del row["device_id"]
    assert snapshots[0] == snapshots[1] and len(snapshots[0]) == n


@unchecked
@pytest.mark.parametrize("limit", [1, 3])
def test_pages_walk_through_records_field_by_field_from_every_cursor(client, alice, limit):
    first = change("plan", "x", "target", 1)
    big = record("plan", "y", {f"f{index}": index for index in range(5)})
    middle = change("plan", "x", "target", 2, base_seq=6)
    small = record("plan", "z", {"a": "á \"q\"", "b": None, "c": 1.5})
    push(client, alice, first)                                   # seq 1
    push_records(client, alice, big)                             # seq 2..6
    push(client, alice, middle)                                  # seq 7
    push_records(client, alice, small)                           # seq 8..10
    expected = [(first["change_id"], "target", 1)]
    expected += [(c["change_id"], c["field"], c["value"]) for c in as_fields(big)]
    expected += [(middle["change_id"], "target", 2)]
    expected += [(c["change_id"], c["field"], c["value"]) for c in as_fields(small)]
    for since in range(len(expected) + 1):
        pulled = page(client, alice, since, limit)
        want = expected[since:since + limit]
        assert [(c.change_id, c.field, c.value) for c in pulled.changes] == want, since
        assert [c.seq for c in pulled.changes] == list(range(since + 1,
                                                             since + 1 + len(want)))
        assert pulled.next_seq == since + len(want)
        assert pulled.has_more is (since + limit < len(expected))


@unchecked
def test_a_replay_is_byte_identical_and_a_resent_record_is_stored_once(client, server_app,
                                                                       alice):
    item = record("plan", "x", {"target": 5, "note": "n"})
    payload = body(alice, item, changes=(change("plan", "w", "target", 1),))
    first = send(client, alice, payload)
    assert '"records":[' in first.text
    stored = history(server_app)
    again = send(client, alice, payload)
    assert again.text == first.text
    later = push_records(client, alice, dict(item), record("plan", "y", {"target": 1}))
    assert later.records[0] == PushResponse.model_validate_json(first.text).records[0]
    assert later.records[0].seq == 1 and later.records[1].seq == 4
    assert history(server_app)[:len(stored)] == stored
    assert len(history(server_app)) == len(stored) + 1
    assert team_seq(server_app) == 4


@unchecked
def test_the_same_record_twice_in_one_batch_is_stored_once(client, server_app, alice):
    item = record("plan", "x", {"target": 5, "note": "n"})
    answer = push_records(client, alice, item, dict(item))
    assert answer.records[0] == answer.records[1]
    assert answer.server_seq == 2 and len(history(server_app)) == 1


@unchecked
def test_a_record_sent_before_as_changes_answers_their_results(client, server_app, alice):
    item = record("plan", "x", {"target": 5, "note": "n"})
    earlier = push(client, alice, *as_fields(item))
    stored = history(server_app)
    answer = push_records(client, alice, item)
    [result] = answer.records
    assert result.status == "fields"
    assert [r.model_dump(mode="json") for r in result.fields] == earlier["results"]
    assert history(server_app) == stored and answer.server_seq == 2


@unchecked
def test_changes_of_a_record_stored_whole_answer_its_fields(client, server_app, alice, carol):
    """A record stored whole and then re-sent as its fields (the answer was lost and the
    client fell back to changes): each field answers its stored seq and nothing is
    stored again, even after a colleague changed one of them since."""
    item = record("plan", "x", {"target": 5, "note": "n", "owner": "a"})
    push_records(client, alice, item)                            # seq 1..3
    push(client, carol, change("plan", "x", "note", "theirs", base_seq=3))  # seq 4
    stored = history(server_app)
    other = change("plan", "w", "target", 9)
    answer = push(client, alice, *as_fields(item)[1:], other)
    assert [(r["status"], r["seq"]) for r in answer["results"]] == [
        ("accepted", 2), ("accepted", 3), ("accepted", 5)]
    assert answer["results"][0]["change_id"] == field_change_id(item["record_id"], "note")
    assert history(server_app)[:len(stored)] == stored
    assert len(history(server_app)) == len(stored) + 1
    assert states(server_app, "x")["note"][1] == dump_value("theirs")


# -- field by field --------------------------------------------------------------------------

def test_a_record_for_a_row_the_server_has_is_applied_field_by_field(client, server_app,
                                                                     alice, carol):
    n = len(PARTNER)
    push_records(client, alice, record("partner", "p1", PARTNER))          # seq 1..6
    push(client, carol, change("partner", "p1", "name", "Carol's", base_seq=n))  # seq 7
    item = record("partner", "p1", {"name": "Alice's", "phone": "+1 555 0100", "tier": "gold"},
                  base_seq=n)
    answer = push_records(client, alice, item)
    [result] = answer.records
    assert result.status == "fields" and result.seq == 0
    name, phone, tier = result.fields
    assert [f.change_id for f in result.fields] == [
        field_change_id(item["record_id"], field) for field in item["values"]]
    assert name.status == "conflict" and name.server_value == "Carol's" and name.seq == 7
    assert name.server_device == carol.device_id
    assert (phone.status, phone.seq, phone.server_value) == ("accepted", 8, "+1 555 0100")
    assert (tier.status, tier.seq) == ("accepted", 9)
    assert answer.server_seq == 9
    assert [row[2] for row in history(server_app)] == [RECORD_FIELD, "name", "phone", "tier"]


def test_a_record_with_an_invalid_value_is_refused_whole_field_by_field(client, server_app,
                                                                        alice):
    item = record("partner", "p1", {**PARTNER, "tier": "diamond"})
    answer = push_records(client, alice, item)
    [result] = answer.records
    assert result.status == "fields"
    codes = {f.change_id: f.code for f in result.fields}
    assert {f.status for f in result.fields} == {"rejected"}
    assert codes.pop(field_change_id(item["record_id"], "tier")) == "invalid"
    assert set(codes.values()) == {"row_refused"}
    assert history(server_app) == [] and states(server_app, "p1") == {}
    assert answer.server_seq == 0


def test_a_record_and_a_later_change_of_the_same_field_in_one_batch(client, server_app,
                                                                    alice):
    item = record("partner", "p1", PARTNER)
    later = change("partner", "p1", "name", "Renamed")
    answer = push_records(client, alice, item, changes=(later,))
    assert answer.records[0].status == "accepted" and answer.records[0].seq == 1
    [result] = answer.results
    assert result.status == "accepted" and result.seq == len(PARTNER) + 1
    name = states(server_app, "p1")["name"]
    assert name[:2] == (len(PARTNER) + 1, '"Renamed"') and name[2] == later["hlc"]
    pulled = page(client, alice, 0, 100)
    assert [c.value for c in pulled.changes if c.field == "name"] == ["Acme", "Renamed"]


def test_a_child_record_may_reference_a_parent_record_of_the_same_batch(client, server_app,
                                                                        alice):
    parent = record("partner", "p1", PARTNER)
    child = record("contact", "c1", {"partner_id": "p1", "name": "Dana"})
    answer = push_records(client, alice, parent, child)
    assert [r.status for r in answer.records] == ["accepted", "accepted"]
    assert answer.server_seq == len(PARTNER) + 2
    orphan = record("contact", "c2", {"partner_id": "p9", "name": "Eve"})
    refused = push_records(client, alice, orphan)
    [result] = refused.records
    assert result.status == "fields"
    assert [f.code for f in result.fields] == ["parent_missing", "row_refused"]
    assert refused.server_seq == len(PARTNER) + 2


@unchecked
def test_two_records_for_one_new_row_store_the_second_field_by_field(client, server_app,
                                                                     alice):
    answer = push_records(client, alice, record("plan", "x", {"target": 1}),
                          record("plan", "x", {"target": 2, "note": "n"}))
    assert [r.status for r in answer.records] == ["accepted", "fields"]
    assert [f.seq for f in answer.records[1].fields] == [2, 3]
    assert states(server_app, "x")["target"][:2] == (2, "2")


# -- conflicts, pruning, protocol 3 ------------------------------------------------------------

@unchecked
def test_a_colleagues_record_makes_an_edit_based_before_it_a_conflict(client, alice, carol):
    push_records(client, carol, record("plan", "x", {"target": 1, "note": "c"}))  # 1..2
    push(client, alice, change("plan", "x", "target", 2, base_seq=2))             # seq 3
    # An edit alice made before she pulled carol's record: the field's state is her
    # own, but carol's record changed it after the edit's base.
    answer = push(client, alice, change("plan", "x", "target", 9, base_seq=0))
    [result] = answer["results"]
    assert result["status"] == "conflict" and result["server_value"] == 2
    # After the record, it is no conflict.
    assert push(client, alice, change("plan", "x", "target", 9, base_seq=2)
                )["results"][0]["status"] == "accepted"


@unchecked
def test_pruning_after_a_record_keeps_no_cursor_inside_it(client, server_app, alice):
    push_records(client, alice, record("plan", "x", {"a": 1, "b": 2, "c": 3}))  # 1..3
    push(client, alice, change("plan", "x", "a", 4, base_seq=3))                 # seq 4
    storage = server_app.state.storage
    with storage.session():
        old = utc_now() - dt.timedelta(days=200)
        ServerChange.update(received_at=old).where(ServerChange.seq <= 3).execute()
    [report] = retention.prune(storage, keep_days=180)
    assert (report.changes_deleted, report.min_seq) == (1, 3)
    for since in (0, 1, 2):
        response = client.get("/v1/changes", params={"since": since},
                              headers=alice.headers)
        assert response.status_code == 410, since
    assert [c.seq for c in page(client, alice, 3, 10).changes] == [4]


@unchecked
def test_a_batch_without_records_reads_and_hashes_as_protocol_3(client, server_app, alice):
    payload = batch(alice, change("plan", "x", "target", 1))
    old_text = PushRequest.model_validate(payload).model_dump_json(exclude={"records"})
    assert '"records"' not in old_text
    assert request_hash(PushRequest.model_validate(payload)) == \
        hashlib.sha256(old_text.encode("utf-8")).hexdigest()
    answer = send(client, alice, payload, protocol="3")
    assert "records" not in answer.json()
    assert send(client, alice, payload, protocol="4").text == answer.text  # replays
    with server_app.state.storage.session():
        [stored] = StoredBatch.select()
        assert stored.request_hash == hashlib.sha256(old_text.encode()).hexdigest()


@unchecked
@pytest.mark.parametrize("protocol", ["3", "1"])
def test_records_from_a_client_below_protocol_4_are_refused(client, server_app, alice,
                                                            protocol):
    response = send(client, alice, body(alice, record("plan", "x", {"target": 1})),
                    protocol=protocol, expect=400)
    assert response.json()["error"] == "records_need_protocol_4"
    assert history(server_app) == [] and team_seq(server_app) == 0


@unchecked
@pytest.mark.parametrize("damage", ["[1, 2]", '{"a": [1], "b": 2}', "{}", "{not json"])
def test_a_damaged_record_row_fails_the_page_loudly(client, server_app, alice, caplog,
                                                    damage):
    push_records(client, alice, record("plan", "x", {"a": 1, "b": 2}))
    with server_app.state.storage.session():
        ServerChange.update(value=damage).execute()
    with caplog.at_level(logging.ERROR, logger="channeldesk.server.pull"):
        response = client.get("/v1/changes", headers=alice.headers)
    assert response.status_code == 500
    assert response.json()["error"] == "server_error"
    assert "damaged" in caplog.text and "seq 2" in caplog.text


# -- the answer's text -----------------------------------------------------------------------

def test_record_results_written_by_hand_read_as_the_models_write_them():
    device, stamp = "d" * 32, "0192f3a4b5c60000-dev"
    accepted = Accepted("a" * 32, 7, dump_value("東京 \"q\""), stamp, device)
    conflict = PushResult(change_id="c" * 32, status="conflict", seq=3,
                          server_value=1.5, server_hlc=stamp, server_device="e" * 32)
    rejected = PushResult(change_id="f" * 32, status="rejected", seq=0,
                          reason="Tier must be one of its choices", code="invalid")
    records = [RecordAccepted("1" * 32, 1), RecordFields("2" * 32, [accepted, conflict,
                                                                    rejected])]
    text = answer_text("b" * 32, [conflict], 42, "epoch-1", records)
    expected = PushResponse(batch_id="b" * 32, results=[conflict], server_seq=42,
                            epoch="epoch-1", records=[
                                RecordResult(record_id="1" * 32, status="accepted", seq=1),
                                RecordResult(record_id="2" * 32, status="fields", fields=[
                                    PushResult(change_id="a" * 32, status="accepted", seq=7,
                                               server_value="東京 \"q\"", server_hlc=stamp,
                                               server_device=device),
                                    conflict, rejected])])
    assert text == expected.model_dump_json()
    assert answer_text("b" * 32, [], 0, "e") == \
        PushResponse(batch_id="b" * 32, results=[], server_seq=0, epoch="e").model_dump_json(
            exclude={"records"})
    assert answer_text("b" * 32, [], 0, "e", []) == \
        PushResponse(batch_id="b" * 32, results=[], server_seq=0, epoch="e").model_dump_json()


@pytest.mark.parametrize("value", [
    "", "Acme", "東京 \"q\" \\ /", "a\nb\tc\x00\x1f\u2028", "مرحبا", "😀", 0, -7, 2**63 - 1,
    -(2**63), 10**30, 1.5, -0.0, 1e-300, None, True, False])
def test_a_value_is_stored_as_the_json_encoder_writes_it(value):
    """The fast paths of ``dump_value`` write what ``json.dumps`` writes: the stored text
    is compared byte for byte when a replay or a re-sent change is answered."""
    assert dump_value(value) == json.dumps(value, ensure_ascii=False, allow_nan=False)


def test_a_value_that_is_not_json_is_refused_by_the_encoder():
    with pytest.raises(ValueError):
        dump_value(float("nan"))


def test_a_stored_record_is_its_values_each_as_stored_alone():
    values = {"name": "東京 \"q\"\n", "amount": 2**63 - 1, "rate": 1.5, "note": None,
              "empty": "", "flag": 0}
    assert record_text(values) == "{" + ",".join(
        f'"{name}":{dump_value(value)}' for name, value in values.items()) + "}"
    assert record_values(record_text(values)) == values
