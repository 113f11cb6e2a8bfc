"""Due dates, dependencies, cycles and cascades of onboarding checklists: examples and
properties (hypothesis)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channeldesk.domain.onboarding import (
    agreement_type_for,
    is_overdue,
    is_stalled,
    median_days,
    ready_to_activate,
    validate_agreement,
    validate_step,
)
from channeldesk.domain.onboarding_schedule import (
    ScheduleError,
    StepTiming,
    TaskTiming,
    after_completion,
    dependants,
    due_dates,
    expected_completion,
    find_cycle,
    move_due_date,
    step_problems,
)

START = date(2026, 3, 2)


def steps_chain() -> list[StepTiming]:
    return [StepTiming("nda", 0, None, "Sign NDA"),
            StepTiming("agreement", 7, "nda", "Sign reseller agreement"),
            StepTiming("portal", 3, "agreement", "Portal access"),
            StepTiming("training", 21, None, "Sales training"),
            StepTiming("deal", 30, "training", "First deal")]


def tasks_from(steps: list[StepTiming], start: date = START) -> list[TaskTiming]:
    due = due_dates(start, steps)
    return [TaskTiming(s.key, s.offset_days, s.after, due[s.key], title=s.title)
            for s in steps]


def test_due_dates_chain_from_the_start_and_from_other_steps():
    due = due_dates(START, steps_chain())
    assert due == {"nda": START, "agreement": START + timedelta(7),
                   "portal": START + timedelta(10), "training": START + timedelta(21),
                   "deal": START + timedelta(51)}


def test_a_step_listed_before_the_one_it_waits_for_still_gets_its_date():
    steps = [StepTiming("b", 2, "a"), StepTiming("a", 5, None)]
    assert due_dates(START, steps) == {"a": START + timedelta(5), "b": START + timedelta(7)}


def test_a_circle_is_found_and_named_for_each_of_its_steps():
    steps = [StepTiming("a", 1, "c", "Kick-off"), StepTiming("b", 1, "a", "Training"),
             StepTiming("c", 1, "b", "Portal"), StepTiming("d", 0, None, "NDA")]
    cycle = find_cycle(steps)
    assert cycle is not None and cycle[0] == cycle[-1] and set(cycle) == {"a", "b", "c"}
    problems = step_problems(steps)
    assert set(problems) == {"a", "b", "c"}
    assert "circle" in problems["a"] and "“Kick-off”" in problems["a"]
    with pytest.raises(ScheduleError, match="circle"):
        due_dates(START, steps)


def test_negative_offsets_self_waits_and_missing_steps_are_refused():
    problems = step_problems([StepTiming("a", -3), StepTiming("b", 1, "b"),
                              StepTiming("c", 1, "gone")])
    assert "negative" in problems["a"]
    assert "itself" in problems["b"]
    assert "no longer" in problems["c"]


def test_moving_a_due_date_moves_its_open_dependants_and_nothing_else():
    tasks = tasks_from(steps_chain())
    changes = move_due_date(tasks, "agreement", START + timedelta(12), START)
    assert [(c.key, (c.after - c.before).days) for c in changes] == [
        ("agreement", 5), ("portal", 5)]
    assert changes[0].title == "Sign reseller agreement"


def test_a_due_date_before_the_start_is_refused_with_the_start_named():
    with pytest.raises(ScheduleError, match="before the onboarding started"):
        move_due_date(tasks_from(steps_chain()), "portal", START - timedelta(1), START)


def test_finishing_late_pushes_what_waits_for_it():
    tasks = tasks_from(steps_chain())
    changes = after_completion(tasks, "nda", START + timedelta(4))
    assert [(c.key, c.after) for c in changes] == [
        ("agreement", START + timedelta(11)), ("portal", START + timedelta(14))]


def test_a_finished_dependant_stops_the_cascade():
    tasks = tasks_from(steps_chain())
    tasks[1] = TaskTiming("agreement", 7, "nda", tasks[1].due_on, "done", START)
    assert move_due_date(tasks, "nda", START + timedelta(5), START)[-1].key == "nda"


def test_expected_completion_is_the_last_unfinished_due_date():
    tasks = tasks_from(steps_chain())
    assert expected_completion(tasks) == START + timedelta(51)
    done = [TaskTiming(t.key, t.offset_days, t.after, t.due_on, "done", START) for t in tasks]
    assert expected_completion(done) is None


def test_rules_for_steps_agreements_and_progress():
    assert "negative" in validate_step({"title": "x", "category": "training",
                                        "owner_side": "vendor", "offset_days": -1})[
        "offset_days"]
    assert validate_agreement({"agreement_type": "nda", "status": "signed"}) == {
        "signed_on": "A signed agreement needs the date it was signed."}
    assert "after" in validate_agreement({"agreement_type": "nda", "status": "signed",
                                          "signed_on": START, "expires_on": START})[
        "expires_on"]
    assert agreement_type_for("Sign the NDA") == "nda"
    assert agreement_type_for("Sign the partner agreement", "msp") == "msp_agreement"
    assert is_overdue("blocked", START, START + timedelta(1))
    assert not is_overdue("done", START, START + timedelta(1))
    assert is_stalled(START, START + timedelta(15)) and not is_stalled(START, START)
    assert ready_to_activate([(True, "done"), (False, "open")])
    assert not ready_to_activate([(True, "skipped")]) and not ready_to_activate([])
    assert median_days([10, 30, 20]) == 20 and median_days([]) is None


# -- properties -----------------------------------------------------------------------------

@st.composite
def acyclic_steps(draw) -> list[StepTiming]:
    """Steps that each wait for the start or for an earlier step (no circle), shuffled."""
    count = draw(st.integers(1, 12))
    steps = []
    for n in range(count):
        after = draw(st.one_of(st.none(), st.integers(0, n - 1))) if n else None
        steps.append(StepTiming(f"s{n}", draw(st.integers(0, 60)),
                                None if after is None else f"s{after}"))
    return draw(st.permutations(steps))


@given(acyclic_steps(), st.dates(date(2020, 1, 1), date(2030, 1, 1)))
@settings(max_examples=150, deadline=None)
def test_every_step_is_due_its_offset_after_what_it_waits_for(steps, start):
    assert not step_problems(steps)
    due = due_dates(start, steps)
    for step in steps:
        anchor = start if step.after is None else due[step.after]
        assert due[step.key] == anchor + timedelta(days=step.offset_days)
        assert due[step.key] >= start


@given(acyclic_steps(), st.data())
@settings(max_examples=150, deadline=None)
def test_moving_a_date_moves_exactly_the_task_and_its_dependants_by_the_same_days(
        steps, data):
    tasks = tasks_from(steps)
    moved_key = data.draw(st.sampled_from([t.key for t in tasks]))
    task = next(t for t in tasks if t.key == moved_key)
    delta = data.draw(st.integers(-(task.due_on - START).days, 90))
    changes = move_due_date(tasks, moved_key, task.due_on + timedelta(days=delta), START)
    expected = {moved_key, *dependants(tasks, moved_key)} if delta else set()
    assert {c.key for c in changes} == expected
    assert all((c.after - c.before).days == delta for c in changes)


@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=10))
@settings(max_examples=150, deadline=None)
def test_cycles_are_always_found_and_refused(edges):
    """Any graph where each step waits for at most one other: a circle is refused, and
    without one every step gets a date."""
    after: dict[int, int] = {}
    for source, target in edges:
        after.setdefault(source, target)
    keys = set(after) | set(after.values())
    steps = [StepTiming(f"k{k}", 1, f"k{after[k]}" if k in after else None) for k in keys]
    cycle = find_cycle(steps)
    if cycle is None:
        assert set(due_dates(START, steps)) == {f"k{k}" for k in keys}
    else:
        for key, following in itertools.pairwise(cycle):
            assert f"k{after[int(key[1:])]}" == following
        assert set(cycle[:-1]) <= set(step_problems(steps))
        with pytest.raises(ScheduleError):
            due_dates(START, steps)
