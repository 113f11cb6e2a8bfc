"""A partner's onboarding as the partner pack shows it: plain values, nothing internal.

The store loads it (leaving internal notes behind), the "Onboarding status" PDF section
renders it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from channeldesk.domain.onboarding import is_overdue


@dataclass(frozen=True)
class ChecklistItem:
    title: str
    category: str
    owner_side: str
    required: bool
    due_on: date
    status: str
    done_on: date | None
    blocked_reason: str = ""

    def overdue(self, today: date) -> bool:
        return is_overdue(self.status, self.due_on, today)


@dataclass(frozen=True)
class AgreementItem:
    agreement_type: str
    status: str
    signed_on: date | None
    expires_on: date | None


@dataclass(frozen=True)
class OnboardingDocument:
    """The partner's latest onboarding (running or finished) and its agreements."""

    template: str
    started_on: date | None  # None: a stored date nobody can read
    status: str
    completed_on: date | None
    items: tuple[ChecklistItem, ...]
    agreements: tuple[AgreementItem, ...] = ()

    @property
    def finished(self) -> int:
        return sum(1 for item in self.items if item.status in ("done", "skipped"))

    def overdue(self, today: date) -> int:
        return sum(1 for item in self.items if item.overdue(today))

    def expected_completion(self) -> date | None:
        open_dates = [i.due_on for i in self.items if i.status in ("open", "blocked")]
        return max(open_dates) if open_dates else None
