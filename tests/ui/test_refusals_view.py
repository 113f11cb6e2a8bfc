"""The Conflicts view says why the server refused a value, or why a pulled one was kept
aside (issue 11): "the server refused … because …", next to the value kept here."""

from __future__ import annotations

from PySide6.QtCore import Qt

from channeldesk.store import open_store
from channeldesk.sync import conflict_log
from channeldesk.ui.sync.conflicts_model import ConflictColumn, ConflictsModel


def _record(store, partner_id: str, field: str, mine, theirs, kind: str, reason: str,
            missing: bool = False) -> None:
    conn = store.db.connection()
    with store.transaction():
        conflict_log.record(conn, ("partner", partner_id, field), base=None, mine=mine,
                            mine_hlc=None, theirs=theirs, theirs_seq=0, theirs_hlc=None,
                            theirs_device=None, row_deleted=False, theirs_missing=missing,
                            kind=kind, reason=reason)


def test_refused_and_quarantined_values_say_why(qapp, seeded_db, qtmodeltester):
    path, ids = seeded_db
    store = open_store(path)
    try:
        partner = ids["Northwind Systems"]
        _record(store, partner, "tier", "diamond", None, conflict_log.REJECTED,
                "invalid: 'diamond' is not a tier. Choose one of: Registered, Silver, "
                "Gold, Platinum", missing=True)
        _record(store, partner, "country", "Germany", 42, conflict_log.QUARANTINED,
                "invalid: the server sent a value this version does not allow (Country "
                "must be text); it was kept aside, not applied")
        model = ConflictsModel(store)
        model.reload()
        assert model.rowCount() == 2
        qtmodeltester.check(model)
        texts = {}
        for row in range(model.rowCount()):
            who = model.index(row, ConflictColumn.WHO)
            texts[model.index(row, ConflictColumn.FIELD).data()] = (
                who.data(), who.data(Qt.ItemDataRole.ToolTipRole),
                model.index(row, ConflictColumn.THEIRS).data(),
                model.index(row, ConflictColumn.MINE).data())
        who, why, theirs, mine = texts["Tier"]
        assert who == "Refused by the server" and theirs == "Not on the server"
        assert why.startswith("The server refused this value because 'diamond' is not a "
                              "tier")
        assert mine == "diamond"
        who, why, theirs, mine = texts["Country"]
        assert who == "Invalid from the server" and mine == "Germany"
        assert "kept aside" in why
    finally:
        store.close()
