"""Generate a large ChannelDesk database through the application's real write path.

Every row goes through ``open_store`` + ``Store.insert``, so ids, hybrid-clock stamps and
the change journal (SQLite triggers) are exactly what the app writes. Values are varied
and plausible: every partner type, tier, status and region, countries of the partner's
region, the region's channel account managers as owners, company names from word lists
(a few in non-Latin scripts), contacts with matching email domains, and an engagement
log over the last 18 months.

Rows are written in transactions of ``batch_rows`` rows (default 1,000). ``batch_rows=0``
writes everything in ONE ``store.transaction()``; that is quadratic in the number of rows
with the current ``Store.transaction`` (each nested ``insert`` copies the ids already
touched by the outer transaction), so it is only usable up to a few thousand partners.
See bench/README.md.

    python -m bench.generate --db bench/out/x.sqlite3 --partners 10000
    python bench/generate.py --db /tmp/x.sqlite3 --partners 1000 --activities 5
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from channeldesk.domain.partner import (
    ActivityKind,
    PartnerStatus,
    PartnerTier,
    PartnerType,
    Region,
)
from channeldesk.services.demo_data import STATUS_WEIGHTS, TIER_WEIGHTS, TYPE_WEIGHTS
from channeldesk.store import Store, open_store
from channeldesk.store.migrations import current_version
from channeldesk.store.models import Activity, Contact, Partner

OUT_DIR = Path(__file__).resolve().parent / "out"
DEFAULT_BATCH_ROWS = 1_000
HISTORY_DAYS = 548  # 18 months, like the demo data
TODAY = date(2026, 11, 27)  # fixed, so a seed always gives the same database

# -- word lists ------------------------------------------------------------------------------

COUNTRIES: dict[Region, tuple[tuple[str, str, str], ...]] = {
    # (country as stored, web TLD, phone prefix)
    Region.NORTH_AMERICA: (("United States", "com", "+1"), ("Canada", "ca", "+1")),
    Region.LATIN_AMERICA: (
        ("Brazil", "com.br", "+55"), ("Mexico", "mx", "+52"), ("Argentina", "com.ar", "+54"),
        ("Chile", "cl", "+56"), ("Colombia", "co", "+57"), ("Peru", "pe", "+51"),
        ("Uruguay", "com.uy", "+598"),
    ),
    Region.EMEA: (
        ("Germany", "de", "+49"), ("United Kingdom", "co.uk", "+44"), ("France", "fr", "+33"),
        ("Norway", "no", "+47"), ("Sweden", "se", "+46"), ("Netherlands", "nl", "+31"),
        ("Poland", "pl", "+48"), ("Spain", "es", "+34"), ("Italy", "it", "+39"),
        ("Greece", "gr", "+30"), ("Türkiye", "com.tr", "+90"), ("South Africa", "co.za", "+27"),
        ("Kenya", "co.ke", "+254"), ("Saudi Arabia", "sa", "+966"), ("Israel", "co.il", "+972"),
        ("Finland", "fi", "+358"), ("Ireland", "ie", "+353"), ("Czechia", "cz", "+420"),
    ),
    Region.APAC: (
        ("Japan", "co.jp", "+81"), ("Australia", "com.au", "+61"), ("India", "in", "+91"),
        ("Singapore", "com.sg", "+65"), ("South Korea", "co.kr", "+82"),
        ("New Zealand", "co.nz", "+64"), ("Thailand", "co.th", "+66"),
        ("Vietnam", "vn", "+84"), ("Indonesia", "co.id", "+62"), ("Taiwan", "com.tw", "+886"),
    ),
}
REGION_WEIGHTS = {Region.NORTH_AMERICA: 4, Region.EMEA: 4, Region.APAC: 3,
                  Region.LATIN_AMERICA: 2}

# Channel account managers of the vendor, by territory (some cover two).
OWNERS: dict[Region, tuple[str, ...]] = {
    Region.NORTH_AMERICA: ("Dana Whitfield", "Sam Ortega", "Keisha Monroe", "Tom Ballard",
                           "Rachel Kim"),
    Region.LATIN_AMERICA: ("Lucía Herrera", "Sam Ortega", "Bruno Carvalho"),
    Region.EMEA: ("Marco Bellini", "Sofie Lindholm", "Jonas Becker", "Aisha Rahman",
                  "Pieter de Wit", "Chloé Marchand"),
    Region.APAC: ("Aiko Tanaka", "Priya Raman", "Wei Chen", "Liam O'Brien"),
}

NAME_FIRST = (
    "Northwind", "Blue Ridge", "Lakeshore", "Lone Star", "Harbor Point", "Prairie", "Summit",
    "Pacific Crest", "Maple Leaf", "Acadia", "Nordlys", "Brightwater", "Atlântico", "Andes",
    "Pampa", "Austral", "Caribe", "Baltic", "Alpine", "Danube", "Rhine", "Thames", "Iberia",
    "Sahara", "Savanna", "Kilimanjaro", "Cedar", "Sakura", "Monsoon", "Coral", "Outback",
    "Kiwi", "Straits", "Nusantara", "Golden Gate", "Red River", "Silver Lake", "Iron Bridge",
    "Granite", "Evergreen", "Redwood", "Aurora", "Polaris", "Zenith", "Meridian", "Vertex",
    "Quantum", "Nimbus", "Stratus", "Cobalt", "Sapphire", "Emerald", "Falcon", "Osprey",
    "Heron", "Lynx", "Orca", "North Star", "Northgate", "Nordic", "Norrland", "Normandy",
    "Müller & Söhne", "Łódź", "Česká", "Göteborg", "Zürcher", "Özdemir", "São Paulo",
    "Bogotá", "Québec", "Ελληνική", "Северный", "ネクスト", "云桥", "한빛", "ไทย ดิจิทัล",
)
NAME_CORE = (
    "Cloud", "Data", "Systems", "Networks", "IT", "Software", "Digital", "Tech",
    "Managed Services", "Security", "Integration", "Infrastructure", "Consulting",
    "Computing", "Solutions", "Telecom", "Analytics", "DevOps", "Hosting", "Informatik",
)
NAME_LAST = (
    "Partners", "Group", "Ltd", "GmbH", "Inc.", "LLC", "AB", "AS", "S.A.", "B.V.", "Pty Ltd",
    "Sp. z o.o.", "s.r.o.", "Oy", "S.L.", "Ltda.", "K.K.", "Pte. Ltd.", "", "", "",
)

GIVEN = ("James", "Emily", "Michael", "Sarah", "David", "Jessica", "Camille", "Julien",
         "Alejandro", "Lucía", "João", "Mariana", "Łukasz", "Agnieszka", "Jürgen", "Anna",
         "Erik", "Ingrid", "Mehmet", "Ayşe", "Priya", "Arjun", "Yuko", "Kenta", "Wei", "Fang",
         "Minjun", "Seoyeon", "Thabo", "Naledi", "Wanjiru", "Brian", "Nora", "Norbert")
FAMILY = ("Carter", "Nguyen", "Johnson", "Walsh", "O'Connor", "Reyes", "Tremblay", "Gagnon",
          "García", "López", "Silva", "Santos", "Nowak", "Wójcik", "Müller", "Schmidt",
          "Andersson", "Hansen", "Yılmaz", "Kaya", "Sharma", "Iyer", "Tanaka", "Sato",
          "Wang", "Li", "Kim", "Park", "Nkosi", "Dlamini", "Mwangi", "Ochieng", "Norris")
PRIMARY_ROLES = ("Alliance Manager", "Managing Director", "Channel Sales Director", "CEO")
OTHER_ROLES = ("Presales Engineer", "Technical Lead", "Marketing Manager", "Sales Manager",
               "Service Delivery Manager", "Finance Controller", "Head of Procurement")
PRODUCTS = ("CloudVault Backup", "EdgeGuard Firewall", "FlowDesk Service Desk",
            "SecureID MFA", "Atlas Monitoring")
SUBJECTS: dict[ActivityKind, tuple[str, ...]] = {
    ActivityKind.CALL: ("Pipeline review call", "Follow-up on {product} renewal",
                        "Deal registration check-in", "Pricing question on {product}"),
    ActivityKind.EMAIL: ("Sent updated {product} price list", "Reminder: MDF claim paperwork",
                         "Shared the new {product} battlecard"),
    ActivityKind.MEETING: ("Joint account planning", "{product} roadmap briefing",
                           "Co-selling workshop: top 10 accounts", "Marketing plan review"),
    ActivityKind.QBR: ("Quarterly business review", "QBR with leadership"),
    ActivityKind.TRAINING: ("{product} sales certification", "{product} technical bootcamp"),
    ActivityKind.EVENT: ("Partner Summit", "Joint webinar: {product} for mid-market"),
}
NOTES = ("Three new opportunities in pipeline; follow up next week.",
         "Asked for a demo environment for two prospects.",
         "Agreed next steps: they share the forecast by Friday.",
         "Revenue on target, services attach rate below plan.", "", "")
INTERNAL_NOTES = ("Margin pressure from a competitor; escalate to the regional director.",
                  "Renewal at risk: they ask for an 18% discount. Do not promise yet.",
                  "Slow to pay MDF invoices; hold new funds.", "", "", "")

KIND_WEIGHTS = {ActivityKind.CALL: 30, ActivityKind.EMAIL: 25, ActivityKind.MEETING: 20,
                ActivityKind.QBR: 8, ActivityKind.TRAINING: 9, ActivityKind.EVENT: 8}


@dataclass(frozen=True)
class GenerateResult:
    path: Path
    partners: int
    contacts: int
    activities: int
    journal_rows: int
    seconds: float
    file_bytes: int

    @property
    def rows(self) -> int:
        return self.partners + self.contacts + self.activities

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (f"{self.path.name}: {self.partners:,} partners, {self.contacts:,} contacts, "
                f"{self.activities:,} activities = {self.rows:,} rows "
                f"({self.journal_rows:,} journal rows) in {self.seconds:.1f} s -> "
                f"{self.rows_per_second:,.0f} rows/s through Store.insert; "
                f"file {self.file_bytes / 1e6:,.0f} MB")


# -- values ----------------------------------------------------------------------------------

def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


def _slug(text: str) -> str:
    ascii_only = "".join(c for c in text.lower() if c.isascii() and c.isalnum())
    return ascii_only or "partner"


def _phone(rng: random.Random, prefix: str) -> str:
    return f"{prefix} {rng.randrange(10, 99)} {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}"


def partner_values(rng: random.Random, n: int) -> tuple[dict, str, str]:
    """One partner's fields, plus its web domain and phone prefix (for its contacts)."""
    # The first partners cycle through every choice so that a small set still has them all.
    types, tiers, statuses, regions = (list(PartnerType), list(PartnerTier),
                                       list(PartnerStatus), list(Region))
    if n < 6 * 5:
        partner_type, tier = types[n % len(types)], tiers[n % len(tiers)]
        status, region = statuses[n % len(statuses)], regions[n % len(regions)]
    else:
        partner_type, tier = _pick(rng, TYPE_WEIGHTS), _pick(rng, TIER_WEIGHTS)
        status, region = _pick(rng, STATUS_WEIGHTS), _pick(rng, REGION_WEIGHTS)
    country, tld, phone_prefix = rng.choice(COUNTRIES[region])
    first, core, last = rng.choice(NAME_FIRST), rng.choice(NAME_CORE), rng.choice(NAME_LAST)
    name = " ".join(part for part in (first, core, last) if part)
    if rng.random() < 0.3:  # distinguish namesakes the way real directories do
        name = f"{name} ({country})"
    domain = f"{_slug(first)}{_slug(core)}{n % 1000}.{tld}"
    notes = ""
    if rng.random() < 0.4:
        notes = rng.choice(INTERNAL_NOTES)
    values = {
        "name": name, "partner_type": partner_type.value, "tier": tier.value,
        "status": status.value, "region": region.value, "country": country,
        "owner": rng.choice(OWNERS[region]), "website": f"https://www.{domain}",
        "phone": _phone(rng, phone_prefix), "internal_notes": notes,
    }
    return values, domain, phone_prefix


def contact_values(rng: random.Random, partner_id: str, domain: str, phone_prefix: str,
                   primary: bool) -> dict:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    return {
        "partner": partner_id, "name": f"{given} {family}",
        "role": rng.choice(PRIMARY_ROLES if primary else OTHER_ROLES),
        "email": f"{_slug(given)}.{_slug(family)}@{domain}",
        "phone": _phone(rng, phone_prefix), "is_primary": primary,
    }


def activity_values(rng: random.Random, partner_id: str, status: str) -> dict:
    kind = _pick(rng, KIND_WEIGHTS)
    # Quiet partners went quiet a while ago, so "Last activity" and engagement vary.
    newest = {"inactive": 150, "terminated": 200, "suspended": 20}.get(status, 0)
    days_ago = rng.randrange(newest, HISTORY_DAYS)
    internal = rng.random() < 0.2
    return {
        "partner": partner_id, "kind": kind.value,
        "occurred_on": TODAY - timedelta(days=days_ago),
        "subject": rng.choice(SUBJECTS[kind]).format(product=rng.choice(PRODUCTS)),
        "notes": rng.choice(INTERNAL_NOTES if internal else NOTES),
        "internal_only": internal,
    }


# -- writing ---------------------------------------------------------------------------------

class _Batcher:
    """Commit every ``size`` rows (``size=0``: one transaction for the whole run)."""

    def __init__(self, store: Store, size: int) -> None:
        self.store, self.size, self.pending = store, size, 0
        self._context = None

    def __enter__(self) -> _Batcher:
        self._open()
        return self

    def _open(self) -> None:
        self._context = self.store.transaction()
        self._context.__enter__()

    def row_written(self) -> None:
        self.pending += 1
        if self.size and self.pending >= self.size:
            self._context.__exit__(None, None, None)
            self.pending = 0
            self._open()

    def __exit__(self, *exc) -> bool | None:
        return self._context.__exit__(*exc)


class _Progress:
    """A line on stderr every few seconds, so a long generation shows it is alive."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled, self.total = enabled, total
        self.started = self.last = time.perf_counter()

    def __call__(self, done: int) -> None:
        now = time.perf_counter()
        if self.enabled and (now - self.last > 5 or done == self.total):
            self.last = now
            rate = done / (now - self.started)
            print(f"  … {done:,}/{self.total:,} partners ({rate:,.0f} partners/s)",
                  file=sys.stderr, flush=True)


def generate(db_path: Path | str, partners: int = 10_000, activities_per_partner: int = 10,
             contacts_per_partner: int = 2, seed: int = 1,
             batch_rows: int = DEFAULT_BATCH_ROWS, progress: bool = False) -> GenerateResult:
    """Write a new database at ``db_path`` (which must not exist) through ``Store.insert``."""
    path = Path(db_path)
    if path.exists():
        raise FileExistsError(f"{path} exists; generate() only writes new databases")
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    store = open_store(path)
    counts = {"partners": 0, "contacts": 0, "activities": 0}
    report = _Progress(progress, partners)
    started = time.perf_counter()
    try:
        with _Batcher(store, batch_rows) as batch:
            for n in range(partners):
                values, domain, phone_prefix = partner_values(rng, n)
                partner_id = store.insert(Partner, values)
                batch.row_written()
                for c in range(contacts_per_partner):
                    store.insert(Contact, contact_values(rng, partner_id, domain,
                                                         phone_prefix, primary=c == 0))
                    batch.row_written()
                for _ in range(activities_per_partner):
                    store.insert(Activity, activity_values(rng, partner_id, values["status"]))
                    batch.row_written()
                counts["partners"] += 1
                counts["contacts"] += contacts_per_partner
                counts["activities"] += activities_per_partner
                if n % 500 == 0 or n == partners - 1:
                    report(n + 1)
        seconds = time.perf_counter() - started
        journal_rows = store.db.execute_sql("SELECT count(*) FROM change").fetchone()[0]
    finally:
        store.close()
    return GenerateResult(path, journal_rows=journal_rows, seconds=seconds,
                          file_bytes=path.stat().st_size, **counts)


# -- cached databases for the other benchmarks -------------------------------------------------

# Activities and contacts per partner at each size. 100,000 partners x (10 activities +
# 2 contacts) is 1.3 M rows, ~9 min and ~3.3 GB through Store.insert (the journal is ~85 %
# of the file); 3 + 1 keeps the 100k database at ~3.5 min and 1.3 GB and changes nothing the
# benchmarks measure (the last-activity lookup is an index seek per partner whatever the
# number of activities).
PROFILES: dict[int, tuple[int, int]] = {10_000: (10, 2), 100_000: (3, 1)}


def cached_db(partners: int, seed: int = 1) -> Path:
    """A generated database under bench/out/, made on first use and reused afterwards."""
    activities, contacts = PROFILES.get(partners, (10, 2))
    name = (f"partners{partners}-a{activities}-c{contacts}-s{seed}"
            f"-schema{current_version()}.sqlite3")
    path = OUT_DIR / name
    if path.exists():
        return path
    partial = path.with_name(f"{path.stem}.partial-{os.getpid()}{path.suffix}")
    print(f"generating {path} (cached for later runs)…", file=sys.stderr, flush=True)
    result = generate(partial, partners, activities, contacts, seed, progress=True)
    partial.rename(path)
    print(f"  {replace(result, path=path).summary()}", file=sys.stderr, flush=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="new database file to write")
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=10, help="activities per partner")
    parser.add_argument("--contacts", type=int, default=2, help="contacts per partner")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-rows", type=int, default=DEFAULT_BATCH_ROWS,
                        help="rows per transaction; 0 = one transaction for everything")
    args = parser.parse_args(argv)
    result = generate(args.db, args.partners, args.activities, args.contacts, args.seed,
                      args.batch_rows, progress=True)
    print(result.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
