"""Incentives at scale: 50,000 claims and 500,000 ledger entries.

Prints, each against a baseline measured in the same run on the same file:
- the tab's claim filters (text search, a program, a state) via ``claim_ids`` (newest
  first, as the tab opens) against the bare SQL that selects the same ids from ``claim``
  alone, unsorted ("raw") and in the tab's order ("sorted raw");
- one partner's balances via ``partner_balances`` (the derived, per-claim holding sum)
  against a raw ``SUM(amount) GROUP BY kind`` over the same partner's entries.
Goals: filters within 2x raw, balances within 20 ms. Nothing is asserted on time.

    PYTHONPATH=. .venv/bin/python bench/incentives.py [--claims 50000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from channeldesk.store import journal, open_store
from channeldesk.store.incentive_queries import (
    ClaimFilter,
    claim_ids,
    claim_rows,
    claim_sums,
    partner_balances,
)

KINDS = ("reserve", "claim", "approve", "pay", "release")
STATES = ("draft", "submitted", "pre_approved", "claim_submitted", "approved", "paid")


def _fill(conn, claims: int, entries_per_claim: int, partners: int, programs: int) -> None:
    rng = random.Random(7)
    now = "2026-05-04T10:00:00+00:00"
    partner_ids = [uuid.uuid4().hex for _ in range(partners)]
    program_ids = [uuid.uuid4().hex for _ in range(programs)]
    conn.executemany(
        "INSERT INTO partner (id, created_at, updated_at, name, partner_type, tier, status, "
        "region) VALUES (?, ?, ?, ?, 'msp', 'gold', 'active', 'emea')",
        [(p, now, now, f"Partner {n:04d}") for n, p in enumerate(partner_ids)])
    conn.executemany(
        "INSERT INTO incentive_program (id, created_at, updated_at, name, kind, period, "
        "currency) VALUES (?, ?, ?, ?, 'mdf', 'FY2026', 'EUR')",
        [(g, now, now, f"Program {n}") for n, g in enumerate(program_ids)])
    for partner in partner_ids:
        for program in program_ids:
            conn.execute(
                "INSERT INTO fund_ledger_entry (id, created_at, updated_at, program_id, "
                "partner_id, kind, amount, entry_date) VALUES (?, ?, ?, ?, ?, 'allocate', "
                "?, '2026-01-05')", (uuid.uuid4().hex, now, now, program, partner, 10**9))
    claim_rows, entry_rows = [], []
    start = date(2026, 1, 1)
    for n in range(claims):
        cid, partner, program = uuid.uuid4().hex, rng.choice(partner_ids), rng.choice(program_ids)
        day = (start + timedelta(days=rng.randint(0, 300))).isoformat()
        topic = rng.choice(["webinar", "roadshow", "summit", "mailing"])
        claim_rows.append((cid, now, now, program, partner, f"Campaign {n} {topic}",
                           rng.choice(STATES), day))
        for step in range(entries_per_claim):
            entry_rows.append((uuid.uuid4().hex, now, now, program, partner, cid,
                               KINDS[step % len(KINDS)], rng.randint(1, 500) * 100, day))
    conn.executemany(
        "INSERT INTO claim (id, created_at, updated_at, program_id, partner_id, title, "
        "currency, state, activity_end) VALUES (?, ?, ?, ?, ?, ?, 'EUR', ?, ?)", claim_rows)
    conn.executemany(
        "INSERT INTO fund_ledger_entry (id, created_at, updated_at, program_id, partner_id, "
        "claim_id, kind, amount, entry_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", entry_rows)


def _best(work, runs: int = 7) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return min(times) * 1000, statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=50_000)
    parser.add_argument("--entries-per-claim", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-incentives-"))
    store = open_store(folder / "bench.sqlite3")
    conn = store.db.connection()
    began = time.perf_counter()
    with store.transaction(), journal.muted(conn, "bench data"):
        _fill(conn, args.claims, args.entries_per_claim, partners=200, programs=4)
    conn.execute("ANALYZE")
    entries = conn.execute("SELECT count(*) FROM fund_ledger_entry").fetchone()[0]
    print(f"{args.claims:,} claims, {entries:,} ledger entries written in "
          f"{time.perf_counter() - began:.1f} s")
    program = conn.execute("SELECT id FROM incentive_program LIMIT 1").fetchone()[0]
    partner = conn.execute("SELECT id FROM partner LIMIT 1").fetchone()[0]
    cases = [
        ("text 'roadshow'", ClaimFilter(text="roadshow"),
         "SELECT c.id FROM claim c WHERE c.deleted = 0 AND c.title LIKE '%roadshow%'"),
        ("one program", ClaimFilter(program_id=program),
         f"SELECT c.id FROM claim c WHERE c.deleted = 0 AND c.program_id = '{program}'"),
        ("state approved", ClaimFilter(states=frozenset({"approved"})),
         "SELECT c.id FROM claim c WHERE c.deleted = 0 AND c.state = 'approved'"),
        ("everything", ClaimFilter(), "SELECT c.id FROM claim c WHERE c.deleted = 0"),
    ]
    print(f"{'filter':<18}{'tab ms':>9}{'raw ms':>9}{'ratio':>7}{'sorted raw':>12}"
          f"{'ratio':>7}{'rows':>9}")
    for name, flt, raw in cases:
        tab_ms, _ = _best(lambda flt=flt: claim_ids(store.db, flt, descending=True))
        raw_ms, _ = _best(lambda raw=raw: conn.execute(raw).fetchall())
        ordered = f"{raw} ORDER BY c.updated_at DESC, c.id"
        sorted_ms, _ = _best(lambda ordered=ordered: conn.execute(ordered).fetchall())
        rows = len(claim_ids(store.db, flt))
        print(f"{name:<18}{tab_ms:>9.1f}{raw_ms:>9.1f}{tab_ms / raw_ms:>7.2f}"
              f"{sorted_ms:>12.1f}{tab_ms / sorted_ms:>7.2f}{rows:>9,}")
    page = claim_ids(store.db, ClaimFilter(), descending=True)[:400]
    marks = ", ".join("?" * len(page))
    rows_ms, _ = _best(lambda: claim_rows(store.db, page))
    joined_ms, _ = _best(lambda: conn.execute(
        "SELECT c.id, c.title, p.name, g.name, c.state, c.requested, s.claimed, s.approved, "
        "s.paid FROM claim c JOIN partner p ON p.id = c.partner_id JOIN incentive_program g "
        "ON g.id = c.program_id LEFT JOIN (SELECT claim_id, "
        "SUM(CASE WHEN kind = 'claim' THEN amount ELSE 0 END) AS claimed, "
        "SUM(CASE WHEN kind = 'approve' THEN amount ELSE 0 END) AS approved, "
        "SUM(CASE WHEN kind = 'pay' THEN amount ELSE 0 END) AS paid FROM fund_ledger_entry "
        f"WHERE deleted = 0 AND claim_id IN ({marks}) GROUP BY claim_id) s "
        f"ON s.claim_id = c.id WHERE c.id IN ({marks})", page + page).fetchall())
    print(f"a page of {len(page)} rows with their ledger sums (claim_sums): "
          f"{rows_ms:.1f} ms; one joined raw query {joined_ms:.1f} ms "
          f"(ratio {rows_ms / joined_ms:.2f})")
    all_ms, _ = _best(lambda: claim_sums(store.db), runs=3)
    print(f"every claim's sums for the finance export: {all_ms:.0f} ms")
    balance_ms, balance_median = _best(lambda: partner_balances(store.db, partner))
    raw_ms, _ = _best(lambda: conn.execute(
        "SELECT kind, SUM(amount) FROM fund_ledger_entry WHERE deleted = 0 AND partner_id = ? "
        "GROUP BY kind", (partner,)).fetchall())
    count = conn.execute("SELECT count(*) FROM fund_ledger_entry WHERE partner_id = ?",
                         (partner,)).fetchone()[0]
    print(f"one partner's balances ({count:,} entries): {balance_ms:.1f} ms best, "
          f"{balance_median:.1f} ms median; raw SUM GROUP BY kind {raw_ms:.1f} ms "
          f"(goal: under 20 ms)")
    store.close()


if __name__ == "__main__":
    main()
