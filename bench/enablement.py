"""The asset library at scale: 10,000 assets (2-3 versions each) and 200,000 shares to
1,000 partners.

Filter per keystroke, timed two ways on the same database in the same run:

* raw SQL (the baseline): the library's one query, ``asset_ids_sql(AssetFilter(text))``,
  executed and fetched with ``sqlite3`` directly;
* model: ``AssetsTableModel.set_search_text(text)`` and ``data()`` of the first 40 rows x
  every column, i.e. what the view asks for to paint the first screen.

Adding a 200 MB file: ``store_file`` (hash and copy into the blob store) runs through
``ui/shell/jobs.run_task`` as the tab runs it, while a 10 ms timer on the GUI thread
records the longest gap between its ticks: the window's worst stall while the file is
copied (baseline: the same timer with nothing running).

"Outdated per partner" for one partner: ``outdated_for_partner(db, partner_id)``, over
partners with ~200 shares each (median and worst of many partners).

    python -m bench.enablement                  # generates bench/out/enablement-….sqlite3
    python -m bench.enablement --repeats 5
    python -m bench.enablement --big-file-mb 0     # skip the 200 MB file
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="cd-bench-config-")

from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from bench.generate import OUT_DIR
from channeldesk.domain.enablement import AssetKind, ShareChannel
from channeldesk.store import open_store
from channeldesk.store.asset_queries import AssetFilter, asset_ids_sql, outdated_for_partner
from channeldesk.store.migrations import current_version
from channeldesk.store.models import Asset, AssetShare, AssetVersion, Partner
from channeldesk.ui.enablement.files import store_files
from channeldesk.ui.enablement.model import AssetsTableModel
from channeldesk.ui.shell.jobs import run_task

KEYSTROKES = ("v", "va", "vau", "vault", "vault d", "vault da", "backup", "smb", "pricing",
              "zzz", "")
WORDS = ("Vault", "Beacon", "Relay", "Atlas", "Harbor", "Summit", "Nimbus", "Quartz")
KINDS = [kind.value for kind in AssetKind]
TAGS = ("SMB", "enterprise", "security", "backup", "cloud", "compliance", "pricing")
FIRST_SCREEN_ROWS = 40
TODAY = date(2026, 11, 20)


def generate(path: Path, assets: int = 10_000, shares: int = 200_000, partners: int = 1_000,
             seed: int = 1) -> None:
    """Write the library through the store's bulk insert (journalled like the app)."""
    rng = random.Random(seed)
    store = open_store(path)
    partner_ids = store.insert_many(Partner, [
        {"name": f"Partner {n:04d}", "partner_type": rng.choice(["reseller", "msp"]),
         "tier": rng.choice(["silver", "gold", "platinum"]), "status": "active",
         "region": rng.choice(["emea", "na", "apac"])} for n in range(partners)])
    asset_rows = []
    for n in range(assets):
        product = rng.choice(WORDS)
        published = TODAY - timedelta(days=rng.randint(30, 900))
        asset_rows.append({
            "title": f"{product} {rng.choice(KINDS).replace('_', ' ')} {n}",
            "kind": rng.choice(KINDS), "product": product, "language": "en",
            "tags": ", ".join(rng.sample(TAGS, 2)), "published_on": published,
            "expires_on": published + timedelta(days=rng.randint(200, 900))
            if n % 4 == 0 else None,
            "description": f"{product} material for partner sales teams, number {n}."})
    asset_ids = store.insert_many(Asset, asset_rows)
    version_rows, versions_of = [], {}
    for asset_id in asset_ids:
        for number in range(1, rng.randint(2, 3) + 1):
            version_rows.append({"asset": asset_id, "version_no": number,
                                 "url": f"https://example.com/{asset_id}/{number}",
                                 "released_on": TODAY, "change_note": "Update"})
    version_ids = store.insert_many(AssetVersion, version_rows)
    for row, version_id in zip(version_rows, version_ids, strict=True):
        versions_of.setdefault(row["asset"], []).append(version_id)
    share_rows = []
    for _ in range(shares):
        asset_id = rng.choice(asset_ids)
        share_rows.append({"asset": asset_id, "version": rng.choice(versions_of[asset_id]),
                           "partner": rng.choice(partner_ids),
                           "shared_on": TODAY - timedelta(days=rng.randint(1, 400)),
                           "channel": rng.choice(list(ShareChannel)).value})
    store.insert_many(AssetShare, share_rows)
    store.close()


def cached(assets: int, shares: int) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"enablement-{assets}a-{shares}s-v{current_version()}.sqlite3"
    if not path.exists():
        started = time.perf_counter()
        temp = path.with_suffix(".partial")
        for leftover in temp.parent.glob(temp.name + "*"):
            leftover.unlink()
        generate(temp, assets, shares)
        for suffix in ("-wal", "-shm"):
            Path(str(temp) + suffix).unlink(missing_ok=True)
        temp.rename(path)
        print(f"generated {path.name} in {time.perf_counter() - started:.0f} s")
    return path


def pct95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered)))]


def first_screen(model: AssetsTableModel) -> None:
    for row in range(min(FIRST_SCREEN_ROWS, model.rowCount())):
        for column in range(model.columnCount()):
            model.data(model.index(row, column))


def longest_stall(app: QApplication, start_work=None) -> tuple[float, float, object]:
    """(seconds the work took, longest gap between 10 ms timer ticks on the GUI thread,
    what the work returned)."""
    clock, gaps, done = QElapsedTimer(), [], []
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now
    timer = QTimer(interval=10, timeout=tick)
    timer.start()
    started = time.perf_counter()
    if start_work is None:
        QTimer.singleShot(2000, lambda: done.append(True))
    else:
        start_work(done.append)
    while not done:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    return time.perf_counter() - started, max(gaps, default=0) / 1000, done[0]


def big_file(app: QApplication, store, megabytes: int) -> None:
    path = Path(tempfile.mkdtemp(prefix="cd-bench-file-")) / "launch video.mp4"
    with path.open("wb") as handle:
        block = os.urandom(1 << 20)
        for _ in range(megabytes):
            handle.write(block)
    parent = QWidget()
    _idle, idle_gap, _ = longest_stall(app)

    def start(finished) -> None:
        run_task(parent, "Adding files", store_files(store, [path]), finished, finished)
    took, gap, result = longest_stall(app, start)
    print(f"adding a {megabytes} MB file: {took:.1f} s in a worker; longest GUI stall "
          f"{gap * 1000:.0f} ms (idle baseline {idle_gap * 1000:.0f} ms)")
    path.unlink()
    for _path, stored in getattr(result, "stored", ()):  # the bench leaves no 200 MB blob
        store.blobs.path_of(stored.sha256).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--shares", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--big-file-mb", type=int, default=200)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    store = open_store(cached(args.assets, args.shares))
    conn = store.db.connection()
    model = AssetsTableModel(store, TODAY)
    model.refresh()
    print(f"{args.assets:,} assets, {args.shares:,} shares; best of {args.repeats} per "
          "keystroke (ms)")
    print(f"{'keystroke':<12}{'rows':>7}{'raw SQL':>10}{'model':>10}{'ratio':>8}")
    ratios = []
    for text in KEYSTROKES:
        raw, shown = [], []
        for _ in range(args.repeats):
            sql, params = asset_ids_sql(AssetFilter(text=text, today=TODAY))
            started = time.perf_counter()
            count = len(conn.execute(sql, params).fetchall())
            raw.append(time.perf_counter() - started)
            model.set_search_text("\u0000")  # force a change, so the next one re-queries
            started = time.perf_counter()
            model.set_search_text(text)
            first_screen(model)
            shown.append(time.perf_counter() - started)
        ratio = min(shown) / min(raw)
        ratios.append(ratio)
        print(f"{text or '(clear)':<12}{count:>7,}{min(raw) * 1000:>10.1f}"
              f"{min(shown) * 1000:>10.1f}{ratio:>8.2f}")
    print(f"model / raw SQL: median {statistics.median(ratios):.2f}, worst {max(ratios):.2f}")
    partner_ids = [row[0] for row in conn.execute(
        "SELECT id FROM partner WHERE deleted = 0 ORDER BY id LIMIT 200")]
    timings, outdated = [], []
    for partner_id in partner_ids:
        best = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            found = len(outdated_for_partner(store.db, partner_id))
            best.append(time.perf_counter() - started)
        outdated.append(found)
        timings.append(min(best))
    held = conn.execute("SELECT count(*) FROM asset_share WHERE partner_id = ?",
                        (partner_ids[0],)).fetchone()[0]
    print(f"outdated per partner ({len(partner_ids)} partners, ~{held} shares each, "
          f"~{statistics.median(outdated):.0f} outdated): median "
          f"{statistics.median(timings) * 1000:.1f} ms, p95 {pct95(timings) * 1000:.1f} ms, "
          f"worst {max(timings) * 1000:.1f} ms (best of {args.repeats} per partner)")
    if args.big_file_mb:
        big_file(app, store, args.big_file_mb)
    store.close()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
