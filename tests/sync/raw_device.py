"""A buggy or hostile device that pushes raw changes, optionally to an older server that
stored any value (what issue 11 found), to see what its teammates' sync makes of them."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from .harness import PASSWORD


class OlderServerChecks:
    """An older server's push: it checked nothing and stored any value."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def run(self) -> dict:
        return {}


def raw_push(server, monkeypatch: pytest.MonkeyPatch, changes: list[dict[str, Any]],
             email: str = "mallory@acme.example", older: bool = True) -> dict:
    """Push ``changes`` (table, row_id, field, value; hlc and base_seq optional) as a
    device of ``email``; ``older``: to a server that stores anything."""
    logins = server.__dict__.setdefault("raw_logins", {})
    if email not in logins:
        server.add_user(email)
        logins[email] = server.http.post("/v1/login", json={
            "email": email, "password": PASSWORD, "device_name": "old"}).json()
    login = logins[email]
    with monkeypatch.context() as patch:
        if older:
            patch.setattr("channeldesk.server.push.BatchCheck", OlderServerChecks)
        body = {"batch_id": uuid.uuid4().hex, "device_id": login["device_id"],
                "changes": [{"change_id": uuid.uuid4().hex, "hlc": "0192f3a4b5c60000-old",
                             "base_seq": server.team().seq, **c} for c in changes]}
        answer = server.http.post("/v1/push", json=body, headers={
            "Authorization": f"Bearer {login['token']}", "X-ChannelDesk-Sync": "2"})
    assert answer.status_code == 200, answer.text
    return answer.json()
