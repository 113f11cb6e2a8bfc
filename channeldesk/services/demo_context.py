"""What each feature's demo-data hook gets: the store, the seed, the day, and progress.

``services/demo_data.load_demo_data`` runs the hooks named in the feature list, in
feature order, inside one transaction; a hook writes its rows and returns what it wrote
as ``{noun: count}`` for the summary ("prospects": 300). Hooks share what later ones need
(the plans hook reads the demo partners the partners hook wrote).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from channeldesk.domain.progress import CancelToken, Progress, stop_if_cancelled
from channeldesk.store.database import Store

STEPS_PER_HOOK = 100
CANCELLED = "Loading demo data was cancelled; nothing was written."


@dataclass
class DemoContext:
    store: Store
    seed: int
    today: date
    hooks: int
    progress: Progress | None = None
    cancel: CancelToken | None = None
    partner_names: list[str] = field(default_factory=list)
    _hook: int = 0

    @property
    def total(self) -> int:
        """Progress steps of the whole load: a hundred per hook, so the bar only grows."""
        return self.hooks * STEPS_PER_HOOK

    def step(self, done: int, total: int, message: str) -> None:
        """Report ``done`` of ``total`` within the running hook; stops when cancelled."""
        stop_if_cancelled(self.cancel, CANCELLED)
        if self.progress is not None:
            within = STEPS_PER_HOOK * done // total if total else 0
            self.progress(self._hook * STEPS_PER_HOOK + min(within, STEPS_PER_HOOK - 1),
                          self.total, message)

    def next_hook(self) -> None:
        stop_if_cancelled(self.cancel, CANCELLED)
        self._hook += 1
