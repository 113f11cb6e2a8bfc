"""Where the sync token lives: the OS keyring, through ``keyring`` (DESIGN.md §4).

The token is never written to a file or to the database. Whichever backend keyring
picks is used as it is, including one the user chose through keyring's own
configuration (``PYTHON_KEYRING_BACKEND``, ``keyringrc.cfg``). Where there is no secure
keyring — keyring's "fail" or "null" backend, a backend that raises, or one that does
not give the token back — the token is kept in this process's memory for the session
only, and the outcome says so (``secure=False``) so the app can tell the user.

Entries are keyed by service "ChannelDesk" and username ``"<server_url>|<email>"``, plus
``"|<profile>"`` when a profile is given: the app passes the database's own device id, so
two databases signed in as the same person on one machine (two devices to the server)
do not overwrite each other's token.
The functions have the shape of ``channeldesk.sync.account.TokenVault``: pass this
module itself where a vault is wanted.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

log = logging.getLogger(__name__)

SERVICE = "ChannelDesk"
_session_tokens: dict[str, str] = {}
_session_lock = threading.Lock()


class KeyringUnavailable(Exception):  # noqa: N818 (an outcome, not a program error)
    """No secure keyring on this machine; ``str()`` says why in one line."""


@dataclass(frozen=True)
class TokenSaved:
    """Where a token went: the keyring (``secure``) or this session's memory only."""

    secure: bool
    backend: str
    reason: str | None = None


@dataclass(frozen=True)
class KeyringStatus:
    secure: bool
    backend: str
    reason: str | None = None


def account_key(server_url: str, email: str, profile: str = "") -> str:
    return f"{server_url}|{email}|{profile}" if profile else f"{server_url}|{email}"


def _name(backend: KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def _usable_backend() -> KeyringBackend:
    """The backend keyring chose, unless it cannot keep a secret."""
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        raise KeyringUnavailable(f"no secure keyring is available ({_name(backend)})")
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        raise KeyringUnavailable("no secure keyring is available (no backend found)")
    return backend


def keyring_status() -> KeyringStatus:
    """Whether a token saved now would be kept securely (for the settings dialog)."""
    try:
        backend = _usable_backend()
    except KeyringUnavailable as why:
        return KeyringStatus(False, _name(keyring.get_keyring()), str(why))
    return KeyringStatus(True, _name(backend))


def save_token(server_url: str, email: str, token: str, profile: str = "") -> TokenSaved:
    """Keep the token in the keyring, or failing that in memory for this session."""
    key = account_key(server_url, email, profile)
    try:
        backend = _usable_backend()
        keyring.set_password(SERVICE, key, token)
        if keyring.get_password(SERVICE, key) != token:
            raise KeyringUnavailable(f"the keyring ({_name(backend)}) did not keep the token")
    except Exception as error:  # any backend failure means: not kept securely
        reason = str(error) if isinstance(error, KeyringUnavailable) else (
            f"the keyring failed ({type(error).__name__}: {error})")
        log.warning("sync token kept for this session only: %s", reason)
        with _session_lock:
            _session_tokens[key] = token
        return TokenSaved(False, _name(keyring.get_keyring()), reason)
    with _session_lock:
        _session_tokens.pop(key, None)
    return TokenSaved(True, _name(backend))


def load_token(server_url: str, email: str, profile: str = "") -> str | None:
    """This session's token, else the keyring's; None when there is neither."""
    key = account_key(server_url, email, profile)
    with _session_lock:
        if key in _session_tokens:
            return _session_tokens[key]
    try:
        _usable_backend()
        return keyring.get_password(SERVICE, key)
    except Exception as error:
        log.info("no sync token from the keyring: %s", error)
        return None


def delete_token(server_url: str, email: str, profile: str = "") -> None:
    """Forget the token everywhere it may be; a token that is not there is fine."""
    key = account_key(server_url, email, profile)
    with _session_lock:
        _session_tokens.pop(key, None)
    try:
        _usable_backend()
        keyring.delete_password(SERVICE, key)
    except Exception as error:  # PasswordDeleteError when absent; a failing backend
        log.info("keyring: nothing deleted for %s: %s", key, error)
