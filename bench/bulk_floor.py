"""What the storage alone costs for a first upload and a first sync, per design.

Issue 18 asks for a first upload of 100,000 records in 20 s and a first sync in 1.3x the
raw download. These figures separate what any code of ours must pay (the database's
writes, the tables' rules, parsing) from what the protocol's shape decides, so that a
floor is a measurement and not an opinion. Nothing here goes through the server's or the
engine's Python: the database driver writes the rows alone.

Server (the schema made by the server's own migrations, WAL, ``synchronous = full``, one
transaction per 5,000 values' worth of records, ``bench.sync_server.make_changes``'s
partner values with random change ids, as a desktop sends them):

- **per field** (protocol 1-3, as shipped): a history row and a field-state row per value;
- **record history**: one history row per new record (its values as one JSON object)
  and a field-state row per value, the base every per-field conflict needs;
- **record history and state**: one row of each per record.

Also: the tables' verdict on every value (``change_checks``, remembered as the server
does) and parsing the same values as per-field requests (pydantic, from JSON) against as
record items (``json.loads``).

Client (an empty app database, journal muted, ``synchronous = full``, 5,000 values a
transaction): the rows of a ``bench.generate`` team and a ``field_version`` row per value,
what a first sync writes whatever its Python does.

    python -m bench.bulk_floor                      # 100,000 records (~1 min)
    python -m bench.bulk_floor --records 20000
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.generate import generate
from bench.sync_server import (
    CHANGE_SQL,
    STATE_SQL,
    STATE_UPSERT,
    make_changes,
    prepare_raw_database,
    raw_rows,
    say,
)
from channeldesk.server.change_checks import CACHED_TEXT, _value_problem
from channeldesk.store.database import open_store
from channeldesk.sync.protocol import PushRequest

VALUES_PER_RECORD = 10  # make_changes: a partner's fields
BATCH_VALUES = 5000  # what a protocol-3 desktop sends at once
HISTORY_SQL = CHANGE_SQL + "(" + ", ".join("?" * 10) + ")"
STATE_ROW_SQL = STATE_SQL + "(" + ", ".join("?" * 8) + ")" + STATE_UPSERT
RECEIVED_AT = "2026-01-01 00:00:00"
RECORD_FIELD = "*"
SYNCED_TABLES = ("partner", "contact", "activity")
NOT_VERSIONED = ("id", "updated_at")
STAMP = "0192f3a4b5c60000-3fa2c9d1"

Record = tuple[str, str, str, str, dict[str, Any]]  # table, row id, change id, hlc, values


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def as_records(changes: list[dict[str, Any]]) -> list[Record]:
    """The per-field changes of new rows, one item per row (its first change's id)."""
    records: dict[tuple[str, str], Record] = {}
    for change in changes:
        key = (change["table"], change["row_id"])
        if key not in records:
            records[key] = (*key, change["change_id"], change["hlc"], {})
        records[key][4][change["field"]] = change["value"]
    return list(records.values())


def server_connection(path: Path) -> tuple[sqlite3.Connection, int, str]:
    team, device = prepare_raw_database(f"sqlite:///{path}")
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = wal", "foreign_keys = 1", "synchronous = full"):
        conn.execute(f"PRAGMA {pragma}")
    return conn, team, device


def write_batches(conn: sqlite3.Connection, batches: Iterator[tuple[list, list]]) -> None:
    for history, states in batches:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(HISTORY_SQL, history)
        conn.executemany(STATE_ROW_SQL, states)
        conn.execute("COMMIT")


def per_field(changes: list[dict[str, Any]], team: int, device: str
              ) -> Iterator[tuple[list, list]]:
    for start in range(0, len(changes), BATCH_VALUES):
        yield raw_rows(changes[start:start + BATCH_VALUES], team, device, start + 1,
                       RECEIVED_AT)


def per_record(records: list[Record], team: int, device: str, field_states: bool
               ) -> Iterator[tuple[list, list]]:
    per_batch = BATCH_VALUES // VALUES_PER_RECORD
    seq = 0
    for start in range(0, len(records), per_batch):
        history, states = [], []
        for table, row_id, change_id, hlc, values in records[start:start + per_batch]:
            seq += 1
            text = json.dumps(values, ensure_ascii=False)
            history.append((team, seq, change_id, table, row_id, RECORD_FIELD, text, hlc,
                            device, RECEIVED_AT))
            if field_states:
                states.extend((team, table, row_id, name, json.dumps(value,
                                                                    ensure_ascii=False),
                               seq, hlc, device) for name, value in values.items())
            else:
                states.append((team, table, row_id, RECORD_FIELD, text, seq, hlc, device))
        yield history, states


def rules_verdict(changes: list[dict[str, Any]]) -> None:
    for change in changes:
        value = change["value"]
        if not (isinstance(value, str) and len(value) > CACHED_TEXT):
            _value_problem(change["table"], change["field"], type(value), value)


def request_bodies(changes: list[dict[str, Any]]) -> list[bytes]:
    keys = ("change_id", "table", "row_id", "field", "value", "hlc")
    return [json.dumps({"batch_id": "0" * 32, "device_id": "1" * 32, "changes": [
        {key: change[key] for key in keys} | {"base_seq": 0}
        for change in changes[start:start + BATCH_VALUES]]}).encode()
        for start in range(0, len(changes), BATCH_VALUES)]


def record_bodies(records: list[Record]) -> list[bytes]:
    per_batch = BATCH_VALUES // VALUES_PER_RECORD
    return [json.dumps({"records": [
        {"change_id": change_id, "table": table, "row_id": row_id, "hlc": hlc,
         "values": values}
        for table, row_id, change_id, hlc, values in records[start:start + per_batch]]}
    ).encode() for start in range(0, len(records), per_batch)]


def measure_server(values: int, work: Path) -> dict[str, float]:
    changes = make_changes(values, seed=7)
    records = as_records(changes)
    figures: dict[str, float] = {}
    conn, team, device = server_connection(work / "per-field.sqlite3")
    figures["per field: history and state rows"] = timed(
        lambda: write_batches(conn, per_field(changes, team, device)))
    conn.close()
    conn, team, device = server_connection(work / "record-history.sqlite3")
    figures["record history, field state rows"] = timed(
        lambda: write_batches(conn, per_record(records, team, device, field_states=True)))
    conn.close()
    conn, team, device = server_connection(work / "record-both.sqlite3")
    figures["record history and record state rows"] = timed(
        lambda: write_batches(conn, per_record(records, team, device, field_states=False)))
    conn.close()
    figures["the tables' rules on every value (remembered)"] = timed(
        lambda: rules_verdict(changes))
    bodies = request_bodies(changes)
    figures["parsing per-field requests (pydantic from JSON)"] = timed(
        lambda: parse_each(bodies, PushRequest.model_validate_json))
    items = record_bodies(records)
    figures["parsing record items (json.loads)"] = timed(
        lambda: parse_each(items, json.loads))
    return figures


def parse_each(bodies: list[bytes], parse: Callable[[bytes], object]) -> None:
    """One body at a time, each result dropped, as a server handles requests (keeping
    them all would time the garbage collector walking a heap of a million objects)."""
    for body in bodies:
        parse(body)


def client_rows(source: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    conn = sqlite3.connect(source)
    try:
        return {table: ([column[1] for column in conn.execute(f'PRAGMA table_info("{table}")')],
                        conn.execute(f'SELECT * FROM "{table}"').fetchall())
                for table in SYNCED_TABLES}
    finally:
        conn.close()


def write_first_sync(conn: sqlite3.Connection,
                     tables: dict[str, tuple[list[str], list[tuple]]]) -> None:
    version_sql = ("INSERT INTO field_version (table_name, row_id, field, seq, value, hlc) "
                   "VALUES (?, ?, ?, ?, ?, ?)")
    for table, (columns, rows) in tables.items():
        names = ", ".join(f'"{column}"' for column in columns)
        insert = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'
        per_batch = max(1, BATCH_VALUES // (len(columns) - len(NOT_VERSIONED)))
        for start in range(0, len(rows), per_batch):
            chunk = rows[start:start + per_batch]
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(insert, chunk)
            conn.executemany(version_sql, [
                (table, row[0], name, 1, value, STAMP) for row in chunk
                for name, value in zip(columns, row, strict=True)
                if name not in NOT_VERSIONED])
            conn.execute("COMMIT")


def measure_client(records: int, work: Path) -> tuple[int, float]:
    source = work / "team.sqlite3"
    generate(source, partners=max(1, records // 5), activities_per_partner=3,
             contacts_per_partner=1)
    tables = client_rows(source)
    target = work / "first-sync.sqlite3"
    open_store(target).close()
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA synchronous = full")
    conn.execute("PRAGMA foreign_keys = 0")  # rows of a page arrive in any order
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO journal_mute (reason) VALUES ('bench')")
    conn.execute("COMMIT")
    seconds = timed(lambda: write_first_sync(conn, tables))
    conn.close()
    values = sum(len(rows) * (len(columns) - len(NOT_VERSIONED))
                 for columns, rows in tables.values())
    return values, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bulk_floor",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="channeldesk-bench-floor-"))
    try:
        values = args.records * 88 // 10  # as many values as bench.sync_client moves
        say(f"server: {values:,} values of new partners …")
        server = measure_server(values, work)
        say(f"client: a first sync of {args.records:,} records …")
        client_values, client_s = measure_client(args.records, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n== server, {values:,} values ({values // VALUES_PER_RECORD:,} records), "
          "SQLite")
    for name, seconds in server.items():
        print(f"{name:<52} {seconds:7.2f} s")
    print(f"\n== client, first sync of {args.records:,} records ({client_values:,} values)")
    print(f"{'rows and field versions by the driver alone':<52} {client_s:7.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
