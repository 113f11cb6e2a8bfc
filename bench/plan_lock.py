"""What the signed-plan lock costs a write: ``Store.update`` of a plan target with the
store's write guard (one query for the plan's status) against the same update with the
guards switched off, measured in the same run. Prints figures; asserts nothing.

    .venv/bin/python -m bench.plan_lock
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from channeldesk.store import open_store, write_guards
from channeldesk.store.models import BusinessPlan, Partner, PlanTarget

WRITES = 5_000


def _updates(store, target_id: str) -> float:
    """Microseconds per update, in one transaction (as an import or a paste would)."""
    start = time.perf_counter()
    with store.transaction():
        for n in range(WRITES):
            store.update(PlanTarget, target_id, {"actual": n})
    return (time.perf_counter() - start) / WRITES * 1e6


def main() -> int:
    store = open_store(Path(tempfile.mkdtemp()) / "lock.sqlite3")
    with store.transaction():
        partner = store.insert(Partner, {"name": "Acme", "partner_type": "msp",
                                         "tier": "gold", "status": "active", "region": "emea"})
        plan = store.insert(BusinessPlan, {"partner": partner, "period": "FY2026",
                                           "currency": "EUR"})
        target = store.insert(PlanTarget, {"plan": plan, "metric": "revenue", "target": 1})
        store.update(BusinessPlan, plan, {"status": "agreed"})
        store.update(BusinessPlan, plan, {"status": "signed"})
    guarded = _updates(store, target)
    saved = dict(write_guards._GUARDS)
    write_guards._GUARDS.clear()
    try:
        bare = _updates(store, target)
    finally:
        write_guards._GUARDS.update(saved)
    store.close()
    print(f"Store.update of a signed plan's target actual, {WRITES:,} writes: "
          f"{guarded:.0f} µs each with the lock guard, {bare:.0f} µs without "
          f"(+{guarded - bare:.0f} µs, {100 * (guarded - bare) / bare:+.0f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
