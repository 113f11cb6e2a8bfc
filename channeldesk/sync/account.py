"""Signing a database in to a sync server, out again, and building its engine.

The token is kept by a *vault* passed in by the caller — in the app and the command
line, the module ``channeldesk.services.credentials`` (the OS keyring). It is passed in
rather than imported because ``services`` and ``sync`` are independent layers
(pyproject's import contract): the UI and the CLI, above both, join them.

What the database keeps (``sync_state``): the server address, the email, the team and
the device id the server gave — never the token. Signing in to another server or team
forgets the sync history (cursor, versions), so the local data is sent to the new one;
signing in again to the same one keeps it. Signing out revokes the token on the server
(best effort), removes it from the vault and forgets the device id; the data stays.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from pydantic import ValidationError

from channeldesk.store import Store
from channeldesk.sync import state
from channeldesk.sync.account_state import Account, account
from channeldesk.sync.engine import SyncEngine
from channeldesk.sync.errors import LoginFailed, NotSignedIn, SyncError
from channeldesk.sync.protocol import API_PREFIX, LoginRequest, LoginResponse
from channeldesk.sync.transport import HttpTransport, Transport, decode, normalize_server_url


class SavedToken(Protocol):
    secure: bool
    reason: str | None


class TokenVault(Protocol):
    """Where tokens are kept; ``channeldesk.services.credentials`` is one."""

    def save_token(self, server_url: str, email: str, token: str,
                   profile: str = "") -> SavedToken: ...

    def load_token(self, server_url: str, email: str, profile: str = "") -> str | None: ...

    def delete_token(self, server_url: str, email: str, profile: str = "") -> None: ...


TransportFactory = Callable[[str, str | None], Transport]  # (server_url, token)


@dataclass(frozen=True)
class SignInResult:
    account: Account
    secure: bool  # False: no secure keyring, the token lasts for this session only
    keyring_note: str | None
    history_reset: bool  # another server or team than before: everything is sent anew


def sign_in(store: Store, server_url: str, email: str, password: str, device_name: str, *,
            tokens: TokenVault, transport_factory: TransportFactory = HttpTransport
            ) -> SignInResult:
    """Log this device in (POST /v1/login) and remember the account.

    Raises ValueError for a malformed address, email or password, LoginFailed for a
    wrong email or password, and the transport's SyncErrors otherwise.
    """
    url = normalize_server_url(server_url)
    try:
        body = LoginRequest(email=email, password=password, device_name=device_name)
    except ValidationError as error:
        raise ValueError(f"Cannot sign in: {error.errors()[0]['msg']}.") from error
    transport = transport_factory(url, None)
    try:
        reply = transport.request("POST", f"{API_PREFIX}/login", json=body.model_dump())
    finally:
        transport.close()
    if reply.status == 401:
        raise LoginFailed("Wrong email or password.")
    login = decode(reply, LoginResponse, "Signing in")
    previous = account(store)
    saved = tokens.save_token(url, login.user_email, login.token, store.device_id)
    if previous is not None and (previous.server_url, previous.email) != (url, login.user_email):
        tokens.delete_token(previous.server_url, previous.email, store.device_id)
    reset = previous is not None and (previous.server_url, previous.team) != (url, login.team)
    with _writing(store) as conn:
        if reset:
            state.forget_history(conn)
        state.put(conn, server_url=url, user_email=login.user_email, team=login.team,
                  device_id=login.device_id)
    return SignInResult(Account(url, login.user_email, login.team, login.device_id, None),
                        saved.secure, saved.reason, reset)


class SignedOut(StrEnum):
    """What the server said when a device signed out (the token is forgotten locally in
    every case)."""

    REVOKED = "the server revoked the device token"
    ALREADY_REVOKED = "the server answered that the device token was already revoked"
    REFUSED = "the server answered with an error, so the token may still work"
    UNREACHABLE = "the server could not be reached to revoke the token"
    NO_TOKEN = "no token was kept on this computer to revoke"

    @property
    def confirmed(self) -> bool:
        """True when the server confirmed the token no longer works."""
        return self in (SignedOut.REVOKED, SignedOut.ALREADY_REVOKED)


def sign_out(store: Store, *, tokens: TokenVault,
             transport_factory: TransportFactory = HttpTransport) -> bool:
    """Revoke the device token (best effort) and forget it; True when the server
    confirmed. The data and the sync history stay."""
    return sign_out_outcome(store, tokens=tokens, transport_factory=transport_factory).confirmed


def sign_out_outcome(store: Store, *, tokens: TokenVault,
                     transport_factory: TransportFactory = HttpTransport) -> SignedOut:
    """sign_out, saying what the server answered: a token revoked earlier (by an admin,
    a password reset) gets 401, which is an answer, not an unreachable server."""
    current = account(store)
    if current is None:
        return SignedOut.NO_TOKEN
    token = tokens.load_token(current.server_url, current.email, store.device_id)
    outcome = SignedOut.NO_TOKEN
    if token and current.signed_in:
        transport = transport_factory(current.server_url, token)
        try:
            status = transport.request("POST", f"{API_PREFIX}/logout").status
            outcome = (SignedOut.REVOKED if status == 200 else
                       SignedOut.ALREADY_REVOKED if status == 401 else SignedOut.REFUSED)
        except SyncError:
            outcome = SignedOut.UNREACHABLE
        finally:
            transport.close()
    tokens.delete_token(current.server_url, current.email, store.device_id)
    with _writing(store) as conn:
        state.put(conn, device_id=None)
    return outcome


def make_engine(store: Store, *, tokens: TokenVault,
                transport_factory: TransportFactory = HttpTransport,
                **options: Any) -> SyncEngine | None:
    """An engine for the signed-in account, or None (not signed in, or the token is not
    available: a session-only token from an earlier run is gone)."""
    try:
        return require_engine(store, tokens=tokens, transport_factory=transport_factory,
                              **options)
    except NotSignedIn:
        return None


def require_engine(store: Store, *, tokens: TokenVault,
                   transport_factory: TransportFactory = HttpTransport,
                   **options: Any) -> SyncEngine:
    """Like make_engine, but NotSignedIn says why there is none."""
    current = account(store)
    if current is None or not current.signed_in:
        raise NotSignedIn("This database is not signed in to a sync server.")
    token = tokens.load_token(current.server_url, current.email, store.device_id)
    if not token:
        raise NotSignedIn(f"The sign-in token for {current.email} at {current.server_url} "
                          "is not available (no secure keyring kept it); sign in again.")
    return SyncEngine(store, transport_factory(current.server_url, token),
                      current.device_id or "", **options)


@contextmanager
def _writing(store: Store) -> Iterator[sqlite3.Connection]:
    """A short write transaction on the calling thread's connection."""
    with store.db.atomic("IMMEDIATE"):
        yield store.db.connection()
