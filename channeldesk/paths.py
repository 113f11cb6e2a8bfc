"""Where ChannelDesk keeps its database and its log, per user and per platform.

The locations come from platformdirs so that each OS gets its usual place (XDG folders on
Linux, ``AppData`` on Windows, ``Library`` on macOS). A database can be named explicitly
with ``--db PATH`` or the ``CHANNELDESK_DB`` environment variable, in that order.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "ChannelDesk"
DB_FILE_NAME = "channeldesk.sqlite3"
LOG_FILE_NAME = "channeldesk.log"
DB_ENV_VAR = "CHANNELDESK_DB"


def data_dir() -> Path:
    """The per-user folder that holds the default database (not created here)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """The database used when the user names none."""
    return data_dir() / DB_FILE_NAME


def cache_dir() -> Path:
    """The per-user folder for what can be rebuilt at any time (not created here)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """The per-user folder for log files (not created here)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def log_file_path() -> Path:
    """The log file that receives tracebacks, so users see one clear line instead."""
    return log_dir() / LOG_FILE_NAME


def resolve_db_path(cli_value: str | None) -> tuple[Path, bool]:
    """The database to use and whether it is the default one.

    ``--db`` wins over ``CHANNELDESK_DB``, which wins over the default. The default folder
    is created because a first run must just work; an explicit path's folder is not, since
    a missing folder there is more likely a typo that the user should hear about.
    """
    explicit = cli_value or os.environ.get(DB_ENV_VAR, "").strip()
    if explicit:
        return Path(explicit).expanduser().absolute(), False
    path = default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path, True
