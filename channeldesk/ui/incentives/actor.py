"""Who takes a step or makes an entry, for the timeline and the ledger."""

from __future__ import annotations

from channeldesk.store import Store
from channeldesk.sync.state import editor_name


def current_user(store: Store) -> str:
    """The sync account's name when signed in, else this computer's user
    (``sync.state.editor_name``)."""
    return editor_name(store.db.connection())
