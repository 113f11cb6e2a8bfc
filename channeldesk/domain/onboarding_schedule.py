"""When each onboarding task is due, and what moves when a date moves. Pure functions.

A step is due ``offset_days`` after the onboarding starts, or after another step is
completed (``after``). A checklist's first due dates chain from the start; later, a task
that is finished on another day than planned, or whose due date a person moves, carries
its open dependants with it (each stays ``offset_days`` behind what it waits for). A
circle of dependencies has no first step and is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from channeldesk.domain.onboarding import (
    FINISHED,
    offset_error,
    validate_step,
    validate_template,
)


class ScheduleError(ValueError):
    """Steps whose dates cannot be worked out (a cycle, an unknown step); the message is
    worded for the person editing them."""


@dataclass(frozen=True)
class StepTiming:
    """What a due date depends on: the step's key, its offset and what it waits for."""

    key: str
    offset_days: int
    after: str | None = None
    title: str = ""


@dataclass(frozen=True)
class TaskTiming:
    """A checklist task as the schedule sees it."""

    key: str
    offset_days: int
    after: str | None
    due_on: date
    status: str = "open"
    done_on: date | None = None
    title: str = ""

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


@dataclass(frozen=True)
class DateChange:
    """A task whose due date moves: shown before the person confirms."""

    key: str
    title: str
    before: date
    after: date


def _name(step: StepTiming | TaskTiming, position: int) -> str:
    return f"“{step.title}”" if step.title else f"step {position + 1}"


def find_cycle(steps: Sequence[StepTiming | TaskTiming]) -> list[str] | None:
    """The keys of one circle of dependencies (first key repeated at the end), or None."""
    after = {s.key: s.after for s in steps}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = known to reach no circle
    for start in after:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in after and state.get(node) != 2:
            if state.get(node) == 1:
                return [*path[path.index(node):], node]
            state[node] = 1
            path.append(node)
            node = after[node]
        for key in path:
            state[key] = 2
    return None


def step_problems(steps: Sequence[StepTiming]) -> dict[str, str]:
    """Step key → what is wrong with its timing: a negative offset, waiting for itself
    or for a step that is not in the template, or a circle of dependencies."""
    keys = {s.key for s in steps}
    names = {s.key: _name(s, n) for n, s in enumerate(steps)}
    problems: dict[str, str] = {}
    for step in steps:
        problem = offset_error(step.offset_days)
        if problem is None and step.after == step.key:
            problem = "A step cannot wait for itself. Choose another step or the start."
        elif problem is None and step.after is not None and step.after not in keys:
            problem = "It waits for a step that is no longer in the template."
        if problem:
            problems[step.key] = problem
    cycle = find_cycle([s for s in steps if s.key not in problems])
    if cycle:
        circle = " → ".join(names[key] for key in cycle)
        for key in cycle[:-1]:
            problems.setdefault(key, f"These steps wait for each other in a circle, so "
                                     f"none can start: {circle}. Make one of them wait for "
                                     "the start instead.")
    return problems


def _in_dependency_order(steps: Sequence[StepTiming | TaskTiming]) -> list[str]:
    """Keys with every step after the one it waits for (template order otherwise)."""
    problems = find_cycle(steps)
    if problems:
        raise ScheduleError("The steps wait for each other in a circle.")
    after = {s.key: s.after for s in steps}
    ordered: list[str] = []
    placed: set[str] = set()

    def place(key: str) -> None:
        chain = []
        node: str | None = key
        while node is not None and node in after and node not in placed:
            chain.append(node)
            node = after[node]
        for item in reversed(chain):
            placed.add(item)
            ordered.append(item)

    for step in steps:
        place(step.key)
    return ordered


def due_dates(start: date, steps: Sequence[StepTiming]) -> dict[str, date]:
    """Each step's first due date when a checklist starts on ``start``. Raises
    ScheduleError for steps :func:`step_problems` refuses."""
    problems = step_problems(steps)
    if problems:
        raise ScheduleError(next(iter(problems.values())))
    by_key = {s.key: s for s in steps}
    due: dict[str, date] = {}
    for key in _in_dependency_order(steps):
        step = by_key[key]
        anchor = start if step.after is None else due[step.after]
        due[key] = anchor + timedelta(days=step.offset_days)
    return due


def dependants(tasks: Iterable[TaskTiming | StepTiming], key: str) -> list[str]:
    """Every task that waits, directly or through others, for ``key`` (breadth first)."""
    waiting: dict[str, list[str]] = {}
    for task in tasks:
        if task.after is not None:
            waiting.setdefault(task.after, []).append(task.key)
    found, queue, seen = [], list(waiting.get(key, ())), {key}
    while queue:
        current = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        found.append(current)
        queue.extend(waiting.get(current, ()))
    return found


def _cascade(tasks: Sequence[TaskTiming], key: str, anchor: date) -> dict[str, date]:
    """New due dates of the open dependants once ``key``'s anchor date is ``anchor``.

    An open dependant is due its offset after the date of what it waits for; a finished
    one keeps its dates, and so do the tasks waiting for it (they wait for its real
    completion, which did not change)."""
    by_key = {t.key: t for t in tasks}
    anchors = {key: anchor}
    moved: dict[str, date] = {}
    for child in dependants(tasks, key):
        task = by_key[child]
        if task.finished or task.after not in anchors:
            continue
        new_due = anchors[task.after] + timedelta(days=task.offset_days)
        anchors[child] = new_due
        if new_due != task.due_on:
            moved[child] = new_due
    return moved


def _changes(tasks: Sequence[TaskTiming], moved: Mapping[str, date]) -> list[DateChange]:
    by_key = {t.key: t for t in tasks}
    order = {t.key: n for n, t in enumerate(tasks)}
    return [DateChange(key, by_key[key].title, by_key[key].due_on, new)
            for key, new in sorted(moved.items(), key=lambda item: order[item[0]])]


def move_due_date(tasks: Sequence[TaskTiming], key: str, new_due: date, start: date
                  ) -> list[DateChange]:
    """What moves when ``key``'s due date moves to ``new_due``: the task itself and its
    open dependants, each by keeping its offset. A date before the start is refused."""
    if new_due < start:
        raise ScheduleError(f"The due date {new_due.isoformat()} is before the onboarding "
                            f"started ({start.isoformat()}). Choose {start.isoformat()} or "
                            "later.")
    task = next((t for t in tasks if t.key == key), None)
    if task is None:
        raise ScheduleError("That task is no longer on the checklist.")
    moved = {key: new_due} if new_due != task.due_on else {}
    anchor = task.done_on if task.finished and task.done_on else new_due
    moved.update(_cascade(tasks, key, anchor))
    return _changes(tasks, moved)


def after_completion(tasks: Sequence[TaskTiming], key: str, done_on: date
                     ) -> list[DateChange]:
    """Open dependants' new due dates when ``key`` is finished on ``done_on`` (steps
    due "N days after" it now count from the real completion)."""
    return _changes(tasks, _cascade(tasks, key, done_on))


def expected_completion(tasks: Iterable[TaskTiming]) -> date | None:
    """The latest due date of the unfinished tasks; None when everything is finished."""
    open_dates = [t.due_on for t in tasks if not t.finished]
    return max(open_dates) if open_dates else None


# -- a template as the editor holds it -------------------------------------------------------

@dataclass(frozen=True)
class StepDraft:
    """One step in the templates editor: ``key`` is the stored step's id or a new key;
    ``after`` the key of the step it waits for (None: the start)."""

    key: str
    title: str
    category: str
    owner_side: str
    offset_days: int
    after: str | None = None
    required: bool = True
    description: str = ""
    course_id: str | None = None

    def values(self) -> dict:
        return {"title": self.title, "category": self.category,
                "owner_side": self.owner_side, "offset_days": self.offset_days}


NO_STEPS = "A template needs at least one step: add the first step below."


def draft_problems(name: str, steps: Sequence[StepDraft]) -> dict[str, str]:
    """Everything wrong with a template before it is saved: "name" and "steps" for the
    template, a step's key for that step (its first problem). Empty when it can be saved."""
    problems: dict[str, str] = {}
    problems.update(validate_template({"name": name}))
    if not steps:
        problems["steps"] = NO_STEPS
    for step in steps:
        own = validate_step(step.values())
        if own:
            problems[step.key] = next(iter(own.values()))
    timing = [StepTiming(s.key, s.offset_days if isinstance(s.offset_days, int) else 0,
                         s.after, s.title) for s in steps]
    for key, message in step_problems(timing).items():
        problems.setdefault(key, message)
    return problems
