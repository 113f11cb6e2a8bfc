"""The hybrid logical clock: stamps that only go forward and sort as text."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from channeldesk.domain.hlc import MAX_COUNTER, MAX_MILLIS, MAX_SKEW_MS, HybridClock, Stamp


def wall(readings: Iterable[int]):
    """A wall clock that returns the given readings in turn."""
    values = iter(readings)
    return lambda: next(values)


def test_stamps_strictly_increase_when_the_wall_clock_goes_backwards():
    clock = HybridClock("dev1", wall([1000, 1000, 999, 500, 1001, 1001, 0]))
    stamps = [clock.now() for _ in range(7)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 7
    decoded = [Stamp.decode(s) for s in stamps]
    assert [(s.millis, s.counter) for s in decoded] == [
        (1000, 0), (1000, 1), (1000, 2), (1000, 3), (1001, 0), (1001, 1), (1001, 2)
    ]


@given(st.lists(st.integers(min_value=0, max_value=MAX_MILLIS - 1), min_size=1, max_size=60))
def test_stamps_strictly_increase_whatever_the_wall_clock_says(readings):
    clock = HybridClock("dev1", wall(readings))
    stamps = [clock.now() for _ in readings]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_observing_a_later_stamp_moves_the_clock_past_it():
    clock = HybridClock("local", wall([1000, 1000, 1000, 5000]))  # observe reads it too
    clock.now()
    remote = Stamp(4000, 7, "remote").encode()
    clock.observe(remote)
    after = clock.now()
    assert after > remote
    assert Stamp.decode(after) == Stamp(4000, 8, "local")
    assert Stamp.decode(clock.now()) == Stamp(5000, 0, "local")


def test_observing_an_earlier_stamp_changes_nothing():
    clock = HybridClock("local", wall([9000, 9000, 9000]))
    clock.now()
    clock.observe(Stamp(10, 3, "remote").encode())
    assert Stamp.decode(clock.now()) == Stamp(9000, 1, "local")


def test_a_stamp_from_the_far_future_moves_the_clock_only_by_the_allowed_skew():
    """A buggy device's stamp of the year 10889 used to make every later edit here fail
    (OverflowError); the clock now moves at most MAX_SKEW_MS past its wall clock."""
    clock = HybridClock("local", wall([1000, 1000, 1000, 1000]))
    clock.now()
    clock.observe("ffffffffffffffff-attacker")
    after = Stamp.decode(clock.now())
    assert after.millis == 1000 + MAX_SKEW_MS
    assert clock.within_reach("ffffffffffffffff-attacker") == Stamp(
        1000 + MAX_SKEW_MS, 0, "attacker").encode()


def test_counter_overflow_borrows_the_next_millisecond():
    clock = HybridClock("dev1", wall([1000] * 4))
    clock.observe(Stamp(1000, MAX_COUNTER - 1, "other").encode())
    first, second, third = clock.now(), clock.now(), clock.now()
    assert Stamp.decode(first) == Stamp(1000, MAX_COUNTER, "dev1")
    assert Stamp.decode(second) == Stamp(1001, 0, "dev1")
    assert Stamp.decode(third) == Stamp(1001, 1, "dev1")
    assert first < second < third


def test_running_out_of_time_is_an_error_not_a_wrong_stamp():
    clock = HybridClock("dev1", wall([MAX_MILLIS] * 3))  # the year 10889 has come
    clock.observe(Stamp(MAX_MILLIS, MAX_COUNTER, "other").encode())
    with pytest.raises(OverflowError):
        clock.now()
    with pytest.raises(OverflowError):  # and it keeps refusing: no 13-digit stamps
        clock.now()


def test_a_wall_clock_beyond_48_bits_is_refused():
    clock = HybridClock("dev1", wall([MAX_MILLIS + 1]))
    with pytest.raises(OverflowError):
        clock.now()


def test_encode_is_fixed_width_hex_and_decodes_back():
    stamp = Stamp(0x0192F3A4B5C6, 0x2A, "3fa2c9d1e0b74a6f")
    assert stamp.encode() == "0192f3a4b5c6002a-3fa2c9d1e0b74a6f"
    assert Stamp.decode(stamp.encode()) == stamp


@pytest.mark.parametrize("text", [
    "",
    "0192f3a4b5c6002a",
    "0192f3a4b5c6002a-",
    "0192f3a4b5c602a-dev",
    "0192F3A4B5C6002A-dev",  # upper case sorts before lower case
    "+192f3a4b5c6002a-dev",
    "0x92f3a4b5c6002a-dev",
    "0192_3a4b5c6002a-dev",
    " 192f3a4b5c6002a-dev",
    "0192f3a4b5c6002a-dev-ice",
    None,
])
def test_decode_refuses_what_encode_never_writes(text):
    with pytest.raises(ValueError, match="not a clock stamp"):
        Stamp.decode(text)


@pytest.mark.parametrize("device", ["", "a-b"])
def test_device_id_must_be_usable_as_a_tie_break(device):
    with pytest.raises(ValueError):
        HybridClock(device)


def test_the_real_wall_clock_is_used_by_default():
    clock = HybridClock("dev1")
    first, second = clock.now(), clock.now()
    assert first < second
    assert Stamp.decode(first).millis > 1_700_000_000_000  # after November 2023


stamps = st.builds(
    Stamp,
    millis=st.integers(min_value=0, max_value=MAX_MILLIS),
    counter=st.integers(min_value=0, max_value=MAX_COUNTER),
    device=st.text(alphabet="0123456789abcdef", min_size=1, max_size=16),
)


@given(stamps, stamps)
def test_text_order_is_time_order(a, b):
    assert (a < b) == (a.encode() < b.encode())
    assert (a == b) == (a.encode() == b.encode())


@given(stamps)
def test_encode_decode_round_trip(stamp):
    assert Stamp.decode(stamp.encode()) == stamp


def test_stamps_in_bulk_are_what_as_many_single_stamps_would_be():
    one, bulk = HybridClock("dev1", lambda: 5), HybridClock("dev1", lambda: 5)
    bulk.observe(Stamp(5, MAX_COUNTER - 1, "dev2").encode())
    one.observe(Stamp(5, MAX_COUNTER - 1, "dev2").encode())
    singles = [one.now() for _ in range(4)]
    assert bulk.now_many(4) == singles  # across a counter overflow too
    assert bulk.now() == one.now()
    assert [Stamp.decode(s).millis for s in singles] == [5, 6, 6, 6]
