"""Fuzz the API from its own OpenAPI document (schemathesis), on each server database.

Every operation of ``/openapi.json`` is called with requests generated from the document
(valid ones, and ones that break it), through the real app in-process (ASGI), with the
bearer token of a really logged-in device, so the endpoints are exercised past 401. Each
answer must not be a 5xx, must have a status code the document declares for the
operation, a declared content type, and headers and a body that match the declared
schema.

Some constraints the server enforces are not in the document (ids are UUIDs, ``hlc`` is
a clock stamp), so pushes generated from the document alone would all stop at 422. The
valid-mode pushes therefore get real ids, a real clock stamp and the token's device
before they are sent, derived from the generated values so that runs stay reproducible;
tables, rows, fields, values and ``base_seq`` stay as generated, so the conflict logic
sees arbitrary input.

Bounded for CI: ``MAX_EXAMPLES`` generated requests per operation (plus schemathesis'
deterministic coverage cases), derandomized Hypothesis without an example database, no
deadline, and no shrinking (a failure is reported as found, so a failing run stays as
short as a passing one).

What the generator rarely or never produces is sent on purpose by
:func:`test_odd_text_gets_a_declared_answer`, with the same two demands (no 5xx, a
declared status): NUL, which PostgreSQL text cannot hold, and lone UTF-16 surrogates,
which JSON escapes can carry but UTF-8 cannot encode, in every text that reaches the
database; bodies that are not UTF-8 or not the gzip they claim to be.
"""

from __future__ import annotations

import base64
import hashlib
import json
import warnings
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.transport.serialization import Binary

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from channeldesk.server import accounts
from channeldesk.server.pull import encode_cursor

from .wire import Account, change, hlc, new_id, push

BLOB = b"%PDF-1.4 partner agreement, signed\n"
BLOB_SHA256 = hashlib.sha256(BLOB).hexdigest()

MAX_EXAMPLES = 50
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(server_app: FastAPI, client: TestClient, alice: Account):
    """The app's own OpenAPI document, loaded through the app (ASGI); alice's team
    already holds a few changes, so pulls and snapshots have rows to return and pushes
    can conflict."""
    push(client, alice, change("partner", "p1", "name", "Nordwind GmbH"),
         change("partner", "p1", "tier", 2), change("partner", "p2", "deleted", 1),
         change("activity", "a1", "note", None), change("partner", "p3", "score", 1.5))
    uploaded = client.put(f"/v1/blobs/{BLOB_SHA256}", content=BLOB, headers=alice.headers)
    assert uploaded.status_code == 201, uploaded.text
    return schemathesis.openapi.from_asgi("/openapi.json", server_app)


@pytest.fixture
def fresh_token(server_app: FastAPI, alice: Account):
    """A new device token of alice's, for logout (which revokes the token it is sent
    with). Logged in directly, not through the API, so the fuzzed failed logins (which
    rate-limit the test client's address) cannot lock it out."""
    storage = server_app.state.storage

    def make() -> str:
        with storage.session():
            return accounts.login(alice.email, alice.password, "fuzz", "fuzz-setup").token

    return make


def _hex(value: Any) -> str:
    """32 hex digits derived from a generated value (equal values give equal ids)."""
    return hashlib.sha256(repr(value).encode()).hexdigest()[:32]


def _odd(value: Any) -> bool:
    """A reproducible coin toss on a generated value."""
    return int(_hex(value)[0], 16) % 2 == 1


def _stamp(value: Any) -> str:
    """A valid clock stamp whose device part is the generated text (any characters but
    '-'), so odd text still reaches the database."""
    device = value.replace("-", "")[:80] if isinstance(value, str) else ""
    return f"{_hex(value)[:16]}-{device or 'fuzz'}"


def _as_bytes(body: Any) -> bytes | None:
    """The bytes schemathesis sends for a binary body (None when it sends none)."""
    if isinstance(body, Binary):  # a str subclass wrapping the bytes
        return body.data
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return None


def make_push_valid(body: dict[str, Any], account: Account) -> None:
    """Real ids, clock stamps and the token's device for a generated push."""
    body["batch_id"] = _hex(body)  # a new batch for new content, a replay for the same
    body["device_id"] = account.device_id
    for item in body.get("changes") or []:
        if isinstance(item, dict):
            item["change_id"] = _hex(item)
            item["hlc"] = _stamp(item.get("hlc"))


def make_valid(case, account: Account) -> None:
    """Take a valid-mode request past the checks the document cannot express.

    Pushes get real ids and clock stamps; uploads are named by their content's hash;
    about half of the downloads ask for the blob the team has; about half of the
    snapshot cursors are well-formed, with the generated text as the key they resume
    after.
    """
    method = case.method.upper()
    if case.path == "/v1/push" and isinstance(case.body, dict):
        make_push_valid(case.body, account)
    elif case.path.startswith("/v1/blobs/") and isinstance(case.path_parameters, dict):
        body = _as_bytes(case.body)
        if method == "PUT" and body is not None:
            case.path_parameters["sha256"] = hashlib.sha256(body).hexdigest()
        elif method in ("GET", "HEAD") and _odd(case.path_parameters.get("sha256")):
            case.path_parameters["sha256"] = BLOB_SHA256
    elif case.path == "/v1/snapshot" and isinstance(case.query, dict):
        text = case.query.get("cursor")
        if isinstance(text, str) and _odd(text):
            case.query["cursor"] = encode_cursor(len(text), (text, text[::-1], text[:8]))


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_api_matches_its_openapi_document(case, alice: Account, fresh_token) -> None:
    token = fresh_token() if case.path.endswith("/logout") else alice.token
    positive = case.meta is None or case.meta.generation.mode.is_positive
    if positive:
        make_valid(case, alice)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


# -- odd text, on purpose ----------------------------------------------------------------------

STAMP = "0192f3a4b5c60000-"  # a clock stamp without its device part
NUL = "\\u0000"  # JSON escapes: a lone surrogate cannot even be put in a Python request
SURROGATE = "\\ud800"


def _cursor_text(key: str) -> str:
    """A snapshot cursor (JSON, base64url) whose table part is ``key`` (a JSON string
    body, escapes allowed)."""
    text = f'[0,"{key}","r1","name"]'.encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


def _push_body(account: Account, *, hlc_text: str | None = None,
               value_json: str = '"x"') -> str:
    item = {"change_id": new_id(), "table": "partner", "row_id": "p1", "field": "name",
            "value": "@VALUE@", "hlc": "@HLC@", "base_seq": 0}
    body = json.dumps({"batch_id": new_id(), "device_id": account.device_id,
                       "changes": [item]})
    return (body.replace('"@VALUE@"', value_json)
            .replace('"@HLC@"', f'"{hlc_text}"' if hlc_text else json.dumps(hlc())))


def _login_body(account: Account, *, email: str | None = None,
                device_name: str = "laptop") -> str:
    return (f'{{"email": "{email or account.email}", "password": "{account.password}", '
            f'"device_name": "{device_name}"}}')


GZIP = {"Content-Encoding": "gzip"}
# name: (method, target, body (JSON text, bytes, or made from alice's account), with
# alice's token, extra headers)
ODD_REQUESTS: dict[str, tuple[str, str, Any, bool, dict[str, str]]] = {
    "login-email-nul": ("POST", "/v1/login",
                        lambda a: _login_body(a, email=f"alice{NUL}@acme.example"), False, {}),
    "login-device-name-nul": ("POST", "/v1/login",
                              lambda a: _login_body(a, device_name=f"lap{NUL}top"), False, {}),
    "login-body-not-utf8": ("POST", "/v1/login", b'{"email": "\xff\xfe"}', False, {}),
    "login-body-bad-gzip": ("POST", "/v1/login", b"not gzip", False, GZIP),
    "push-body-not-utf8": ("POST", "/v1/push", b'{"batch_id": "\xff\xfe"}', True, {}),
    "push-body-bad-gzip": ("POST", "/v1/push", b"not gzip", True, GZIP),
    "push-hlc-nul": ("POST", "/v1/push", lambda a: _push_body(a, hlc_text=f"{STAMP}d{NUL}"),
                     True, {}),
    "push-hlc-surrogate": ("POST", "/v1/push",
                           lambda a: _push_body(a, hlc_text=f"{STAMP}d{SURROGATE}"), True,
                           {}),
    "push-value-nul": ("POST", "/v1/push", lambda a: _push_body(a, value_json=f'"a{NUL}"'),
                       True, {}),
    "push-value-surrogate": ("POST", "/v1/push",
                             lambda a: _push_body(a, value_json=f'"a{SURROGATE}"'), True, {}),
    "snapshot-cursor-nul": ("GET", f"/v1/snapshot?cursor={_cursor_text('part' + NUL)}",
                            None, True, {}),
    "snapshot-cursor-surrogate": ("GET", f"/v1/snapshot?cursor={_cursor_text(SURROGATE)}",
                                  None, True, {}),
}


@pytest.mark.parametrize("name", sorted(ODD_REQUESTS))
def test_odd_text_gets_a_declared_answer(name: str, server_app: FastAPI,
                                         alice: Account) -> None:
    """Never a 5xx, and a status code the OpenAPI document declares for the operation."""
    method, target, body, with_token, extra_headers = ODD_REQUESTS[name]
    if callable(body):
        body = body(alice)
    if isinstance(body, str):
        body = body.encode()
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if with_token:
        headers.update(alice.headers)
    headers.update(extra_headers)
    client = TestClient(server_app, raise_server_exceptions=False)
    response = client.request(method, target, content=body, headers=headers)
    path = target.split("?")[0]
    declared = {int(code) for code in
                server_app.openapi()["paths"][path][method.lower()]["responses"]}
    assert response.status_code < 500, f"{name}: {response.status_code} {response.text}"
    assert response.status_code in declared, (
        f"{name}: {response.status_code} is not declared for {method} {path} "
        f"({sorted(declared)}): {response.text}")
