"""Trust no device (issue 11, finding 1 and 2): the server checks every pushed change
against the table's description and refuses what breaks it, per change, with a reason."""

from __future__ import annotations

import pytest

from channeldesk.server.models import FieldState

from .wire import change, hlc, new_id, pull_all, push

PARTNER = {"name": "Acme", "partner_type": "reseller", "tier": "gold", "status": "active",
           "region": "emea", "deleted": 0}


def new_partner(row_id: str, **values) -> list[dict]:
    return [change("partner", row_id, field, value)
            for field, value in {**PARTNER, **values}.items()]


def statuses(answer: dict) -> list[str]:
    return [result["status"] for result in answer["results"]]


def reasons(answer: dict) -> dict[str, str]:
    return {result["code"]: result["reason"] for result in answer["results"]
            if result["status"] == "rejected"}


def test_a_complete_valid_partner_is_accepted(client, alice):
    answer = push(client, alice, *new_partner("p1"))
    assert set(statuses(answer)) == {"accepted"}


@pytest.mark.parametrize(("field", "value", "words"), [
    ("name", None, "Name is required"),
    ("tier", "diamond<script>", "'diamond<script>' is not a tier"),
    ("tier", 3, "Tier must be one of its choices"),
    ("deleted", "yes", "Deleted must be yes or no"),
])
def test_a_bad_value_refuses_the_new_partner_whole(client, alice, field, value, words):
    answer = push(client, alice, *new_partner("p1", **{field: value}))
    assert set(statuses(answer)) == {"rejected"}
    assert words in reasons(answer)["invalid"]
    assert "the new partner was not stored because" in reasons(answer)["row_refused"]
    assert pull_all(client, alice) == []  # nothing reaches a teammate


def test_bad_values_on_an_existing_row_are_refused_per_change(client, alice, carol):
    push(client, alice, *new_partner("p1"))
    seq = len(PARTNER)
    answer = push(client, carol, change("partner", "p1", "name", None, base_seq=seq),
                  change("partner", "p1", "phone", "+1 555 0100", base_seq=seq),
                  change("activity", "a1", "occurred_on", "not-a-date"),
                  change("plan_target", "t1", "target", 1e308),
                  change("course", "c1", "duration_hours", "lots"))
    assert statuses(answer) == ["rejected", "accepted", "rejected", "rejected", "rejected"]
    refused = answer["results"][0]
    assert refused["server_value"] == "Acme" and refused["seq"] == 1  # the server's side
    assert [c["value"] for c in pull_all(client, alice, since=seq)] == ["+1 555 0100"]


def test_unknown_tables_and_fields_are_refused(client, alice):
    answer = push(client, alice, change("partner", "p1", "employees", "lots"),
                  change("spaceship", "s1", "name", "x"), change("partner", "p1", "id", "x"))
    assert set(statuses(answer)) == {"rejected"}
    assert {r["code"] for r in answer["results"]} == {"unknown"}


def test_a_new_row_with_one_field_is_refused_as_incomplete(client, alice):
    answer = push(client, alice, change("partner", "p1", "name", "Only a name"))
    assert reasons(answer) == {"incomplete": "the new partner arrived without Partner "
                                             "type, Tier, Status, Region; nothing of it "
                                             "was stored"}


def test_references_must_exist_on_the_server_or_in_the_batch(client, alice):
    contact = [change("contact", "c1", "partner_id", "p1"),
               change("contact", "c1", "name", "Dana")]
    missing = push(client, alice, *contact)
    assert set(reasons(missing)) == {"parent_missing", "row_refused"}
    together = push(client, alice, *[dict(c, change_id=new_id()) for c in contact],
                    *new_partner("p1"))
    assert set(statuses(together)) == {"accepted"}


def test_a_contact_added_to_a_partner_deleted_meanwhile_is_refused_with_who(client, alice,
                                                                           carol):
    push(client, alice, *new_partner("p1"))
    push(client, carol, change("partner", "p1", "deleted", 1, base_seq=6))
    answer = push(client, alice, change("contact", "c1", "partner_id", "p1", base_seq=6),
                  change("contact", "c1", "name", "Dana", base_seq=6))
    assert reasons(answer)["parent_deleted"] == (
        "the partner was deleted by carol@acme.example while you added a contact to it; "
        "restore the partner or discard the contact")
    restored = push(client, alice, change("partner", "p1", "deleted", 0, base_seq=7),
                    change("contact", "c1", "partner_id", "p1", base_seq=7),
                    change("contact", "c1", "name", "Dana", base_seq=7))
    assert set(statuses(restored)) == {"accepted"}


def test_a_stamp_far_in_the_future_and_a_base_beyond_the_seq_are_refused(client, alice,
                                                                        carol):
    push(client, alice, *new_partner("p1"))
    future = change("partner", "p1", "name", "From the future", base_seq=6)
    future["hlc"] = "ffffffffffffffff-attacker"
    beyond = change("partner", "p1", "tier", "silver", base_seq=2**63 - 1)
    answer = push(client, carol, future, beyond,
                  change("partner", "p1", "status", "inactive", base_seq=6))
    assert statuses(answer) == ["rejected", "rejected", "accepted"]
    assert [r["code"] for r in answer["results"][:2]] == ["clock_ahead", "base_ahead"]
    assert "ahead of the server's clock" in answer["results"][0]["reason"]
    with client.app.state.storage.session():  # the colleague's value was not overwritten
        tier = FieldState.get((FieldState.row_id == "p1") & (FieldState.field == "tier"))
    assert tier.value == '"gold"'
    assert hlc()  # (the helper's stamps stay valid)


def test_an_older_client_gets_please_update_and_nothing_is_stored(client, alice):
    body = {"batch_id": new_id(), "device_id": alice.device_id,
            "changes": [change("partner", "p1", "name", None)]}
    answer = client.post("/v1/push", json=body, headers=alice.headers)  # no protocol 2
    assert answer.status_code == 426
    assert "update ChannelDesk" in answer.json()["detail"]
    assert pull_all(client, alice) == []
    fine = client.post("/v1/push", json={**body, "batch_id": new_id(),
                                         "changes": new_partner("p2")},
                       headers=alice.headers)
    assert fine.status_code == 200
    assert "reason" not in fine.json()["results"][0]  # what a protocol-1 client reads


def test_a_replay_with_a_refusal_is_please_update_for_an_older_client(client, alice):
    """A batch a newer client sent (and the server partly refused) replayed by an older
    one, e.g. after a downgrade: it cannot read the refusal, so it hears "update"."""
    body = {"batch_id": new_id(), "device_id": alice.device_id,
            "changes": [*new_partner("p2"), change("partner", "p1", "name", None)]}
    first = client.post("/v1/push", json=body,
                        headers={**alice.headers, "X-ChannelDesk-Sync": "2"})
    assert first.status_code == 200
    assert "rejected" in {result["status"] for result in first.json()["results"]}
    again = client.post("/v1/push", json=body, headers=alice.headers)  # protocol 1
    assert again.status_code == 426
    assert "stored before" in again.json()["detail"]
    replayed = client.post("/v1/push", json=body,
                           headers={**alice.headers, "X-ChannelDesk-Sync": "2"})
    assert replayed.content == first.content  # a newer client still gets it whole


def test_a_bogus_plan_status_and_lots_of_employees_are_refused_with_the_rule(client, alice):
    """Issue 11's values on the tables they were found on, each refused for its own rule
    (not merely as part of an incomplete row) and never pulled by a teammate."""
    answer = push(client, alice, change("business_plan", "bp1", "status", "bogus"),
                  change("prospect", "pr1", "employees", "lots"))
    assert statuses(answer) == ["rejected", "rejected"]
    said = [result["reason"] for result in answer["results"]]
    assert "'bogus' is not a" in said[0] and "status" in said[0].lower()
    assert "Employees must be a whole number" in said[1]
    assert pull_all(client, alice) == []
