"""Pulling changes in pages, 410 Gone for cursors the server cannot serve, snapshots and
the retention job."""

from __future__ import annotations

import datetime as dt

import pytest

from channeldesk.server import retention
from channeldesk.server.models import ServerChange, Team, utc_now

from .wire import change, pull_all, push

# Abstract rows ("plan", "x", "target"): the protocol's mechanics, not the value checks.
pytestmark = pytest.mark.usefixtures("unchecked_values")


def _fill(client, account, count: int, rows: int = 7) -> None:
    changes = [change("partner", f"p{n % rows}", f"f{n // rows}", n) for n in range(count)]
    for start in range(0, count, 500):
        push(client, account, *changes[start:start + 500])


def _page(client, account, **params):
    response = client.get("/v1/changes", params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_pages_follow_next_seq_and_has_more(client, alice):
    _fill(client, alice, 25)
    first = _page(client, alice, since=0, limit=10)
    assert [c["seq"] for c in first["changes"]] == list(range(1, 11))
    assert first["has_more"] is True and first["next_seq"] == 10
    second = _page(client, alice, since=10, limit=10)
    assert [c["seq"] for c in second["changes"]] == list(range(11, 21))
    last = _page(client, alice, since=20, limit=10)
    assert [c["seq"] for c in last["changes"]] == list(range(21, 26))
    assert last["has_more"] is False and last["next_seq"] == 25
    empty = _page(client, alice, since=25, limit=10)
    assert empty == {"changes": [], "next_seq": 25, "has_more": False,
                     "epoch": first["epoch"]}
    exact = _page(client, alice, since=15, limit=10)
    assert exact["has_more"] is False and exact["next_seq"] == 25
    change_out = first["changes"][0]
    assert set(change_out) == {"seq", "change_id", "table", "row_id", "field", "value",
                               "hlc", "device_id"}
    assert change_out["device_id"] == alice.device_id


def test_default_and_maximum_page_sizes(client, alice):
    _fill(client, alice, 1200)
    assert len(_page(client, alice)["changes"]) == 1000
    assert len(_page(client, alice, limit=5000)["changes"]) == 1200
    for bad in ({"limit": 5001}, {"limit": 0}, {"since": -1}, {"since": "x"}):
        response = client.get("/v1/changes", params=bad, headers=alice.headers)
        assert response.status_code == 422
        assert response.json()["error"] == "invalid_request"


def test_a_cursor_older_than_the_retained_history_is_gone(client, server_app, alice):
    _fill(client, alice, 30)
    storage = server_app.state.storage
    with storage.session():
        old = utc_now() - dt.timedelta(days=200)
        ServerChange.update(received_at=old).where(ServerChange.seq <= 20).execute()
    [report] = retention.prune(storage, keep_days=180)
    assert (report.team, report.changes_deleted, report.min_seq) == ("Acme Channel", 20, 20)
    for since in (0, 19):
        response = client.get("/v1/changes", params={"since": since},
                              headers=alice.headers)
        assert response.status_code == 410
        body = response.json()
        assert body["error"] == "gone" and len(body["epoch"]) == 32
    assert [c["seq"] for c in _page(client, alice, since=20)["changes"]] == \
        list(range(21, 31))
    # The snapshot still holds every field, including those whose history went.
    assert len(_snapshot_rows(client, alice)) == 30
    # Pruning again removes nothing more.
    assert retention.prune(storage, keep_days=180)[0].changes_deleted == 0


def test_a_cursor_ahead_of_the_server_is_gone(client, alice):
    _fill(client, alice, 3)
    response = client.get("/v1/changes", params={"since": 4}, headers=alice.headers)
    assert response.status_code == 410
    assert "ahead" in response.json()["detail"]


def test_the_epoch_is_the_teams_and_changes_when_the_server_is_restored(client, server_app,
                                                                        alice):
    epoch = _page(client, alice)["epoch"]
    with server_app.state.storage.session():
        Team.update(epoch="f" * 32).where(Team.name == alice.team).execute()
    assert _page(client, alice)["epoch"] == "f" * 32 != epoch


def _snapshot_rows(client, account, limit: int = 1000) -> list[dict]:
    rows, cursor, as_of = [], None, None
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = client.get("/v1/snapshot", params=params, headers=account.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        as_of = page["as_of_seq"] if as_of is None else as_of
        assert page["as_of_seq"] == as_of
        rows.extend(page["rows"])
        cursor = page["next_cursor"]
        if cursor is None:
            return rows


def test_snapshot_pages_cover_every_field_exactly_once(client, alice):
    _fill(client, alice, 103, rows=10)
    push(client, alice, change("partner", "p1", "f0", "overwritten", base_seq=103),
         change("partner", "p2", "deleted", 1, base_seq=103))
    for limit in (1, 7, 50, 5000):
        rows = _snapshot_rows(client, alice, limit=limit)
        keys = [(r["table"], r["row_id"], r["field"]) for r in rows]
        assert len(keys) == len(set(keys)) == 104
        assert keys == sorted(keys)
        values = {key: row for key, row in zip(keys, rows, strict=True)}
        assert values[("partner", "p1", "f0")]["value"] == "overwritten"
        assert values[("partner", "p1", "f0")]["seq"] == 104
        assert values[("partner", "p2", "deleted")]["value"] == 1  # tombstones included


def test_snapshot_as_of_seq_then_pull_misses_nothing(client, alice, carol):
    _fill(client, alice, 20)
    first = client.get("/v1/snapshot", params={"limit": 5}, headers=alice.headers).json()
    assert first["as_of_seq"] == 20
    # Someone edits while the snapshot is being downloaded.
    push(client, carol, change("partner", "p0", "f0", "during", base_seq=20),
         change("partner", "zz", "name", "new row", base_seq=20))
    rest = client.get("/v1/snapshot", params={"cursor": first["next_cursor"], "limit": 5000},
                      headers=alice.headers).json()
    assert rest["as_of_seq"] == 20 and rest["next_cursor"] is None
    later = pull_all(client, alice, since=first["as_of_seq"])
    assert [(c["row_id"], c["value"]) for c in later] == [("p0", "during"),
                                                         ("zz", "new row")]


@pytest.mark.parametrize("cursor", ["garbage", "W10", "eyJhIjoxfQ", "!!!!"])
def test_a_foreign_snapshot_cursor_is_refused(client, alice, cursor):
    response = client.get("/v1/snapshot", params={"cursor": cursor}, headers=alice.headers)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"


def test_empty_team_snapshot(client, alice):
    page = client.get("/v1/snapshot", headers=alice.headers).json()
    assert page["rows"] == [] and page["next_cursor"] is None and page["as_of_seq"] == 0
