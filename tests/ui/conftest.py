"""Real widgets, offscreen, over real database files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from channeldesk.app import create_main_window
from channeldesk.settings import CURRENT_TAB
from channeldesk.store import open_store
from channeldesk.store.models import Activity, Contact, Partner
from channeldesk.ui.shell.settings import Settings


def seed_partners(path: Path) -> dict[str, str]:
    """Three partners with contacts and activities, one with internal-only content."""
    store = open_store(path)
    ids = {}
    with store.transaction():
        for name, tier, region, notes in (
            ("Northwind Systems", "gold", "emea", "Weak renewals; escalate pricing."),
            ("Blue Ridge MSP", "silver", "na", ""),
            ("Łódź Systemy Sp. z o.o.", "platinum", "emea", ""),
        ):
            ids[name] = store.insert(Partner, {
                "name": name, "partner_type": "msp", "tier": tier, "status": "active",
                "region": region, "country": "Poland" if "Łódź" in name else "Germany",
                "owner": "Sam Ortega", "internal_notes": notes,
            })
        northwind = ids["Northwind Systems"]
        store.insert(Contact, {"partner": northwind, "name": "Ada Park", "role": "CEO",
                               "email": "ada@northwind.example", "is_primary": True})
        store.insert(Activity, {"partner": northwind, "kind": "qbr",
                                "occurred_on": date(2026, 10, 1), "subject": "Q3 review",
                                "notes": "Shared deck"})
        store.insert(Activity, {"partner": northwind, "kind": "call",
                                "occurred_on": date(2026, 11, 2), "subject": "Churn risk",
                                "notes": "Considering a competitor", "internal_only": True})
    store.close()
    return ids


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def seeded_db(db_path: Path) -> tuple[Path, dict[str, str]]:
    return db_path, seed_partners(db_path)


@pytest.fixture
def window(qtbot, seeded_db, settings):
    """The window over the seeded partners, reopened on the Partners tab (as it would be
    for a CAM who closed it there): the tests of this folder drive that tab first."""
    path, _ids = seeded_db
    Settings(settings).set(CURRENT_TAB, "partners")
    main = create_main_window(path, settings)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()


@pytest.fixture
def answer_yes(monkeypatch):
    """Delete confirmations answered "Yes" (a modal box would block the test)."""
    asked = []

    def question(*args, **kwargs):
        asked.append(args[2] if len(args) > 2 else "")
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked
