"""Push rate as a team's history grows, from an empty team to ``--changes`` (1,000,000).

The real server (``channeldesk-server serve``, 1 worker) on a throwaway PostgreSQL
cluster with fsync on (``bench.sync_server.Databases``) or on SQLite. One device pushes
new partners' field changes (``bench.sync_server.make_changes``) in batches of
``--batch`` (5,000: what a protocol-3 desktop sends), one after the other; every change
must come back accepted. The rate is reported per tenth of the run: the first tenth is
the baseline (an empty team), and the aim (issue 18) is every later tenth within ±20%
of it. Bodies of a segment are built and compressed before its clock starts.

    python -m bench.sync_growth                         # PostgreSQL, 1,000,000 changes
    python -m bench.sync_growth --changes 200000 --database sqlite
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from bench.sync_server import (
    Databases,
    create_account,
    do_push,
    login,
    new_client,
    push_bodies,
    say,
    serve,
)

TEAM = "Growth Team"
SEGMENTS = 10


def measure(kind: str, changes: int, batch: int, work: Path) -> list[float]:
    """Changes per second of each tenth of the run."""
    databases = Databases(kind, work)
    rates: list[float] = []
    try:
        url = databases.fresh("growth")
        data_dir = work / "data"
        data_dir.mkdir()
        create_account(url, data_dir, TEAM, "alice@bench.example")
        per_segment = changes // SEGMENTS
        with serve(url, data_dir) as (base_url, _), new_client(base_url) as client:
            _, device_id = login(client, "alice@bench.example", "growth laptop")
            for segment in range(SEGMENTS):
                bodies = push_bodies(device_id, per_segment, batch, seed=segment + 1)
                started = time.perf_counter()
                pushed = do_push(client, bodies)
                seconds = time.perf_counter() - started
                rates.append(pushed.items / seconds)
                say(f"[{kind}] changes {segment * per_segment:>9,} – "
                    f"{(segment + 1) * per_segment:>9,}: {rates[-1]:,.0f}/s")
    finally:
        databases.close()
    return rates


def report(kind: str, rates: list[float]) -> str:
    """The aim is about slowing down as the history grows: the slowest later tenth
    against the first. A faster later tenth (other jobs on the machine went quiet) is
    shown but does not count against it."""
    first = rates[0]
    slowest, fastest = min(rates[1:], default=first), max(rates[1:], default=first)
    verdict = "meets" if slowest >= first * 0.8 else "misses"
    return (f"{kind}: first tenth {first:,.0f} changes/s; tenths "
            f"{', '.join(f'{rate:,.0f}' for rate in rates)}; slowest later tenth "
            f"{slowest / first - 1:+.0%}, fastest {fastest / first - 1:+.0%} of the first "
            f"-- {verdict} the aim (no tenth more than 20% slower)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync_growth",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--changes", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the rates")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="channeldesk-bench-growth-"))
    try:
        rates = measure(args.database, args.changes, args.batch, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(report(args.database, rates))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"database": args.database, "rates": rates}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
