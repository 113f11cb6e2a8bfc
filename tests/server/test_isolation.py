"""Team isolation: every endpoint answers only about the caller's team (DESIGN.md §4)."""

from __future__ import annotations

import hashlib

import pytest

from .wire import change, pull_all, push

# Abstract rows ("plan", "x", "target"): the protocol's mechanics, not the value checks.
pytestmark = pytest.mark.usefixtures("unchecked_values")


def test_pulls_and_snapshots_never_show_another_teams_changes(client, alice, bob):
    push(client, alice, change("partner", "shared-id", "name", "Alice's"),
         change("partner", "a-only", "name", "secret"))
    push(client, bob, change("partner", "shared-id", "name", "Bob's"))
    alice_sees = pull_all(client, alice)
    bob_sees = pull_all(client, bob)
    assert [c["value"] for c in alice_sees] == ["Alice's", "secret"]
    assert [c["value"] for c in bob_sees] == ["Bob's"]
    assert {c["device_id"] for c in bob_sees} == {bob.device_id}
    # Each team has its own counter, starting at 1.
    assert [c["seq"] for c in bob_sees] == [1]
    snapshot = client.get("/v1/snapshot", headers=bob.headers).json()
    assert [(r["row_id"], r["value"]) for r in snapshot["rows"]] == [("shared-id", "Bob's")]
    assert snapshot["as_of_seq"] == 1


def test_the_same_row_in_two_teams_never_conflicts(client, alice, bob):
    push(client, alice, change("partner", "p1", "deleted", 1))
    answer = push(client, bob, change("partner", "p1", "name", "Bob's", base_seq=0))
    assert answer["results"][0]["status"] == "accepted"
    assert answer["results"][0]["seq"] == 1


def test_change_ids_and_batch_ids_are_per_team(client, alice, bob):
    shared_change = change("partner", "p1", "name", "x")
    first = push(client, alice, shared_change, batch_id="a" * 32)
    other = push(client, bob, dict(shared_change), batch_id="a" * 32)
    assert other["results"][0]["status"] == "accepted"
    assert other["results"][0]["server_device"] == bob.device_id
    assert other["epoch"] != first["epoch"]
    assert [c["device_id"] for c in pull_all(client, alice)] == [alice.device_id]


def test_another_teams_cursor_position_tells_nothing(client, alice, bob):
    push(client, alice, *[change("partner", f"p{n}", "name", n) for n in range(5)])
    response = client.get("/v1/changes", params={"since": 3}, headers=bob.headers)
    assert response.status_code == 410  # ahead of *bob's* team, which has nothing
    assert "secret" not in response.text


def test_another_teams_blob_answers_404_like_a_missing_one(client, alice, bob):
    data = b"signed contract of Acme" * 100
    sha = hashlib.sha256(data).hexdigest()
    assert client.put(f"/v1/blobs/{sha}", content=data, headers=alice.headers
                      ).status_code == 201
    missing = hashlib.sha256(b"nobody has this").hexdigest()
    for name in (sha, missing):
        get = client.get(f"/v1/blobs/{name}", headers=bob.headers)
        assert get.status_code == 404
        assert get.json()["error"] == "not_found"
        assert client.head(f"/v1/blobs/{name}", headers=bob.headers).status_code == 404
    assert client.get(f"/v1/blobs/{sha}", headers=bob.headers).json()["detail"] == \
        f"This team has no blob {sha}."
    # Bob may upload the same bytes; then he has them too, and alice still has hers.
    assert client.put(f"/v1/blobs/{sha}", content=data, headers=bob.headers
                      ).status_code == 201
    assert client.get(f"/v1/blobs/{sha}", headers=bob.headers).content == data
    assert client.get(f"/v1/blobs/{sha}", headers=alice.headers).content == data


def test_logout_of_another_teams_device_is_not_possible(client, alice, bob):
    client.post("/v1/logout", headers=bob.headers)
    assert client.get("/v1/changes", headers=alice.headers).status_code == 200
