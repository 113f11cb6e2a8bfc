"""Start-up to the first shown window: ChannelDesk vs a bare PySide6 QMainWindow.

Each run is a whole new process (``QT_QPA_PLATFORM=offscreen``, a fresh empty config
directory so no saved window state is restored). The app is started as a person starts it,
``channeldesk --db PATH`` (command line, log set-up, ``run_gui``); the figure is the wall
time from spawning the process until it prints "shown", which it does on the event loop's
first turn, after the window was shown and painted. The app then closes its window as a
person would, so the next run starts on a cleanly closed file (as a CAM's next start
does). The baseline, measured in the same run and interleaved
with the app's runs, is a bare ``QMainWindow`` of the app's default size shown the same way.
The child also reports where its time went (interpreter start, imports, building the window,
showing it).

    python -m bench.startup                    # 10,000 and 100,000 partners, and 10,000
                                               # partners with 100,000 prospects; 7 runs each
    python -m bench.startup --runs 3 --sizes 10000
    python -m bench.startup --profile 100000   # cProfile of create_main_window, in-process
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import OUT_DIR, cached_db
from channeldesk.store import open_store

CHILD = r"""
import json, os, sys, time
t_start = time.perf_counter()
mode, db = sys.argv[1], sys.argv[2]
from PySide6.QtWidgets import QApplication, QMainWindow
t_qt = time.perf_counter()
app = QApplication(sys.argv[:1])
t_app = time.perf_counter()


def report(t_import, t_built, t_shown):
    phases = {"import Qt": t_qt - t_start, "QApplication": t_app - t_qt,
              "import app": t_import - t_app, "build window": t_built - t_import,
              "show + paint": t_shown - t_built}
    print("shown " + json.dumps(phases), flush=True)


if mode == "bare":
    window = QMainWindow()
    window.resize(1360, 820)
    t_built = time.perf_counter()
    window.show()
    app.processEvents()
    report(t_app, t_built, time.perf_counter())
    os._exit(0)

# The app as a person starts it: `channeldesk --db PATH`, through the command line, the
# log set-up and run_gui, up to the event loop; the loop's first turn paints the window.
from channeldesk.cli.commands import main
t_import = time.perf_counter()


def first_turn_then_exit(_app):
    t_built = time.perf_counter()
    app.processEvents()
    report(t_import, t_built, time.perf_counter())
    for window in app.topLevelWidgets():  # close as a person would: a clean file next time
        if hasattr(window, "store"):
            window.close()
            window.store.close()
    os._exit(0)


QApplication.exec = first_turn_then_exit
main(["--db", db])
"""

PHASES = ("interpreter", "import Qt", "QApplication", "import app", "build window",
          "show + paint")


def run_once(mode: str, db: Path | str) -> tuple[float, dict[str, float]]:
    """Wall seconds from spawn to "shown", and the child's own breakdown."""
    with (tempfile.TemporaryDirectory(prefix="cd-bench-config-") as config,
          tempfile.TemporaryFile("w+") as errors):
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": config}
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", CHILD, mode, str(db)],
                                 stdout=subprocess.PIPE, stderr=errors, text=True, env=env)
        line = child.stdout.readline()
        elapsed = time.perf_counter() - started
        child.stdout.close()
        child.wait()
        if not line.startswith("shown "):
            errors.seek(0)
            raise RuntimeError(f"{mode} child did not report (exit {child.returncode}): "
                               f"{line!r}\n{errors.read()}")
    phases = json.loads(line[len("shown "):])
    phases["interpreter"] = elapsed - sum(phases.values())
    return elapsed, phases


def cached_mixed_db(partners: int = 10_000, prospects: int = 100_000) -> Path:
    """The partners database with a prospect pipeline imported into it (the issue's case:
    the window must not pay for tabs it does not show), made once and reused."""
    from bench.prospects import write_csv
    from channeldesk.services.prospect_csv_import import (
        KnownCompanies,
        apply_import,
        build_preview,
        read_file,
    )
    source = cached_db(partners)
    path = source.with_name(f"{source.stem}-prospects{prospects}.sqlite3")
    if path.exists():
        return path
    print(f"generating {path} (cached for later runs)…", file=sys.stderr, flush=True)
    partial = path.with_name(f"{path.stem}.partial-{os.getpid()}.sqlite3")
    shutil.copyfile(source, partial)
    csv_path = OUT_DIR / f"prospects{prospects}.csv"
    if not csv_path.exists():
        write_csv(csv_path, prospects)
    store = open_store(partial)
    try:
        preview = build_preview(read_file(csv_path), known=KnownCompanies.load(store))
        apply_import(store, preview)
    finally:
        store.close()
    partial.rename(path)
    return path


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f}"


def benchmark(sizes: list[int], runs: int, with_prospects: bool = True) -> None:
    with tempfile.TemporaryDirectory(prefix="cd-bench-empty-") as empty_dir:
        cases = [("bare QMainWindow (baseline)", "bare", "-")]
        empty = Path(empty_dir) / "e.sqlite3"
        open_store(empty).close()  # made once: a first start would ask about demo data
        cases.append(("ChannelDesk, empty database", "app", str(empty)))
        for size in sizes:
            cases.append((f"ChannelDesk, {size:,} partners", "app", str(cached_db(size))))
        if with_prospects:
            cases.append(("ChannelDesk, 10k partners + 100k prospects", "app",
                          str(cached_mixed_db())))

        print(f"Start-up to first shown window, {runs} runs each (+1 warm-up), "
              f"whole processes, offscreen", flush=True)
        for _, mode, db in cases:  # warm the page cache and Python's bytecode cache
            run_once(mode, db)
        totals: dict[str, list[float]] = {label: [] for label, _, _ in cases}
        phases: dict[str, list[dict[str, float]]] = {label: [] for label, _, _ in cases}
        for _ in range(runs):  # interleaved so drift hits every case alike
            for label, mode, db in cases:
                elapsed, parts = run_once(mode, db)
                totals[label].append(elapsed)
                phases[label].append(parts)

    baseline = statistics.median(totals[cases[0][0]])
    print(f"\n{'case':44} {'median':>7} {'min':>7} {'max':>7}   ratio to bare (median)")
    for label, _, _ in cases:
        values = totals[label]
        median = statistics.median(values)
        print(f"{label:44} {_ms(median)} {_ms(min(values))} {_ms(max(values))}   "
              f"{median / baseline:5.2f}x")
    print("  (milliseconds)")

    print(f"\nWhere the time goes (median of each phase, ms)\n{'case':44}"
          + "".join(f"{name:>14}" for name in PHASES))
    for label, _, _ in cases:
        row = "".join(
            f"{statistics.median(p[name] for p in phases[label]) * 1000:14.0f}"
            for name in PHASES)
        print(f"{label:44}{row}")


def profile(size: int, top: int) -> None:
    """cProfile of one in-process create_main_window + show, after warming imports."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="cd-bench-config-")
    from PySide6.QtWidgets import QApplication

    from channeldesk.app import create_main_window

    db = cached_db(size)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    window = create_main_window(db)
    window.show()
    QApplication.instance().processEvents()
    profiler.disable()
    print(f"create_main_window + show with {size:,} partners: "
          f"{(time.perf_counter() - started) * 1000:.0f} ms under cProfile")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    window.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="partner counts of the generated databases")
    parser.add_argument("--profile", type=int, metavar="PARTNERS",
                        help="instead: profile create_main_window in-process at this size")
    parser.add_argument("--top", type=int, default=25, help="lines of profile to print")
    parser.add_argument("--no-prospects", action="store_true",
                        help="leave out the 10k partners + 100k prospects case")
    args = parser.parse_args(argv)
    if args.profile:
        profile(args.profile, args.top)
    else:
        benchmark(args.sizes, args.runs, not args.no_prospects)
    return 0


if __name__ == "__main__":
    sys.exit(main())
