"""Who made a change: the team's devices by id, as the server lists them.

Changes and conflicts carry only the id of the device that made them. To show a person
("carol@acme.example on laptop") the engine asks ``GET /v1/devices`` when a conflict
names a device it does not know yet, and keeps the answer in ``sync_state`` (a small
JSON object; a team has tens of devices). The list is forgotten with the rest of the
history when the database signs in to another server or team.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from channeldesk.sync import state
from channeldesk.sync.protocol import DeviceInfo


@dataclass(frozen=True)
class DeviceName:
    email: str
    name: str

    def label(self) -> str:
        return f"{self.email} ({self.name})" if self.name else self.email


def known(conn: sqlite3.Connection) -> dict[str, DeviceName]:
    stored = json.loads(state.get(conn, state.DEVICES) or "{}")
    return {device_id: DeviceName(*pair) for device_id, pair in stored.items()}


def remember(conn: sqlite3.Connection, devices: Iterable[DeviceInfo]) -> None:
    """Add the server's list to what is known (in the caller's transaction)."""
    stored = json.loads(state.get(conn, state.DEVICES) or "{}")
    stored.update({d.device_id: [d.user_email, d.device_name] for d in devices})
    state.put(conn, devices=json.dumps(stored, sort_keys=True))


def unknown_in_conflicts(conn: sqlite3.Connection) -> set[str]:
    """Devices named by open conflicts that this copy cannot name yet."""
    named = set(known(conn))
    return {device for (device,) in conn.execute(
        "SELECT DISTINCT theirs_device FROM conflict WHERE resolved_at IS NULL "
        "AND theirs_device IS NOT NULL") if device not in named}


def describe(device_id: str | None, names: dict[str, DeviceName]) -> str:
    """A person-readable author of a change."""
    if not device_id:
        return "Someone (unknown device)"
    name = names.get(device_id)
    return name.label() if name else f"Device {device_id[:8]}"
