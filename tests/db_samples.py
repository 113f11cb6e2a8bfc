"""Database files for tests, made through the real store."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path

from channeldesk.store import open_store
from channeldesk.store.models import Partner


def make_database(path: Path, partners: int = 1) -> Path:
    """A closed ChannelDesk database holding ``partners`` partners."""
    store = open_store(path)
    with store.transaction():
        for number in range(partners):
            store.insert(Partner, {
                "name": f"Partner {number}", "partner_type": "msp", "tier": "gold",
                "status": "active", "region": "emea", "internal_notes": "x" * 40,
            })
    store.close()
    return path


def corrupt(folder: Path) -> Path:
    """A database whose partner table pages (not free or journal pages) are overwritten."""
    path = make_database(folder / "corrupt.sqlite3", partners=400)
    reader = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    page_size = reader.execute("PRAGMA page_size").fetchone()[0]
    pages = [row[0] for row in reader.execute(
        "SELECT pageno FROM dbstat WHERE name = 'partner' ORDER BY pageno")]
    reader.close()
    with path.open("r+b") as handle:
        for page in pages[len(pages) // 2:len(pages) // 2 + 2]:
            handle.seek((page - 1) * page_size)
            handle.write(b"\xde\xad\xbe\xef" * (page_size // 4))
    return path


def text_file(folder: Path) -> Path:
    path = folder / "notes.sqlite3"
    path.write_text("Partner list\nAcme, Gold\n")
    return path


def newer_schema(folder: Path) -> Path:
    path = make_database(folder / "future.sqlite3")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_version VALUES (999, 'from the future', 'x')")
    conn.close()
    return path


def missing_folder(folder: Path) -> Path:
    return folder / "no-such-folder" / "channeldesk.sqlite3"


class HeldLock(AbstractContextManager):
    """Another program holding an exclusive lock on the file for the test's duration."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self):
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        self.conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("UPDATE local_meta SET value = value")
        return self

    def __exit__(self, *exc) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()
