"""The short per-record lists the detail panes show: contacts, activity logs, plan items.

Read here so the UI's table models hold no query of their own; each list is small (one
partner's contacts, one prospect's activities) and re-read whole on change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import peewee

from channeldesk.store.models import (
    Activity,
    Contact,
    Partner,
    ProspectActivity,
    ProspectStageChange,
    SyncedModel,
)

M = TypeVar("M", bound=SyncedModel)


def contact_ids(partner_id: str) -> list[str]:
    """A partner's live contacts, the primary one first, then by name as people sort."""
    query = (Contact.live().where(Contact.partner == partner_id)
             .order_by(Contact.is_primary.desc(), peewee.fn.fold(Contact.name)))
    return [contact.id for contact in query.select(Contact.id)]


def activity_ids(model: type[Activity] | type[ProspectActivity], owner_id: str,
                 include_internal: bool) -> list[str]:
    """A partner's or a prospect's logged activities, newest first; without the
    internal-only ones unless asked (presentation mode never lists them)."""
    owner = model.partner if model is Activity else model.prospect
    query = model.live().where(owner == owner_id)
    if not include_internal:
        query = query.where(model.internal_only == False)  # noqa: E712 (peewee expression)
    query = query.order_by(model.occurred_on.desc(), model.created_at.desc())
    return [row.id for row in query.select(model.id)]


def rows_by_id(model: type[M], ids: Sequence[str]) -> dict[str, M]:
    return {row.id: row for row in model.select().where(model.id.in_(list(ids)))}


def plan_items(model: type[M], plan_id: str, order: Sequence[peewee.Node]) -> list[M]:
    """One plan's live targets, activities, commitments… in the given order."""
    return list(model.live().where(model.plan == plan_id).order_by(*order))


def activity_count(model: type[Activity] | type[ProspectActivity], owner_id: str) -> int:
    """How many activities a partner or prospect has logged (internal ones included)."""
    return len(activity_ids(model, owner_id, include_internal=True))


def stage_history(prospect_id: str) -> list[ProspectStageChange]:
    """A prospect's moves through the pipeline, newest first."""
    return list(ProspectStageChange.live()
                .where(ProspectStageChange.prospect == prospect_id)
                .order_by(ProspectStageChange.created_at.desc()))


def partner_choices() -> list[tuple[str, str]]:
    """(id, name) of every live partner by name, for a picker."""
    return [(p.id, p.name) for p in Partner.live().order_by(Partner.name)]
