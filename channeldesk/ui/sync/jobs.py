"""What the sync controller runs in its worker, and how each outcome is put into words.

Each job is a plain ``work(progress, cancel)`` function for ``ui/tasks.py``: it touches
no widget, reaches the database only through the write gate (``gated_store``), closes
its thread's connection when done, and *returns* the expected failures (offline, wrong
password…) instead of raising them — they are outcomes to show, not bugs to log with a
traceback. Anything else still raises and is logged by the task runner.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from channeldesk.store import Store
from channeldesk.sync import account
from channeldesk.sync.account import SignInResult, TokenVault, TransportFactory
from channeldesk.sync.engine import SyncReport
from channeldesk.sync.errors import (
    AuthExpired,
    LocalDataError,
    LoginFailed,
    NotSignedIn,
    Offline,
    RequestRefused,
    ServerError,
    SyncError,
)
from channeldesk.sync.protocol import API_PREFIX, Health
from channeldesk.ui.sync.gate import WriteCancelledError, WriteGate, gated_store
from channeldesk.ui.sync.status import SyncPhase

Work = Callable[[Callable[[int, int, str], None], threading.Event], Any]


class NotAChannelDeskServerError(SyncError):
    """The address answered, but not as a ChannelDesk sync server."""


def describe_failure(error: BaseException) -> tuple[SyncPhase, str, str]:
    """Phase, short headline and one-sentence reason for a failed sync."""
    message = getattr(error, "message", "") or str(error) or type(error).__name__
    if isinstance(error, Offline):
        return SyncPhase.OFFLINE, "Offline", message
    if isinstance(error, AuthExpired | NotSignedIn):
        return SyncPhase.NEEDS_SIGN_IN, "Sign in to sync", message
    if isinstance(error, LocalDataError):
        return SyncPhase.ERROR, "Sync failed: local database", message
    if isinstance(error, ServerError):
        return SyncPhase.ERROR, "Sync failed: server problem", message
    if isinstance(error, RequestRefused):
        return SyncPhase.ERROR, "Sync refused by the server", message
    return SyncPhase.ERROR, "Sync failed", message


def sign_in_message(error: BaseException) -> str:
    """What to tell the user when signing in failed."""
    if isinstance(error, LoginFailed):
        return "Wrong email or password."
    if isinstance(error, Offline):
        return f"{error.message} Check the address and your network connection."
    if isinstance(error, NotAChannelDeskServerError | RequestRefused):
        return error.message
    if isinstance(error, ServerError):
        return f"The sync server had a problem: {error.message} Try again later."
    if isinstance(error, ValueError):
        return str(error)
    return f"Signing in failed ({type(error).__name__}: {error})."


def is_channeldesk_server(transport_factory: TransportFactory, server_url: str) -> bool:
    """Whether the address answers the health check the way a ChannelDesk server does
    (tells "not our server" from "our server had a problem" after a failed sign-in)."""
    try:
        transport = transport_factory(server_url, None)
        try:
            reply = transport.request("GET", f"{API_PREFIX}/health")
        finally:
            transport.close()
        Health.model_validate_json(reply.body)
    except Exception:  # anything but a health answer: not ours
        return False
    return True


class SyncJobs:
    """The worker jobs of one database: its store, gate, token vault and transport."""

    def __init__(self, store: Store, gate: WriteGate, vault: TokenVault,
                 transport_factory: TransportFactory) -> None:
        self.store, self.gate = store, gate
        self.vault, self.transport_factory = vault, transport_factory

    def sync(self) -> Work:
        def work(progress, cancel: threading.Event) -> SyncReport | SyncError:
            try:
                engine = account.require_engine(
                    gated_store(self.store, self.gate, cancel), tokens=self.vault,
                    transport_factory=self.transport_factory)
                try:
                    return engine.sync(progress, cancel)
                finally:
                    engine.close()
            except WriteCancelledError:
                return SyncReport(cancelled=True)
            except SyncError as error:
                return error

        return work

    def sign_in(self, server_url: str, email: str, password: str, device_name: str) -> Work:
        def work(progress, cancel: threading.Event) -> SignInResult | Exception:
            try:
                return account.sign_in(gated_store(self.store, self.gate, cancel),
                                       server_url, email, password, device_name,
                                       tokens=self.vault,
                                       transport_factory=self.transport_factory)
            except ServerError as error:
                if is_channeldesk_server(self.transport_factory, server_url):
                    return error
                return NotAChannelDeskServerError(
                    f"{server_url.strip()} answered, but it is not a ChannelDesk sync "
                    "server. Check the address with whoever runs your team's server.")
            except (SyncError, ValueError) as error:
                return error

        return work

    def sign_out(self) -> Work:
        def work(progress, cancel: threading.Event) -> bool:
            return account.sign_out(gated_store(self.store, self.gate, cancel),
                                    tokens=self.vault,
                                    transport_factory=self.transport_factory)

        return work
