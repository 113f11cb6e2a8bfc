"""HTTP-level behaviour: size limits, gzip both ways, health, errors and the OpenAPI
document."""

from __future__ import annotations

import gzip
import json

import pytest

from channeldesk import __version__
from channeldesk.server.storage import database_kind
from channeldesk.sync.protocol import MAX_BATCH

from .wire import batch, change, pull_all

# Abstract rows ("plan", "x", "target"): the protocol's mechanics, not the value checks.
pytestmark = pytest.mark.usefixtures("unchecked_values")

PATHS = {
    "/v1/login": {"post"},
    "/v1/logout": {"post"},
    "/v1/devices": {"get"},
    "/v1/health": {"get"},
    "/v1/push": {"post"},
    "/v1/changes": {"get"},
    "/v1/snapshot": {"get"},
    "/v1/blobs/{sha256}": {"put", "get", "head"},
}


def _gzip_post(client, account, body: bytes, encoding: str = "gzip"):
    return client.post("/v1/push", content=body, headers=account.headers | {
        "Content-Encoding": encoding, "Content-Type": "application/json"})


def test_a_gzip_push_body_is_accepted(client, alice):
    body = batch(alice, *[change("partner", f"p{n}", "notes", "x" * 200)
                          for n in range(MAX_BATCH)])
    raw = json.dumps(body).encode()
    packed = gzip.compress(raw)
    assert len(packed) < len(raw) / 5
    response = _gzip_post(client, alice, packed)
    assert response.status_code == 200, response.text
    assert response.json()["server_seq"] == MAX_BATCH
    assert len(pull_all(client, alice)) == MAX_BATCH


def test_a_damaged_or_unknown_encoding_is_refused(client, alice):
    packed = gzip.compress(json.dumps(batch(alice, change("p", "r", "f", 1))).encode())
    assert _gzip_post(client, alice, packed[:-10]).status_code == 400
    assert _gzip_post(client, alice, b"not gzip").status_code == 400
    response = _gzip_post(client, alice, packed, encoding="br")
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"
    assert pull_all(client, alice) == []


def test_a_gzip_bomb_is_413(client, alice):
    bomb = gzip.compress(b" " * (9 * 1024 * 1024))  # ~9 KB that inflates to 9 MiB
    assert len(bomb) < 100_000
    response = _gzip_post(client, alice, bomb)
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


def test_json_bodies_over_8_mib_are_413_by_length_or_by_stream(client, alice):
    big = b'{"x": "' + b"y" * (8 * 1024 * 1024) + b'"}'
    response = client.post("/v1/push", content=big, headers=alice.headers)
    assert response.status_code == 413
    assert response.json() == {"error": "too_large",
                               "detail": "The request body is larger than 8388608 bytes."}

    def chunks():
        for _ in range(9):
            yield b"y" * (1024 * 1024)

    streamed = client.post("/v1/push", content=chunks(), headers=alice.headers)
    assert streamed.status_code == 413
    login = client.post("/v1/login", content=big)
    assert login.status_code == 413


def test_responses_are_gzipped_when_the_client_accepts_it(client, alice):
    client.post("/v1/push", json=batch(alice, *[change("partner", f"p{n}", "name", "Acme")
                                                for n in range(100)]),
                headers=alice.headers)
    packed = client.get("/v1/changes", headers=alice.headers | {"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert len(packed.json()["changes"]) == 100  # httpx inflates transparently
    plain = client.get("/v1/changes", headers=alice.headers | {"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.json() == packed.json()


def test_health(client, server_db_url):
    body = client.get("/v1/health").json()
    assert body == {"status": "ok", "version": __version__,
                    "database": database_kind(server_db_url), "schema": 1}


def test_unknown_routes_and_methods_use_the_error_shape(client, alice):
    missing = client.get("/v1/nothing", headers=alice.headers)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong = client.delete("/v1/push", headers=alice.headers)
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"
    invalid = client.post("/v1/login", content=b"{not json", headers={
        "Content-Type": "application/json"})
    assert invalid.status_code == 422 and invalid.json()["error"] == "invalid_request"


def test_validation_errors_do_not_echo_the_input(client):
    response = client.post("/v1/login", json={"email": "a@b.c", "password": "",
                                              "device_name": "x"})
    assert response.status_code == 422
    assert "input" not in json.dumps(response.json()["errors"])


def test_openapi_document_describes_every_route_and_its_errors(client):
    document = client.get("/openapi.json").json()
    paths = {path: {method for method in item if method in
                    ("get", "put", "post", "head", "delete", "patch")}
             for path, item in document["paths"].items()}
    assert paths == PATHS
    schemas = document["components"]["schemas"]
    for name in ("PushRequest", "PushResponse", "PushResult", "ChangeIn", "ChangesPage",
                 "ChangeOut", "SnapshotPage", "SnapshotRow", "LoginRequest",
                 "LoginResponse", "Health", "ErrorBody", "BlobInfo", "DevicesPage"):
        assert name in schemas, name
    assert schemas["PushRequest"]["properties"]["changes"]["maxItems"] == MAX_BATCH
    assert "HTTPBearer" in document["components"]["securitySchemes"]
    error_ref = "#/components/schemas/ErrorBody"
    expected_errors = {
        ("/v1/push", "post"): {"400", "401", "403", "409", "413", "415", "422"},
        ("/v1/changes", "get"): {"401", "410", "422"},
        ("/v1/snapshot", "get"): {"401", "422"},
        ("/v1/login", "post"): {"401", "413", "422", "429"},
        ("/v1/logout", "post"): {"401"},
        ("/v1/devices", "get"): {"401"},
        ("/v1/blobs/{sha256}", "put"): {"400", "401", "413", "422"},
        ("/v1/blobs/{sha256}", "get"): {"401", "404", "422"},
        ("/v1/blobs/{sha256}", "head"): {"401", "404", "422"},
    }
    for (path, method), statuses in expected_errors.items():
        responses = document["paths"][path][method]["responses"]
        for status in statuses:
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": error_ref}, (path, method, status)
        security = document["paths"][path][method].get("security")
        assert security == (None if path == "/v1/login" else [{"HTTPBearer": []}])
    assert "security" not in document["paths"]["/v1/health"]["get"]
    put = document["paths"]["/v1/blobs/{sha256}"]["put"]
    assert "application/octet-stream" in put["requestBody"]["content"]
    assert {"200", "201"} <= set(put["responses"])
