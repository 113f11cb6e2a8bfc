"""Demo joint business plans, so the Plans tab and the PDF exports have something real.

Most demo partners get a plan for the current fiscal year, in the status its partner's
situation suggests (onboarding partners are still in draft, active gold and platinum
partners have signed), with targets sized by tier, actuals for the quarters already
behind us, activities in all four groups, commitments from both sides and signatures
where signed. Some also keep last year's plan (archived), and referral partners plan by
half year. Plans carry internal notes, the kind presentation mode and exports must hide.

Only partners whose names the PDF font sets correctly (Latin, Greek, Cyrillic) get one:
a demo should not show what the product cannot print well yet.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, timedelta

from channeldesk.domain.money import Money, format_money
from channeldesk.domain.plan import ActivityGroup, Period, PeriodKind, PlanStatus, Side
from channeldesk.services.demo_context import DemoContext
from channeldesk.store.database import Store
from channeldesk.store.models import (
    BusinessPlan,
    Contact,
    Partner,
    PlanActivity,
    PlanCommitment,
    PlanObjective,
    PlanSignature,
    PlanTarget,
)

SKIP_SHARE = 0.12  # some partners have no plan yet: the tab must show that case too

# Annual revenue target by tier, in whole currency units.
REVENUE_BY_TIER = {"registered": 120_000, "silver": 450_000, "gold": 1_400_000,
                   "platinum": 4_200_000}
QUARTER_WEIGHTS = (0.21, 0.24, 0.25, 0.30)  # Q4 is the big quarter in most channels

OBJECTIVES = {
    "msp": ["Move 30 % of the managed customer base to the monthly subscription bundle",
            "Launch a co-branded backup-as-a-service offer in the first half",
            "Reach a 95 % renewal rate on managed contracts"],
    "reseller": ["Win {customers} new mid-market customers in the region",
                 "Attach support and services to every second deal",
                 "Register every opportunity above 25k with the vendor deal desk"],
    "distributor": ["Recruit and enable 15 new resellers in the territory",
                    "Run a quarterly reseller roadshow in the three largest cities",
                    "Hold six weeks of stock for the top ten product lines"],
    "referral": ["Refer {customers} qualified opportunities to the vendor sales team",
                 "Co-host two customer events with the vendor"],
    "isv": ["Certify the integration with the vendor platform on the current release",
            "List the joint solution in the vendor marketplace",
            "Close the first five joint customers"],
    "system_integrator": ["Build a practice of certified architects ({certified} by the end of "
                          "the period)",
                          "Deliver two reference projects with published case studies",
                          "Win {customers} new enterprise customers in the public sector"],
}

ACTIVITIES = {
    ActivityGroup.MARKETING: [("Joint webinar series on {product}", 450_000),
                              ("Co-branded email campaign to the installed base", 180_000),
                              ("Customer event in {city}", 1_200_000),
                              ("Case study with a reference customer", 300_000),
                              ("Trade show presence at {event}", 2_000_000)],
    ActivityGroup.SALES: [("Account mapping workshop", None),
                          ("Quarterly pipeline review", None),
                          ("Deal registration training for the sales team", None),
                          ("Joint calls on the top 20 target accounts", None),
                          ("Competitive displacement campaign against {competitor}", 250_000)],
    ActivityGroup.TECHNICAL: [("{product} certification bootcamp", 600_000),
                              ("Demo lab set-up at the partner's office", 350_000),
                              ("Pre-sales architect shadowing", None),
                              ("Proof-of-concept kit for three prospects", None)],
    ActivityGroup.SUPPORT: [("Escalation path and support contacts agreed", None),
                            ("Quarterly support case review", None),
                            ("Level-2 support accreditation", 200_000)],
}
PRODUCTS = ("Nimbus Backup", "Nimbus Edge", "Nimbus Identity", "the Nimbus platform")
EVENTS = ("Partner Summit", "Cloud Expo", "IT Security Days")
COMPETITORS = ("legacy on-premises suites", "the incumbent provider", "Stratus Cloud")

VENDOR_COMMITMENTS = ["{days} enablement days delivered on site",
                      "Dedicated partner sales manager and a monthly pipeline call",
                      "MDF of {mdf} against approved campaigns",
                      "Priority access to the demo environment and beta releases",
                      "Two joint customer visits per quarter with a vendor executive"]
PARTNER_COMMITMENTS = ["Certified engineers by the end of the period: {certified}",
                       "All opportunities above 25k registered in the deal desk",
                       "A named practice lead for the vendor's solutions",
                       "Quarterly forecast shared by the 5th working day",
                       "Customer satisfaction survey after every implementation"]
SIGNER_TITLES = ("Managing Director", "Head of Sales", "CEO", "Partner Manager",
                 "Chief Operating Officer")
VENDOR_TITLE = "Channel Account Manager"

INTERNAL_PLAN_NOTES = [
    "Revenue target is a stretch; finance expects 80 %. Do not share.",
    "Partner asked for a higher MDF share; hold until Q2 results are in.",
    "Risk: key pre-sales engineer may leave. Keep the bootcamp date firm.",
    "Competitor offered them a 5-point higher margin last quarter.",
]


def add_demo(context: DemoContext) -> dict[str, int]:
    """The plans feature's demo hook: plans for the demo partners just written."""
    context.step(0, 1, "Adding business plans")
    return {"business plans": add_demo_plans(context.store, context.partner_names,
                                             context.today, context.seed)}


def add_demo_plans(store: Store, partner_names: Iterable[str], today: date,
                   seed: int) -> int:
    """Write demo plans for the named demo partners that have none; returns the count.

    Runs inside the caller's transaction, so a cancelled demo load leaves no plan.
    """
    rng = random.Random(seed * 31 + 7)
    names = list(partner_names)
    partners = {p.name: p for p in Partner.live().where(Partner.name.in_(names))}
    planned = {plan.partner_id for plan in BusinessPlan.live()}
    written = 0
    for name in names:
        partner = partners.get(name)
        if partner is None or partner.id in planned:
            continue
        contacts = list(Contact.live().where(Contact.partner == partner.id)
                        .order_by(Contact.is_primary.desc()))
        if rng.random() < SKIP_SHARE or partner.status == "terminated":
            continue
        for period, status in _periods_for(rng, partner, today):
            _write_plan(store, rng, partner, contacts, period, status, today)
            written += 1
    return written


def _periods_for(rng: random.Random, partner: Partner,
                 today: date) -> list[tuple[Period, PlanStatus]]:
    this_year = Period(today.year, PeriodKind.YEAR)
    if partner.partner_type == "referral":
        half = Period(today.year, PeriodKind.HALF, 1 if today.month <= 6 else 2)
        earlier = Period(today.year, PeriodKind.HALF, 1) if half.index == 2 else None
        plans = [(half, PlanStatus.AGREED)]
        return plans + ([(earlier, PlanStatus.SIGNED)] if earlier else [])
    if partner.status == "onboarding":
        return [(this_year, PlanStatus.DRAFT)]
    if partner.status in ("inactive", "suspended"):
        return [(Period(today.year - 1, PeriodKind.YEAR), PlanStatus.ARCHIVED)]
    status = (PlanStatus.SIGNED if partner.tier in ("gold", "platinum")
              else rng.choice((PlanStatus.AGREED, PlanStatus.SIGNED, PlanStatus.DRAFT)))
    plans = [(this_year, status)]
    if rng.random() < 0.5:
        plans.append((Period(today.year - 1, PeriodKind.YEAR), PlanStatus.ARCHIVED))
    return plans


def _currency(partner: Partner) -> str:
    if partner.country == "United Kingdom":
        return "GBP"
    return "EUR" if partner.region == "emea" else "USD"


def _write_plan(store: Store, rng: random.Random, partner: Partner,
                people: list[Contact], period: Period, status: PlanStatus,
                today: date) -> None:
    contacts = [c.name for c in people]
    scale = {PeriodKind.YEAR: 1.0, PeriodKind.HALF: 0.5, PeriodKind.QUARTER: 0.25}[period.kind]
    revenue = int(REVENUE_BY_TIER.get(partner.tier, 200_000) * scale
                  * rng.uniform(0.8, 1.25) / 10_000) * 10_000
    customers = max(2, int(revenue / 60_000))
    certified = {"registered": 1, "silver": 2, "gold": 4, "platinum": 8}.get(partner.tier, 2)
    mdf = int(revenue * 0.02 / 1_000) * 1_000
    fill = {"customers": customers, "certified": certified, "days": rng.choice((2, 3, 4)),
            "mdf": format_money(Money.from_minor(mdf * 100, _currency(partner))),
            "city": partner.country or "the region",
            "product": rng.choice(PRODUCTS), "event": rng.choice(EVENTS),
            "competitor": rng.choice(COMPETITORS)}
    # Written as a draft and moved along the status flow at the end, as a CAM would: a
    # signed plan takes no new parts (see domain.plan.lock_refusal).
    plan_id = store.insert(BusinessPlan, {
        "partner": partner.id, "period": str(period), "status": PlanStatus.DRAFT.value,
        "title": "Joint business plan", "currency": _currency(partner),
        "summary": _summary(partner, period, revenue, customers, _currency(partner)),
        "internal_notes": rng.choice(INTERNAL_PLAN_NOTES)})
    pool = OBJECTIVES.get(partner.partner_type, OBJECTIVES["reseller"])
    for position, text in enumerate(pool):
        store.insert(PlanObjective, {"plan": plan_id, "position": position,
                                     "text": text.format(**fill)})
    _write_targets(store, rng, plan_id, period, today, revenue, customers, certified, mdf,
                   quarterly=partner.tier in ("gold", "platinum")
                   and period.kind is PeriodKind.YEAR, draft=status is PlanStatus.DRAFT)
    _write_activities(store, rng, plan_id, partner, contacts, period, today, fill)
    for position, (side, pool) in enumerate(((Side.VENDOR, VENDOR_COMMITMENTS),
                                             (Side.PARTNER, PARTNER_COMMITMENTS))):
        for n, text in enumerate(rng.sample(pool, 3)):
            store.insert(PlanCommitment, {
                "plan": plan_id, "position": position * 10 + n, "side": side.value,
                "text": text.format(**fill), "due_on": period.end(),
                "done": status is PlanStatus.ARCHIVED or rng.random() < 0.3})
    if status in (PlanStatus.SIGNED, PlanStatus.ARCHIVED):
        signed_on = period.start() + timedelta(days=rng.randint(5, 25))
        store.insert(PlanSignature, {"plan": plan_id, "side": Side.VENDOR.value,
                                     "name": partner.owner, "title": VENDOR_TITLE,
                                     "signed_on": signed_on})
        store.insert(PlanSignature, {"plan": plan_id, "side": Side.PARTNER.value,
                                     "name": contacts[0] if contacts else "",
                                     # The signer's title is the contact's role, so the
                                     # plan and the contact list never disagree.
                                     "title": _signer_title(rng, people),
                                     "signed_on": signed_on + timedelta(days=1)})
    for step in _STATUS_STEPS[status]:
        store.update(BusinessPlan, plan_id, {"status": step.value})


_STATUS_STEPS = {
    PlanStatus.DRAFT: (),
    PlanStatus.AGREED: (PlanStatus.AGREED,),
    PlanStatus.SIGNED: (PlanStatus.AGREED, PlanStatus.SIGNED),
    PlanStatus.ARCHIVED: (PlanStatus.ARCHIVED,),
}


def _signer_title(rng: random.Random, people: list[Contact]) -> str:
    """The partner's signer is its first contact: their role, or a usual title when the
    contact has none (and then nothing contradicts it)."""
    role = people[0].role if people else ""
    return role or rng.choice(SIGNER_TITLES)


def _summary(partner: Partner, period: Period, revenue: int, customers: int,
             currency: str) -> str:
    return (
        f"{partner.name} and Nimbus Systems agree this plan for {period.label.lower()}. "
        f"Together we aim for {format_money(Money.from_minor(revenue * 100, currency))} of "
        f"revenue and {customers} new "
        "customers, built on a shared pipeline, certified people on the partner's side and "
        "marketing both sides fund.\n\n"
        "Progress is reviewed at every quarterly business review against the targets "
        "below; activities and commitments are adjusted there when the market moves.")


def _write_targets(store: Store, rng: random.Random, plan_id: str, period: Period,
                   today: date, revenue: int, customers: int, certified: int, mdf: int,
                   quarterly: bool, draft: bool) -> None:
    quarters = period.quarters()
    elapsed = [q for q in quarters if q.end() < today]
    started = [q for q in quarters if q.start() <= today]
    share = len(started) / len(quarters)
    # A partner still onboarding (its plan in draft) is behind; the others spread around
    # target the way a real portfolio does.
    performance = rng.uniform(0.25, 0.6) if draft else rng.uniform(0.55, 1.2)
    metrics = [("revenue", revenue * 100), ("new_customers", customers),
               ("deals_registered", customers * 3), ("certified_people", certified),
               ("mdf_spend", mdf * 100)]
    position = 0
    for metric, target in metrics:
        if metric == "revenue" and quarterly:
            split = [int(target * weight / 100_000) * 100_000 for weight in QUARTER_WEIGHTS]
            split[-1] = target - sum(split[:-1])  # the quarters add up to the summary's total
            for quarter, quarter_target in zip(quarters, split, strict=True):
                actual = (int(quarter_target * performance * rng.uniform(0.85, 1.15)
                              / 100_000) * 100_000 if quarter in elapsed else None)
                store.insert(PlanTarget, {"plan": plan_id, "position": position,
                                          "metric": metric, "quarter": str(quarter),
                                          "target": quarter_target, "actual": actual})
                position += 1
            continue
        actual = None
        if started:
            raw = target * share * performance * rng.uniform(0.8, 1.2)
            actual = int(raw / 100_000) * 100_000 if target >= 1_000_000 else int(raw)
        if metric == "certified_people" and actual is not None:
            actual = min(actual, target + 1)
        store.insert(PlanTarget, {
            "plan": plan_id, "position": position, "metric": metric, "target": target,
            "actual": actual,
            "internal_notes": "Finance floor is 80 % of this." if metric == "revenue" else ""})
        position += 1


def _write_activities(store: Store, rng: random.Random, plan_id: str, partner: Partner,
                      contacts: list[str], period: Period, today: date, fill: dict) -> None:
    start, end = period.start(), period.end()
    span = (end - start).days
    position = 0
    for group, pool in ACTIVITIES.items():
        for title, budget in rng.sample(pool, rng.randint(2, min(4, len(pool)))):
            due = start + timedelta(days=rng.randint(20, span))
            side = rng.choice((Side.VENDOR, Side.PARTNER))
            owner = partner.owner if side is Side.VENDOR else rng.choice(contacts or [""])
            if due < today:
                status = "done" if rng.random() < 0.8 else "cancelled"
            else:
                status = "in_progress" if (due - today).days < 45 else "planned"
            store.insert(PlanActivity, {
                "plan": plan_id, "position": position, "activity_group": group.value,
                "title": _sentence(title.format(**fill)), "owner_side": side.value,
                "owner_name": owner, "due_on": due, "status": status,
                "budget": budget if budget is None else int(budget * rng.uniform(0.6, 1.4)
                                                            / 10_000) * 10_000,
                "internal_notes": ("Partner's marketing lead is new; check in weekly."
                                   if rng.random() < 0.15 else "")})
            position += 1


def _sentence(text: str) -> str:
    """'the Nimbus platform bootcamp' → 'The Nimbus platform bootcamp'."""
    return text[:1].upper() + text[1:]
