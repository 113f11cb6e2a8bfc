"""The dashboard and search everywhere on 10,000 partners with 100,000 prospects.

Dashboard: the wall time from creating the Dashboard tab to its first paint (every
feature's panels measured in SQL, charts built, radar filled, the widget grabbed), against
a bare QWidget of the same size shown and grabbed the same way, and against the raw SQL
of the panels' aggregates, all in the same run. Aim (issue 16): within 300 ms.

Search everywhere: building the index once (every record of every feature), then each
keystroke of a few typed words through ``store.search_index.search`` (what the Ctrl+K box
runs) against the same FTS5 query (``ranked_sql``) on a plain ``sqlite3`` connection, same
words, same run.
Aim: within 2x the raw query.

    python -m bench.dashboard                 # the cached bench database (made if missing)
    python -m bench.dashboard --db COPY.sqlite3 --runs 7
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TYPED = ("n", "no", "nor", "nord", "nordl", "s", "sy", "sys", "syst", "systems", "a", "ac",
         "acm", "gmbh", "gmbh b", "gmbh be", "lodz", "j", "jo", "john")
RAW_AGGREGATES = (
    "SELECT stage, count(*) FROM prospect WHERE deleted = 0 GROUP BY stage",
    "SELECT p.id, max(a.occurred_on) FROM partner p LEFT JOIN activity a "
    "ON a.partner_id = p.id AND a.deleted = 0 WHERE p.deleted = 0 GROUP BY p.id",
    "SELECT plan_id, sum(target), sum(actual) FROM plan_target WHERE deleted = 0 "
    "AND metric = 'revenue' GROUP BY plan_id",
)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _median(values: list[float]) -> float:
    return statistics.median(values)


def bench_dashboard(db_path: Path, runs: int) -> None:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication, QWidget

    from channeldesk.store import open_store
    from channeldesk.ui.dashboard.tab import DashboardTab

    app = QApplication.instance() or QApplication(sys.argv)
    store = open_store(db_path)
    stack = QUndoStack()
    tab_times, bare_times, sql_times = [], [], []
    for _ in range(runs):
        started = time.perf_counter()
        bare = QWidget()
        bare.resize(1366, 700)
        bare.show()
        app.processEvents()
        bare.grab()
        bare_times.append(time.perf_counter() - started)
        bare.close()

        started = time.perf_counter()
        for sql in RAW_AGGREGATES:
            store.db.execute_sql(sql).fetchall()
        sql_times.append(time.perf_counter() - started)

        started = time.perf_counter()
        tab = DashboardTab(store, stack, today=date.today)
        tab.resize(1366, 700)
        tab.show()
        app.processEvents()
        tab.grab()
        tab_times.append(time.perf_counter() - started)
        tab.close()
        tab.deleteLater()
        app.processEvents()
    store.close()
    print(f"dashboard first paint: {_ms(_median(tab_times))} median of {runs} "
          f"(min {_ms(min(tab_times))}); bare QWidget {_ms(_median(bare_times))}; "
          f"raw SQL of the aggregates {_ms(_median(sql_times))}")


def bench_search(db_path: Path, runs: int) -> None:
    from channeldesk.services.search_index import refresh
    from channeldesk.store import open_store
    from channeldesk.store.search_index import fts_query, ranked_sql, search

    store = open_store(db_path)
    started = time.perf_counter()
    refresh(store.db, force=True)
    built = time.perf_counter() - started
    records = store.db.execute_sql("SELECT count(*) FROM search_index").fetchone()[0]
    started = time.perf_counter()
    unchanged = refresh(store.db)
    check = time.perf_counter() - started
    print(f"search index: built {records:,} records in {built:.2f} s; "
          f"checking it is current {_ms(check)} (rebuilt: {unchanged or 'nothing'})")
    raw = sqlite3.connect(db_path)
    app_times, raw_times = [], []
    for _ in range(runs):
        for typed in TYPED:
            query = fts_query(typed)
            started = time.perf_counter()
            raw.execute(ranked_sql(typed), (query, 200)).fetchall()
            raw_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            search(store.db, typed)
            app_times.append(time.perf_counter() - started)
    raw.close()
    store.close()
    ratio = _median(app_times) / _median(raw_times)
    print(f"search keystroke: app {_ms(_median(app_times))} median "
          f"(p95 {_ms(sorted(app_times)[int(len(app_times) * 0.95)])}) vs raw FTS "
          f"{_ms(_median(raw_times))} (p95 {_ms(sorted(raw_times)[int(len(raw_times) * 0.95)])})"
          f" = {ratio:.2f}x over {len(app_times)} keystrokes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a bench database (copied first)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if args.db is None:
        from bench.startup import cached_mixed_db
        source = cached_mixed_db()
    else:
        source = args.db
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "bench.sqlite3"
        shutil.copyfile(source, copy)
        from channeldesk.store import open_store
        open_store(copy).close()  # migrations run once, outside the timings
        bench_dashboard(copy, args.runs)
        bench_search(copy, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
