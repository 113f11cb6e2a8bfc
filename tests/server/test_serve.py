"""``channeldesk-server serve`` as a real process on 127.0.0.1, spoken to over HTTP."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .test_cli import server_command
from .wire import hlc

PASSWORD = "a long secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin(url: str, data_dir: Path, *args: str, stdin: str | None = None) -> None:
    done = subprocess.run(server_command(*args, "--database", url, "--data-dir",
                                         str(data_dir)),
                          input=stdin, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


class RunningServer:
    def __init__(self, base_url: str, process: subprocess.Popen,
                 verify: ssl.SSLContext | bool = True) -> None:
        self.base_url = base_url
        self.process = process
        self.verify = verify

    def login(self, email: str) -> tuple[httpx.Client, str]:
        client = httpx.Client(base_url=self.base_url, timeout=30, verify=self.verify)
        answer = client.post("/v1/login", json={"email": email, "password": PASSWORD,
                                                "device_name": "test"})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        client.headers["Authorization"] = f"Bearer {body['token']}"
        return client, body["device_id"]


@contextlib.contextmanager
def _start(url: str, data_dir: Path, workers: int, *extra: str,
           verify: ssl.SSLContext | bool = True) -> Iterator[RunningServer]:
    _admin(url, data_dir, "create-team", "Acme")
    for email in ("alice@acme.example", "carol@acme.example"):
        _admin(url, data_dir, "create-user", "--team", "Acme", "--email", email,
               "--password-stdin", stdin=PASSWORD + "\n")
    port = _free_port()
    process = subprocess.Popen(
        server_command("serve", "--database", url, "--data-dir", str(data_dir), "--host",
                       "127.0.0.1", "--port", str(port), "--workers", str(workers),
                       *extra),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    scheme = "https" if "--tls-cert" in extra else "http"
    base_url = f"{scheme}://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"serve exited: {process.communicate()}")
            try:
                if httpx.get(f"{base_url}/v1/health", timeout=2,
                             verify=verify).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("serve did not answer within 60 s")
            time.sleep(0.1)
        yield RunningServer(base_url, process, verify)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def server(server_db_url: str, tmp_path: Path) -> Iterator[RunningServer]:
    with _start(server_db_url, tmp_path / "serve-data", workers=1) as running:
        yield running


def _change(row: str, field: str, value, base_seq: int = 0) -> dict:
    """A change of a course: its title is the one field a new course needs."""
    return {"change_id": uuid.uuid4().hex, "table": "course", "row_id": row,
            "field": field, "value": value, "hlc": hlc(), "base_seq": base_seq}


def test_serve_login_push_pull_blob_and_stop(server):
    client, device = server.login("alice@acme.example")
    health = client.get("/v1/health").json()
    assert health["status"] == "ok" and health["schema"] == 1
    body = {"batch_id": uuid.uuid4().hex, "device_id": device,
            "changes": [_change("p1", "title", "Acme"), _change("p1", "level", "expert")]}
    pushed = client.post("/v1/push", content=gzip.compress(json.dumps(body).encode()),
                         headers={"Content-Encoding": "gzip",
                                  "Content-Type": "application/json"})
    assert pushed.status_code == 200, pushed.text
    assert [r["seq"] for r in pushed.json()["results"]] == [1, 2]
    page = client.get("/v1/changes", params={"since": 0},
                      headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("content-encoding") in (None, "gzip")
    assert [c["value"] for c in page.json()["changes"]] == ["Acme", "expert"]
    data = b"%PDF-1.7 signed" * 100
    sha = hashlib.sha256(data).hexdigest()
    assert client.put(f"/v1/blobs/{sha}", content=data).status_code == 201
    assert client.get(f"/v1/blobs/{sha}").content == data
    assert client.get("/openapi.json").json()["info"]["title"] == "ChannelDesk sync server"
    assert "server" not in page.headers  # no version banner
    client.post("/v1/logout")
    assert client.get("/v1/changes").status_code == 401
    server.process.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then re-raises SIGTERM as its exit status.
    assert server.process.wait(timeout=30) in (0, -signal.SIGTERM)
    _out, err = server.process.communicate()
    assert "serving sqlite" in err or "serving postgresql" in err
    assert "stopped cleanly" in err
    token = client.headers["Authorization"].split()[1]
    assert token not in err and PASSWORD not in err
    assert device in err  # the log names devices, never tokens


@pytest.mark.slow
def test_parallel_pushes_commit_in_seq_order_and_a_puller_never_skips(server_db_url,
                                                                       tmp_path):
    """Several devices push at once to two worker processes while a puller reads: every
    page the puller sees starts right after its cursor, and no seq is ever missing."""
    pushers, batches, per_batch = 4, 8, 40
    with _start(server_db_url, tmp_path / "data", workers=2) as running:
        clients = [running.login(email) for email in
                   ["alice@acme.example", "carol@acme.example"] * (pushers // 2)]
        reader, _ = running.login("alice@acme.example")
        accepted: list[int] = []
        errors: list[str] = []
        done = threading.Event()
        lock = threading.Lock()

        def push_many(number: int) -> None:
            client, device = clients[number]
            try:
                for batch in range(batches):
                    body = {"batch_id": uuid.uuid4().hex, "device_id": device, "changes": [
                        _change(f"d{number}-b{batch}-r{n}", "title", str(n))
                        for n in range(per_batch)]}
                    answer = client.post("/v1/push", json=body)
                    if answer.status_code != 200:
                        errors.append(answer.text)
                        return
                    with lock:
                        accepted.extend(r["seq"] for r in answer.json()["results"])
            except Exception as error:  # reported by the main thread
                errors.append(repr(error))

        seen: list[int] = []

        def pull_while_pushing() -> None:
            since = 0
            while True:
                finished = done.is_set()
                page = reader.get("/v1/changes", params={"since": since, "limit": 50}).json()
                seqs = [c["seq"] for c in page["changes"]]
                if seqs != list(range(since + 1, since + 1 + len(seqs))):
                    errors.append(f"after {since} the puller saw {seqs[:5]}...")
                    return
                seen.extend(seqs)
                since = page["next_seq"]
                if finished and not page["has_more"]:
                    return

        threads = [threading.Thread(target=push_many, args=(n,)) for n in range(pushers)]
        puller = threading.Thread(target=pull_while_pushing)
        puller.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        done.set()
        puller.join(timeout=300)
        assert not errors, errors[:3]
        total = pushers * batches * per_batch
        assert sorted(accepted) == list(range(1, total + 1))
        assert seen == list(range(1, total + 1))


def test_serve_refuses_half_a_tls_pair_and_a_newer_schema(server_db_url, tmp_path):
    half = subprocess.run(server_command("serve", "--database", server_db_url, "--data-dir",
                                         str(tmp_path), "--tls-cert", str(tmp_path / "c")),
                          capture_output=True, text=True, timeout=60)
    assert half.returncode == 2 and "--tls-key" in half.stderr
    bad = subprocess.run(server_command("serve", "--database", "sqlite:///" + str(
        tmp_path / "missing" / "x.db"), "--data-dir", str(tmp_path)),
        capture_output=True, text=True, timeout=60)
    assert bad.returncode == 3 and "does not exist" in bad.stderr


def test_serve_speaks_tls_with_the_given_certificate(server_db_url, tmp_path):
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    trust = ssl.create_default_context(cafile=str(cert))
    with _start(server_db_url, tmp_path / "data", 1, "--tls-cert", str(cert),
                "--tls-key", str(key), verify=trust) as running:
        assert running.base_url.startswith("https://")
        client, _device = running.login("alice@acme.example")
        assert client.get("/v1/changes").json()["changes"] == []
        with pytest.raises(httpx.ConnectError):  # an untrusted certificate is refused
            httpx.get(f"{running.base_url}/v1/health", timeout=5)
        # An idle TLS connection would hold the server's shutdown for asyncio's 30 s
        # SSL shutdown timeout; a client that goes away closes it.
        client.close()
