"""Speed of the sync server on SQLite and PostgreSQL, against baselines from the same run.

The real ``channeldesk-server serve`` runs as a subprocess on 127.0.0.1 (a free port, one
worker unless said otherwise); the team and its user are created beforehand with the
server's own CLI (``create-team``, ``create-user --password-stdin``) and the device logs
in through ``POST /v1/login``. The client is httpx over HTTP/1.1 keep-alive, doing what
the desktop's transport does: JSON bodies over 1 KiB are sent gzip-compressed (level 6)
and answers are accepted gzip-compressed.

Figures, per database:

- **push**: 100,000 field changes (10,000 new partners x their 10 fields, with
  bench.generate's varied values) in batches of 500, one batch
  after the other, every change checked to be accepted. Baseline: the same history and
  field-state rows written by the database driver alone (bulk INSERT, the state upsert
  and the counter update, one transaction per 500 rows) into a fresh database with the
  server's schema and settings -- the database's floor for the same writes.
- **pull**: the 100,000 changes from scratch (``since=0``), in pages of 1,000 (the
  default) and of 5,000 (the maximum), each page parsed as JSON by the client. Baselines:
  the very same page bodies served gzip-compressed from memory by a trivial ASGI handler
  under the same uvicorn (the floor of moving these bytes to this client), and the same
  pages read by the driver alone (the database's floor).
- **idle sync**: what a desktop's sync does when nothing changed on either side: one
  ``GET /v1/changes`` that returns an empty page. Also a pull with nothing new followed
  by an empty push (``changes: []``). Median and p95 over ``--rounds``; baseline: the
  same requests answered by the trivial handler.
- **bytes per change on the wire**: bodies as they travel (gzip), counted from the bytes
  actually sent and received, and with HTTP headers included.
- **push, 2 clients**: two devices of two teams push 50,000 changes each at the same
  time, against a server with 1 worker and then with 2 (``--workers 2``).

PostgreSQL is a throwaway cluster (tests/pg_cluster.py) restarted with fsync,
synchronous_commit and full_page_writes on, so that a commit is as durable as on SQLite
(``synchronous=full``); the test suite runs it with all three off.

    python -m bench.sync_server                       # both databases (~2 min)
    python -m bench.sync_server --database sqlite
    python -m bench.sync_server --changes 20000 --no-concurrency   # a quick look
    python -m bench.sync_server --profile bench/out   # py-spy on the server during
                                                      # push and pull (pip install py-spy)
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
from uuid6 import uuid7

from bench.generate import partner_values

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # pg_cluster: the suite's throwaway PostgreSQL

from pg_cluster import PostgresCluster, find_bin_dir  # noqa: E402

PASSWORD = "bench password 123"
TEAM = "Bench Team"
GZIP_ABOVE_BYTES = 1024  # as channeldesk.sync.transport
AIMS = {"push": 5_000, "pull": 10_000, "idle_ms": 50}


# -- the workload ------------------------------------------------------------------------------

def make_changes(count: int, seed: int = 1) -> list[dict[str, Any]]:
    """``count`` field changes of new partner rows, as a desktop's outbox holds them:
    every field of each partner (bench.generate's values), row ids as the desktop makes
    them (UUIDv7 text), random change ids, clock stamps of one local device."""
    rng = random.Random(seed)
    local_device = f"{rng.getrandbits(64):016x}"
    millis = 0x0192F3A4B5C6 + seed * 10_000_000
    changes: list[dict[str, Any]] = []
    number = 0
    while len(changes) < count:
        values, _, _ = partner_values(rng, number)
        row_id = str(uuid7())
        for name, value in values.items():
            if len(changes) == count:
                break
            millis += 1
            changes.append({"change_id": uuid.uuid4().hex, "table": "partner",
                            "row_id": row_id, "field": name, "value": value,
                            "hlc": f"{millis:012x}0000-{local_device}", "base_seq": 0})
        number += 1
    return changes


@dataclass
class Body:
    """A request body as the desktop's transport sends it."""

    raw: bytes
    sent: bytes
    headers: dict[str, str]


def encode(payload: Any) -> Body:
    raw = json.dumps(payload, ensure_ascii=False, allow_nan=False).encode()
    headers = {"Content-Type": "application/json"}
    if len(raw) > GZIP_ABOVE_BYTES:
        headers["Content-Encoding"] = "gzip"
        return Body(raw, gzip.compress(raw, compresslevel=6), headers)
    return Body(raw, raw, headers)


def push_bodies(device_id: str, count: int, batch: int, seed: int = 1) -> list[Body]:
    changes = make_changes(count, seed)
    return [encode({"batch_id": uuid.uuid4().hex, "device_id": device_id,
                    "changes": changes[start:start + batch]})
            for start in range(0, len(changes), batch)]


# -- counting bytes on the wire ----------------------------------------------------------------

@dataclass
class Wire:
    """Bytes of bodies as sent/received (compressed when gzip) and with HTTP headers."""

    up_body: int = 0
    down_body: int = 0
    up_total: int = 0
    down_total: int = 0
    up_raw: int = 0  # the requests' JSON before compression (pushes)
    down_raw: int = 0  # the answers' JSON before compression
    requests: int = 0

    def add(self, response: httpx.Response) -> None:
        request = response.request
        target = request.url.raw_path.decode()
        head_up = len(f"{request.method} {target} HTTP/1.1\r\n") + 2 + sum(
            len(name) + len(value) + 4 for name, value in request.headers.raw)
        head_down = len(f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n") \
            + 2 + sum(len(name) + len(value) + 4 for name, value in response.headers.raw)
        body_up = len(request.content)
        body_down = response.num_bytes_downloaded
        self.up_body += body_up
        self.down_body += body_down
        self.up_total += head_up + body_up
        self.down_total += head_down + body_down
        self.down_raw += len(response.content)
        self.requests += 1


def new_client(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, http1=True, http2=False, timeout=120.0,
                        headers={"Accept-Encoding": "gzip", "User-Agent": "bench",
                                 "X-ChannelDesk-Sync": "2"})


# -- processes ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command() -> list[str]:
    script = Path(sys.executable).parent / "channeldesk-server"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "channeldesk.server.cli"]


def run_cli(*args: str, stdin: str | None = None) -> None:
    result = subprocess.run([*server_command(), *args], input=stdin, capture_output=True,
                            text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"channeldesk-server {args[0]} failed: {result.stderr.strip()}")


def create_account(url: str, data_dir: Path, team: str, email: str) -> None:
    """The team and its user, through the server's CLI, as an admin would."""
    common = ("--database", url, "--data-dir", str(data_dir))
    run_cli("create-team", team, *common)
    run_cli("create-user", "--team", team, "--email", email, "--password-stdin", *common,
            stdin=PASSWORD + "\n")


def wait_until_up(base_url: str, process: subprocess.Popen, what: str,
                  path: str = "/v1/health") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before serving")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base_url + path, timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer within 60 s")


@contextlib.contextmanager
def running(command: list[str], what: str, log_path: Path, port: int,
            health: str = "/v1/health") -> Iterator[tuple[str, subprocess.Popen]]:
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            wait_until_up(base_url, process, what, health)
            WATCHED["server"] = process.pid
            yield base_url, process
        finally:
            WATCHED.pop("server", None)
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def serve(url: str, data_dir: Path, workers: int = 1) -> contextlib.AbstractContextManager:
    port = free_port()
    command = [*server_command(), "serve", "--database", url, "--data-dir", str(data_dir),
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    return running(command, "channeldesk-server", data_dir / "serve.log", port)


def login(client: httpx.Client, email: str, device_name: str) -> tuple[str, str]:
    response = client.post("/v1/login", json={"email": email, "password": PASSWORD,
                                               "device_name": device_name})
    response.raise_for_status()
    body = response.json()
    client.headers["Authorization"] = f"Bearer {body['token']}"
    return body["token"], body["device_id"]


@contextlib.contextmanager
def profiling(pid: int, out: Path | None, name: str) -> Iterator[None]:
    """py-spy record of the server process while the block runs (when asked for)."""
    if out is None:
        yield
        return
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{name}.txt"
    recorder = subprocess.Popen([py_spy, "record", "--pid", str(pid), "--rate", "250",
                                 "--format", "raw", "--subprocesses", "--output",
                                 str(target)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # attached before the clock starts
    try:
        yield
    finally:
        recorder.send_signal(signal.SIGINT)
        recorder.wait(timeout=60)
        print(f"  py-spy: {target} (collapsed stacks; summary: python -m "
              f"bench.sync_server --summarize {target})", flush=True)


# -- the trivial handler (baseline) ------------------------------------------------------------

def static_app(folder: Path) -> Callable:
    """A raw ASGI app answering the bench's requests from pre-compressed bodies in memory.

    ``GET /v1/changes?since=S&limit=L`` -> the recorded page for (S, L), or the empty
    page; ``POST /v1/push`` -> reads the whole body, answers the recorded push answers in
    turn (the empty-push answer for a small body); ``GET /v1/health`` -> ok.
    """
    pages = {}
    for path in folder.glob("changes-*.json.gz"):
        _, since, limit = path.name.removesuffix(".json.gz").split("-")
        pages[(since, limit)] = path.read_bytes()
    empty_page = (folder / "empty-page.json.gz").read_bytes()
    empty_push = (folder / "empty-push.json.gz").read_bytes()
    pushes = [path.read_bytes() for path in sorted(folder.glob("push-*.json.gz"))]
    turn = [0]

    async def app(scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        received = 0
        more = True
        while more:
            message = await receive()
            received += len(message.get("body", b""))
            more = message.get("more_body", False)
        if scope["method"] == "POST":
            if received > GZIP_ABOVE_BYTES and pushes:
                body = pushes[turn[0] % len(pushes)]
                turn[0] += 1
            else:
                body = empty_push
        elif scope["path"] == "/v1/changes":
            query = parse_qs(scope["query_string"].decode())
            key = (query.get("since", ["0"])[0], query.get("limit", ["1000"])[0])
            body = pages.get(key, empty_page)
        else:
            body = gzip.compress(b'{"status":"ok"}')
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-encoding", b"gzip"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return app


def run_static_server(folder: Path, port: int) -> None:
    import uvicorn

    uvicorn.run(static_app(folder), host="127.0.0.1", port=port, workers=1,
                log_level="warning", server_header=False)


def static_server(folder: Path) -> contextlib.AbstractContextManager:
    port = free_port()
    command = [sys.executable, "-m", "bench.sync_server", "--static-server", str(folder),
               "--port", str(port)]
    return running(command, "static handler", folder / "static.log", port)


# -- the measurements --------------------------------------------------------------------------

def cpu_ticks() -> tuple[int, int] | None:
    """(busy, total) jiffies of the whole machine, from /proc/stat (None elsewhere)."""
    try:
        fields = [int(part) for part in Path("/proc/stat").read_text().split("\n", 1)[0]
                  .split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


# Root processes whose CPU time (with their descendants') is counted: "server" (the
# channeldesk-server or the trivial handler) and "database" (PostgreSQL's postmaster).
WATCHED: dict[str, int] = {}


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds of a process and its living descendants (/proc)."""
    parents: dict[int, int] = {}
    times: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = int(fields[11]) + int(fields[12])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sum(times.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


def role_cpu() -> dict[str, float]:
    seconds = {"client": time.process_time()}
    if Path("/proc/self/stat").exists():
        for role, pid in WATCHED.items():
            seconds[role] = tree_cpu_seconds(pid)
    return seconds


@dataclass
class Timed:
    seconds: float = 0.0
    wire: Wire = field(default_factory=Wire)
    items: int = 0
    cpu_busy: float | None = None  # share of all cores busy while it ran (0..1)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds by role

    @contextlib.contextmanager
    def clock(self) -> Iterator[None]:
        before, roles = cpu_ticks(), role_cpu()
        started = time.perf_counter()
        yield
        self.seconds = time.perf_counter() - started
        after, roles_after = cpu_ticks(), role_cpu()
        if before and after and after[1] > before[1]:
            self.cpu_busy = (after[0] - before[0]) / (after[1] - before[1])
        self.cpu = {role: roles_after[role] - roles[role]
                    for role in roles_after if role in roles}

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds else 0.0


def do_push(client: httpx.Client, bodies: list[Body], check: bool = True,
            record: Path | None = None) -> Timed:
    result = Timed()
    with result.clock():
        _push_all(client, bodies, check, record, result)
    return result


def _push_all(client: httpx.Client, bodies: list[Body], check: bool, record: Path | None,
              result: Timed) -> None:
    for number, body in enumerate(bodies):
        response = client.post("/v1/push", content=body.sent, headers=body.headers)
        answer = response.json()
        result.wire.add(response)
        result.wire.up_raw += len(body.raw)
        if check:
            if response.status_code != 200:
                raise RuntimeError(f"push answered {response.status_code}: "
                                   f"{response.text[:300]}")
            accepted = sum(1 for item in answer["results"] if item["status"] == "accepted")
            if accepted != len(answer["results"]):
                raise RuntimeError(f"push: only {accepted} of {len(answer['results'])} "
                                   "accepted")
            result.items += accepted
        if record is not None:
            (record / f"push-{number:05d}.json.gz").write_bytes(
                gzip.compress(response.content, compresslevel=6))


def do_pull(client: httpx.Client, limit: int, record: Path | None = None) -> Timed:
    result = Timed()
    with result.clock():
        _pull_all(client, limit, record, result)
    return result


def _pull_all(client: httpx.Client, limit: int, record: Path | None, result: Timed) -> None:
    since = 0
    while True:
        response = client.get("/v1/changes", params={"since": since, "limit": limit})
        page = response.json()
        result.wire.add(response)
        if response.status_code != 200:
            raise RuntimeError(f"pull answered {response.status_code}: {response.text[:300]}")
        if record is not None:
            (record / f"changes-{since}-{limit}.json.gz").write_bytes(
                gzip.compress(response.content, compresslevel=6))
        result.items += len(page["changes"])
        since = page["next_seq"]
        if not page["has_more"]:
            break


@dataclass
class Latency:
    samples: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


def idle_sync(client: httpx.Client, since: int, rounds: int, device_id: str,
              with_push: bool, wire: Wire | None = None) -> Latency:
    samples = []
    for number in range(rounds + 3):
        empty = encode({"batch_id": uuid.uuid4().hex, "device_id": device_id,
                        "changes": []}) if with_push else None
        started = time.perf_counter()
        response = client.get("/v1/changes", params={"since": since, "limit": 1000})
        page = response.json()
        if response.status_code != 200 or page["changes"]:
            raise RuntimeError(f"idle pull answered {response.status_code}: "
                               f"{response.text[:200]}")
        if empty is not None:
            pushed = client.post("/v1/push", content=empty.sent, headers=empty.headers)
            pushed.json()
            if pushed.status_code != 200:
                raise RuntimeError(f"empty push answered {pushed.status_code}")
        elapsed = time.perf_counter() - started
        if number >= 3:  # three warm-up rounds
            samples.append(elapsed)
            if wire is not None:
                wire.add(response)
    return Latency(samples)


# -- raw SQL baselines -------------------------------------------------------------------------

CHANGE_SQL = ('INSERT INTO "server_change" ("team_id", "seq", "change_id", "table_name", '
              '"row_id", "field", "value", "hlc", "device_id", "received_at") VALUES ')
STATE_SQL = ('INSERT INTO "field_state" ("team_id", "table_name", "row_id", "field", '
             '"value", "seq", "hlc", "device_id") VALUES ')
STATE_UPSERT = (' ON CONFLICT ("team_id", "table_name", "row_id", "field") DO UPDATE SET '
                '"value" = excluded."value", "seq" = excluded."seq", '
                '"hlc" = excluded."hlc", "device_id" = excluded."device_id"')


def prepare_raw_database(url: str) -> tuple[int, str]:
    """A fresh database with the server's schema, one team and one device (team id,
    device id), made through the server's own code."""
    from channeldesk.server import accounts
    from channeldesk.server.storage import open_storage

    storage = open_storage(url)
    try:
        with storage.session():
            team = accounts.create_team(TEAM)
            accounts.create_user(TEAM, "raw@bench.example", PASSWORD)
            result = accounts.login("raw@bench.example", PASSWORD, "raw", "127.0.0.1")
        return team.id, result.device_id
    finally:
        storage.close()


def raw_rows(changes: list[dict[str, Any]], team_id: int, device: str, first_seq: int,
             received_at: str) -> tuple[list[tuple], list[tuple]]:
    history, states = [], []
    for offset, item in enumerate(changes):
        value = json.dumps(item["value"], ensure_ascii=False)
        seq = first_seq + offset
        history.append((team_id, seq, item["change_id"], item["table"], item["row_id"],
                        item["field"], value, item["hlc"], device, received_at))
        states.append((team_id, item["table"], item["row_id"], item["field"], value, seq,
                       item["hlc"], device))
    return history, states


def raw_push_sqlite(path: Path, count: int, batch: int) -> Timed:
    team_id, device = prepare_raw_database("sqlite:///" + str(path))
    changes = make_changes(count, seed=7)
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = wal", "foreign_keys = 1", "synchronous = full"):
        conn.execute(f"PRAGMA {pragma}")
    history_sql = CHANGE_SQL + "(" + ", ".join("?" * 10) + ")"
    state_sql = STATE_SQL + "(" + ", ".join("?" * 8) + ")" + STATE_UPSERT
    result = Timed(items=count)
    with result.clock():
        for start in range(0, count, batch):
            history, states = raw_rows(changes[start:start + batch], team_id, device,
                                       start + 1, "2026-01-01 00:00:00")
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(history_sql, history)
            conn.executemany(state_sql, states)
            conn.execute('UPDATE "team" SET "seq" = ? WHERE "id" = ?',
                         (start + len(history), team_id))
            conn.execute("COMMIT")
    conn.close()
    return result


def raw_push_postgresql(url: str, count: int, batch: int) -> Timed:
    import psycopg2
    from psycopg2.extras import execute_values

    team_id, device = prepare_raw_database(url)
    changes = make_changes(count, seed=7)
    conn = psycopg2.connect(url)
    result = Timed(items=count)
    with result.clock(), conn.cursor() as cursor:
        for start in range(0, count, batch):
            history, states = raw_rows(changes[start:start + batch], team_id, device,
                                       start + 1, "2026-01-01 00:00:00")
            cursor.execute('SELECT "seq" FROM "team" WHERE "id" = %s FOR UPDATE',
                           (team_id,))
            execute_values(cursor, CHANGE_SQL + "%s", history, page_size=batch)
            execute_values(cursor, STATE_SQL + "%s" + STATE_UPSERT, states, page_size=batch)
            cursor.execute('UPDATE "team" SET "seq" = %s WHERE "id" = %s',
                           (start + len(history), team_id))
            conn.commit()
    conn.close()
    return result


def raw_pull(kind: str, url: str, limit: int) -> Timed:
    """The pull's pages read by the driver alone from the server's database (the same
    query as the server's, keyset on seq)."""
    if kind == "sqlite":
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        param = "?"
    else:
        import psycopg2

        conn = psycopg2.connect(url)
        param = "%s"
    cursor = conn.cursor()
    cursor.execute('SELECT "id" FROM "team" WHERE "name" = ' + param, (TEAM,))
    team_id = cursor.fetchone()[0]
    sql = ('SELECT "seq", "change_id", "table_name", "row_id", "field", "value", "hlc", '
           f'"device_id" FROM "server_change" WHERE "team_id" = {param} AND "seq" > {param} '
           f'ORDER BY "seq" LIMIT {param}')
    result = Timed()
    since = 0
    with result.clock():
        while True:
            cursor.execute(sql, (team_id, since, limit + 1))
            rows = cursor.fetchall()
            page = rows[:limit]
            result.items += len(page)
            if len(rows) <= limit:
                break
            since = page[-1][0]
    conn.close()
    return result


def analyze(url: str) -> None:
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("ANALYZE")
    conn.close()


# -- databases ---------------------------------------------------------------------------------

class DurablePostgres(PostgresCluster):
    """The suite's throwaway cluster, but with fsync, synchronous_commit and
    full_page_writes at their (durable) defaults."""

    def start(self) -> DurablePostgres:
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres",
                  "--encoding=UTF8", "--locale=C")
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                   f"-c unix_socket_directories={self.root} -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.root / "server.log"), "-w", "-t", "60", "start")
        return self


class Databases:
    """Fresh, empty databases of one kind, in a temporary folder or cluster."""

    def __init__(self, kind: str, root: Path) -> None:
        self.kind = kind
        self.root = root
        self.cluster: PostgresCluster | None = None
        self.count = 0
        if kind == "postgresql":
            bin_dir = find_bin_dir()
            if bin_dir is None:
                raise SystemExit("PostgreSQL is not installed (see installer/dev.sh).")
            self.cluster = DurablePostgres(bin_dir).start()
            pid_file = self.cluster.data / "postmaster.pid"
            WATCHED["database"] = int(pid_file.read_text().split()[0])

    def fresh(self, name: str) -> str:
        self.count += 1
        if self.cluster is not None:
            return self.cluster.create_database(f"bench_{self.count}_{name}")
        return "sqlite:///" + str(self.root / f"{self.count}-{name}.sqlite3")

    def close(self) -> None:
        WATCHED.pop("database", None)
        if self.cluster is not None:
            self.cluster.stop()


# -- one database's run ------------------------------------------------------------------------

@dataclass
class Figures:
    kind: str
    push: Timed | None = None
    push_raw: Timed | None = None
    push_static: Timed | None = None
    pulls: dict[int, Timed] = field(default_factory=dict)
    pulls_static: dict[int, Timed] = field(default_factory=dict)
    pulls_raw: dict[int, Timed] = field(default_factory=dict)
    pull_analyzed: Timed | None = None  # PostgreSQL: pages of the first size after ANALYZE
    pull_analyzed_raw: Timed | None = None
    idle: Latency | None = None
    idle_push: Latency | None = None
    idle_static: Latency | None = None
    idle_push_static: Latency | None = None
    idle_wire: Wire = field(default_factory=Wire)
    concurrent: dict[int, Timed] = field(default_factory=dict)


def say(text: str) -> None:
    print(text, flush=True)


def measure(kind: str, args: argparse.Namespace, work: Path) -> Figures:
    figures = Figures(kind)
    databases = Databases(kind, work)
    record = work / f"{kind}-recorded"
    record.mkdir()
    try:
        url = databases.fresh("main")
        data_dir = work / f"{kind}-data"
        data_dir.mkdir()
        create_account(url, data_dir, TEAM, "alice@bench.example")
        with serve(url, data_dir) as (base_url, process), new_client(base_url) as client:
            _, device_id = login(client, "alice@bench.example", "bench laptop")
            bodies = push_bodies(device_id, args.changes, args.batch)
            say(f"[{kind}] push: {args.changes:,} changes in {len(bodies)} batches …")
            with profiling(process.pid, args.profile, f"{kind}-push"):
                figures.push = do_push(client, bodies, record=record)
            for limit in args.pages:
                say(f"[{kind}] pull from scratch, pages of {limit} …")
                with profiling(process.pid, args.profile if limit == args.pages[0] else None,
                               f"{kind}-pull"):
                    figures.pulls[limit] = do_pull(client, limit, record=record)
                if figures.pulls[limit].items != args.changes:
                    raise RuntimeError(f"pulled {figures.pulls[limit].items} changes, "
                                       f"expected {args.changes}")
            since = args.changes
            say(f"[{kind}] idle sync round trips ({args.rounds}) …")
            figures.idle = idle_sync(client, since, args.rounds, device_id, False,
                                     figures.idle_wire)
            (record / "empty-page.json.gz").write_bytes(gzip.compress(
                client.get("/v1/changes", params={"since": since}).content))
            figures.idle_push = idle_sync(client, since, args.rounds, device_id, True)
            empty = encode({"batch_id": uuid.uuid4().hex, "device_id": device_id,
                            "changes": []})
            (record / "empty-push.json.gz").write_bytes(gzip.compress(
                client.post("/v1/push", content=empty.sent, headers=empty.headers).content))

        say(f"[{kind}] baselines: the same bytes from a trivial handler …")
        with static_server(record) as (base_url, _), new_client(base_url) as client:
            figures.push_static = do_push(client, bodies, check=False)
            figures.push_static.items = args.changes
            for limit in args.pages:
                figures.pulls_static[limit] = do_pull(client, limit)
            figures.idle_static = idle_sync(client, since, args.rounds, device_id, False)
            figures.idle_push_static = idle_sync(client, since, args.rounds, device_id, True)

        say(f"[{kind}] baselines: the database driver alone …")
        for limit in args.pages:
            figures.pulls_raw[limit] = raw_pull(kind, url, limit)
        if kind == "postgresql":
            say(f"[{kind}] pull again after ANALYZE (fresh planner statistics) …")
            analyze(url)
            with serve(url, data_dir) as (base_url, _), new_client(base_url) as client:
                login(client, "alice@bench.example", "bench laptop 2")
                figures.pull_analyzed = do_pull(client, args.pages[0])
            figures.pull_analyzed_raw = raw_pull(kind, url, args.pages[0])
        if kind == "sqlite":
            figures.push_raw = raw_push_sqlite(work / "raw.sqlite3", args.changes, args.batch)
        else:
            figures.push_raw = raw_push_postgresql(databases.fresh("raw"), args.changes,
                                                   args.batch)

        if args.concurrency:
            for workers in (1, 2):
                say(f"[{kind}] push from 2 clients (2 teams) at once, {workers} worker(s) …")
                figures.concurrent[workers] = concurrent_push(databases, work, kind, args,
                                                              workers)
    finally:
        databases.close()
    return figures


def concurrent_push(databases: Databases, work: Path, kind: str, args: argparse.Namespace,
                    workers: int) -> Timed:
    url = databases.fresh(f"concurrent{workers}")
    data_dir = work / f"{kind}-data-{workers}w"
    data_dir.mkdir()
    teams = [(f"Team {name}", f"{name.lower()}@bench.example") for name in ("A", "B")]
    for team, email in teams:
        create_account(url, data_dir, team, email)
    half = args.changes // 2
    result = Timed(items=0)
    with serve(url, data_dir, workers) as (base_url, _):
        clients = [new_client(base_url) for _ in teams]
        try:
            plans = []
            for number, (client, (_, email)) in enumerate(zip(clients, teams, strict=True)):
                _, device_id = login(client, email, f"device {number}")
                plans.append((client, push_bodies(device_id, half, args.batch,
                                                  seed=number + 2)))
            outcomes: list[Timed | BaseException] = [None, None]  # type: ignore[list-item]

            def run(index: int) -> None:
                try:
                    outcomes[index] = do_push(*plans[index])
                except BaseException as error:  # reported below
                    outcomes[index] = error

            threads = [threading.Thread(target=run, args=(index,)) for index in (0, 1)]
            with result.clock():
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
        finally:
            for client in clients:
                client.close()
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
        result.items += outcome.items
    return result


# -- the report --------------------------------------------------------------------------------

def _rate(timed: Timed | None) -> str:
    if timed is None:
        return "—"
    cpu = f", CPU {100 * timed.cpu_busy:.0f}%" if timed.cpu_busy is not None else ""
    return f"{timed.rate:,.0f}/s ({timed.seconds:.2f} s{cpu})"


def _ratio(server: Timed | None, baseline: Timed | None) -> str:
    if not server or not baseline or not server.rate:
        return ""
    return f"{baseline.rate / server.rate:.1f}x"


def _ms(latency: Latency | None) -> str:
    if latency is None:
        return "—"
    return f"{latency.median_ms:.1f} ms (p95 {latency.p95_ms:.1f})"


def _aim(value: float, aim: float, higher: bool = True, unit: str = "/s") -> str:
    met = value >= aim if higher else value <= aim
    sign = "≥" if higher else "≤"
    return f"{sign} {aim:,}{unit}: {'met' if met else 'MISSED'}"


def report(all_figures: list[Figures], args: argparse.Namespace) -> str:
    lines = [f"Sync server: {args.changes:,} changes, batches of {args.batch}, "
             f"{args.rounds} idle rounds; baseline ratio = baseline speed / server speed; "
             f"CPU = share of all {os.cpu_count()} cores busy (server, client and "
             "database together)",
             "",
             "| Database | Figure | Server | Baseline (same run) | Baseline / server | Aim |",
             "|---|---|---:|---:|---:|---|"]
    for fig in all_figures:
        db = fig.kind
        if fig.push:
            lines.append(f"| {db} | push, 1 worker | {_rate(fig.push)} | raw SQL "
                         f"{_rate(fig.push_raw)} | {_ratio(fig.push, fig.push_raw)} | "
                         f"{_aim(fig.push.rate, AIMS['push'])} |")
            lines.append(f"| {db} | push, same bytes to a trivial handler | | "
                         f"{_rate(fig.push_static)} | {_ratio(fig.push, fig.push_static)} | |")
        for limit, pulled in fig.pulls.items():
            lines.append(f"| {db} | pull from scratch, pages of {limit} | {_rate(pulled)} | "
                         f"static {_rate(fig.pulls_static.get(limit))} | "
                         f"{_ratio(pulled, fig.pulls_static.get(limit))} | "
                         f"{_aim(pulled.rate, AIMS['pull'])} |")
            lines.append(f"| {db} | (pull, pages of {limit}) | | raw SQL "
                         f"{_rate(fig.pulls_raw.get(limit))} | "
                         f"{_ratio(pulled, fig.pulls_raw.get(limit))} | |")
        if fig.pull_analyzed:
            limit = args.pages[0]
            lines.append(f"| {db} | pull, pages of {limit}, after ANALYZE | "
                         f"{_rate(fig.pull_analyzed)} | raw SQL {_rate(fig.pull_analyzed_raw)} "
                         f"| {_ratio(fig.pull_analyzed, fig.pull_analyzed_raw)} | "
                         f"{_aim(fig.pull_analyzed.rate, AIMS['pull'])} |")
        if fig.idle:
            lines.append(f"| {db} | idle sync: GET /changes, nothing new | {_ms(fig.idle)} | "
                         f"static {_ms(fig.idle_static)} | | "
                         f"{_aim(fig.idle.median_ms, AIMS['idle_ms'], False, ' ms')} |")
        if fig.idle_push:
            lines.append(f"| {db} | pull nothing new + empty push | {_ms(fig.idle_push)} | "
                         f"static {_ms(fig.idle_push_static)} | | "
                         f"{_aim(fig.idle_push.median_ms, AIMS['idle_ms'], False, ' ms')} |")
        for workers, timed in fig.concurrent.items():
            lines.append(f"| {db} | push, 2 clients of 2 teams at once, {workers} worker(s) | "
                         f"{_rate(timed)} | | | |")
    lines += ["", "Bytes per change on the wire (gzip; bodies / with HTTP headers; "
                  "JSON before compression)", "",
              "| Database | Direction | Body | With headers | Uncompressed JSON |",
              "|---|---|---:|---:|---:|"]
    for fig in all_figures:
        if fig.push:
            wire, count = fig.push.wire, fig.push.items
            lines.append(f"| {fig.kind} | push, request | {wire.up_body / count:.1f} | "
                         f"{wire.up_total / count:.1f} | {wire.up_raw / count:.1f} |")
            lines.append(f"| {fig.kind} | push, answer | {wire.down_body / count:.1f} | "
                         f"{wire.down_total / count:.1f} | {wire.down_raw / count:.1f} |")
        for limit, pulled in fig.pulls.items():
            wire, count = pulled.wire, pulled.items
            lines.append(f"| {fig.kind} | pull (pages of {limit}), answer | "
                         f"{wire.down_body / count:.1f} | {wire.down_total / count:.1f} | "
                         f"{wire.down_raw / count:.1f} |")
        if fig.idle_wire.requests:
            wire = fig.idle_wire
            lines.append(f"| {fig.kind} | idle GET /changes, per request (up + down) | "
                         f"{(wire.up_body + wire.down_body) / wire.requests:.0f} B | "
                         f"{(wire.up_total + wire.down_total) / wire.requests:.0f} B | |")
    lines += ["", "Where the time goes: CPU milliseconds per 1,000 changes by process (server: "
                  "channeldesk-server or the trivial handler; database: PostgreSQL's "
                  "processes; client: this process), and wall milliseconds", "",
              "| Database | Figure | Server | Database | Client | Wall |",
              "|---|---|---:|---:|---:|---:|"]
    for fig in all_figures:
        rows = [("push", fig.push), ("push, raw SQL", fig.push_raw),
                ("push, trivial handler", fig.push_static)]
        for limit in fig.pulls:
            rows += [(f"pull {limit}", fig.pulls.get(limit)),
                     (f"pull {limit}, trivial handler", fig.pulls_static.get(limit)),
                     (f"pull {limit}, raw SQL", fig.pulls_raw.get(limit))]
        rows += [("pull after ANALYZE", fig.pull_analyzed),
                 ("pull after ANALYZE, raw SQL", fig.pull_analyzed_raw)]
        rows += [(f"push, 2 clients, {workers} worker(s)", timed)
                 for workers, timed in fig.concurrent.items()]
        for name, timed in rows:
            if timed is None or not timed.items:
                continue
            per = 1_000_000 / timed.items

            def cell(role: str, timed: Timed = timed, per: float = per) -> str:
                value = timed.cpu.get(role)
                return "" if value is None else f"{value * per:.1f}"

            lines.append(f"| {fig.kind} | {name} | {cell('server')} | {cell('database')} | "
                         f"{cell('client')} | {timed.seconds * per:.1f} |")
    return "\n".join(lines)


# -- py-spy summaries --------------------------------------------------------------------------

def summarize(path: Path, top: int = 25) -> str:
    """Own and total time per function from py-spy's collapsed stacks (--format raw)."""
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    samples = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        samples += count
        own[frames[-1]] = own.get(frames[-1], 0) + count
        for frame in set(frames):
            total[frame] = total.get(frame, 0) + count
    lines = [f"{path.name}: {samples} samples", "", "own time:"]
    for frame, count in sorted(own.items(), key=lambda item: -item[1])[:top]:
        lines.append(f"  {100 * count / samples:5.1f}%  {frame}")
    lines += ["", "total time (function and what it calls):"]
    for frame, count in sorted(total.items(), key=lambda item: -item[1])[:top * 2]:
        lines.append(f"  {100 * count / samples:5.1f}%  {frame}")
    return "\n".join(lines)


# -- main --------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync_server",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"),
                        default="both")
    parser.add_argument("--changes", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--pages", type=lambda text: [int(part) for part in text.split(",")],
                        default=[1000, 5000], help="page sizes to pull with (default "
                                                   "1000,5000)")
    parser.add_argument("--rounds", type=int, default=100, help="idle sync round trips")
    parser.add_argument("--no-concurrency", dest="concurrency", action="store_false",
                        help="skip the 2-client push runs (1 and 2 workers)")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="record the server with py-spy during push and pull")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures")
    parser.add_argument("--summarize", type=Path, metavar="RAW",
                        help="summarize a py-spy raw profile and exit")
    parser.add_argument("--static-server", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.static_server:
        run_static_server(args.static_server, args.port)
        return 0
    if args.summarize:
        print(summarize(args.summarize))
        return 0
    kinds = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    all_figures = []
    work = Path(tempfile.mkdtemp(prefix="channeldesk-bench-server-"))
    try:
        for kind in kinds:
            all_figures.append(measure(kind, args, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = report(all_figures, args)
    print()
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([_as_json(fig) for fig in all_figures], indent=2))
    return 0


def _as_json(fig: Figures) -> dict[str, Any]:
    def timed(value: Timed | None) -> dict[str, Any] | None:
        if value is None:
            return None
        return {"seconds": value.seconds, "items": value.items, "rate": value.rate,
                "cpu_busy": value.cpu_busy, "cpu_seconds": value.cpu,
                "wire": vars(value.wire)}

    def latency(value: Latency | None) -> dict[str, float] | None:
        return None if value is None else {"median_ms": value.median_ms,
                                            "p95_ms": value.p95_ms}

    return {"database": fig.kind, "push": timed(fig.push), "push_raw": timed(fig.push_raw),
            "push_static": timed(fig.push_static),
            "pull": {limit: timed(value) for limit, value in fig.pulls.items()},
            "pull_static": {limit: timed(value) for limit, value in fig.pulls_static.items()},
            "pull_raw": {limit: timed(value) for limit, value in fig.pulls_raw.items()},
            "pull_after_analyze": timed(fig.pull_analyzed),
            "pull_after_analyze_raw": timed(fig.pull_analyzed_raw),
            "idle": latency(fig.idle), "idle_push": latency(fig.idle_push),
            "idle_static": latency(fig.idle_static),
            "idle_push_static": latency(fig.idle_push_static),
            "concurrent": {workers: timed(value) for workers, value in fig.concurrent.items()}}


if __name__ == "__main__":
    sys.exit(main())
