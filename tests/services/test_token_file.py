"""The owner-only token file for machines without a keyring (``--token-file``)."""

from __future__ import annotations

import stat

import pytest

from channeldesk.services.token_file import TokenFile, TokenFileError

URL, EMAIL = "https://sync.example", "sam@vendor.example"


def test_a_token_is_kept_readable_only_by_its_owner_and_given_back(tmp_path):
    vault = TokenFile(tmp_path / "token.json")
    saved = vault.save_token(URL, EMAIL, "secret-1", "db-a")
    assert saved.secure and str(vault.path) in saved.backend
    assert stat.S_IMODE(vault.path.stat().st_mode) == 0o600
    vault.save_token(URL, EMAIL, "secret-2", "db-b")  # a second database, same file
    assert vault.load_token(URL, EMAIL, "db-a") == "secret-1"
    assert vault.load_token(URL, EMAIL, "db-b") == "secret-2"
    assert [p.name for p in tmp_path.iterdir()] == ["token.json"]  # no temporary left


def test_deleting_the_last_token_removes_the_file(tmp_path):
    vault = TokenFile(tmp_path / "token.json")
    vault.save_token(URL, EMAIL, "secret")
    vault.delete_token(URL, EMAIL, "other")  # not there: nothing changes
    assert vault.load_token(URL, EMAIL) == "secret"
    vault.delete_token(URL, EMAIL)
    assert not vault.path.exists() and vault.load_token(URL, EMAIL) is None


def test_a_file_others_can_read_is_refused_with_what_to_do(tmp_path):
    vault = TokenFile(tmp_path / "token.json")
    vault.save_token(URL, EMAIL, "secret")
    vault.path.chmod(0o644)
    with pytest.raises(TokenFileError, match="chmod 600"):
        vault.load_token(URL, EMAIL)
    with pytest.raises(TokenFileError, match="chmod 600"):
        vault.save_token(URL, EMAIL, "another")


def test_a_missing_folder_or_a_folder_as_file_is_refused(tmp_path):
    with pytest.raises(TokenFileError, match="does not exist"):
        TokenFile(tmp_path / "nowhere" / "token.json").save_token(URL, EMAIL, "x")
    (tmp_path / "dir").mkdir()
    with pytest.raises(TokenFileError, match="not a regular file"):
        TokenFile(tmp_path / "dir").load_token(URL, EMAIL)


def test_a_read_only_folder_is_a_clear_error_not_an_unexpected_one(read_only_folder):
    vault = TokenFile(read_only_folder / "token.json")
    with pytest.raises(TokenFileError, match=r"cannot be written .*--token-file"):
        vault.save_token(URL, EMAIL, "secret")
    assert not (read_only_folder / "token.json").exists()
    assert not [p for p in read_only_folder.iterdir() if p.name.startswith(".channeldesk")]
