"""What the dashboard shows, as plain values: panels of bars and headline numbers.

Each feature measures its own part of the portfolio (``dashboard=`` in its feature-list
entry) and returns :class:`Panel` values; the dashboard tab draws them and stays unaware
of which features exist. A bar may carry a :class:`Link` to the tab and filter that lists
the records it counts, and a panel row may open one record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from statistics import median

from channeldesk.domain.lookups import Link


class PanelKind(StrEnum):
    BARS = "bars"  # one bar per category (a funnel, bands)
    ROWS = "rows"  # a short list of records, each opening its record


@dataclass(frozen=True)
class Bar:
    """One bar (or row): what it counts, how many, and a note beside it ("42% convert")."""

    label: str
    value: int
    note: str = ""
    link: Link | None = None


@dataclass(frozen=True)
class Panel:
    """One box of the dashboard: a title, the headline a CAM reads first, and its bars."""

    key: str
    title: str
    headline: str
    caption: str
    bars: tuple[Bar, ...] = ()
    kind: PanelKind = PanelKind.BARS
    order: int = 0
    empty_text: str = "Nothing to show yet."
    value_suffix: str = ""  # "%" for attainment bars
    tags: frozenset[str] = field(default_factory=frozenset)


def percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` as a whole percentage, rounded half up; None for no whole."""
    if whole <= 0:
        return None
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP))


def conversion_notes(counts: Sequence[int]) -> list[str]:
    """For a funnel's stage counts (each stage's count includes those that went further),
    the share of each stage that reached the next: ``["60% reach next", …, ""]``."""
    notes = []
    for here, following in zip(counts, [*counts[1:], None], strict=True):
        share = percent(following, here) if following is not None else None
        notes.append(f"{share}% reach next" if share is not None else "")
    return notes


def median_days(spans: Sequence[tuple[date, date]]) -> float | None:
    """The median number of days between the (start, end) pairs; None for none."""
    if not spans:
        return None
    return float(median((end - start).days for start, end in spans))
