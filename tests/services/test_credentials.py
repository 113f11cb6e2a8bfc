"""The sync token in the keyring; where there is none, in memory for the session only."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.errors import KeyringError, PasswordDeleteError

from channeldesk.services import credentials

URL = "https://sync.example.com"
EMAIL = "alice@acme.example"


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class LockedKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service, username):
        raise KeyringError("the keyring is locked")

    def set_password(self, service, username, password):
        raise KeyringError("the keyring is locked")

    def delete_password(self, service, username):
        raise KeyringError("the keyring is locked")


class ForgetfulKeyring(MemoryKeyring):
    def set_password(self, service, username, password):
        return None


@pytest.fixture
def use_backend() -> Iterator:
    """Install a backend for one test; the previous one and an empty session after."""
    previous = keyring.get_keyring()

    def install(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(previous)
    credentials._session_tokens.clear()


def test_a_token_is_kept_in_the_keyring(use_backend):
    backend = use_backend(MemoryKeyring())
    saved = credentials.save_token(URL, EMAIL, "secret-token")
    assert saved.secure and saved.reason is None
    assert backend.secrets == {("ChannelDesk", f"{URL}|{EMAIL}"): "secret-token"}
    assert credentials._session_tokens == {}
    assert credentials.load_token(URL, EMAIL) == "secret-token"
    credentials.delete_token(URL, EMAIL)
    assert backend.secrets == {}
    assert credentials.load_token(URL, EMAIL) is None
    credentials.delete_token(URL, EMAIL)  # deleting what is not there is fine


def test_profiles_keep_separate_tokens(use_backend):
    backend = use_backend(MemoryKeyring())
    credentials.save_token(URL, EMAIL, "for-db-1", profile="aaaa")
    credentials.save_token(URL, EMAIL, "for-db-2", profile="bbbb")
    assert credentials.load_token(URL, EMAIL, "aaaa") == "for-db-1"
    assert credentials.load_token(URL, EMAIL, "bbbb") == "for-db-2"
    assert ("ChannelDesk", f"{URL}|{EMAIL}|aaaa") in backend.secrets


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring(), LockedKeyring(),
                                     ForgetfulKeyring()],
                         ids=["fail", "null", "raises", "forgets"])
def test_without_a_secure_keyring_the_token_lasts_for_the_session(use_backend, backend):
    use_backend(backend)
    saved = credentials.save_token(URL, EMAIL, "secret-token")
    assert not saved.secure and saved.reason
    assert credentials.load_token(URL, EMAIL) == "secret-token"
    credentials.delete_token(URL, EMAIL)
    assert credentials.load_token(URL, EMAIL) is None


def test_the_fail_backend_is_named_in_the_reason(use_backend):
    use_backend(fail.Keyring())
    saved = credentials.save_token(URL, EMAIL, "t")
    assert "no secure keyring" in saved.reason
    assert saved.backend == "keyring.backends.fail.Keyring"
    status = credentials.keyring_status()
    assert not status.secure and "no secure keyring" in status.reason


def test_a_keyring_error_is_reported_not_raised(use_backend):
    use_backend(LockedKeyring())
    saved = credentials.save_token(URL, EMAIL, "t")
    assert "KeyringError" in saved.reason and "locked" in saved.reason
    assert credentials.load_token("https://other.example", EMAIL) is None


def test_status_of_a_working_keyring(use_backend):
    use_backend(MemoryKeyring())
    status = credentials.keyring_status()
    assert status.secure and status.backend.endswith("MemoryKeyring")


def test_a_session_token_gives_way_to_the_keyring_once_it_works(use_backend):
    use_backend(LockedKeyring())
    credentials.save_token(URL, EMAIL, "old")
    backend = use_backend(MemoryKeyring())
    assert credentials.save_token(URL, EMAIL, "new").secure
    assert credentials._session_tokens == {}
    assert credentials.load_token(URL, EMAIL) == "new"
    assert backend.secrets
