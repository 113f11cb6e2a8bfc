"""Demo recruitment pipeline: ~300 prospects over every stage, and a sample profile.

Like the partner demo set, the content is a pure function of ``seed`` and ``today``; it
is written through the store inside the caller's transaction (``load_demo_data``), so it
is journalled like any edit and a cancel leaves none of it. Names mix scripts and accents
so search and sorting have something to prove; stage history follows each prospect's
path through the pipeline, and some next steps are overdue.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, time, timedelta

from channeldesk.domain.partner import ActivityKind, PartnerType
from channeldesk.domain.prospect import Source, Stage
from channeldesk.services.demo_context import DemoContext
from channeldesk.store.database import Store
from channeldesk.store.models import (
    IdealPartnerProfile,
    ProfileCriterion,
    Prospect,
    ProspectActivity,
    ProspectStageChange,
)

PROSPECT_COUNT = 300
STAGE_WEIGHTS = {Stage.IDENTIFIED: 80, Stage.CONTACTED: 60, Stage.QUALIFIED: 45,
                 Stage.PROPOSAL: 30, Stage.NEGOTIATION: 20, Stage.SIGNED: 25, Stage.LOST: 40}
# country, region, currency, CAMs of the territory (revenue comes in USD, as a CRM that
# converts to the corporate currency exports it; the currency column shows the local one)
COUNTRIES = (
    ("Germany", "emea", "EUR", ("Marco Bellini", "Sofie Lindholm")),
    ("France", "emea", "EUR", ("Marco Bellini",)),
    ("Poland", "emea", "EUR", ("Sofie Lindholm",)),
    ("United Kingdom", "emea", "GBP", ("Marco Bellini",)),
    ("Sweden", "emea", "EUR", ("Sofie Lindholm",)),
    ("Türkiye", "emea", "EUR", ("Marco Bellini",)),
    ("United States", "na", "USD", ("Dana Whitfield", "Sam Ortega")),
    ("Canada", "na", "USD", ("Dana Whitfield",)),
    ("Brazil", "latam", "USD", ("Lucía Herrera",)),
    ("Mexico", "latam", "USD", ("Lucía Herrera", "Sam Ortega")),
    ("Japan", "apac", "USD", ("Aiko Tanaka",)),
    ("Australia", "apac", "USD", ("Priya Raman",)),
    ("India", "apac", "USD", ("Priya Raman",)),
)
FIRST = ("Apex", "Borealis", "Cobalt", "Delta", "Ember", "Fjord", "Granit", "Helix", "Iris",
         "Jade", "Kite", "Lumen", "Meridian", "Nimbus", "Orion", "Pioneer", "Quartz",
         "Redwood", "Sierra", "Tundra", "Umbra", "Vértice", "Wisła", "Zénith", "Ålesund",
         "Müller", "Łuna", "Østfold", "Señal", "Kyōto", "Αθηνά", "Вектор")
SECOND = ("Cloud", "Data", "Networks", "Secure", "IT Services", "Systems", "Digital",
          "Tech", "Solutions", "Integration", "Managed Services", "Software")
LEGAL = ("", "", " GmbH", " Ltd", " Inc.", " S.A.", " Sp. z o.o.", " AB", " LLC")
VERTICALS = ("Healthcare", "Finance", "Retail", "Manufacturing", "Public sector",
             "Education", "Logistics", "Energy")
COMPETENCIES = ("Security", "Azure", "AWS", "Networking", "Backup", "ITSM", "Identity")
COMPETITORS = ("Brightline", "Kestrel Systems", "Orbis Networks", "NovaShield")
PEOPLE = ("Anna Kowalska", "Jonas Berg", "Claire Dubois", "Mateo Silva", "Yuki Sato",
          "Ravi Iyer", "Emily Carter", "Lars Nilsson", "Zeynep Kaya", "Tomás Ruiz",
          "Grace Liu", "Oliver Wright")
NEXT_STEPS = {
    Stage.IDENTIFIED: ("Research the decision makers", "Send the intro email"),
    Stage.CONTACTED: ("Book a discovery call", "Follow up on the intro email"),
    Stage.QUALIFIED: ("Run the partner fit workshop", "Share the program overview"),
    Stage.PROPOSAL: ("Send the partner proposal", "Review the margin model with them"),
    Stage.NEGOTIATION: ("Agree the first-year targets", "Legal review of the agreement"),
}
LOST_REASONS = ("Chose a competitor's program", "No budget this year",
                "Not a fit for our product line", "Went silent after the proposal",
                "Too small to meet the targets")
SUBJECTS = {ActivityKind.CALL: ("Discovery call", "Follow-up call", "Pricing questions"),
            ActivityKind.MEETING: ("Fit workshop", "Executive meeting", "Demo of the portal"),
            ActivityKind.EMAIL: ("Sent the program overview", "Sent the proposal"),
            ActivityKind.EVENT: ("Met at Partner Summit", "Met at Cloud Expo")}
PROFILE = (
    ("region", "in", "EMEA, North America", None, None, 25),
    ("vertical", "in", "Healthcare, Finance", None, None, 20),
    ("employees", "between", "", 50, 500, 20),
    ("annual_revenue", "at_least", "USD", 5_000_000, None, 15),
    ("competency", "has", "Security", None, None, 10),
    ("competitor", "lacks", "Brightline", None, None, 10),
)


def add_demo(context: DemoContext) -> dict[str, int]:
    """The prospects feature's demo hook: the pipeline and a sample profile."""
    context.step(0, 1, "Adding the prospect pipeline")
    return {"prospects": add_demo_prospects(context.store, context.seed, context.today)}


def add_demo_prospects(store: Store, seed: int, today: date | None = None) -> int:
    """Write the demo pipeline and the sample profile; returns the number of prospects."""
    rng = random.Random(seed * 7 + 3)
    today = today or date.today()
    profile = store.insert(IdealPartnerProfile, {"name": "EMEA & NA healthcare and finance"})
    for position, (attribute, operator, choices, low, high, weight) in enumerate(PROFILE):
        store.insert(ProfileCriterion, {
            "profile": profile, "attribute": attribute, "operator": operator,
            "choices": choices, "low": low, "high": high, "weight": weight,
            "position": position})
    stages = rng.choices(list(STAGE_WEIGHTS), weights=list(STAGE_WEIGHTS.values()),
                         k=PROSPECT_COUNT)
    names: set[str] = set()
    for stage in stages:
        name = _company(rng, names)
        _add_prospect(store, rng, name, stage, today)
    return PROSPECT_COUNT


def _company(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = f"{rng.choice(FIRST)} {rng.choice(SECOND)}{rng.choice(LEGAL)}"
        if name not in taken:
            taken.add(name)
            return name


def _domain(name: str) -> str:
    ascii_name = "".join(c for c in name.split(" GmbH")[0].split(" Ltd")[0].lower()
                         if c.isascii() and c.isalnum())
    return f"{ascii_name or 'prospect'}.example"


def _add_prospect(store: Store, rng: random.Random, name: str, stage: Stage,
                  today: date) -> None:
    country, region, _local_currency, owners = rng.choice(COUNTRIES)
    employees = int(10 ** rng.uniform(1, 3.6)) if rng.random() > 0.08 else None
    revenue = employees * rng.randint(60_000, 240_000) * 100 if employees else None
    path = list(Stage)[: list(Stage).index(stage) + 1] if stage != Stage.LOST else \
        [*list(Stage)[:rng.randint(1, 4)], Stage.LOST]
    started = today - timedelta(days=rng.randint(20, 400))
    next_step, due = "", None
    if stage in NEXT_STEPS:
        next_step = rng.choice(NEXT_STEPS[stage])
        due = today + timedelta(days=rng.randint(-20, 30))  # about 2 in 5 are overdue
    person = rng.choice(PEOPLE)
    prospect = store.insert(Prospect, {
        "company": name, "website": f"https://www.{_domain(name)}", "country": country,
        "region": region, "vertical": rng.choice(VERTICALS), "employees": employees,
        "annual_revenue_minor": revenue, "currency": "USD",
        "partner_type": rng.choice(list(PartnerType)).value,
        "source": rng.choice(list(Source)).value, "stage": stage.value,
        "lost_reason": rng.choice(LOST_REASONS) if stage == Stage.LOST else "",
        "owner": rng.choice(owners), "next_step": next_step, "next_step_on": due,
        "contact_name": person,
        "contact_email": f"{person.split()[0].lower()}@{_domain(name)}",
        "contact_phone": f"+1 555 01{rng.randint(10, 99)}",
        "competencies": ", ".join(rng.sample(COMPETENCIES, rng.randint(0, 3))),
        "competitors": ", ".join(rng.sample(COMPETITORS, rng.randint(0, 2))),
        "internal_notes": rng.choice(("", "", "Strong local references.",
                                      "Watch their margin expectations.")),
    })
    _add_history(store, rng, prospect, path, started, today, rng.choice(owners))
    for _ in range(rng.randint(0, 4)):
        kind = rng.choice(list(SUBJECTS))
        store.insert(ProspectActivity, {
            "prospect": prospect, "kind": kind.value,
            "occurred_on": started + timedelta(days=rng.randint(0, (today - started).days)),
            "subject": rng.choice(SUBJECTS[kind]), "notes": "",
            "internal_only": rng.random() < 0.15})


def _add_history(store: Store, rng: random.Random, prospect: str, path: list[Stage],
                 started: date, today: date, who: str) -> None:
    span = max(1, (today - started).days)
    days = sorted(rng.sample(range(span), min(span, len(path) - 1)))
    for (before, after), day in zip(itertools.pairwise(path), days, strict=False):
        moment = datetime.combine(started + timedelta(days=day), time(9 + rng.randint(0, 8)),
                                  tzinfo=UTC)
        store.insert(ProspectStageChange, {
            "prospect": prospect, "from_stage": before.value, "to_stage": after.value,
            "changed_on": moment.isoformat(timespec="seconds"), "changed_by": who,
            "lost_reason": rng.choice(LOST_REASONS) if after == Stage.LOST else ""})
