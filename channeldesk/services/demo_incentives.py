"""Demo incentives: a program of each kind for the current fiscal year, budgets, funds
allocated to the demo partners, sales reports (with co-op accrued on them and rebates
earned), and requests and claims in every state of the claim state machine, so the
Incentives tab, the deadline radar and the fund statement have something real.

Everything goes through the same operations the tab uses, inside the demo transaction.
"""

from __future__ import annotations

import contextlib
import random
from datetime import date, timedelta

from channeldesk.domain.claim_state import ClaimAction
from channeldesk.domain.incentive import DEFAULT_PROOF_RULES, DEFAULT_PROOF_RULES_TEXT, ProgramKind
from channeldesk.domain.plan import Period, PeriodKind
from channeldesk.services import incentive_operations as ops
from channeldesk.services.demo_context import DemoContext
from channeldesk.services.operations import OperationRefused
from channeldesk.store.database import Store
from channeldesk.store.incentive_queries import claim_totals
from channeldesk.store.models import IncentiveProgram, Partner, SalesReport

PARTNERS = 14
A = ClaimAction
# How far each demo claim goes: (title, activity type, actions). Every state appears.
SCRIPTS: list[tuple[str, str, tuple[ClaimAction, ...]]] = [
    ("Partner summit booth", "trade_show", ()),
    ("Webinar series on backup", "digital_campaign", (A.SUBMIT,)),
    ("Customer breakfast", "event", (A.SUBMIT, A.REQUEST_INFO)),
    ("Regional roadshow", "event", (A.SUBMIT, A.PRE_APPROVE)),
    ("LinkedIn lead campaign", "digital_campaign", (A.SUBMIT, A.PRE_APPROVE, A.SUBMIT_CLAIM)),
    ("Trade magazine advert", "print_ad",
     (A.SUBMIT, A.PRE_APPROVE, A.SUBMIT_CLAIM, A.REQUEST_INFO)),
    ("Security awareness day", "event",
     (A.SUBMIT, A.PRE_APPROVE, A.SUBMIT_CLAIM, A.APPROVE)),
    ("Reseller bootcamp", "training",
     (A.SUBMIT, A.PRE_APPROVE, A.SUBMIT_CLAIM, A.APPROVE, A.PAY)),
    ("Cloud migration workshop", "event",
     (A.SUBMIT, A.PRE_APPROVE, A.SUBMIT_CLAIM, A.APPROVE, A.PAY, A.PAY)),
    ("Golf day with customers", "event", (A.SUBMIT, A.REJECT)),
    ("Print mailing", "print_ad",
     (A.SUBMIT, A.PRE_APPROVE, A.SUBMIT_CLAIM, A.REJECT, A.DISPUTE)),
    ("Podcast sponsorship", "digital_campaign", (A.SUBMIT, A.WITHDRAW)),
    ("Spring trade fair", "trade_show", (A.SUBMIT, A.PRE_APPROVE, A.EXPIRE)),
]
COMMENTS = {A.REQUEST_INFO: "Please add the agenda and the expected attendance.",
            A.REJECT: "The activity falls outside the program's eligible activities.",
            A.DISPUTE: "The partner says the mailing was agreed with the field team."}


def add_demo(context: DemoContext) -> dict[str, int]:
    """The incentives feature's demo hook (runs after the partners and plans hooks)."""
    context.step(0, 3, "Adding incentive programs")
    store, today, rng = context.store, context.today, random.Random(context.seed * 53 + 5)
    partners = [p for p in Partner.live().where(Partner.name.in_(context.partner_names))
                if p.status in ("active", "onboarding")][:PARTNERS]
    if not partners or IncentiveProgram.live().exists():
        return {}
    programs = _programs(store, today)
    context.step(1, 3, "Allocating funds and importing sales")
    _funds_and_sales(store, rng, programs, partners, today)
    context.step(2, 3, "Adding requests and claims")
    claims = _claims(store, rng, programs, partners, today)
    return {"incentive programs": len(programs), "claims": claims}


def _programs(store: Store, today: date) -> dict[str, str]:
    year = Period(today.year, PeriodKind.YEAR)
    quarter = Period(today.year, PeriodKind.QUARTER, (today.month - 1) // 3 + 1)
    rows = {
        ProgramKind.MDF: {"name": "Market development fund", "period": str(year),
                          "reimbursement_pct": 50, "claim_deadline_days": 45,
                          "description": "Co-funded marketing activities, pre-approved."},
        ProgramKind.COOP: {"name": "Co-op marketing", "period": str(year), "accrual_bp": 200,
                           "reimbursement_pct": 75, "tiers": "silver, gold, platinum",
                           "description": "Accrues 2% of reported sales."},
        ProgramKind.REBATE: {"name": "Growth rebate", "period": str(year),
                             "rebate_basis": "sales", "rebate_tiers": "0: 2, 100000: 3",
                             "description": "2% up to 100,000 and 3% above."},
        ProgramKind.SPIFF: {"name": f"{quarter} new-logo SPIFF", "period": str(quarter),
                            "spiff_amount": 250_00, "reimbursement_pct": 100,
                            "description": "250 per new customer deal."},
    }
    ids = {}
    for kind, values in rows.items():
        with store.transaction():
            ids[kind] = store.insert(IncentiveProgram, {
                "kind": kind.value, "currency": "EUR", "proof_rules": DEFAULT_PROOF_RULES_TEXT,
                "internal_notes": "Finance reviews the program mid-year.", **values})
        if kind is ProgramKind.MDF:
            ops.set_budget(store, ids[kind], 400_000_00, "Demo", today.replace(month=1, day=2))
    return ids


def _funds_and_sales(store: Store, rng: random.Random, programs: dict[str, str],
                     partners: list[Partner], today: date) -> None:
    year_end = date(today.year, 12, 31)
    quarter = (today.month - 1) // 3 + 1
    for partner in partners:
        amount = {"platinum": 40_000_00, "gold": 25_000_00}.get(partner.tier, 12_000_00)
        expiry = today + timedelta(days=rng.randint(10, 40)) if rng.random() < 0.3 else year_end
        ops.allocate_funds(store, ops.AllocationRequest(
            programs[ProgramKind.MDF], partner.id, amount, expiry, "Annual MDF"), "Demo",
            today.replace(month=1, day=5))
        ops.allocate_funds(store, ops.AllocationRequest(
            programs[ProgramKind.SPIFF], partner.id, 5_000_00, year_end), "Demo", today)
        with store.transaction():
            for number in range(1, quarter + 1):
                for year in (today.year - 1, today.year):
                    store.insert(SalesReport, {
                        "partner": partner.id, "period": f"{year}-Q{number}",
                        "currency": "EUR", "sales": rng.randint(20, 90) * 1_000_00,
                        "units": rng.randint(5, 60), "source": "Demo distributor feed"})
        ops.accrue_coop(store, partner.id, today)
        with contextlib.suppress(OperationRefused):  # nothing earned yet is fine
            ops.record_rebate(store, programs[ProgramKind.REBATE], partner.id, "Demo", today)


def _claims(store: Store, rng: random.Random, programs: dict[str, str],
            partners: list[Partner], today: date) -> int:
    written = 0
    for n, partner in enumerate(partners):
        for title, activity, actions in rng.sample(SCRIPTS, 4) if n else SCRIPTS:
            start = today - timedelta(days=rng.randint(20, 40))
            cost = rng.randint(4, 12) * 250_00
            claim = ops.create_claim(store, ops.NewClaim(
                programs[ProgramKind.MDF], partner.id, title, activity, start,
                start + timedelta(days=1), requested=cost // 2, activity_cost=cost,
                revenue_influenced=cost * rng.randint(3, 12))).value
            _walk(store, rng, claim, activity, actions, cost // 2, today)
            written += 1
        spiff = ops.create_claim(store, ops.NewClaim(
            programs[ProgramKind.SPIFF], partner.id, f"New logo deal {4700 + n}", "deal",
            units=rng.randint(1, 3), deal_ref=f"OPP-{4700 + n}")).value
        ops.attach_proof(store, spiff, "invoice", f"PO {4700 + n}".encode(), "purchase-order.pdf")
        written += 1
    return written


def _walk(store: Store, rng: random.Random, claim: str, activity: str,
          actions: tuple[ClaimAction, ...], amount: int, today: date) -> None:
    day = today - timedelta(days=len(actions) * 3)
    paid = 0
    for action in actions:
        if action is ClaimAction.SUBMIT_CLAIM:
            for kind in DEFAULT_PROOF_RULES[activity]:
                ops.attach_proof(store, claim, kind, f"{kind} for {claim}".encode(),
                                 f"{kind.replace('_', '-')}.pdf")
        value = {A.SUBMIT: amount, A.PRE_APPROVE: amount, A.SUBMIT_CLAIM: amount,
                 A.APPROVE: amount - amount // 10 * rng.randint(0, 2)}.get(action, 0)
        if action is ClaimAction.PAY:
            approved = claim_totals(store.db, claim).approved
            value = approved - paid if paid else approved // 2
            paid += value
        actor = "Partner portal" if action in (A.SUBMIT, A.SUBMIT_CLAIM, A.DISPUTE) else "Demo CAM"
        ops.take_action(store, claim, action, value, COMMENTS.get(action, ""), actor,
                        min(day, today), valid_until=(today - timedelta(days=1)
                                                      if action is A.PRE_APPROVE
                                                      and actions[-1] is A.EXPIRE else None))
        day += timedelta(days=3)
