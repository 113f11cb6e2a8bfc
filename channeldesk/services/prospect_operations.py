"""The multi-row actions of recruitment: move a prospect's stage (with its history),
convert a signed prospect to a partner, save the ideal partner profile.

Each validates, writes in one store transaction and returns an
:class:`~channeldesk.services.operations.Operation` that undoes and redoes it exactly; the
Prospects tab wraps it in an undo command and the command line runs it as it is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from peewee import fn

from channeldesk.domain.fit_score import Attribute, Criterion
from channeldesk.domain.partner import validate_partner
from channeldesk.domain.prospect import stage_move_error
from channeldesk.services.operations import Operation, OperationRefused, Recorder, run
from channeldesk.store.database import Store
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

MAX_LISTED = 10


# -- finding a prospect by name (the command line) --------------------------------------------

def find_prospects(name_or_id: str) -> list[Prospect]:
    """Live prospects matching an id exactly, else a company name exactly (ignoring case
    and accents), else a company name containing the text. More than one match means the
    caller must ask which one."""
    text = (name_or_id or "").strip()
    if not text:
        return []
    by_id = list(Prospect.live().where(Prospect.id == text))
    if by_id:
        return by_id
    folded = fn.fold(Prospect.company)
    ordered = Prospect.live().order_by(folded, Prospect.id)
    exact = list(ordered.where(folded == fn.fold(text)))
    return exact or list(ordered.where(fn.instr(folded, fn.fold(text)) > 0))


def resolve_prospect(name_or_id: str) -> Prospect:
    """The one prospect a person means, or a refusal that lists the candidates."""
    matches = find_prospects(name_or_id)
    if not matches:
        raise OperationRefused(f"No prospect matches '{name_or_id}'. Check the spelling, "
                               "or give the prospect's id.")
    if len(matches) > 1:
        listed = "; ".join(f"{p.company} ({p.id})" for p in matches[:MAX_LISTED])
        more = f" and {len(matches) - MAX_LISTED} more" if len(matches) > MAX_LISTED else ""
        raise OperationRefused(f"'{name_or_id}' matches {len(matches)} prospects: {listed}"
                               f"{more}. Give the full company name or the id.")
    return matches[0]


# -- stage moves --------------------------------------------------------------------------------

def move_stage(store: Store, prospect_id: str, target: str, lost_reason: str = "",
               changed_by: str = "", now: datetime | None = None) -> Operation[None]:
    """Move a prospect to another stage and record who moved it when, as one step.

    The history row is what the pipeline report counts, so the move and its record
    must land (and be undone) together. Leaving the lost stage clears the lost reason.
    """
    reason = lost_reason.strip()
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")

    def write(recorder: Recorder) -> None:
        prospect = _live(Prospect, prospect_id, "prospect")
        problem = stage_move_error(prospect.stage, target, reason)
        if problem:
            raise OperationRefused(f"{prospect.company}: {problem}")
        recorder.update(Prospect, prospect.id, {"stage": target, "lost_reason": reason})
        recorder.insert(ProspectStageChange, {
            "prospect": prospect.id, "from_stage": prospect.stage, "to_stage": target,
            "changed_on": stamp, "changed_by": changed_by, "lost_reason": reason})

    return run(store, write)


# -- conversion to a partner ----------------------------------------------------------------------

def convert_to_partner(store: Store, prospect_id: str,
                       partner_values: dict[str, Any]) -> Operation[str]:
    """A signed prospect becomes a partner: the partner, its primary contact and the
    prospect's activity log are created, and the prospect links to the partner.

    The value is the new partner's id. Undo tombstones what was made and unlinks.
    """
    def write(recorder: Recorder) -> str:
        prospect = _live(Prospect, prospect_id, "prospect")
        if prospect.stage != "signed":
            raise OperationRefused(f"{prospect.company} is not signed yet; only a signed "
                                   "prospect becomes a partner.")
        if prospect.converted_partner_id:
            raise OperationRefused(f"{prospect.company} is already a partner.")
        errors = validate_partner(partner_values)
        if errors:
            raise OperationRefused(" ".join(errors.values()))
        partner_id = recorder.insert(Partner, partner_values)
        if prospect.contact_name:
            recorder.insert(Contact, {
                "partner": partner_id, "name": prospect.contact_name, "role": "",
                "email": prospect.contact_email, "phone": prospect.contact_phone,
                "is_primary": True})
        activities = [{"partner": partner_id, "kind": a.kind, "occurred_on": a.occurred_on,
                       "subject": a.subject, "notes": a.notes,
                       "internal_only": a.internal_only}
                      for a in ProspectActivity.live()
                      .where(ProspectActivity.prospect == prospect.id)
                      .order_by(ProspectActivity.occurred_on, ProspectActivity.id)]
        recorder.insert_many(Activity, activities)
        recorder.update(Prospect, prospect.id, {"converted_partner": partner_id})
        return partner_id

    return run(store, write)


# -- the ideal partner profile --------------------------------------------------------------------

def criterion_values(criterion: Criterion, position: int) -> dict[str, Any]:
    """A domain criterion as a ``profile_criterion`` row (revenue keeps its currency first
    in ``choices``)."""
    choices = list(criterion.choices)
    if criterion.attribute == Attribute.ANNUAL_REVENUE:
        choices = [criterion.currency]
    return {"attribute": criterion.attribute.value, "operator": criterion.operator.value,
            "choices": ", ".join(choices), "low": criterion.low, "high": criterion.high,
            "weight": criterion.weight, "position": position}


def save_profile(store: Store, name: str, criteria: list[Criterion]) -> Operation[str]:
    """Replace the current profile's name and criteria (or create the profile), as one
    step; the value is the profile's id. Re-scoring follows from the change notice."""
    name = name.strip()
    if not name:
        raise OperationRefused("Give the profile a name.")

    def write(recorder: Recorder) -> str:
        profile = (IdealPartnerProfile.live()
                   .order_by(IdealPartnerProfile.created_at.desc()).first())
        if profile is None:
            profile_id = recorder.insert(IdealPartnerProfile, {"name": name})
        else:
            profile_id = profile.id
            recorder.update(IdealPartnerProfile, profile_id, {"name": name})
            for old in ProfileCriterion.live().where(ProfileCriterion.profile == profile_id):
                recorder.delete(ProfileCriterion, old.id)
        for position, criterion in enumerate(criteria):
            recorder.insert(ProfileCriterion, {"profile": profile_id,
                                               **criterion_values(criterion, position)})
        return profile_id

    return run(store, write)


def _live(model, row_id: str, what: str):
    row = model.get_or_none(model.id == row_id)
    if row is None or row.deleted:
        raise OperationRefused(f"The {what} no longer exists (deleted here or by a "
                               "colleague's sync).")
    return row
