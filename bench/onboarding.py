"""The Onboarding tab at 2,000 partners in onboarding with 40,000 tasks.

Against a baseline measured in the same run on the same database:

* **open**: the tab built and painted for the first time (``show_page("onboarding")``, then
  events processed until none are pending) vs the raw SQL it cannot do without: the
  filtered, sorted id query plus the first screen's rows with their progress figures
  (``onboarding_ids`` + ``onboarding_rows`` of 40 ids).
* **filter per keystroke**: text typed into ``onboarding-search`` (one keystroke at a time,
  each outliving the debounce; the debounce itself is excluded), the overdue and stalled
  boxes, and the template filter, each until the table has repainted, vs the raw id query
  for the same filter plus the first screen's rows.

Prints figures; asserts nothing about time.

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
from channeldesk.store.onboarding_queries import (
    OnboardingFilter,
    onboarding_ids,
    onboarding_rows,
    steps_of,
)
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
        """The baseline: the id query and the first screen's rows, nothing else."""
        ids = onboarding_ids(self.db, flt, self.today)
        onboarding_rows(self.db, ids[:FIRST_SCREEN], self.today)
        return len(ids)

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


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def median(values: list[float]) -> float:
    return statistics.median(values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    path = cached_db()
    bench = Bench(path)
    plans = OnboardingPlan.live().count()
    tasks = OnboardingTask.live().count()
    print(f"{plans:,} partners in onboarding, {tasks:,} tasks ({path.name})")
    bench.raw(OnboardingFilter())  # warm the page cache like the window's first query
    raw_open = median([_timed(bench.raw, OnboardingFilter()) for _ in range(args.repeats)])
    opened = bench.open_tab()
    print(f"\nopen the tab     {ms(opened)}   raw SQL {ms(raw_open)}   "
          f"ratio {opened / raw_open:5.2f}x")
    print(f"  ({bench.tab.model.rowCount():,} rows listed)")

    print("\nkeystroke        widget (no debounce)   raw SQL      ratio   matches")
    ratios = []
    samples: dict[str, tuple[list[float], list[float], int]] = {
        text: ([], [], 0) for text in KEYSTROKES}
    for rep in range(args.repeats + 1):  # the first pass warms caches and is not counted
        for text in KEYSTROKES:
            took = bench.type_text(text)
            base = _timed(bench.raw, OnboardingFilter(text=text))
            if rep:
                widget, raw, _ = samples[text]
                widget.append(took)
                raw.append(base)
                samples[text] = (widget, raw, bench.tab.model.rowCount())
    for text, (widget, raw, rows) in samples.items():
        ratio = median(widget) / median(raw)
        ratios.append(ratio)
        print(f"  {text or '(cleared)':14} {ms(median(widget))}        {ms(median(raw))}  "
              f"{ratio:5.2f}x  {rows:6,}")
    bench.search.setText("")
    bench.tab._apply_search()
    bench.settle()

    print("\nfilter           widget               raw SQL      ratio")
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
        took = bench.toggle(widget_box, value)
        raw = median([_timed(bench.raw, flt) for _ in range(args.repeats)])
        ratios.append(took / raw)
        print(f"  {name:14} {ms(took)}           {ms(raw)}  {took / raw:5.2f}x  "
              f"{bench.tab.model.rowCount():6,}")
    print(f"\nworst ratio over keystrokes and filters: {max(ratios):.2f}x "
          f"(open: {opened / raw_open:.2f}x)")
    bench.window.close()
    return 0


def _timed(action, *args) -> float:
    started = time.perf_counter()
    action(*args)
    return time.perf_counter() - started


if __name__ == "__main__":
    raise SystemExit(main())
