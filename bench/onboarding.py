"""The Onboarding tab at 2,000 partners in onboarding with 40,000 tasks.

Three paths, timed on the same database in the same run (as ``bench.filter_latency``):

* **raw SQL (the baseline):** the filtered, sorted id query alone
  (``onboarding_ids``), on the window's own connection;
* **model:** what the tab's table model does for it: ``OnboardingTableModel`` built and
  refreshed (open) or ``set_search_text`` / ``set_filter`` (filter), then ``data()`` of the
  first 40 rows x every column (the rows' progress figures are fetched in blocks);
* **widget:** the real window: the tab built and painted for the first time
  (``show_page``), text typed into ``onboarding-search`` one keystroke at a time (from the
  debounce timer firing until the table has repainted; the 120 ms debounce is excluded),
  and the overdue / stalled / template filters clicked.

Prints medians and ratios; asserts nothing about time.

    python -m bench.onboarding                     # 2,000 partners, 40,000 tasks
    python -m bench.onboarding --repeats 5
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="cd-bench-config-")  # no saved state

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit

from bench.generate import OUT_DIR, generate
from channeldesk.app import create_main_window
from channeldesk.domain.onboarding_schedule import StepDraft, StepTiming, due_dates
from channeldesk.services.onboarding_template_operations import save_template
from channeldesk.store import open_store
from channeldesk.store.database import new_id
from channeldesk.store.migrations import current_version
from channeldesk.store.models import OnboardingPlan, OnboardingTask, Partner
from channeldesk.store.onboarding_queries import OnboardingFilter, onboarding_ids, steps_of
from channeldesk.ui.onboarding.model import OnboardingTableModel
from channeldesk.ui.widgets.record_tab import SEARCH_DELAY_MS

PARTNERS = 2_000
TASKS_PER_PLAN = 20
FIRST_SCREEN = 40
KEYSTROKES = ("n", "no", "nor", "nort", "north", "msp", "dana", "zzz", "")
CATEGORIES = ("agreement", "business_plan", "training", "systems", "marketing", "first_deal")


def template_steps() -> list[StepDraft]:
    """Twenty steps: chains of four, each waiting for the one before."""
    steps = []
    for n in range(TASKS_PER_PLAN):
        after = f"s{n - 1}" if n % 4 else None
        steps.append(StepDraft(f"s{n}", f"Step {n + 1}: {CATEGORIES[n % 6].replace('_', ' ')}",
                               CATEGORIES[n % 6], "partner" if n % 2 else "vendor",
                               3 + 2 * (n % 4), after, n % 5 != 4))
    return steps


def add_onboarding(path: Path, seed: int = 1) -> None:
    """Every partner in onboarding on one of two 20-step templates, started over the last
    six months; tasks finished in due order up to a random point, some late, some
    blocked. Written through the store (journalled), in bulk."""
    rng = random.Random(seed)
    store = open_store(path)
    today = date.today()
    try:
        templates = [save_template(store, None, {"name": name}, template_steps()).value
                     for name in ("Reseller – Gold", "MSP")]
        steps = {t: steps_of(t) for t in templates}
        partners = [(p.id, p.owner) for p in Partner.live()]
        plans, tasks = [], []
        for partner_id, owner in partners:
            template = rng.choice(templates)
            started = today - timedelta(days=rng.randint(0, 180))
            plan_id = new_id()
            plans.append({"id": plan_id, "partner": partner_id, "template": template,
                          "template_revision": 1, "started_on": started, "owner": owner,
                          "status": "active"})
            due = due_dates(started, [StepTiming(s.id, s.offset_days, s.after_step_id)
                                      for s in steps[template]])
            task_ids = {s.id: new_id() for s in steps[template]}
            progress = rng.random()
            for position, step in enumerate(steps[template]):
                finished = position < progress * TASKS_PER_PLAN and due[step.id] <= today
                status = "done" if finished else ("blocked" if rng.random() < 0.03 else "open")
                tasks.append({
                    "id": task_ids[step.id], "plan": plan_id, "step": step.id,
                    "position": position, "title": step.title, "category": step.category,
                    "owner_side": step.owner_side, "offset_days": step.offset_days,
                    "after_task": task_ids.get(step.after_step_id), "required": step.required,
                    "description": "", "due_on": due[step.id], "status": status,
                    "blocked_reason": "Waiting for the partner" if status == "blocked" else "",
                    "done_on": due[step.id] + timedelta(days=rng.randint(0, 4))
                    if finished else None})
        with store.transaction():
            store.insert_many(OnboardingPlan, plans)
            store.insert_many(OnboardingTask, tasks)
    finally:
        store.close()


def cached_db(partners: int = PARTNERS, seed: int = 1) -> Path:
    path = OUT_DIR / f"onboarding{partners}-t{TASKS_PER_PLAN}-s{seed}-schema{current_version()}" \
                     f"-{date.today().isoformat()}.sqlite3"
    if path.exists():
        return path
    partial = path.with_name(f"{path.stem}.partial-{os.getpid()}{path.suffix}")
    print(f"generating {path} (cached for later runs)…", file=sys.stderr, flush=True)
    generate(partial, partners, 2, 1, seed)
    add_onboarding(partial, seed)
    partial.rename(path)
    return path


class Bench:
    def __init__(self, path: Path) -> None:
        self.app = QApplication.instance() or QApplication(sys.argv[:1])
        self.window = create_main_window(path)
        self.window.show_page("partners")
        self.window.show()
        self.settle()
        self.db = self.window.store.db
        self.today = date.today()

    def settle(self) -> None:
        for _ in range(3):
            self.app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)

    def raw(self, flt: OnboardingFilter) -> int:
        """The baseline: the filtered, sorted id query alone."""
        return len(onboarding_ids(self.db, flt, self.today))

    def model_open(self) -> OnboardingTableModel:
        model = OnboardingTableModel(self.window.store)
        model.refresh()
        first_screen(model)
        return model

    def model_filter(self, model: OnboardingTableModel, flt: OnboardingFilter) -> None:
        model.set_filter(flt)
        first_screen(model)

    def open_tab(self) -> float:
        started = time.perf_counter()
        self.tab = self.window.show_page("onboarding")
        self.settle()
        elapsed = time.perf_counter() - started
        self.search = self.window.findChild(QLineEdit, "onboarding-search")
        self.timer = next(t for t in self.tab.findChildren(QTimer)
                          if t.isSingleShot() and t.interval() == SEARCH_DELAY_MS)
        return elapsed

    def type_text(self, text: str) -> float:
        """Seconds from the debounce firing to the repainted table."""
        fired: list[float] = []
        self.timer.timeout.connect(lambda: fired.append(time.perf_counter()))
        self.search.setText(text)
        while not fired:
            self.app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        self.settle()
        done = time.perf_counter()
        self.timer.timeout.disconnect()
        self.timer.timeout.connect(self.tab._apply_search)
        return done - fired[0]

    def toggle(self, widget, value) -> float:
        started = time.perf_counter()
        if isinstance(widget, QCheckBox):
            widget.setChecked(value)
        else:
            widget.setCurrentIndex(value)
        self.settle()
        return time.perf_counter() - started


def first_screen(model: OnboardingTableModel) -> None:
    """What the view asks for to paint the first screen of rows."""
    for row in range(min(FIRST_SCREEN, model.rowCount())):
        for column in range(model.columnCount()):
            model.data(model.index(row, column))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def median(values: list[float]) -> float:
    return statistics.median(values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    path = cached_db()
    bench = Bench(path)
    plans = OnboardingPlan.live().count()
    tasks = OnboardingTask.live().count()
    print(f"{plans:,} partners in onboarding, {tasks:,} tasks ({path.name})")
    bench.raw(OnboardingFilter())  # warm the page cache, as the window's own start did
    raw_open = median([_timed(bench.raw, OnboardingFilter()) for _ in range(args.repeats)])
    model_open = median([_timed(bench.model_open) for _ in range(args.repeats)])
    widget_open = bench.open_tab()
    print(f"\nopen             raw SQL {ms(raw_open)}   model {ms(model_open)} "
          f"({model_open / raw_open:4.2f}x)   widget, first build and paint "
          f"{ms(widget_open)} ({widget_open / raw_open:4.2f}x)")

    model = bench.model_open()
    print("\nkeystroke         raw SQL     model     ratio      widget    ratio   matches")
    samples = {text: ([], [], [], 0) for text in KEYSTROKES}
    for rep in range(args.repeats + 1):  # the first pass warms caches and is not counted
        for text in KEYSTROKES:
            flt = OnboardingFilter(text=text)
            raw = _timed(bench.raw, flt)
            modelled = _timed(bench.model_filter, model, flt)
            widget = bench.type_text(text)
            if rep:
                raws, models, widgets, _ = samples[text]
                raws.append(raw)
                models.append(modelled)
                widgets.append(widget)
                samples[text] = (raws, models, widgets, model.rowCount())
    model_ratios, widget_ratios = [], []
    for text, (raws, models, widgets, rows) in samples.items():
        raw, modelled, widget = median(raws), median(models), median(widgets)
        model_ratios.append(modelled / raw)
        widget_ratios.append(widget / raw)
        print(f"  {text or '(cleared)':12} {ms(raw)} {ms(modelled)}  {modelled / raw:5.2f}x  "
              f"{ms(widget)}  {widget / raw:5.2f}x  {rows:6,}")

    print("\nfilter            raw SQL     model     ratio      widget    ratio   matches")
    boxes = {"overdue": bench.window.findChild(QCheckBox, "onboarding-filter-overdue"),
             "stalled": bench.window.findChild(QCheckBox, "onboarding-filter-stalled")}
    template_box = bench.window.findChild(QComboBox, "onboarding-filter-template")
    cases = [("overdue", boxes["overdue"], True, OnboardingFilter(overdue_only=True)),
             ("overdue off", boxes["overdue"], False, OnboardingFilter()),
             ("stalled", boxes["stalled"], True, OnboardingFilter(stalled_only=True)),
             ("stalled off", boxes["stalled"], False, OnboardingFilter()),
             ("template", template_box, 1,
              OnboardingFilter(template_id=template_box.itemData(1))),
             ("template off", template_box, 0, OnboardingFilter())]
    for name, widget_box, value, flt in cases:
        raw = median([_timed(bench.raw, flt) for _ in range(args.repeats)])
        modelled = median([_timed(bench.model_filter, model, flt)
                           for _ in range(args.repeats)
                           if model.set_filter(OnboardingFilter(text="@")) is None])
        widget = bench.toggle(widget_box, value)
        model_ratios.append(modelled / raw)
        widget_ratios.append(widget / raw)
        print(f"  {name:12} {ms(raw)} {ms(modelled)}  {modelled / raw:5.2f}x  "
              f"{ms(widget)}  {widget / raw:5.2f}x  {bench.tab.model.rowCount():6,}")
    print(f"\nmodel path / raw SQL over keystrokes and filters: median "
          f"{median(model_ratios):.2f}x, worst {max(model_ratios):.2f}x")
    print(f"widget (with repaint) / raw SQL: median {median(widget_ratios):.2f}x, "
          f"worst {max(widget_ratios):.2f}x")
    bench.window.close()
    return 0


def _timed(action, *args) -> float:
    started = time.perf_counter()
    action(*args)
    return time.perf_counter() - started


if __name__ == "__main__":
    raise SystemExit(main())
