"""Files nobody refers to: a team's quota, and pruning what no record points at.

A device could otherwise store any number of files no record uses (issue 11). A team's
files count against ``ServerConfig.max_team_blob_bytes``; an upload past it is answered
413 with a sentence saying how much is used. ``prune`` drops a team's blob records no
current field value refers to (a blob field of a table's description, tombstoned rows
included: they can be restored), after a grace period that covers an upload made just
before the push that refers to it; then files on disk no team records any more.
"""

from __future__ import annotations

import datetime as dt
import json

from peewee import fn

import channeldesk.store.models  # noqa: F401  (registers every table's description)
from channeldesk.server.models import BlobRecord, FieldState
from channeldesk.store.blobs import BlobStore
from channeldesk.store.description import descriptions

GRACE = dt.timedelta(days=1)
MIB = 1024 * 1024


def team_usage(team_id: int) -> int:
    """Bytes of the files this team has uploaded."""
    return int(BlobRecord.select(fn.COALESCE(fn.SUM(BlobRecord.size), 0))
               .where(BlobRecord.team == team_id).scalar() or 0)


def quota_message(used: int, size: int, quota: int) -> str:
    return (f"This file ({size / MIB:,.1f} MB) would take the team's files past their "
            f"quota: {used / MIB:,.1f} MB of {quota / MIB:,.0f} MB are used. Remove files "
            "the team no longer needs, or ask the server's administrator to raise the "
            "quota. Nothing was stored.")


def referenced(team_id: int) -> set[str]:
    """Hashes a blob field of any row of the team holds now."""
    pairs = [(d.table, name) for d in descriptions() for name in d.blob_fields()]
    found: set[str] = set()
    for table, field in pairs:
        for (value,) in (FieldState.select(FieldState.value)
                         .where((FieldState.team == team_id)
                                & (FieldState.table_name == table)
                                & (FieldState.field == field)).tuples()):
            text = json.loads(value)
            if isinstance(text, str) and text:
                found.add(text)
    return found


def prune_team_blobs(team_id: int, now: dt.datetime) -> int:
    """Drop the team's records of files no row refers to (older than the grace);
    returns how many. Call inside the team's write transaction."""
    keep = referenced(team_id)
    stale = [sha for (sha,) in BlobRecord.select(BlobRecord.sha256)
             .where((BlobRecord.team == team_id) & (BlobRecord.created_at < now - GRACE))
             .tuples() if sha not in keep]
    for start in range(0, len(stale), 200):
        (BlobRecord.delete().where((BlobRecord.team == team_id)
                                   & BlobRecord.sha256.in_(stale[start:start + 200]))
         .execute())
    return len(stale)


def remove_orphan_files(store: BlobStore, now: dt.datetime) -> int:
    """Delete files on disk that no team records (and that are older than the grace, so
    an upload in progress keeps its file); returns how many."""
    recorded = {sha for (sha,) in BlobRecord.select(BlobRecord.sha256).distinct().tuples()}
    cutoff = (now - GRACE).replace(tzinfo=dt.UTC).timestamp()
    removed = 0
    for sha in list(store.all_hashes()):
        path = store.path_of(sha)
        if sha in recorded or path.stat().st_mtime >= cutoff:
            continue
        path.unlink(missing_ok=True)
        removed += 1
    return removed
