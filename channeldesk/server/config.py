"""What a server process needs to know: its database, its data folder and its limits.

The defaults give a working server with no configuration at all: a SQLite file and the
blob folder in the platform's data folder for "ChannelDesk Server". Worker processes
started by uvicorn cannot receive a Python object, so the configuration also travels in
environment variables (:meth:`ServerConfig.to_environment` / :meth:`from_environment`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

from channeldesk.server.storage import sqlite_url

APP_DIR_NAME = "ChannelDesk Server"
DATABASE_FILE = "channeldesk-server.sqlite3"
ENV_DATABASE = "CHANNELDESK_SERVER_DATABASE"
ENV_DATA_DIR = "CHANNELDESK_SERVER_DATA_DIR"
ENV_TEAM_BLOB_QUOTA = "CHANNELDESK_SERVER_TEAM_BLOB_QUOTA_MB"
MIB = 1024 * 1024


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def default_database_url(data_dir: Path | None = None) -> str:
    return sqlite_url((data_dir or default_data_dir()) / DATABASE_FILE)


@dataclass(frozen=True)
class ServerConfig:
    """Settings of one server; ``database_url`` None means the SQLite file in
    ``data_dir``."""

    database_url: str | None = None
    data_dir: Path | None = None
    max_json_bytes: int = 8 * MIB
    max_blob_bytes: int = 64 * MIB
    max_team_blob_bytes: int = 20 * 1024 * MIB  # every file a team has uploaded
    gzip_minimum_bytes: int = 1000

    @property
    def resolved_data_dir(self) -> Path:
        return Path(self.data_dir) if self.data_dir is not None else default_data_dir()

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or default_database_url(self.resolved_data_dir)

    @property
    def blob_dir(self) -> Path:
        return self.resolved_data_dir / "blobs"

    @property
    def upload_dir(self) -> Path:
        """Where incoming blobs are spooled until their hash is checked."""
        return self.resolved_data_dir / "incoming"

    def to_environment(self) -> dict[str, str]:
        return {ENV_DATABASE: self.resolved_database_url,
                ENV_DATA_DIR: str(self.resolved_data_dir),
                ENV_TEAM_BLOB_QUOTA: str(self.max_team_blob_bytes // MIB)}

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> ServerConfig:
        environ = os.environ if environ is None else environ
        data_dir = environ.get(ENV_DATA_DIR)
        quota = environ.get(ENV_TEAM_BLOB_QUOTA, "")
        extra = {"max_team_blob_bytes": int(quota) * MIB} if quota.isdigit() else {}
        return cls(database_url=environ.get(ENV_DATABASE) or None,
                   data_dir=Path(data_dir) if data_dir else None, **extra)

    def with_changes(self, **changes) -> ServerConfig:
        return replace(self, **changes)
