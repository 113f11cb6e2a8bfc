"""Where the pull cursor goes after a push is recorded (``outbox.record``).

Forward past the batch when everything between the cursor and the server's new seq is
the batch's own accepted changes (a first upload is not downloaded again); back to an
accepted seq this copy never recorded when one lies below the cursor (a change answered
after a restore, whose field a colleague changed later). Runs in the caller's
transaction.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from channeldesk.sync import state
from channeldesk.sync.protocol import PushResponse

if TYPE_CHECKING:
    from channeldesk.sync.outbox import PendingBatch


def _accepted_seqs(batch: PendingBatch, response: PushResponse) -> set[int]:
    """The seqs the server gave this batch's accepted changes and record fields."""
    seqs = {result.seq for result in response.results if result.status == "accepted"}
    for item, result in zip(batch.request.records, response.records, strict=True):
        if result.status == "accepted":
            seqs.update(range(result.seq, result.seq + len(item.values)))
        else:
            seqs.update(field.seq for field in result.fields if field.status == "accepted")
    return seqs


def skip_own_changes(conn: sqlite3.Connection, batch: PendingBatch,
                      response: PushResponse) -> None:
    """Move the cursor past this batch when everything between the cursor and the
    server's new seq is this batch's own accepted changes.

    Pulling them back would only find versions this copy has just recorded; a first
    upload would otherwise download the whole team again right after sending it. Any
    gap (a colleague's change in between, a conflict, another history) leaves the cursor
    where it is, and the pull brings what lies between as before.
    """
    cursor = state.get_int(conn, state.CURSOR)
    if (cursor is None or state.get(conn, state.EPOCH) != response.epoch
            or state.get(conn, state.SNAPSHOT_MODE)):
        return
    new = {seq for seq in _accepted_seqs(batch, response) if seq > cursor}
    if new and response.server_seq - cursor == len(new) and max(new) == response.server_seq:
        state.put(conn, cursor=response.server_seq)


def read_again_after_replays(conn: sqlite3.Connection, passed_over: list[int],
                              response: PushResponse) -> bool:
    """Move the cursor back to the oldest of ``passed_over``; True when it did.

    Those are the seqs of accepted results below the cursor that this copy had not
    recorded as its fields' versions: the server's first answers to changes it stored
    before this copy read the team past them. The change went out, its answer was lost,
    and a snapshot (after the server was restored from a backup) read on while this copy
    kept its own unpushed value for the field, passing over a colleague's later change
    of it; recording "accepted" would leave the field at its old value here for good.
    Reading the team again from that seq brings the later change, applied as any pulled
    change is. (A change sent twice in one push, a record's later edit brought forward,
    is answered with the version the first answer recorded: nothing to read again.)"""
    if (not passed_over or state.get(conn, state.EPOCH) != response.epoch
            or state.get(conn, state.SNAPSHOT_MODE)):
        return False
    state.put(conn, cursor=min(passed_over))
    return True
