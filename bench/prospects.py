"""Prospects at 100,000 rows: CSV import, type-to-filter, and re-scoring.

    python -m bench.prospects                  # 100,000 prospects, all three
    python -m bench.prospects --rows 20000 --repeats 3
    python -m bench.prospects --skip import --skip rescore   # filter only, last database

* **import**: a generated CSV (Salesforce-style headers) is read and previewed
  (``read_file`` + ``build_preview``, timed apart), then written by ``apply_import``
  (``Store.insert_many`` in one transaction, the journal's trigger writing one record
  entry per row, the search and fit rows derived). Baselines in the same run, over the
  same parsed rows: ``sqlite3.executemany`` into a bare ``prospect`` table (no triggers,
  no index), and ``executemany`` into the migrated table (its journal triggers firing,
  then muted). Then undo and redo of the import (``Operation.undo``/``redo``, what the
  undo command's worker runs), the lists' catch-up after each, and the same tombstoning
  as bare chunked ``UPDATE``s.
* **filter**: per keystroke, the raw query (``prospect_ids_sql`` run by ``execute``, the
  baseline), the model (``set_search_text`` + the first screen of rows), and the real
  window (text set on ``prospects-search``; from the debounce timer firing until the
  table has repainted; the debounce itself is not counted).
* **rescore**: ``rescore_all`` after a profile change (as the tab runs it in a worker),
  against reading the same rows raw.

Files go to ``bench/out/`` (gitignored). Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="cd-bench-config-")

from bench.generate import OUT_DIR
from channeldesk.services.demo_prospects import (
    COMPETENCIES,
    COMPETITORS,
    COUNTRIES,
    FIRST,
    LEGAL,
    PEOPLE,
    SECOND,
    VERTICALS,
)
from channeldesk.services.prospect_csv_import import (
    KnownCompanies,
    apply_import,
    build_preview,
    complete_values,
    read_file,
)
from channeldesk.store import open_store
from channeldesk.store.models import IdealPartnerProfile, ProfileCriterion, Prospect
from channeldesk.store.prospect_derived import catch_up, rescore_all
from channeldesk.store.prospect_queries import ProspectFilter, prospect_ids_sql

KEYSTROKES = ("a", "ap", "ape", "apex", "apex d", "germ", "germany", "łuna", "luna",
              "sofie", "zzz", "")
STAGES = ("Open - Not Contacted", "Working - Contacted", "Qualified", "Proposal",
          "Negotiation", "Closed - Converted", "Closed - Not Converted")
HEADERS = ("Account Name", "Website", "Billing Country", "Industry", "NumberOfEmployees",
           "AnnualRevenue", "Lead Source", "Lead Status", "Account Owner", "First Name",
           "Last Name", "Email", "Competencies", "Competitors")


def write_csv(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for n in range(rows):
            country, _region, _currency, owners = rng.choice(COUNTRIES)
            name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {n}{rng.choice(LEGAL)}"
            first, last = rng.choice(PEOPLE).split(" ", 1)
            writer.writerow([
                name, f"p{n}.example", country, rng.choice(VERTICALS),
                rng.randint(5, 5000), f"{rng.randint(1, 900) * 100_000}",
                rng.choice(("Trade Show", "Web", "Partner Referral", "Purchased List")),
                rng.choice(STAGES), rng.choice(owners), first, last,
                f"{first.lower()}@p{n}.example", ", ".join(rng.sample(COMPETENCIES, 2)),
                rng.choice(COMPETITORS)])


def timed(action, *args):
    started = time.perf_counter()
    result = action(*args)
    return time.perf_counter() - started, result


def bench_import(rows: int) -> Path:
    OUT_DIR.mkdir(exist_ok=True)
    source = OUT_DIR / f"prospects{rows}.csv"
    if not source.exists():
        write_csv(source, rows)
    db_path = OUT_DIR / f"prospects{rows}-bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    store = open_store(db_path)
    read_s, table = timed(read_file, source)
    preview_s, preview = timed(lambda: build_preview(table, known=KnownCompanies.load(store)))
    assert not preview.invalid, preview.issues()[:3]
    write_s, result = timed(apply_import, store, preview)
    journal = store.db.execute_sql("SELECT count(*) FROM change").fetchone()[0]
    undo = bench_undo(store, result.operation, result.created)
    store.close()

    values = [complete_values(row.values) for row in preview.rows]
    columns = [("converted_partner_id" if name == "converted_partner" else name)
               for name in values[0]]
    values = [list(row.values()) for row in values]
    bare_s = _executemany_bare(values, columns)
    triggered_s = _executemany_migrated(values, columns)
    muted_s = _executemany_migrated(values, columns, muted=True)
    count = len(result.created)
    print(f"\n== import {count:,} prospects from {source.name} "
          f"({source.stat().st_size / 1e6:.1f} MB)")
    print(f"read + split CSV      {read_s:8.2f} s")
    print(f"preview (parse, check, duplicates) {preview_s:8.2f} s")
    print(f"apply_import (write)  {write_s:8.2f} s  {count / write_s:10,.0f} rows/s  "
          f"({journal:,} journal rows)")
    print(f"baseline executemany, bare table          {bare_s:8.2f} s  "
          f"{count / bare_s:10,.0f} rows/s   ratio {write_s / bare_s:5.1f}x")
    print(f"reference executemany, migrated table (journal triggers) {triggered_s:8.2f} s  "
          f"ratio {write_s / triggered_s:5.1f}x")
    print(f"reference executemany, migrated table, journal muted {muted_s:8.2f} s  "
          f"ratio {write_s / muted_s:5.1f}x")
    total = read_s + preview_s + write_s
    print(f"whole import (read + preview + write) {total:8.2f} s  {count / total:10,.0f} rows/s")
    print(f"\n== undo and redo of the import ({count:,} rows), each in one transaction")
    for name, seconds in undo.items():
        print(f"{name:<58} {seconds:8.2f} s")
    return db_path


def bench_undo(store, operation, ids: list[str]) -> dict[str, float]:
    """Undo and redo of the import as the undo command's worker runs them, then the
    catch-up of the lists' derived rows (what the next read of the list does), against
    the same tombstoning and un-tombstoning as bare SQL (chunked UPDATEs by id, journal
    and stale marks off, in a transaction rolled back) over the same rows."""
    figures = {}
    figures["undo (Operation.undo: tombstone, journal, stamps)"], _ = timed(
        operation.undo, store)
    figures["  then catching up derived rows (next list read)"], _ = timed(
        catch_up, store.db)
    figures["redo (Operation.redo)"], _ = timed(operation.redo, store)
    figures["  then catching up derived rows (next list read)  "], _ = timed(
        catch_up, store.db)
    conn = store.db.connection()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO journal_mute (reason) VALUES ('bench')")
    conn.execute("DROP TRIGGER prospect_stale_update")
    for deleted in (1, 0):
        started = time.perf_counter()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            conn.execute(f"UPDATE prospect SET deleted = ? WHERE id IN "
                         f"({', '.join('?' * len(chunk))})", (deleted, *chunk))
        figures[f"baseline: bare UPDATE deleted = {deleted} of the same rows"] = (
            time.perf_counter() - started)
    conn.execute("ROLLBACK")
    return figures


def _rows_for(values: list[list], columns: list[str]):
    from uuid6 import uuid7

    stamp = "0" * 16
    return [(str(uuid7()), stamp, stamp, *row) for row in values]


def _executemany_bare(values: list[list], columns: list[str]) -> float:
    path = OUT_DIR / "prospects-bare.sqlite3"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("PRAGMA synchronous=normal")
    names = ", ".join(columns)
    conn.execute(f"CREATE TABLE prospect (id TEXT PRIMARY KEY, created_at TEXT, "
                 f"updated_at TEXT, {names})")
    rows = _rows_for(values, columns)
    marks = ", ".join("?" * (3 + len(columns)))
    started = time.perf_counter()
    with conn:
        conn.executemany(f"INSERT INTO prospect (id, created_at, updated_at, {names}) "
                         f"VALUES ({marks})", rows)
    elapsed = time.perf_counter() - started
    conn.close()
    path.unlink(missing_ok=True)
    return elapsed


def _executemany_migrated(values: list[list], columns: list[str], muted: bool = False
                          ) -> float:
    """``executemany`` into the migrated table (indexes, stale trigger), its journal
    triggers firing or, ``muted``, not: the difference is what the journal costs."""
    path = OUT_DIR / "prospects-migrated.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=normal")
    names = ", ".join(columns)
    rows = _rows_for(values, columns)
    marks = ", ".join("?" * (3 + len(columns)))
    started = time.perf_counter()
    with conn:
        if muted:
            conn.execute("INSERT INTO journal_mute (reason) VALUES ('bench')")
        conn.executemany(f"INSERT INTO prospect (id, created_at, updated_at, {names}) "
                         f"VALUES ({marks})", rows)
    elapsed = time.perf_counter() - started
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return elapsed


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def bench_filter(db_path: Path, repeats: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from channeldesk.app import create_main_window
    from channeldesk.ui.prospects.model import ProspectsTableModel
    from channeldesk.ui.widgets.record_tab import SEARCH_DELAY_MS

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = create_main_window(db_path)
    window.resize(1400, 860)
    window.show()
    tab = window.show_page("prospects")
    for _ in range(3):
        app.processEvents()
    db = window.store.db
    model = ProspectsTableModel(window.store)
    model.refresh()
    timer = next(t for t in tab.findChildren(QTimer)
                 if t.isSingleShot() and t.interval() == SEARCH_DELAY_MS)
    marks: dict[str, float] = {}
    tab.model.modelAboutToBeReset.connect(lambda: marks.setdefault("fired",
                                                                   time.perf_counter()))
    timer.timeout.connect(lambda: marks.__setitem__("handled", time.perf_counter()))

    def raw(text: str) -> None:
        sql, params = prospect_ids_sql(ProspectFilter(text=text.strip()))
        db.execute_sql(sql, params).fetchall()

    def through_model(text: str) -> None:
        model.set_search_text(text)
        for row in range(min(40, model.rowCount())):
            for column in range(model.columnCount()):
                model.data(model.index(row, column))

    def through_widget(text: str) -> float:
        marks.clear()
        tab.search.setText(text)
        while "handled" not in marks:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        for _ in range(3):
            app.processEvents()
        return time.perf_counter() - marks.get("fired", marks["handled"])

    results: dict[str, dict[str, list[float]]] = {k: {"raw": [], "model": [], "widget": []}
                                                  for k in KEYSTROKES}
    for attempt in range(repeats + 1):  # the first pass warms the caches
        for text in KEYSTROKES:
            raw_s, _ = timed(raw, text)
            model_s, _ = timed(through_model, text)
            widget_s = through_widget(text)
            if attempt:
                results[text]["raw"].append(raw_s)
                results[text]["model"].append(model_s)
                results[text]["widget"].append(widget_s)
        through_model("x")
        tab.search.setText("x")  # the next pass's first keystroke must change the text
        app.processEvents()
    count = Prospect.select().where(Prospect.deleted == False).count()  # noqa: E712
    print(f"\n== type-to-filter over {count:,} prospects (median of {repeats}, ms)")
    print(f"{'keystroke':<12} {'rows':>7} {'raw SQL':>9} {'model':>9} {'widget':>9} "
          f"{'widget/raw':>10}")
    all_raw, all_widget = [], []
    for text in KEYSTROKES:
        model.set_search_text(text)
        r = statistics.median(results[text]["raw"])
        m = statistics.median(results[text]["model"])
        w = statistics.median(results[text]["widget"])
        all_raw.extend(results[text]["raw"])
        all_widget.extend(results[text]["widget"])
        print(f"{text or '(cleared)':<12} {model.rowCount():>7,} {r * 1000:9.1f} "
              f"{m * 1000:9.1f} {w * 1000:9.1f} {w / r:10.2f}")
    print(f"all keystrokes: raw median {statistics.median(all_raw) * 1000:.1f} ms, widget "
          f"median {statistics.median(all_widget) * 1000:.1f} ms (p90 "
          f"{pct(all_widget, 90) * 1000:.1f} ms), ratio of medians "
          f"{statistics.median(all_widget) / statistics.median(all_raw):.2f}x")
    window.close()


def bench_rescore(db_path: Path) -> None:
    store = open_store(db_path)
    with store.transaction():
        profile = store.insert(IdealPartnerProfile, {"name": "bench"})
        for n, (attribute, operator, choices, low, high) in enumerate((
                ("region", "in", "EMEA, North America", None, None),
                ("vertical", "in", "Healthcare, Finance", None, None),
                ("employees", "between", "", 50, 500),
                ("annual_revenue", "at_least", "USD", 5_000_000, None),
                ("competency", "has", "Security", None, None),
                ("competitor", "lacks", "Brightline", None, None))):
            store.insert(ProfileCriterion, {"profile": profile, "attribute": attribute,
                                            "operator": operator, "choices": choices,
                                            "low": low, "high": high, "weight": 10 + n,
                                            "position": n})
    read_s, _rows = timed(lambda: store.db.execute_sql(
        "SELECT id, region, country, vertical, partner_type, source, employees, "
        "annual_revenue_minor, currency, competencies, competitors FROM prospect").fetchall())
    steps = []
    rescore_s, count = timed(rescore_all, store.db, lambda d, t, m: steps.append(d), None)
    store.close()
    print(f"\n== re-score {count:,} prospects against a 6-criterion profile")
    print(f"rescore_all {rescore_s:8.2f} s ({count / rescore_s:,.0f} prospects/s, "
          f"{len(steps)} progress reports); reading the same rows raw {read_s:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip", choices=("import", "filter", "rescore"), action="append",
                        default=[], help="leave a part out (import: reuse the last database)")
    args = parser.parse_args()
    db_path = OUT_DIR / f"prospects{args.rows}-bench.sqlite3"
    if "import" not in args.skip or not db_path.exists():
        db_path = bench_import(args.rows)
    if "rescore" not in args.skip:
        bench_rescore(db_path)
    if "filter" not in args.skip:
        bench_filter(db_path, args.repeats)


if __name__ == "__main__":
    main()
