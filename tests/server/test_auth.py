"""Logging in and out, tokens, revocation and the login rate limit."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import threading

import pytest

from channeldesk.server import accounts, passwords
from channeldesk.server.models import Device, LoginFailure, User

from .conftest import PASSWORD
from .wire import change, new_id, push

# Abstract rows ("plan", "x", "target"): the protocol's mechanics, not the value checks.
pytestmark = pytest.mark.usefixtures("unchecked_values")

AUTHENTICATED = [
    ("post", "/v1/logout", None),
    ("post", "/v1/push", {"batch_id": new_id(), "device_id": new_id(), "changes": []}),
    ("get", "/v1/changes?since=0", None),
    ("get", "/v1/snapshot", None),
    ("get", "/v1/devices", None),
    ("put", "/v1/blobs/" + hashlib.sha256(b"x").hexdigest(), b"x"),
    ("get", "/v1/blobs/" + hashlib.sha256(b"x").hexdigest(), None),
    ("head", "/v1/blobs/" + hashlib.sha256(b"x").hexdigest(), None),
]


def _call(client, method: str, path: str, body, headers=None):
    kwargs = {"headers": headers or {}}
    if isinstance(body, bytes):
        kwargs["content"] = body
    elif body is not None:
        kwargs["json"] = body
    return client.request(method.upper(), path, **kwargs)


def _login(client, email: str, password: str, **extra):
    return client.post("/v1/login", json={"email": email, "password": password,
                                          "device_name": "test"}, **extra)


@pytest.mark.parametrize(("method", "path", "body"), AUTHENTICATED)
@pytest.mark.parametrize("auth", [None, "Bearer not-a-token", "Basic abc", "Bearer "])
def test_every_endpoint_needs_a_valid_token(client, alice, method, path, body, auth):
    headers = {"Authorization": auth} if auth else {}
    response = _call(client, method, path, body, headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    if method != "head":
        assert response.json()["error"] == "unauthorized"


def test_health_and_openapi_need_no_token(client):
    assert client.get("/v1/health").json()["status"] == "ok"
    assert client.get("/openapi.json").status_code == 200


def test_login_gives_a_token_that_works_and_is_stored_only_as_a_hash(client, server_app,
                                                                       alice):
    assert alice.team == "Acme Channel"
    assert len(alice.device_id) == 32
    assert client.get("/v1/changes", headers=alice.headers).status_code == 200
    with server_app.state.storage.session():
        device = Device.get_by_id(alice.device_id)
        assert device.token_hash == hashlib.sha256(alice.token.encode()).hexdigest()
        assert device.name == "laptop"
        stored = [str(value) for row in Device.select().tuples() for value in row]
    assert not any(alice.token in value for value in stored)


def test_email_is_case_insensitive_and_each_login_is_a_new_device(client, login, alice):
    again = login(alice.team, "  ALICE@acme.example ", create=False)
    assert again.device_id != alice.device_id
    assert again.token != alice.token
    assert client.get("/v1/changes", headers=alice.headers).status_code == 200


def test_password_hash_format_and_verification(server_app, alice):
    with server_app.state.storage.session():
        stored = User.get(User.email == alice.email).password_hash
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**14), "8", "1")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(key)) == 32
    assert PASSWORD not in stored
    assert passwords.verify_password(PASSWORD, stored)
    assert not passwords.verify_password(PASSWORD + "x", stored)
    assert not passwords.verify_password(PASSWORD, "scrypt$garbage")
    assert passwords.hash_password(PASSWORD) != stored  # salted


@pytest.mark.parametrize(("email", "password"), [
    ("alice@acme.example", "wrong password"),
    ("nobody@acme.example", PASSWORD),
])
def test_wrong_password_or_unknown_email_is_401_without_saying_which(client, alice, email,
                                                                     password):
    response = _login(client, email, password)
    assert response.status_code == 401
    assert response.json() == {"error": "login_failed", "detail": "Wrong email or password."}


def test_logout_revokes_only_the_calling_device(client, login, alice):
    other = login(alice.team, alice.email, create=False)
    response = client.post("/v1/logout", headers=alice.headers)
    assert response.status_code == 200
    assert response.json() == {"device_id": alice.device_id, "revoked": True}
    assert client.get("/v1/changes", headers=alice.headers).status_code == 401
    assert client.post("/v1/logout", headers=alice.headers).status_code == 401
    assert client.get("/v1/changes", headers=other.headers).status_code == 200


def test_revoked_device_cannot_push(client, server_app, alice):
    with server_app.state.storage.session():
        accounts.revoke_device(alice.device_id)
    response = client.post("/v1/push", headers=alice.headers, json={
        "batch_id": new_id(), "device_id": alice.device_id,
        "changes": [change("partner", "p1", "name", "x")]})
    assert response.status_code == 401


def test_reset_password_revokes_devices_and_old_password(client, server_app, login, alice):
    with server_app.state.storage.session():
        assert accounts.reset_password(alice.email, "a brand new secret") == 1
    assert client.get("/v1/changes", headers=alice.headers).status_code == 401
    assert _login(client, alice.email, PASSWORD).status_code == 401
    assert _login(client, alice.email, "a brand new secret").status_code == 200


def test_rate_limit_after_ten_failures_per_email(client, alice):
    for _ in range(10):
        assert _login(client, alice.email, "wrong").status_code == 401
    limited = _login(client, alice.email, PASSWORD)  # even the right password waits
    assert limited.status_code == 429
    assert limited.json()["error"] == "rate_limited"
    assert 1 <= int(limited.headers["retry-after"]) <= 15 * 60


def test_failures_of_others_behind_one_address_do_not_lock_out_an_account(client, alice,
                                                                          monkeypatch):
    """An office NAT: ten failed logins of other people from the same address leave
    alice's login alone; spraying many accounts from one address is still limited."""
    for number in range(10):
        assert _login(client, f"guess{number}@acme.example", "x").status_code == 401
    assert _login(client, alice.email, PASSWORD).status_code == 200
    monkeypatch.setattr(accounts, "ADDRESS_MAX_FAILURES", 20)
    for number in range(10, 20):
        assert _login(client, f"guess{number}@acme.example", "x").status_code == 401
    assert _login(client, alice.email, PASSWORD).status_code == 429


def test_concurrent_wrong_passwords_are_counted_before_they_are_checked(server_app,
                                                                       alice):
    """60 wrong passwords at once: exactly the 10 allowed are checked, the rest wait
    (the count used to be read before any of them was written: 40 got checked)."""
    storage = server_app.state.storage
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(30)

    def attempt(number: int) -> None:
        if number < 30:
            start.wait()
        try:
            with storage.session():
                accounts.login(alice.email, f"wrong {number}", "x", f"10.1.0.{number}")
            outcome = "accepted"
        except accounts.LoginRefusedError:
            outcome = "checked"
        except accounts.LoginRateLimitedError:
            outcome = "limited"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("checked") == 10
    assert outcomes.count("limited") == 50


def test_failures_expire_after_the_window_and_success_clears_them(client, server_app,
                                                                  alice):
    storage = server_app.state.storage
    for _ in range(9):
        assert _login(client, alice.email, "wrong").status_code == 401
    assert _login(client, alice.email, PASSWORD).status_code == 200
    with storage.session():
        assert LoginFailure.select().where(LoginFailure.email == alice.email).count() == 0
        # Failures older than 15 minutes no longer count.
        old = accounts.utc_now() - dt.timedelta(minutes=16)
        for _ in range(20):
            LoginFailure.create(email=alice.email, ip="10.0.0.9", at=old)
    assert _login(client, alice.email, PASSWORD).status_code == 200


def test_retry_after_counts_down_from_the_oldest_failure_that_must_expire(server_app,
                                                                          alice):
    storage = server_app.state.storage
    now = accounts.utc_now()
    with storage.session():
        for minutes_ago in range(10):
            LoginFailure.create(email=alice.email, ip="10.0.0.1",
                                at=now - dt.timedelta(minutes=minutes_ago))
        with pytest.raises(accounts.LoginRateLimitedError) as limited:
            accounts.login(alice.email, PASSWORD, "x", "10.0.0.2", now=now)
    assert limited.value.retry_after == 6 * 60  # the 9-minute-old one expires first


def test_push_for_another_device_id_is_refused(client, alice, carol):
    response = client.post("/v1/push", headers=alice.headers, json={
        "batch_id": new_id(), "device_id": carol.device_id,
        "changes": [change("partner", "p1", "name", "x")]})
    assert response.status_code == 403
    assert response.json()["error"] == "wrong_device"
    assert push(client, alice)["results"] == []


def test_devices_lists_the_team_with_emails_and_revocations(client, alice, carol, bob,
                                                            login):
    spare = login("Acme Channel", "alice@acme.example", device_name="tablet", create=False)
    assert client.post("/v1/logout", headers=spare.headers).status_code == 200
    response = client.get("/v1/devices", headers=alice.headers)
    assert response.status_code == 200
    devices = {d["device_id"]: d for d in response.json()["devices"]}
    assert set(devices) == {alice.device_id, carol.device_id, spare.device_id}  # not bob's
    assert devices[carol.device_id] == {"device_id": carol.device_id, "device_name": "laptop",
                                        "user_email": "carol@acme.example", "revoked": False}
    assert devices[spare.device_id]["revoked"] is True
    assert client.get("/v1/devices", headers=bob.headers).json()["devices"] == [
        {"device_id": bob.device_id, "device_name": "laptop",
         "user_email": "bob@globex.example", "revoked": False}]
