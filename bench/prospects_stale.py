"""Prospect lists while the derived rows are stale (another program holds the write lock).

    python -m bench.prospects_stale                 # 100,000 prospects
    python -m bench.prospects_stale --rows 20000 --repeats 3

Issue 11: a list or an export must be complete even when ``catch_up`` cannot take the
write lock. The queries then read stale prospects on the fly (``fold`` and ``fit_now``
per stale row, LEFT JOINs). Measured per query shape, in the same run:

* **baseline**: the raw id query as it runs with nothing stale (``prospect_ids_sql``);
* **fresh**: ``prospect_ids`` with nothing stale (the stale check on top of the baseline);
* **stale**: ``prospect_ids`` with every prospect stale, under another connection's
  ``BEGIN IMMEDIATE`` (the worst case: nothing ever caught up);
* **export**: ``export_prospects`` of every row, fresh and all stale.

Files go to ``bench/out/`` (gitignored). Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench.generate import OUT_DIR
from channeldesk.services.demo_prospects import COUNTRIES, FIRST, LEGAL, SECOND, VERTICALS
from channeldesk.services.prospect_csv_export import export_prospects
from channeldesk.store import Store, open_store
from channeldesk.store.models import IdealPartnerProfile, ProfileCriterion, Prospect
from channeldesk.store.prospect_derived import catch_up
from channeldesk.store.prospect_queries import (
    ProspectFilter,
    ProspectSort,
    prospect_ids,
    prospect_ids_sql,
)

SHAPES: dict[str, tuple[ProspectFilter, ProspectSort]] = {
    "all, by company": (ProspectFilter(), ProspectSort.COMPANY),
    "search 'tech'": (ProspectFilter(text="tech"), ProspectSort.COMPANY),
    "by score, desc": (ProspectFilter(), ProspectSort.SCORE),
    "score >= 70": (ProspectFilter(min_score=70), ProspectSort.COMPANY),
}


def build(path: Path, rows: int) -> None:
    rng = random.Random(11)
    store = open_store(path)
    try:
        with store.transaction():
            profile = store.insert(IdealPartnerProfile, {"name": "EMEA"})
            store.insert(ProfileCriterion, {"profile": profile, "attribute": "region",
                                            "operator": "in", "choices": "emea",
                                            "weight": 3})
            store.insert_many(Prospect, [{
                "company": f"{rng.choice(FIRST)} {rng.choice(SECOND)}{rng.choice(LEGAL)} {n}",
                "country": (country := rng.choice(COUNTRIES))[0], "region": country[1],
                "vertical": rng.choice(VERTICALS), "employees": rng.randint(5, 5000),
            } for n in range(rows)])
    finally:
        store.close()


def timed(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make_all_stale(store: Store) -> None:
    store.db.execute_sql("INSERT OR IGNORE INTO prospect_stale SELECT id FROM prospect")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"prospects-stale-{args.rows}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    build(path, args.rows)
    print(f"{args.rows:,} prospects written in {time.perf_counter() - started:.1f} s")
    store = open_store(path)
    catch_up(store.db, wait_ms=5000)
    out = OUT_DIR / "prospects-stale.csv"
    print(f"{'query':<18} {'baseline':>9} {'fresh':>9} {'all stale':>10}   (median ms)")
    stale_times = {}
    for name, (flt, sort) in SHAPES.items():
        sql, params = prospect_ids_sql(flt, sort, sort is ProspectSort.SCORE)
        base = timed(lambda sql=sql, params=params: store.db.execute_sql(sql, params)
                     .fetchall(), args.repeats)
        fresh = timed(lambda flt=flt, sort=sort: prospect_ids(store.db, flt, sort,
                                                              sort is ProspectSort.SCORE),
                      args.repeats)
        stale_times[name] = (base, fresh)
    export_fresh = timed(lambda: export_prospects(store, out), 1)
    with store.transaction():
        make_all_stale(store)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        for name, (flt, sort) in SHAPES.items():
            count = len(prospect_ids(store.db, flt, sort))
            stale = timed(lambda flt=flt, sort=sort: prospect_ids(store.db, flt, sort,
                                                                  sort is ProspectSort.SCORE),
                          args.repeats)
            base, fresh = stale_times[name]
            print(f"{name:<18} {base * 1000:9.1f} {fresh * 1000:9.1f} {stale * 1000:10.1f}"
                  f"   ({count:,} rows)")
        export_stale = timed(lambda: export_prospects(store, out), 1)
    finally:
        other.execute("ROLLBACK")
        other.close()
    print(f"export of every row: {export_fresh:.2f} s fresh, {export_stale:.2f} s all stale "
          f"under another writer's lock")
    store.close()


if __name__ == "__main__":
    main()
