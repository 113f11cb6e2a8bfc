"""The undoable edits of the Prospects tab that are more than one row: a stage move (the
prospect and its history entry), converting to a partner, an import, a profile save.

Each is one QUndoCommand, so Ctrl+Z takes back the whole action.
"""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from typing import Any

from channeldesk.domain.fit_score import Attribute, Criterion
from channeldesk.domain.prospect import label
from channeldesk.services.prospect_csv_import import ImportResult, redo_import, undo_import
from channeldesk.store import Store
from channeldesk.store.models import (
    Activity,
    Contact,
    IdealPartnerProfile,
    Partner,
    ProfileCriterion,
    Prospect,
    ProspectActivity,
    ProspectStageChange,
)
from channeldesk.sync import account
from channeldesk.ui.shell.undo import DeleteCommand, InsertCommand, StoreCommand, UpdateCommand


def current_user(store: Store) -> str:
    """Who is making the edit, for the stage history: the sync account's email when this
    database is signed in, else the computer's login name."""
    signed = account.account(store)
    if signed is not None and signed.email:
        return signed.email
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def move_stage_command(store: Store, prospect: Prospect, target: str,
                       lost_reason: str = "") -> StoreCommand:
    """Move a prospect to another stage and record who moved it when, as one step."""
    parent = StoreCommand(f"Move {prospect.company} to {label(target)}")
    parent.store = store
    UpdateCommand(store, Prospect, prospect.id,
                  {"stage": target, "lost_reason": lost_reason.strip()},
                  parent.text(), parent)
    InsertCommand(store, ProspectStageChange, {
        "prospect": prospect.id, "from_stage": prospect.stage, "to_stage": target,
        "changed_on": datetime.now(UTC).isoformat(timespec="seconds"),
        "changed_by": current_user(store), "lost_reason": lost_reason.strip(),
    }, parent.text(), parent)
    return parent


class ConvertCommand(StoreCommand):
    """A signed prospect becomes a partner: the partner, its contact and the activity log
    are created, and the prospect links to the partner. Undo tombstones what was made."""

    def __init__(self, store: Store, prospect: Prospect, partner_values: dict[str, Any]) -> None:
        super().__init__(f"Convert {prospect.company} to a partner")
        self.store = store
        self.prospect_id = prospect.id
        self.partner_values = partner_values
        self.partner_id: str | None = None
        self.made: list[tuple[type, str]] = []

    def _do(self) -> None:
        if self.partner_id is not None:
            for model, row_id in self.made:
                self.store.restore(model, row_id)
        else:
            self._create()
        self.store.update(Prospect, self.prospect_id, {"converted_partner": self.partner_id})

    def _create(self) -> None:
        prospect = Prospect.get_by_id(self.prospect_id)
        self.partner_id = self.store.insert(Partner, self.partner_values)
        self.made = [(Partner, self.partner_id)]
        if prospect.contact_name:
            contact = self.store.insert(Contact, {
                "partner": self.partner_id, "name": prospect.contact_name, "role": "",
                "email": prospect.contact_email, "phone": prospect.contact_phone,
                "is_primary": True})
            self.made.append((Contact, contact))
        for activity in ProspectActivity.live().where(
                ProspectActivity.prospect == self.prospect_id):
            copied = self.store.insert(Activity, {
                "partner": self.partner_id, "kind": activity.kind,
                "occurred_on": activity.occurred_on, "subject": activity.subject,
                "notes": activity.notes, "internal_only": activity.internal_only})
            self.made.append((Activity, copied))

    def _undo(self) -> None:
        self.store.update(Prospect, self.prospect_id, {"converted_partner": None})
        for model, row_id in reversed(self.made):
            self.store.delete(model, row_id)


class ImportCommand(StoreCommand):
    """An import that already ran (in a worker, in one transaction), as one undo step."""

    def __init__(self, store: Store, result: ImportResult, text: str) -> None:
        super().__init__(text)
        self.store, self.result = store, result
        self._skip_next_redo = True

    def _do(self) -> None:
        redo_import(self.store, self.result)

    def _undo(self) -> None:
        undo_import(self.store, self.result)


def criterion_values(criterion: Criterion, position: int) -> dict[str, Any]:
    """A domain criterion as a ``profile_criterion`` row (revenue keeps its currency first
    in ``choices``)."""
    choices = list(criterion.choices)
    if criterion.attribute == Attribute.ANNUAL_REVENUE:
        choices = [criterion.currency]
    return {"attribute": criterion.attribute.value, "operator": criterion.operator.value,
            "choices": ", ".join(choices), "low": criterion.low, "high": criterion.high,
            "weight": criterion.weight, "position": position}


def save_profile_command(store: Store, name: str, criteria: list[Criterion]) -> StoreCommand:
    """Replace the current profile's criteria (or create the profile) as one step."""
    parent = StoreCommand(f"Edit ideal partner profile {name}")
    parent.store = store
    profile = (IdealPartnerProfile.live().order_by(IdealPartnerProfile.created_at.desc())
               .first())
    if profile is None:
        insert = InsertCommand(store, IdealPartnerProfile, {"name": name}, parent.text(),
                               parent)
        _ProfileCriteria(store, insert, criteria, parent)
        return parent
    UpdateCommand(store, IdealPartnerProfile, profile.id, {"name": name}, parent.text(), parent)
    for old in ProfileCriterion.live().where(ProfileCriterion.profile == profile.id):
        DeleteCommand(store, ProfileCriterion, old.id, parent.text(), parent)
    for position, criterion in enumerate(criteria):
        InsertCommand(store, ProfileCriterion, {"profile": profile.id,
                                                **criterion_values(criterion, position)},
                      parent.text(), parent)
    return parent


class _ProfileCriteria(StoreCommand):
    """The criteria of a profile created in the same step (its id is known only then)."""

    def __init__(self, store: Store, profile: InsertCommand, criteria: list[Criterion],
                 parent: StoreCommand) -> None:
        super().__init__(parent.text(), parent)
        self.store, self._profile, self._criteria = store, profile, criteria
        self._ids: list[str] = []

    def _do(self) -> None:
        if self._ids:
            for row_id in self._ids:
                self.store.restore(ProfileCriterion, row_id)
            return
        for position, criterion in enumerate(self._criteria):
            self._ids.append(self.store.insert(ProfileCriterion, {
                "profile": self._profile.row_id, **criterion_values(criterion, position)}))

    def _undo(self) -> None:
        for row_id in self._ids:
            self.store.delete(ProfileCriterion, row_id)
