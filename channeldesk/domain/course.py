"""Courses partners' people take: levels and what a course's validity means. Pure values.

Onboarding links its training steps to a course; Enablement adds enrolments and
certifications. Both read this module, so a course means the same in both.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

TITLE_MAX = 200
VALIDITY_MAX_MONTHS = 120
DURATION_MAX_HOURS = 1000


class CourseLevel(StrEnum):
    FOUNDATION = "foundation"
    PROFESSIONAL = "professional"
    EXPERT = "expert"


LEVEL_LABELS = {
    CourseLevel.FOUNDATION: "Foundation",
    CourseLevel.PROFESSIONAL: "Professional",
    CourseLevel.EXPERT: "Expert",
}


def level_label(code: str) -> str:
    """How a level reads to a person; an unknown code is shown as it is."""
    try:
        return LEVEL_LABELS[CourseLevel(code)]
    except ValueError:
        return code


def certified_until(completed_on: date, validity_months: int) -> date | None:
    """When a certification earned on ``completed_on`` runs out; None when it never does
    (validity 0). The day of month is kept, or the month's last day when it has fewer."""
    if validity_months <= 0:
        return None
    month_index = completed_on.month - 1 + validity_months
    year, month = completed_on.year + month_index // 12, month_index % 12 + 1
    for day in range(completed_on.day, 0, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a first day")
