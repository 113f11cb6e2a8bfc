"""Migration 5 rebuilds the journal without the UNIQUE index on change ids."""

from __future__ import annotations

import sqlite3

from channeldesk.store import migrations, open_store
from channeldesk.store.models import Partner


def _journal(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT * FROM change ORDER BY seq").fetchall()


def _highest_seq(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'change'"
                            ).fetchone()[0]


def test_the_journal_keeps_every_entry_and_never_reuses_a_seq(tmp_path, monkeypatch):
    path = tmp_path / "db.sqlite3"
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:4])
        store = open_store(path)
        for name in ("Acme", "Globex", "Initech"):
            store.insert(Partner, {"name": name, "partner_type": "reseller",
                                   "tier": "silver", "status": "active", "region": "emea"})
        store.close()
    with sqlite3.connect(path) as conn:  # unsent edits dropped (as accepting a delete does)
        conn.execute("DELETE FROM change WHERE seq > (SELECT max(seq) - 1 FROM change)")
    before, highest = _journal(path), _highest_seq(path)
    assert highest > before[-1][0]

    store = open_store(path)
    assert store.schema_version == migrations.current_version()  # 5 and later
    assert _journal(path) == before  # same seqs, ids and values
    conn = store.db.connection()
    indexes = conn.execute("SELECT name, \"unique\" FROM pragma_index_list('change')").fetchall()
    assert indexes == [("change_row", 0)]
    partner = store.insert(Partner, {"name": "Umbrella", "partner_type": "msp",
                                     "tier": "gold", "status": "active", "region": "emea"})
    first_new = conn.execute("SELECT min(seq) FROM change WHERE row_id = ?",
                             (partner,)).fetchone()[0]
    assert first_new == highest + 1  # the journal triggers are back and no seq is reused
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()
