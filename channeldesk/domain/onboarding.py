"""Onboarding: what a template step, a checklist task and an agreement may hold, and the
rules about progress, stalling and time to onboard. Pure values, no Qt, no database.

A *template* is an ordered list of steps ("Reseller - Gold", "MSP", "Referral"); starting
onboarding turns it into a partner's *checklist* of tasks with real due dates (see
``onboarding_schedule.py`` for the dates). When every required task is done the partner
becomes active.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any

TITLE_MAX = 200
TEXT_MAX = 20_000
OFFSET_MAX_DAYS = 730  # two years: a longer offset is a typo
STALL_DAYS = 14  # no task finished for this long: the onboarding has stalled
UPCOMING_DAYS = 14


class StepCategory(StrEnum):
    AGREEMENT = "agreement"
    BUSINESS_PLAN = "business_plan"
    TRAINING = "training"
    SYSTEMS = "systems"
    MARKETING = "marketing"
    FIRST_DEAL = "first_deal"


class OwnerSide(StrEnum):
    VENDOR = "vendor"
    PARTNER = "partner"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    SKIPPED = "skipped"
    BLOCKED = "blocked"


class ChecklistStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class AgreementType(StrEnum):
    RESELLER = "reseller_agreement"
    MSP = "msp_agreement"
    REFERRAL = "referral_agreement"
    NDA = "nda"
    MDF_TERMS = "mdf_terms"
    DPA = "dpa"


class AgreementStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    SIGNED = "signed"
    EXPIRED = "expired"


LABELS: dict[str, str] = {
    StepCategory.AGREEMENT: "Agreement",
    StepCategory.BUSINESS_PLAN: "Business plan",
    StepCategory.TRAINING: "Training",
    StepCategory.SYSTEMS: "Systems & portal access",
    StepCategory.MARKETING: "Marketing",
    StepCategory.FIRST_DEAL: "First deal",
    OwnerSide.VENDOR: "Vendor",
    OwnerSide.PARTNER: "Partner",
    TaskStatus.OPEN: "Open",
    TaskStatus.DONE: "Done",
    TaskStatus.SKIPPED: "Skipped",
    TaskStatus.BLOCKED: "Blocked",
    ChecklistStatus.ACTIVE: "In onboarding",
    ChecklistStatus.COMPLETED: "Completed",
    ChecklistStatus.CANCELLED: "Cancelled",
    AgreementType.RESELLER: "Reseller agreement",
    AgreementType.MSP: "MSP agreement",
    AgreementType.REFERRAL: "Referral agreement",
    AgreementType.NDA: "NDA",
    AgreementType.MDF_TERMS: "MDF terms",
    AgreementType.DPA: "Data processing agreement",
    AgreementStatus.DRAFT: "Draft",
    AgreementStatus.SENT: "Sent",
    AgreementStatus.SIGNED: "Signed",
    AgreementStatus.EXPIRED: "Expired",
}

FINISHED = frozenset({TaskStatus.DONE.value, TaskStatus.SKIPPED.value})
UNFINISHED = frozenset({TaskStatus.OPEN.value, TaskStatus.BLOCKED.value})


def label(code: str | None) -> str:
    """How a stored code reads to a person; an unknown code is shown as it is."""
    if code is None:
        return ""
    return LABELS.get(code, code)


Errors = dict[str, str]


def _drop_empty(errors: Mapping[str, str | None]) -> Errors:
    return {name: message for name, message in errors.items() if message}


def _title(value: Any, what: str) -> str | None:
    text = str(value or "").strip()
    if not text:
        return f"{what} is required."
    if len(text) > TITLE_MAX:
        return f"{what} is too long ({len(text)} characters, at most {TITLE_MAX})."
    return None


def offset_error(value: Any) -> str | None:
    """A due offset is a whole number of days from 0 to two years."""
    if isinstance(value, bool) or not isinstance(value, int):
        return "Enter the due offset as a whole number of days."
    if value < 0:
        return ("A due offset cannot be negative: a step is due on or after what it waits "
                "for. Use 0 for the same day.")
    if value > OFFSET_MAX_DAYS:
        return f"A due offset of {value} days is more than two years; check the number."
    return None


def validate_template(values: Mapping[str, Any]) -> Errors:
    """Field → message for a template's own fields."""
    return _drop_empty({"name": _title(values.get("name"), "Name")})


def validate_step(values: Mapping[str, Any]) -> Errors:
    """Field → message for one step's own fields (dependencies are checked across the
    steps by ``onboarding_schedule.step_problems``)."""
    category = values.get("category")
    side = values.get("owner_side")
    return _drop_empty({
        "title": _title(values.get("title"), "Title"),
        "category": None if category in set(StepCategory) else "Choose a category.",
        "owner_side": None if side in set(OwnerSide) else "Choose who owns the step.",
        "offset_days": offset_error(values.get("offset_days")),
    })


def validate_agreement(values: Mapping[str, Any]) -> Errors:
    """Field → message for an agreement: a signed one needs its signing date, an expiry
    comes after the signing."""
    signed, expires = values.get("signed_on"), values.get("expires_on")
    status = values.get("status")
    problems: dict[str, str | None] = {
        "agreement_type": None if values.get("agreement_type") in set(AgreementType)
        else "Choose the kind of agreement.",
        "status": None if status in set(AgreementStatus) else "Choose a status.",
    }
    if status == AgreementStatus.SIGNED and not isinstance(signed, date):
        problems["signed_on"] = "A signed agreement needs the date it was signed."
    if isinstance(signed, date) and isinstance(expires, date) and expires <= signed:
        problems["expires_on"] = "The expiry date must come after the signing date."
    return _drop_empty(problems)


def agreement_type_for(title: str, partner_type: str = "") -> str:
    """The agreement a task most likely records, from its title and the partner type."""
    words = title.casefold()
    for needle, kind in (("nda", AgreementType.NDA), ("non-disclosure", AgreementType.NDA),
                         ("mdf", AgreementType.MDF_TERMS),
                         ("data processing", AgreementType.DPA),
                         ("referral", AgreementType.REFERRAL), ("msp", AgreementType.MSP),
                         ("reseller", AgreementType.RESELLER)):
        if needle in words:
            return kind.value
    by_type = {"msp": AgreementType.MSP, "referral": AgreementType.REFERRAL}
    return by_type.get(partner_type, AgreementType.RESELLER).value


# -- progress -------------------------------------------------------------------------------

def is_overdue(status: str, due_on: date | None, today: date) -> bool:
    """An unfinished task whose due date has passed."""
    return status in UNFINISHED and due_on is not None and due_on < today


def is_stalled(last_progress: date, today: date, status: str = ChecklistStatus.ACTIVE
               ) -> bool:
    """An active checklist where nothing was finished for ``STALL_DAYS`` days."""
    return status == ChecklistStatus.ACTIVE and (today - last_progress).days > STALL_DAYS


def ready_to_activate(tasks: Iterable[tuple[bool, str]]) -> bool:
    """(required, status) of every task: all required ones are done (a checklist without
    a required task is never "complete" by itself)."""
    required = [status for is_required, status in tasks if is_required]
    return bool(required) and all(status == TaskStatus.DONE for status in required)


def days_to_onboard(started_on: date, completed_on: date) -> int:
    return max(0, (completed_on - started_on).days)


def median_days(durations: Iterable[int]) -> float | None:
    """The median time to onboard; None when no partner finished yet."""
    values = list(durations)
    return statistics.median(values) if values else None


def progress_text(done: int, total: int) -> str:
    return f"{done} of {total}" if total else "No tasks"
