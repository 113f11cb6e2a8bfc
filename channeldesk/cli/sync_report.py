"""What ``channeldesk sync`` prints after its counts: each change the server refused and
each value it sent that this version keeps aside, with the reason, so a script's log (or
the person at the terminal) sees what did not go through without opening the app."""

from __future__ import annotations

from typing import Any

from channeldesk.store import Store

SHOWN = 10  # lines of each kind; the rest are counted, and all wait in the app


def held_back_lines(store: Store) -> list[str]:
    """One line per open refusal and kept-aside value (oldest first), each naming the
    record, the field, the value and why; at most :data:`SHOWN` of each kind."""
    from channeldesk.store.description import description_for, name_records
    from channeldesk.sync import conflict_log, conflicts

    held = [c for c in conflicts.list_conflicts(store)
            if c.kind in (conflict_log.REJECTED, conflict_log.QUARANTINED)]
    if not held:
        return []
    names = name_records(store.db.connection(), [(c.table, c.row_id) for c in held])
    lines: list[str] = []
    for kind, heading, value_of in (
            (conflict_log.REJECTED, "refused by the server (your value is kept here; fix it "
                                    "and sync again, or decide in the app's Conflicts)",
             lambda c: c.mine),
            (conflict_log.QUARANTINED, "kept aside from the server (this version's rules "
                                       "do not allow them; decide in the app's Conflicts)",
             lambda c: c.theirs)):
        of_kind = [c for c in held if c.kind == kind]
        if not of_kind:
            continue
        lines.append(f"{len(of_kind)} {_values(len(of_kind))} {heading}:")
        for found in of_kind[:SHOWN]:
            described = description_for(found.table)
            field = described.field_label(found.field) if described else found.field
            lines.append(f"  {names[(found.table, found.row_id)].name}, {field} = "
                         f"{_shown(value_of(found))}: {_why(found.reason_text)}")
        if len(of_kind) > SHOWN:
            lines.append(f"  … and {len(of_kind) - SHOWN} more")
    return lines


def _values(count: int) -> str:
    return "value" if count == 1 else "values"


def _shown(value: Any) -> str:
    text = "(empty)" if value is None or value == "" else repr(value) \
        if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _why(reason: str) -> str:
    """The reason without the lead-in the app's wording puts before it."""
    return reason.removeprefix("The server refused this value because ") or "no reason given"
