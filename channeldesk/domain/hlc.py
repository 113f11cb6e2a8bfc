"""Hybrid logical clock stamps that order edits made on this device.

A stamp is 48 bits of wall-clock milliseconds and a 16-bit counter, written as 16 hex
digits, followed by the device id as a tie-break: ``0192f3a4b5c60000-3fa2c9d1e0b74a6f``.
Fixed-width hex makes text comparison equal to time order, so SQLite can compare and
index stamps as plain text. The clock never goes backwards, even when the wall clock
does, and it absorbs stamps seen from other devices so that a later local edit always
sorts after what it was made on. It orders edits; it never decides conflicts (the
server sequence does, see DESIGN.md §4).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_COUNTER = 0xFFFF
MAX_MILLIS = (1 << 48) - 1
# How far ahead of this computer's clock an observed stamp may pull the clock: a
# teammate's clock set a day wrong still orders edits, a stamp from the year 10889 (a
# buggy or hostile device) must not make every later edit here impossible.
MAX_SKEW_MS = 24 * 3600 * 1000
# Lower-case fixed-width hex only: int(..., 16) would also take 'A', '+', '_' or '0x',
# which encode differently and break "text order is time order".
_STAMP = re.compile(r"\A([0-9a-f]{12})([0-9a-f]{4})-([0-9A-Za-z_]{1,64})\Z")


@dataclass(frozen=True, order=True)
class Stamp:
    """One point on the hybrid clock."""

    millis: int
    counter: int
    device: str

    def encode(self) -> str:
        return f"{self.millis:012x}{self.counter:04x}-{self.device}"

    @classmethod
    def decode(cls, text: str) -> Stamp:
        match = _STAMP.match(text) if isinstance(text, str) else None
        if not match:
            raise ValueError(f"not a clock stamp: {text!r}")
        millis, counter, device = match.groups()
        return cls(int(millis, 16), int(counter, 16), device)


def is_stamp(text: str) -> bool:
    """Whether ``text`` is a well-formed stamp: what ``Stamp.decode`` accepts, without
    building one (a batch checks one stamp per new record)."""
    return _STAMP.match(text) is not None


class HybridClock:
    """Issues strictly increasing stamps for one device."""

    def __init__(self, device: str, wall_millis: Callable[[], int] | None = None) -> None:
        if not device or "-" in device:
            raise ValueError("device id must be non-empty and contain no '-'")
        self.device = device
        self._wall = wall_millis or (lambda: time.time_ns() // 1_000_000)
        self._millis = 0
        self._counter = 0

    def now(self) -> str:
        """A stamp later than every stamp issued or observed so far."""
        wall = self._wall()
        if wall > self._millis:
            self._set(wall, 0)
        else:
            self._advance_counter()
        return Stamp(self._millis, self._counter, self.device).encode()

    def now_many(self, count: int) -> list[str]:
        """``count`` stamps, each later than the one before: what ``count`` calls of
        :meth:`now` return, for a bulk write (an import stamps every row it creates)."""
        stamps = []
        wall = self._wall()
        suffix = f"-{self.device}"
        for _ in range(count):
            if wall > self._millis:
                self._set(wall, 0)
            else:
                self._advance_counter()
            stamps.append(f"{self._millis:012x}{self._counter:04x}{suffix}")
        return stamps

    def observe(self, stamp: str) -> None:
        """Move the clock past a stamp seen elsewhere (another device or the journal);
        a stamp more than :data:`MAX_SKEW_MS` ahead of the wall clock moves it only that
        far (see :meth:`within_reach`)."""
        seen = Stamp.decode(self.within_reach(stamp))
        if (seen.millis, seen.counter) > (self._millis, self._counter):
            self._millis, self._counter = seen.millis, seen.counter

    def within_reach(self, stamp: str) -> str:
        """``stamp``, or for one further ahead of the wall clock than the allowed skew,
        the latest stamp within it (same device part): what a row's ``updated_at`` may
        hold so that a later local edit can still sort after it."""
        seen = Stamp.decode(stamp)
        limit = self.reach_limit()
        if seen.millis <= limit:
            return stamp
        return Stamp(min(limit, MAX_MILLIS), 0, seen.device).encode()

    def reach_limit(self) -> int:
        """The milliseconds of the latest stamp :meth:`within_reach` leaves alone now."""
        return self._wall() + MAX_SKEW_MS

    def _advance_counter(self) -> None:
        if self._counter < MAX_COUNTER:
            self._counter += 1
        else:  # 65,536 stamps in one millisecond: borrow the next millisecond
            self._set(self._millis + 1, 0)

    def _set(self, millis: int, counter: int) -> None:
        # Checked before it is stored: a clock that refused once must not go on to write
        # 13-digit stamps that sort wrongly.
        if millis > MAX_MILLIS:
            raise OverflowError("clock stamp past year 10889")
        self._millis, self._counter = millis, counter
