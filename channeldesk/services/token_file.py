"""A sync token kept in a file only its owner can read, for machines without a keyring.

A server, a container or a CI runner often has no OS keyring, and the command line
cannot keep a token in memory beyond one command. Where a person asks for it explicitly
(``channeldesk login --token-file FILE``), the token goes to ``FILE``, created with mode
0600 (read and write for its owner only) and replaced atomically; a file that others can
read is refused rather than used, since someone may have copied the token already. The
file is JSON, one token per account key (as in the keyring), so one file can serve
several databases. ``TokenFile`` has the shape of ``channeldesk.sync.account.TokenVault``.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from channeldesk.services.credentials import TokenSaved, account_key

FILE_MODE = 0o600


class TokenFileError(Exception):
    """The token file cannot be used; ``str()`` says why and what to do."""


@dataclass(frozen=True)
class TokenFile:
    """Tokens in one owner-only file (see the module's docstring)."""

    path: Path

    def save_token(self, server_url: str, email: str, token: str,
                   profile: str = "") -> TokenSaved:
        """Keep ``token`` for the account, beside the other accounts' tokens in the file;
        the file is replaced whole, so a failed write leaves the previous one intact."""
        tokens = self._read()
        tokens[account_key(server_url, email, profile)] = token
        self._write(tokens)
        return TokenSaved(True, f"file {self.path}")

    def load_token(self, server_url: str, email: str, profile: str = "") -> str | None:
        """The account's token, or None when the file or the account is not there; a
        file others can read is refused (see the module's docstring)."""
        return self._read().get(account_key(server_url, email, profile))

    def delete_token(self, server_url: str, email: str, profile: str = "") -> None:
        """Forget the account's token (logout); the file goes with its last token, so
        no empty token file is left lying around."""
        tokens = self._read()
        if tokens.pop(account_key(server_url, email, profile), None) is None:
            return
        if tokens:
            self._write(tokens)
            return
        try:
            self.path.unlink(missing_ok=True)
        except OSError as error:
            raise self._unwritable(error) from error

    # -- the file ----------------------------------------------------------------------

    def _read(self) -> dict[str, str]:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return {}
        self._check_private(info)
        try:
            tokens = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise TokenFileError(f"The token file {self.path} cannot be read ({error}). "
                                 "Delete it and run channeldesk login again.") from error
        if not isinstance(tokens, dict):
            raise TokenFileError(f"{self.path} is not a ChannelDesk token file. Name another "
                                 "file with --token-file.")
        return {str(key): str(value) for key, value in tokens.items()}

    def _check_private(self, info: os.stat_result) -> None:
        if not stat.S_ISREG(info.st_mode):
            raise TokenFileError(f"{self.path} is not a regular file. Name another file with "
                                 "--token-file.")
        if sys.platform == "win32":  # NTFS permissions are not mode bits
            return
        if info.st_mode & 0o077:
            raise TokenFileError(
                f"The token file {self.path} can be read by other users (mode "
                f"{stat.S_IMODE(info.st_mode):o}), so it was not used. Run chmod 600 "
                f"{self.path}, or delete it and sign in again, since someone may have the "
                "token.")
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise TokenFileError(f"The token file {self.path} belongs to another user. Name "
                                 "a file of your own with --token-file.")

    def _write(self, tokens: dict[str, str]) -> None:
        folder = self.path.parent
        if not folder.is_dir():
            raise TokenFileError(f"The folder {folder} does not exist. Create it first or "
                                 "name another --token-file.")
        try:
            handle, temporary = tempfile.mkstemp(prefix=".channeldesk-token-", dir=folder)
        except OSError as error:  # a read-only folder, a full disk
            raise self._unwritable(error) from error
        try:
            os.chmod(temporary, FILE_MODE)  # mkstemp makes 0600 already; say it anyway
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(tokens, out, indent=1, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException as error:
            Path(temporary).unlink(missing_ok=True)
            if isinstance(error, OSError):
                raise self._unwritable(error) from error
            raise

    def _unwritable(self, error: OSError) -> TokenFileError:
        reason = error.strerror or str(error)
        return TokenFileError(
            f"The token file {self.path} cannot be written ({reason}); the previous file, "
            "if any, is unchanged. Free some space or make the folder writable, or name a "
            "file in a folder of your own with --token-file.")
