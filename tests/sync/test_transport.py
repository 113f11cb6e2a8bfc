"""HttpTransport over real sockets: every way a server can fail maps to one exception,
and the engine changes nothing when the answers are nonsense."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from channeldesk.store import open_store
from channeldesk.sync import state
from channeldesk.sync.engine import SyncEngine
from channeldesk.sync.errors import (
    AuthExpired,
    Offline,
    RequestRefused,
    ServerError,
    ServerGone,
)
from channeldesk.sync.protocol import ChangesPage
from channeldesk.sync.transport import (
    HttpTransport,
    decode,
    json_body,
    normalize_server_url,
)

from .harness import table_hashes
from .served import free_port

SEEN: dict[str, object] = {}


def _error(code: str, detail: str, **extra) -> bytes:
    return json.dumps({"error": code, "detail": detail, **extra}).encode()


ANSWERS = {
    "/html": (200, "text/html", b"<html><body>Welcome to nginx!</body></html>"),
    "/truncated-json": (200, "application/json", b'{"changes": [], "next_s'),
    "/wrong-json": (200, "application/json", b'{"hello": "world"}'),
    "/401": (401, "application/json", _error("unauthorized", "Invalid token.")),
    "/410": (410, "application/json", _error("gone", "Too old.", epoch="e2")),
    "/409": (409, "application/json", _error("batch_id_reused", "Used before.")),
    "/503": (503, "text/html", b"<h1>Service Unavailable</h1>"),
    "/v1/snapshot": (200, "text/html", b"<html>captive portal</html>"),
}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/slow":
            time.sleep(2)
        if path == "/short":  # promises 100 bytes, sends 10, hangs up
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b'{"changes"')
            self.wfile.flush()
            self.close_connection = True
            return
        if path == "/redirect":
            self.send_response(301)
            self.send_header("Location", "https://sync.example.com/v1/changes")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, kind, body = ANSWERS.get(path, (404, "text/plain", b"no"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        SEEN["encoding"] = self.headers.get("Content-Encoding")
        SEEN["authorization"] = self.headers.get("Authorization")
        SEEN["body"] = gzip.decompress(body) if SEEN["encoding"] == "gzip" else body
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def odd_server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def get_page(url: str, path: str, **options) -> ChangesPage:
    transport = HttpTransport(url, "tok", **options)
    try:
        return decode(transport.request("GET", path), ChangesPage, "Pulling")
    finally:
        transport.close()


@pytest.mark.parametrize(("path", "error"), [
    ("/html", ServerError), ("/truncated-json", ServerError), ("/wrong-json", ServerError),
    ("/503", ServerError), ("/redirect", ServerError), ("/401", AuthExpired),
    ("/410", ServerGone), ("/409", RequestRefused), ("/short", Offline),
])
def test_each_failure_maps_to_one_exception(odd_server, path, error):
    with pytest.raises(error) as caught:
        get_page(odd_server, path)
    assert caught.value.message and "\n" not in caught.value.message


def test_details_travel_with_the_exception(odd_server):
    with pytest.raises(ServerGone) as gone:
        get_page(odd_server, "/410")
    assert gone.value.epoch == "e2"
    with pytest.raises(RequestRefused) as refused:
        get_page(odd_server, "/409")
    assert (refused.value.status, refused.value.code) == (409, "batch_id_reused")
    with pytest.raises(ServerError, match=r"redirected to https://sync\.example\.com"):
        get_page(odd_server, "/redirect")


def test_no_answer_in_time_is_offline(odd_server):
    with pytest.raises(Offline, match="no answer in time"):
        get_page(odd_server, "/slow", timeout=httpx.Timeout(0.3))


def test_a_refused_connection_is_offline():
    with pytest.raises(Offline, match="Cannot reach"):
        get_page(f"http://127.0.0.1:{free_port()}", "/v1/changes")


def test_large_bodies_are_gzipped_and_the_token_is_a_bearer_header(odd_server):
    transport = HttpTransport(odd_server, "secret")
    small = {"a": 1}
    large = {"values": ["x" * 50] * 100}
    assert transport.request("POST", "/small", json=small).status == 204
    assert SEEN["encoding"] is None and json.loads(SEEN["body"]) == small
    assert transport.request("POST", "/large", json=large).status == 204
    assert SEEN["encoding"] == "gzip" and json.loads(SEEN["body"]) == large
    assert SEEN["authorization"] == "Bearer secret"
    already = json.dumps(large)  # a body serialised by the caller goes the same way
    assert transport.request("POST", "/large", json_text=already).status == 204
    assert SEEN["encoding"] == "gzip" and SEEN["body"] == already.encode()
    encoded = json_body(already)  # encoded before it is sent (a batch built ahead)
    assert transport.request("POST", "/large", body=encoded).status == 204
    assert SEEN["encoding"] == "gzip" and SEEN["body"] == already.encode()
    assert transport.request("POST", "/small", body=json_body('{"a": 1}')).status == 204
    assert SEEN["encoding"] is None and json.loads(SEEN["body"]) == small
    transport.close()


@pytest.mark.parametrize(("given", "normal"), [
    ("https://Sync.Example.com/", "https://sync.example.com"),
    (" http://127.0.0.1:8765 ", "http://127.0.0.1:8765"),
    ("https://example.com/channeldesk/", "https://example.com/channeldesk"),
])
def test_server_addresses_are_normalised(given, normal):
    assert normalize_server_url(given) == normal


@pytest.mark.parametrize("bad", ["", "sync.example.com", "ftp://x.example", "https://",
                                 "https://x.example/?a=1"])
def test_malformed_addresses_are_refused(bad):
    with pytest.raises(ValueError):
        normalize_server_url(bad)


def test_the_engine_changes_nothing_when_a_real_server_answers_html(odd_server, tmp_path):
    store = open_store(tmp_path / "desk.sqlite3")
    try:
        before = table_hashes(store)
        conn = store.db.connection()
        engine = SyncEngine(store, HttpTransport(odd_server, "tok"), "0" * 32)
        with pytest.raises(ServerError, match="not what this version"):
            engine.sync()
        assert table_hashes(store) == before
        assert state.read_all(conn) == {}
        engine.close()
    finally:
        store.close()
