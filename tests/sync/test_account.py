"""Signing a database in and out; the token lives in the keyring, never in the file."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from channeldesk.services import credentials
from channeldesk.store import open_store
from channeldesk.store.models import Partner, all_models
from channeldesk.sync import account, state
from channeldesk.sync.errors import AuthExpired, LoginFailed, NotSignedIn, Offline

from .harness import PASSWORD, SERVER_URL, Client


@pytest.fixture
def alice(make_sqlite_client) -> Client:
    return make_sqlite_client("alice")


def test_sign_in_keeps_the_token_in_the_keyring_and_the_account_in_the_database(
        alice, memory_keyring):
    current = account.account(alice.store)
    assert current.server_url == SERVER_URL and current.email == "alice@acme.example"
    assert current.team == "Acme Channel" and current.signed_in
    [(service, username)] = memory_keyring.secrets
    assert service == "ChannelDesk"
    assert username == f"{SERVER_URL}|alice@acme.example|{alice.store.device_id}"
    token = memory_keyring.secrets[(service, username)]
    alice.store.close()
    for path in (p for p in alice.path.parent.glob("*") if p.is_file()):
        assert token.encode() not in path.read_bytes(), path
    alice.store = open_store(alice.path)


def test_a_wrong_password_is_login_failed(alice):
    with pytest.raises(LoginFailed, match="Wrong email or password"):
        account.sign_in(alice.store, SERVER_URL, alice.email, "not it", "laptop",
                        tokens=credentials, transport_factory=alice._factory)


def test_a_malformed_address_or_email_is_a_value_error(alice):
    with pytest.raises(ValueError, match="server address"):
        account.sign_in(alice.store, "ftp://x", alice.email, PASSWORD, "laptop",
                        tokens=credentials)
    with pytest.raises(ValueError, match="Cannot sign in"):
        account.sign_in(alice.store, SERVER_URL, "", PASSWORD, "laptop",
                        tokens=credentials, transport_factory=alice._factory)


def test_sign_out_revokes_the_token_and_keeps_the_data(alice, memory_keyring):
    alice.add_partner("Acme")
    alice.sync()
    assert account.sign_out(alice.store, tokens=credentials,
                            transport_factory=alice._factory) is True
    assert memory_keyring.secrets == {}
    assert account.make_engine(alice.store, tokens=credentials) is None
    assert not account.account(alice.store).signed_in
    with pytest.raises(AuthExpired):  # the old engine's token no longer works
        alice.engine.sync()
    assert alice.activate() and Partner.select().count() == 1
    cursor = state.get_int(alice.store.db.connection(), state.CURSOR)
    result = alice.sign_in()  # the same server and team: the history is kept
    assert not result.history_reset
    assert state.get_int(alice.store.db.connection(), state.CURSOR) == cursor
    assert alice.sync().pulled == 0


def test_sign_out_offline_still_forgets_the_token(alice, memory_keyring):
    def unreachable(url, token):
        transport = alice._factory(url, token)
        transport.offline = True
        return transport

    assert account.sign_out(alice.store, tokens=credentials,
                            transport_factory=unreachable) is False
    assert memory_keyring.secrets == {}


def test_another_team_starts_the_history_again_and_sends_everything(alice, tmp_path):
    alice.add_partner("Acme")
    alice.sync()
    alice.server.add_user("bob@globex.example", team="Globex")
    alice.email = "bob@globex.example"
    result = alice.sign_in()
    assert result.history_reset and result.account.team == "Globex"
    conn = alice.store.db.connection()
    assert state.get(conn, state.CURSOR) is None
    assert conn.execute("SELECT count(*) FROM field_version").fetchone()[0] == 0
    assert alice.sync().pushed > 0  # the local partner now belongs to Globex too


def test_without_a_keyring_the_session_keeps_the_token(make_sqlite_client, sqlite_server,
                                                       tmp_path):
    keyring.set_keyring(fail.Keyring())  # the autouse fixture restores the memory one
    sqlite_server.add_user("dave@acme.example")
    store = open_store(tmp_path / "dave.sqlite3")
    store.db.bind(all_models())

    def factory(url, token):
        return sqlite_server.transport(token)

    try:
        result = account.sign_in(store, SERVER_URL, "dave@acme.example", PASSWORD, "cli",
                                 tokens=credentials, transport_factory=factory)
        assert not result.secure and "no secure keyring" in result.keyring_note
        engine = account.make_engine(store, tokens=credentials, transport_factory=factory)
        assert engine is not None and engine.sync().cancelled is False
        credentials._session_tokens.clear()  # a new process: the token is gone
        with pytest.raises(NotSignedIn, match="sign in again"):
            account.require_engine(store, tokens=credentials, transport_factory=factory)
    finally:
        credentials._session_tokens.clear()
        store.close()


def test_an_unreachable_server_at_sign_in_is_offline(alice):
    with pytest.raises(Offline):
        account.sign_in(alice.store, "http://127.0.0.1:9", alice.email, PASSWORD, "laptop",
                        tokens=credentials)


def test_sign_out_after_an_admin_revoked_the_device_says_the_server_answered(
        alice, memory_keyring):
    from channeldesk.server import accounts

    with alice.server.storage.session():
        accounts.revoke_device(account.account(alice.store).device_id)
    outcome = account.sign_out_outcome(alice.store, tokens=credentials,
                                       transport_factory=alice._factory)
    assert outcome is account.SignedOut.ALREADY_REVOKED and outcome.confirmed
    assert "could not be reached" not in outcome
    assert memory_keyring.secrets == {} and not account.account(alice.store).signed_in
