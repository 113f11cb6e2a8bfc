"""Whether and where a database is signed in, read from its sync state.

Apart from ``sync/account.py`` (signing in and out, which needs the wire protocol and
the HTTP client) so the window can show the sync status at start-up without loading them.
"""

from __future__ import annotations

from dataclasses import dataclass

from channeldesk.store import Store
from channeldesk.sync import state


@dataclass(frozen=True)
class Account:
    """The sync account of a database; ``device_id`` None means signed out."""

    server_url: str
    email: str
    team: str
    device_id: str | None
    last_sync_at: str | None

    @property
    def signed_in(self) -> bool:
        return self.device_id is not None



def account(store: Store) -> Account | None:
    """The database's sync account, or None when it was never signed in."""
    values = state.read_all(store.db.connection())
    if state.SERVER_URL not in values:
        return None
    return Account(values[state.SERVER_URL], values.get(state.USER_EMAIL, ""),
                   values.get(state.TEAM, ""), values.get(state.DEVICE_ID),
                   values.get(state.LAST_SYNC_AT))
