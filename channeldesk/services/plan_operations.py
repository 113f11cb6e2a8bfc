"""The multi-row actions of joint business planning: a new plan (with its signature
lines), a plan copied to the next period (with all its parts) and a signed plan amended
by its next revision.

Each validates, writes in one store transaction and returns an
:class:`~channeldesk.services.operations.Operation` whose value is the new plan's id;
the Plans tab wraps it in an undo command, the command line runs it as it is.
"""

from __future__ import annotations

from typing import Any

from channeldesk.domain.partner_currency import currency_for
from channeldesk.domain.plan import (
    SIDE_LABELS,
    Period,
    PeriodError,
    PlanStatus,
    validate_plan,
)
from channeldesk.services.operations import Operation, OperationRefused, Recorder, run
from channeldesk.store.database import Store
from channeldesk.store.models import BusinessPlan, Partner, PlanSignature
from channeldesk.store.plan_queries import (
    amendment_of,
    amendment_values,
    copy_values,
    plan_exists,
)


def new_plan(store: Store, values: dict[str, Any]) -> Operation[str]:
    """Create a partner's plan for a period with one empty signature line per side (the
    vendor's named after the partner's owner), so the PDF always has both lines. Without
    a currency, the plan is in the partner's (a US partner's in USD)."""
    def write(recorder: Recorder) -> str:
        partner = _live_partner(values.get("partner"))
        currency = values.get("currency") or currency_for(partner.country, partner.region)
        period = _period(values.get("period"))
        errors = validate_plan({**values, "period": period, "currency": currency})
        if errors:
            raise OperationRefused(" ".join(errors.values()))
        if plan_exists(partner.id, period):
            raise OperationRefused(f"{partner.name} already has a plan for {period}.")
        plan_id = recorder.insert(BusinessPlan, {**values, "partner": partner.id,
                                                 "period": period, "currency": currency})
        for side in SIDE_LABELS:
            recorder.insert(PlanSignature, {"plan": plan_id, "side": side,
                                            "name": partner.owner if side == "vendor" else ""})
        return plan_id

    return run(store, write)


def copy_to_next_period(store: Store, plan_id: str) -> Operation[str]:
    """Start next period's plan from this one: targets carried with actuals reset,
    objectives, commitments and activities as drafts, new unsigned signature lines.

    Refused when the period has no successor that can be named, or the partner already
    has a plan for it (copying twice would make two plans for one period).
    """
    def write(recorder: Recorder) -> str:
        plan = BusinessPlan.get_or_none(BusinessPlan.id == plan_id)
        if plan is None or plan.deleted:
            raise OperationRefused("The plan no longer exists (deleted here or by a "
                                   "colleague's sync).")
        try:
            values, children = copy_values(plan.id)
        except PeriodError as error:
            raise OperationRefused(str(error)) from error
        partner = plan.partner
        if plan_exists(plan.partner_id, values["period"]):
            raise OperationRefused(f"{partner.name} already has a plan for "
                                   f"{values['period']}.")
        new_id = recorder.insert(BusinessPlan, values)
        for model, rows in children.items():
            recorder.insert_many(model, [{"plan": new_id, **row} for row in rows])
        for side in SIDE_LABELS:
            recorder.insert(PlanSignature, {"plan": new_id, "side": side})
        return new_id

    return run(store, write)


def amend_plan(store: Store, plan_id: str) -> Operation[str]:
    """Start the next revision of a signed plan: a draft linked to it ("revision 2"),
    with every part as it stands and its signers to sign again.

    A signed plan itself never changes (see ``domain.plan.lock_refusal``); a change both
    sides agree on after signing is made on the revision, which is signed in its turn.
    Refused for a plan that is not signed, or that already has a revision under way.
    """
    def write(recorder: Recorder) -> str:
        plan = BusinessPlan.get_or_none(BusinessPlan.id == plan_id)
        if plan is None or plan.deleted:
            raise OperationRefused("The plan no longer exists (deleted here or by a "
                                   "colleague's sync).")
        if plan.status != PlanStatus.SIGNED:
            raise OperationRefused("Only a signed plan is amended; a draft or agreed plan "
                                   "is edited as it is.")
        newer = amendment_of(plan.id)
        if newer is not None:
            raise OperationRefused(f"Revision {newer.revision} of this plan is already "
                                   "under way. Open it from the list.")
        values, children = amendment_values(plan.id)
        new_id = recorder.insert(BusinessPlan, values)
        for model, rows in children.items():
            recorder.insert_many(model, [{"plan": new_id, **row} for row in rows])
        return new_id

    return run(store, write)


def change_status(store: Store, plan_id: str, status: str) -> Operation[str]:
    """Move a plan along the status flow (refused by the store's lock rule when the flow
    does not allow it). Signing a revision archives the signed plan it amends, so one
    signed plan stands for the period."""
    def write(recorder: Recorder) -> str:
        plan = BusinessPlan.get_or_none(BusinessPlan.id == plan_id)
        if plan is None or plan.deleted:
            raise OperationRefused("The plan no longer exists (deleted here or by a "
                                   "colleague's sync).")
        recorder.update(BusinessPlan, plan.id, {"status": status})
        amended = plan.amends
        if status == PlanStatus.SIGNED and amended is not None and not amended.deleted \
                and amended.status == PlanStatus.SIGNED:
            recorder.update(BusinessPlan, amended.id, {"status": PlanStatus.ARCHIVED.value})
        return plan.id

    return run(store, write)


def _live_partner(partner_id: Any) -> Partner:
    partner = Partner.get_or_none(Partner.id == partner_id) if partner_id else None
    if partner is None or partner.deleted:
        raise OperationRefused("Choose a partner: a plan is made with one.")
    return partner


def _period(text: Any) -> str:
    try:
        return str(Period.parse(str(text or "")))
    except PeriodError as error:
        raise OperationRefused(str(error)) from error
