"""Small builders for sync requests, shared by the server tests."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

_clock = itertools.count(1)


@dataclass
class Account:
    """A logged-in device: what a desktop keeps after POST /v1/login."""

    email: str
    password: str
    team: str
    token: str
    device_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def new_id() -> str:
    return uuid.uuid4().hex


def hlc(device: str = "dev") -> str:
    """A valid, increasing clock stamp."""
    return f"{0x0192F3A4B5C6 + next(_clock):012x}0000-{device[:8]}"


def change(table: str, row_id: str, field: str, value: Any, base_seq: int = 0,
           change_id: str | None = None) -> dict[str, Any]:
    return {"change_id": change_id or new_id(), "table": table, "row_id": row_id,
            "field": field, "value": value, "hlc": hlc(), "base_seq": base_seq}


def batch(account: Account, *changes: dict[str, Any], batch_id: str | None = None) -> dict:
    return {"batch_id": batch_id or new_id(), "device_id": account.device_id,
            "changes": list(changes)}


def push(client: TestClient, account: Account, *changes: dict[str, Any],
         batch_id: str | None = None, expect: int = 200) -> dict:
    response = client.post("/v1/push", json=batch(account, *changes, batch_id=batch_id),
                           headers={**account.headers, "X-ChannelDesk-Sync": "2"})
    assert response.status_code == expect, response.text
    return response.json()


def pull_all(client: TestClient, account: Account, since: int = 0,
             limit: int = 1000) -> list[dict]:
    """Every change after ``since``, following has_more/next_seq."""
    changes: list[dict] = []
    while True:
        response = client.get("/v1/changes", params={"since": since, "limit": limit},
                              headers=account.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        changes.extend(page["changes"])
        assert page["next_seq"] >= since
        since = page["next_seq"]
        if not page["has_more"]:
            return changes
