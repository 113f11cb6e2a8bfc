"""Pruning history older than the retention period, without losing anyone's data.

The history (``server_change``) is what lets a client catch up with small pages; after
the retention period (DESIGN.md §4: tombstones are kept at least 180 days) old entries go,
and the team's ``min_seq`` rises so that a cursor from before it gets 410 Gone and a
snapshot instead. The current value of every field (``field_state``), tombstones
included, is never pruned, so a snapshot always holds everything. Stored batch responses
older than the retention go too: no client retries a batch after months. Files no record
refers to go as well (``blob_retention``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from channeldesk.server.accounts import LOGIN_WINDOW
from channeldesk.server.blob_retention import prune_team_blobs, remove_orphan_files
from channeldesk.server.models import LoginFailure, ServerChange, StoredBatch, Team, utc_now
from channeldesk.server.storage import Storage
from channeldesk.store.blobs import BlobStore

DEFAULT_KEEP_DAYS = 180


@dataclass(frozen=True)
class PruneReport:
    team: str
    changes_deleted: int
    batches_deleted: int
    min_seq: int
    blobs_deleted: int = 0


def prune_team(storage: Storage, team_id: int, keep_days: float,
               now: dt.datetime | None = None) -> PruneReport:
    """Drop one team's history received before ``now - keep_days``."""
    if keep_days < 0:
        raise ValueError("keep_days must be >= 0")
    now = now or utc_now()
    cutoff = now - dt.timedelta(days=keep_days)
    with storage.session(), storage.write_transaction():
        team = storage.lock_team(team_id)
        newest_old = (ServerChange.select(fn.MAX(ServerChange.seq))
                      .where((ServerChange.team == team.id)
                             & (ServerChange.received_at < cutoff))
                      .scalar())
        deleted = 0
        min_seq = team.min_seq
        if newest_old is not None and newest_old > team.min_seq:
            # Everything up to that seq goes, so the kept history has no holes.
            deleted = (ServerChange.delete()
                       .where((ServerChange.team == team.id)
                              & (ServerChange.seq <= newest_old))
                       .execute())
            min_seq = newest_old
            Team.update(min_seq=min_seq).where(Team.id == team.id).execute()
        batches = (StoredBatch.delete()
                   .where((StoredBatch.team == team.id) & (StoredBatch.created_at < cutoff))
                   .execute())
        LoginFailure.delete().where(LoginFailure.at < now - LOGIN_WINDOW).execute()
        blobs = prune_team_blobs(team.id, now)
    return PruneReport(team.name, deleted, batches, min_seq, blobs)


def prune(storage: Storage, keep_days: float, team_name: str | None = None,
          now: dt.datetime | None = None,
          blob_store: BlobStore | None = None) -> list[PruneReport]:
    """Prune every team (or the named one); returns what was removed per team. With a
    ``blob_store``, files no team records any more are deleted from it afterwards."""
    with storage.session():
        query = Team.select(Team.id).order_by(Team.name)
        if team_name is not None:
            query = query.where(Team.name == team_name)
        team_ids = [team.id for team in query]
    reports = [prune_team(storage, team_id, keep_days, now) for team_id in team_ids]
    if blob_store is not None:
        with storage.session():
            remove_orphan_files(blob_store, now or utc_now())
    return reports
