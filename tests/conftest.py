"""Fixtures shared by the test suites. Keep this small: suite-specific ones live beside
their tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from channeldesk.store import Store, open_store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's database lives: a real file in a fresh folder."""
    return tmp_path / "channeldesk.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Store:
    """A fresh, real SQLite database opened through the one write path."""
    opened = open_store(db_path)
    yield opened
    opened.close()
