"""Filter and sort latency of the Partners table at 10,000 and 100,000 partners.

For each keystroke of a typing sequence ("n", "no", "nor", "nort", "north", a country, an
owner's name, a miss, and clearing the box) three paths are timed on the same database:

* raw SQL (the baseline): ``partner_ids(db, PartnerFilter(text=...))``, the query alone;
* model: ``PartnersTableModel.set_search_text(text)`` and then ``data()`` of the first 40
  rows x every column, i.e. what the view asks for to paint the first screen;
* widget: the real window from ``create_main_window``; text is set on the QLineEdit
  ``partners-search`` and the clock runs until the debounce timer has fired, the tab has
  handled it and the table has repainted (events processed until none are pending). The
  figure excludes the deliberate typing debounce (SEARCH_DELAY_MS), which is reported
  separately as measured.

Sorting by "Last activity" (and, for reference, by name) is timed the same three ways:
``partner_ids(..., sort)``, ``model.sort(column, order)`` + first screen, and
a header click (``setSortIndicator``) + repaint.

    python -m bench.filter_latency                 # 10,000 and 100,000 partners
    python -m bench.filter_latency --sizes 10000 --repeats 3
    python -m bench.filter_latency --profile 100000
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="cd-bench-config-")  # no saved state

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView

from bench.generate import OUT_DIR, cached_db
from channeldesk.app import create_main_window
from channeldesk.store.partner_queries import (
    PartnerFilter,
    PartnerSort,
    partner_ids,
)
from channeldesk.ui.partners.model import PartnersTableModel
from channeldesk.ui.widgets.record_tab import SEARCH_DELAY_MS

# Typed one keystroke at a time (slowly: each one outlives the debounce), then a miss and
# clearing the box, which brings back every partner.
KEYSTROKES = ("n", "no", "nor", "nort", "north", "germ", "germany", "dana", "dana whitfield",
              "priya", "zzz", "")
FIRST_SCREEN_ROWS = 40
ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def timed(action: Callable[..., object], *args) -> tuple[float, object]:
    """Seconds that ``action(*args)`` took, and what it returned."""
    started = time.perf_counter()
    result = action(*args)
    return time.perf_counter() - started, result


def first_screen(model: PartnersTableModel) -> None:
    """What the view asks for to paint the first screen of rows."""
    for row in range(min(FIRST_SCREEN_ROWS, model.rowCount())):
        for column in range(model.columnCount()):
            model.data(model.index(row, column))


class PaintCounter(QObject):
    """Counts paint events of a widget, to check that a repaint did happen."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


class Bench:
    """One window over one generated database, and the three paths to time."""

    def __init__(self, partners: int) -> None:
        self.partners = partners
        self.app = QApplication.instance() or QApplication(sys.argv[:1])
        self.window = create_main_window(cached_db(partners))
        self.window.show()
        self.settle()
        self.db = self.window.store.db
        self.tab = self.window.page("partners")
        self.search = self.window.findChild(QLineEdit, "partners-search")
        self.table = self.window.findChild(QTableView, "partners-table")
        timers = [t for t in self.tab.findChildren(QTimer)
                  if t.isSingleShot() and t.interval() == SEARCH_DELAY_MS]
        if self.search is None or self.table is None or len(timers) != 1:
            raise SystemExit("the Partners tab changed shape: no partners-search, "
                             "partners-table or single search debounce timer found")
        self.debounce_timer = timers[0]
        self.debounce_timer.timeout.connect(self._handled)  # runs after the tab's own slot
        self.tab.model.modelAboutToBeReset.connect(self._fired)
        self.paints = PaintCounter(self.table.viewport())
        self.model = PartnersTableModel(self.window.store)  # a second model, off-screen
        self.model.refresh()
        self._t_fired = self._t_handled = None

    def _fired(self) -> None:
        if self._t_fired is None:
            self._t_fired = time.perf_counter()

    def _handled(self) -> None:
        self._t_handled = time.perf_counter()

    def settle(self) -> None:
        """Process events until none are pending (the repaint included)."""
        for _ in range(3):
            self.app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)

    # -- the three filter paths ---------------------------------------------------------

    def raw_filter(self, text: str) -> int:
        return len(partner_ids(self.db, PartnerFilter(text=text.strip())))

    def model_filter(self, text: str) -> None:
        self.model.set_search_text(text)
        first_screen(self.model)

    def widget_filter(self, text: str) -> dict[str, float]:
        """Type ``text`` into the search box; the phases of getting it on screen."""
        if self.search.text() == text:
            raise ValueError(f"the search box already holds {text!r}; nothing would happen")
        self._t_fired = self._t_handled = None
        paints = self.paints.count
        started = time.perf_counter()
        self.search.setText(text)
        while self._t_handled is None:
            self.app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        handled = self._t_handled
        self.settle()
        painted = time.perf_counter()
        fired = self._t_fired or handled  # no reset: the filter did not change
        if self.paints.count == paints and self.tab.model.rowCount():
            print(f"  warning: no repaint of the table seen for {text!r}", file=sys.stderr)
        return {"debounce": fired - started, "handler": handled - fired,
                "paint": painted - handled, "shown": painted - fired,
                "typed to shown": painted - started}

    # -- sorting ------------------------------------------------------------------------

    def raw_sort(self, sort: PartnerSort, order: Qt.SortOrder) -> None:
        partner_ids(self.db, PartnerFilter(), sort, order == DESC)

    def model_sort(self, column: int, order: Qt.SortOrder) -> None:
        self.model.sort(column, order)
        first_screen(self.model)

    def widget_sort(self, column: int, order: Qt.SortOrder) -> None:
        """What a click on the header does: flip the sort indicator, the view sorts.

        (Not ``QTableView.sortByColumn``: with sorting enabled, Qt 6 sorts the model twice
        for it, once through ``sortIndicatorChanged`` and once directly.)
        """
        self.table.horizontalHeader().setSortIndicator(column, order)
        self.settle()

    def close(self) -> None:
        self.window.close()
        self.window.deleteLater()
        self.settle()


def run_filter(bench: Bench, repeats: int) -> dict[str, dict[str, list[float]]]:
    samples: dict[str, dict[str, list[float]]] = {
        text: {"raw": [], "model": [], "widget": [], "debounce": [], "handler": [],
               "paint": [], "matches": []} for text in KEYSTROKES}
    for rep in range(repeats + 1):  # the first pass warms caches and is not counted
        for text in KEYSTROKES:
            raw, matches = timed(bench.raw_filter, text)
            model, _ = timed(bench.model_filter, text)
            widget = bench.widget_filter(text)
            if rep:
                row = samples[text]
                row["raw"].append(raw)
                row["model"].append(model)
                row["widget"].append(widget["shown"])
                for phase in ("debounce", "handler", "paint"):
                    row[phase].append(widget[phase])
                row["matches"].append(matches)
    return samples


def report_filter(partners: int, samples: dict[str, dict[str, list[float]]]) -> None:
    print(f"\nFilter, {partners:,} partners: per keystroke, median ms "
          f"(widget = debounce fired -> table repainted)")
    print(f"{'text':18}{'matches':>9}{'raw SQL':>9}{'model':>9}{'widget':>9}"
          f"{'handler':>9}{'paint':>9}{'model/raw':>10}{'widget/raw':>11}")
    for text, row in samples.items():
        raw, model, widget = (statistics.median(row[k]) for k in ("raw", "model", "widget"))
        print(f"{text or '(cleared)':18}{row['matches'][0]:9,}{ms(raw)} {ms(model)} "
              f"{ms(widget)} {ms(statistics.median(row['handler']))} "
              f"{ms(statistics.median(row['paint']))} {model / raw:8.2f}x {widget / raw:9.2f}x")
    every = {k: [v for row in samples.values() for v in row[k]]
             for k in ("raw", "model", "widget", "debounce")}
    print(f"\n{'all keystrokes':18}{'median':>9}{'p95':>9}{'max':>9}   ratio to raw (median, p95)")
    raw_med, raw_p95 = statistics.median(every["raw"]), pct(every["raw"], 95)
    for key, label in (("raw", "raw SQL (baseline)"), ("model", "model path"),
                       ("widget", "widget path")):
        values = every[key]
        median, p95 = statistics.median(values), pct(values, 95)
        print(f"{label:18}{ms(median)} {ms(p95)} {ms(max(values))}   "
              f"{median / raw_med:5.2f}x {p95 / raw_p95:5.2f}x")
    debounce = every["debounce"]
    print(f"typing debounce: configured {SEARCH_DELAY_MS} ms, measured median "
          f"{statistics.median(debounce) * 1000:.1f} ms, p95 {pct(debounce, 95) * 1000:.1f} ms "
          f"(not included above)")


def run_sort(bench: Bench, repeats: int) -> None:
    print(f"\nSort, {bench.partners:,} partners, no filter: median / p95 ms over "
          f"{2 * repeats} sorts (alternating ascending and descending)")
    print(f"{'column':16}{'raw SQL':>17}{'model':>19}{'widget':>19}{'model/raw':>11}"
          f"{'widget/raw':>11}")
    if bench.search.text():
        bench.widget_filter("")
    for sort, key in ((PartnerSort.LAST_ACTIVITY, "last_activity"), (PartnerSort.NAME, "name")):
        column = bench.model.column_index(key)
        times: dict[str, list[float]] = {"raw": [], "model": [], "widget": []}
        for rep in range(repeats + 1):
            for order in (DESC, ASC):
                raw, _ = timed(bench.raw_sort, sort, order)
                model, _ = timed(bench.model_sort, column, order)
                widget, _ = timed(bench.widget_sort, column, order)
                if rep:
                    times["raw"].append(raw)
                    times["model"].append(model)
                    times["widget"].append(widget)
        med = {k: statistics.median(v) for k, v in times.items()}
        cells = "".join(f"{ms(med[k])} /{ms(pct(times[k], 95))}" for k in times)
        print(f"{bench.model.headerData(column, Qt.Orientation.Horizontal):16}{cells}"
              f"{med['model'] / med['raw']:10.2f}x{med['widget'] / med['raw']:10.2f}x")
    bench.widget_sort(0, ASC)


def profile(partners: int, top: int) -> None:
    """cProfile of the widget filter path for the keystrokes, and of a sort."""
    bench = Bench(partners)
    for text in KEYSTROKES:  # warm-up
        bench.widget_filter(text)
    profiler = cProfile.Profile()
    profiler.enable()
    for text in KEYSTROKES:
        bench.widget_filter(text)
    column = bench.model.column_index("last_activity")
    bench.widget_sort(column, DESC)
    bench.widget_sort(column, ASC)
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"Profile: {len(KEYSTROKES)} keystrokes + 2 sorts by last activity, "
          f"{partners:,} partners (debounce waits show as processEvents)")
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    bench.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=5,
                        help="passes over the keystrokes (after one warm-up pass)")
    parser.add_argument("--profile", type=int, metavar="PARTNERS",
                        help="instead: profile the widget path at this size")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    if args.profile:
        profile(args.profile, args.top)
        return 0
    print(f"Partners table latency, offscreen; {args.repeats} passes after a warm-up; "
          f"databases cached in {OUT_DIR}")
    for partners in args.sizes:
        bench = Bench(partners)
        report_filter(partners, run_filter(bench, args.repeats))
        run_sort(bench, args.repeats)
        bench.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
