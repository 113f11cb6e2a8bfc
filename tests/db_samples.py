"""Database files for tests, made through the real store."""

from __future__ import annotations

from pathlib import Path

from channeldesk.store import open_store
from channeldesk.store.models import Partner


def make_database(path: Path, partners: int = 1) -> Path:
    """A closed ChannelDesk database holding ``partners`` partners."""
    store = open_store(path)
    with store.transaction():
        for number in range(partners):
            store.insert(Partner, {
                "name": f"Partner {number}", "partner_type": "msp", "tier": "gold",
                "status": "active", "region": "emea", "internal_notes": "x" * 40,
            })
    store.close()
    return path
