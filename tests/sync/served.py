"""A real ``channeldesk-server serve`` process on 127.0.0.1, and the ``channeldesk``
command as a subprocess, for the end-to-end sync tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from channeldesk.sync.transport import HttpTransport

from .harness import PASSWORD

BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_command(*args: str) -> list[str]:
    script = BIN / "channeldesk-server"
    return [str(script), *args] if script.exists() else [
        sys.executable, "-m", "channeldesk.server.cli", *args]


def channeldesk_command(*args: str) -> list[str]:
    script = BIN / "channeldesk"
    return [str(script), *args] if script.exists() else [
        sys.executable, "-m", "channeldesk", *args]


@dataclass
class RunningServer:
    url: str
    database_url: str
    data_dir: Path
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    def admin(self, *args: str, stdin: str | None = None) -> None:
        done = subprocess.run(_server_command(*args, "--database", self.database_url,
                                              "--data-dir", str(self.data_dir)),
                              input=stdin, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr

    def add_user(self, email: str, team: str = "Acme Channel") -> None:
        with contextlib.suppress(AssertionError):  # the team may exist already
            self.admin("create-team", team)
        self.admin("create-user", "--team", team, "--email", email, "--password-stdin",
                   stdin=PASSWORD + "\n")

    def transport(self, token: str | None) -> HttpTransport:
        return HttpTransport(self.url, token)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def serve(database_url: str, data_dir: Path) -> Iterator[RunningServer]:
    port = free_port()
    server = RunningServer(f"http://127.0.0.1:{port}", database_url, data_dir)
    server.admin("create-team", "Acme Channel")
    # The server's log goes to a file: a pipe nobody reads fills up after about 64 KiB
    # (a few hundred request lines) and the server then blocks on its next log line.
    data_dir.mkdir(parents=True, exist_ok=True)
    server.log_path = data_dir.parent / f"serve-{port}.log"
    with server.log_path.open("w") as log:
        server.process = subprocess.Popen(
            _server_command("serve", "--database", database_url, "--data-dir", str(data_dir),
                            "--host", "127.0.0.1", "--port", str(port)),
            stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.process.poll() is not None:
                raise AssertionError(f"serve exited: {server.log_path.read_text()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{server.url}/v1/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise AssertionError("serve did not answer within 60 s")
            time.sleep(0.1)
        yield server
    finally:
        server.stop()


def cli_environment(tmp_path: Path, keyring_backend: str = "fake_keyrings.FileKeyring"
                    ) -> dict[str, str]:
    """The environment of a desktop user whose keyring is the test's file keyring."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("CHANNELDESK_", "PYTHON_KEYRING"))}
    env.update({
        # The code under test first (a worktree beside an installed checkout), then the
        # test's keyring backends, then the outer PYTHONPATH.
        "PYTHONPATH": os.pathsep.join(filter(None, (str(HERE.parents[1]), str(HERE),
                                                    os.environ.get("PYTHONPATH")))),
        "PYTHON_KEYRING_BACKEND": keyring_backend,
        "CHANNELDESK_TEST_KEYRING": str(tmp_path / "keyring.json"),
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "home" / "data"),
        "XDG_STATE_HOME": str(tmp_path / "home" / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "home" / "cache"),
    })
    return env


def run_cli(env: dict[str, str], *args: str, stdin: str | None = None
            ) -> subprocess.CompletedProcess:
    return subprocess.run(channeldesk_command(*args), input=stdin, capture_output=True,
                          text=True, timeout=180, env=env)
