"""Fresh planner statistics while a team's history grows (PostgreSQL).

PostgreSQL plans from statistics that autovacuum's ``ANALYZE`` refreshes about once a
minute at best. A team that grows fast (a first upload of 100,000 records) is planned
as the handful of rows it had: the push's change-id and field-state lookups and the
pull's page query then read every row of the team, and each push gets slower as the
history grows (bench/README.md, ``bench.sync_server``). So the server analyses the two
big tables itself after a push that took a team past a growth factor since the last
time this process did (the first time from ``FIRST_AT`` changes on): a few ANALYZEs of
a sampled 30,000 rows each over a team's first million changes, each in a background
thread. SQLite's planner does not need it.
"""

from __future__ import annotations

import logging
import threading

from channeldesk.server.models import database
from channeldesk.server.storage import Storage

log = logging.getLogger(__name__)

FIRST_AT = 2_000  # changes in a team before its first ANALYZE
GROWTH = 2  # then again whenever the team's history has doubled since
TABLES = ('"server_change"', '"field_state"')

_lock = threading.Lock()


def due(analyzed_at: int | None, seq: int) -> bool:
    """Whether a team at ``seq``, last analysed at ``analyzed_at``, needs it now."""
    if seq < FIRST_AT:
        return False
    return analyzed_at is None or seq >= analyzed_at * GROWTH


def refresh_after_push(storage: Storage, team_id: int, seq: int) -> threading.Thread | None:
    """ANALYZE the history and state tables when the team grew enough (PostgreSQL only).

    Called after the push's commit; the ANALYZE runs in a thread of its own (it reads a
    sample of each table, up to a second for millions of rows) so that the answer is not
    held up, and it blocks no writer. Returns that thread, or None when none was due."""
    if storage.kind != "postgresql":
        return None
    with _lock:
        if not due(storage.analyzed_at.get(team_id), seq):
            return None
        storage.analyzed_at[team_id] = seq
    worker = threading.Thread(target=_analyze, args=(storage, team_id, seq),
                              name="channeldesk-analyze", daemon=True)
    storage.analyzing = worker
    worker.start()
    return worker


def _analyze(storage: Storage, team_id: int, seq: int) -> None:
    try:
        with storage.session():
            database.execute_sql(f"ANALYZE {', '.join(TABLES)}")
    except Exception:  # statistics are an optimisation: never fail a worker for them
        log.exception("could not analyse the sync tables (team %d at seq %d)", team_id, seq)
        return
    log.info("analysed the sync tables: team %d reached seq %d", team_id, seq)
