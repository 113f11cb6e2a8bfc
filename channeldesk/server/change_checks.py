"""The server's check of a pushed batch against the tables' descriptions (DESIGN.md §4).

Trust no device: every change names a table and field this server knows, holds a value
its field's rules allow (kind, choices, NOT NULL, ranges, dates, money as whole minor
units), carries a clock stamp not far ahead of the server's clock and a ``base_seq``
the team has reached. A new record arrives whole (every field without a default) and
a reference points at a record the server has, or one created in the same batch, that
nobody deleted. What fails is refused per change with a reason for the user; a new
record with one refused field is refused whole, so no teammate ever pulls half a record.

The rules are the descriptions of ``channeldesk.store`` (importing its models registers
them), the same ones the desktop's forms, importer and pull apply.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import channeldesk.store.models  # noqa: F401  (registers every table's description)
from channeldesk.domain.hlc import Stamp
from channeldesk.store.description import Kind, TableDescription, description_for
from channeldesk.sync.protocol import MAX_CLOCK_SKEW_MS

DELETED = "deleted"
NOT_SENT = frozenset({"id", "updated_at"})  # never journalled, so never pushed
CACHED_TEXT = 200  # longer texts are checked each time, not remembered

RowKey = tuple[str, str]


class CheckedChange(Protocol):
    """What the checks read of a change: a pushed ``ChangeIn``, or one field of a pushed
    record (``push_records.FieldChange``, a tuple with the same names)."""

    @property
    def change_id(self) -> str: ...
    @property
    def table(self) -> str: ...
    @property
    def row_id(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def value(self) -> Any: ...
    @property
    def hlc(self) -> str: ...
    @property
    def base_seq(self) -> int: ...


@dataclass(frozen=True)
class Refusal:
    """Why one change was not stored: a code (protocol.REJECT_CODES) and a sentence."""

    code: str
    reason: str


@dataclass(frozen=True)
class RowFacts:
    """A row as the server has it: whether it exists, is deleted, and by whom."""

    exists: bool
    deleted: bool = False
    deleted_by: str | None = None  # a person ("carol@acme.example"), when deleted


RowLoader = Callable[[set[RowKey]], Mapping[RowKey, RowFacts]]


@functools.lru_cache(maxsize=4096)
def _stamp_millis(hlc: str) -> int:
    """The stamp's milliseconds, remembered: a record's fields share one stamp."""
    return Stamp.decode(hlc).millis


def _stamp_problem(hlc: str, now_ms: int) -> Refusal | None:
    millis = _stamp_millis(hlc)
    if millis <= now_ms + MAX_CLOCK_SKEW_MS:
        return None
    when = datetime.fromtimestamp(min(millis, 253402300799000) / 1000, UTC)
    return Refusal("clock_ahead", f"the change is stamped {when:%Y-%m-%d %H:%M} UTC, more "
                                  "than a day ahead of the server's clock; check this "
                                  "computer's date and time, then edit the field again")


@functools.lru_cache(maxsize=2048)
def _known_field(table: str, field: str) -> tuple[Refusal | None, str | None]:
    """Whether this server knows the field (a refusal when not), and the table its value
    points at when it is a reference: asked once per table and field, not per value."""
    description = description_for(table)
    if description is None:
        return Refusal("unknown", f"this server does not know the table '{table}' "
                                  "(update the server, or ChannelDesk)"), None
    if field in NOT_SENT or not description.has(field):
        return Refusal("unknown", f"{description.label} has no field '{field}' on "
                                  "this server (update the server, or ChannelDesk)"), None
    spec = description.field(field)
    return None, (spec.references or None) if spec.kind is Kind.REFERENCE else None


def _field_problem(change: CheckedChange, team_seq: int, now_ms: int) -> Refusal | None:
    unknown, _ = _known_field(change.table, change.field)
    if unknown is not None:
        return unknown
    stamp = _stamp_problem(change.hlc, now_ms)
    if stamp is not None:
        return stamp
    if change.base_seq > team_seq:
        return Refusal("base_ahead", f"the change was made on server version "
                                     f"{change.base_seq:,}, which this server never reached "
                                     f"(it is at {team_seq:,})")
    if isinstance(change.value, str) and len(change.value) > CACHED_TEXT:
        description = description_for(change.table)
        assert description is not None
        problem = description.validate(change.field, change.value)
    else:
        problem = _value_problem(change.table, change.field, type(change.value),
                                 change.value)
    return Refusal("invalid", problem.rstrip(".")) if problem else None


@functools.lru_cache(maxsize=8192)
def _value_problem(table: str, field: str, kind: type, value: Any) -> str | None:
    """The description's verdict on a value, remembered: choices, flags and common
    texts repeat across a batch, and a table's form rules are the push's main cost.
    ``kind`` keeps 1, 1.0 and True apart (they hash alike)."""
    description = description_for(table)
    assert description is not None
    return description.validate(field, value)


class BatchCheck:
    """The refusals of one batch, by the change's position in it."""

    def __init__(self, changes: Sequence[CheckedChange], team_seq: int, rows: RowLoader,
                 now_ms: int | None = None) -> None:
        self.changes = changes
        self.refused: dict[int, Refusal] = {}
        now = now_ms if now_ms is not None else int(datetime.now(UTC).timestamp() * 1000)
        self.by_row: dict[RowKey, list[int]] = defaultdict(list)
        for index, change in enumerate(changes):
            problem = _field_problem(change, team_seq, now)
            if problem is not None:
                self.refused[index] = problem
            self.by_row[(change.table, change.row_id)].append(index)
        self.references = self._references()
        wanted = set(self.by_row) | {parent for _, parent in self.references}
        self.facts = rows(wanted)
        self.new_rows = {key for key in self.by_row
                         if not self.facts.get(key, RowFacts(False)).exists}

    def run(self) -> dict[int, Refusal]:
        self._refuse_incomplete_rows()
        while self._refuse_bad_references():  # a refused parent refuses its children
            pass
        return self.refused

    # -- new rows ------------------------------------------------------------------------

    def _refuse_incomplete_rows(self) -> None:
        for key in self.new_rows:
            description = description_for(key[0])
            if description is None:
                continue
            values = {self.changes[i].field: self.changes[i].value for i in self.by_row[key]}
            missing = [spec.label for spec in description.fields
                       if spec.name not in values and not spec.nullable
                       and not spec.has_default]
            if missing and not self._refused_in(key):
                for index in self.by_row[key]:
                    self.refused[index] = Refusal(
                        "incomplete", f"the new {description.label.lower()} arrived without "
                                      f"{', '.join(missing)}; nothing of it was stored")
            self._refuse_rest_of_row(key)

    def _refused_in(self, key: RowKey) -> bool:
        return any(index in self.refused for index in self.by_row[key])

    def _refuse_rest_of_row(self, key: RowKey) -> bool:
        """A new row with a refused field is refused whole; True when it changed."""
        if key not in self.new_rows or not self._refused_in(key):
            return False
        first = next(self.refused[i] for i in self.by_row[key] if i in self.refused)
        description = description_for(key[0])
        label = description.label.lower() if description else key[0]
        changed = False
        for index in self.by_row[key]:
            if index not in self.refused:
                self.refused[index] = Refusal(
                    "row_refused", f"the new {label} was not stored because {first.reason}")
                changed = True
        return changed

    # -- references ----------------------------------------------------------------------

    def _references(self) -> list[tuple[int, RowKey]]:
        found = []
        for index, change in enumerate(self.changes):
            _, parent_table = _known_field(change.table, change.field)
            if parent_table and isinstance(change.value, str) and change.value:
                found.append((index, (parent_table, change.value)))
        return found

    def _restored_here(self, parent: RowKey) -> bool:
        return any(self.changes[i].field == DELETED and not self.changes[i].value
                   and i not in self.refused for i in self.by_row.get(parent, ()))

    def _refuse_bad_references(self) -> bool:
        changed = False
        for index, parent in self.references:
            if index in self.refused:
                continue
            refusal = self._reference_problem(self.changes[index], parent)
            if refusal is not None:
                self.refused[index] = refusal
                self._refuse_rest_of_row((self.changes[index].table,
                                          self.changes[index].row_id))
                changed = True
        return changed

    def _reference_problem(self, change: CheckedChange, parent: RowKey) -> Refusal | None:
        child = description_for(change.table)
        owner = description_for(parent[0])
        assert child is not None
        parent_label = owner.label.lower() if owner else parent[0]
        if parent in self.new_rows:
            if self._refused_in(parent):
                return Refusal("parent_missing", f"its {parent_label} was refused too")
            return None
        facts = self.facts.get(parent, RowFacts(False))
        if not facts.exists:
            return Refusal("parent_missing", f"it belongs to a {parent_label} the server "
                                             "does not have")
        if facts.deleted and not self._restored_here(parent):
            return Refusal("parent_deleted", _deleted_parent_text(
                child, parent_label, facts.deleted_by,
                adding=(change.table, change.row_id) in self.new_rows))
        return None


def _deleted_parent_text(child: TableDescription, parent_label: str, who: str | None,
                         adding: bool) -> str:
    by = f" by {who}" if who else ""
    doing = f"added a {child.label.lower()}" if adding else \
        f"changed a {child.label.lower()}"
    return (f"the {parent_label} was deleted{by} while you {doing} to it; restore the "
            f"{parent_label} or discard the {child.label.lower()}")


def is_deleted_value(value: Any) -> bool:
    return value in (1, True, "1")
