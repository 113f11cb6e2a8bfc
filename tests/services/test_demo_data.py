"""The demo portfolio: varied, valid, deterministic, journalled, and all-or-nothing."""

from __future__ import annotations

import threading
import unicodedata
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from channeldesk.domain.partner import (
    ActivityKind,
    PartnerStatus,
    PartnerTier,
    PartnerType,
    Region,
    email_error,
    validate_activity,
    validate_contact,
    validate_partner,
)
from channeldesk.domain.progress import Cancelled
from channeldesk.services.demo_data import (
    HISTORY_DAYS,
    build_demo_set,
    is_empty,
    load_demo_data,
)
from channeldesk.store import Store, open_store
from channeldesk.store.models import Activity, Change, Contact, Partner
from channeldesk.sync.outbox import outbox

TODAY = date(2026, 3, 15)


# ``store`` (a fresh database opened through open_store) comes from tests/conftest.py.
@pytest.fixture
def loaded(store: Store) -> Store:
    load_demo_data(store, today=TODAY)
    return store


def test_summary_matches_the_rows_written(store: Store) -> None:
    summary = load_demo_data(store, today=TODAY)
    assert summary["partners"] == Partner.select().count() >= 48
    assert summary["contacts"] == Contact.select().count()
    assert summary["activities"] == Activity.select().count()


def test_every_choice_is_used(loaded: Store) -> None:
    partners = list(Partner.select())
    for field, choices in (("partner_type", PartnerType), ("tier", PartnerTier),
                           ("status", PartnerStatus), ("region", Region)):
        assert {getattr(p, field) for p in partners} == {c.value for c in choices}, field
    assert {a.kind for a in Activity.select()} == {k.value for k in ActivityKind}


def test_names_come_from_many_scripts(loaded: Store) -> None:
    names = [p.name for p in Partner.select()]
    assert "Łódź Systemy Sp. z o.o." in names
    assert "Müller & Söhne IT GmbH" in names
    scripts = {unicodedata.name(ch).split()[0] for name in names for ch in name if ch.isalpha()}
    assert {"LATIN", "GREEK", "CYRILLIC", "ARABIC", "HEBREW", "CJK", "HANGUL"} <= scripts
    assert len({p.country for p in Partner.select()}) >= 30
    assert len({p.owner for p in Partner.select()}) >= 4


def test_every_row_passes_the_form_validation(loaded: Store) -> None:
    for partner in Partner.select():
        assert validate_partner(partner.__data__) == {}, partner.name
    for contact in Contact.select():
        assert validate_contact(contact.__data__) == {}, contact.name
    for activity in Activity.select():
        assert validate_activity(activity.__data__, today=TODAY) == {}, activity.subject


def test_contacts_one_primary_and_emails_at_the_partners_domain(loaded: Store) -> None:
    for partner in Partner.select():
        contacts = list(partner.contacts)
        assert 1 <= len(contacts) <= 4
        assert sum(c.is_primary for c in contacts) == 1, partner.name
        domain = partner.website.removeprefix("https://www.")
        for contact in contacts:
            assert email_error(contact.email) is None
            assert contact.email.endswith(f"@{domain}")
            assert contact.email.isascii()
        assert len({c.email for c in contacts}) == len(contacts)


def test_activities_span_the_last_eighteen_months(loaded: Store) -> None:
    oldest = TODAY - timedelta(days=HISTORY_DAYS)
    for partner in Partner.select():
        days = [a.occurred_on for a in partner.activities]
        assert 4 <= len(days) <= 25, partner.name
        assert all(oldest <= day <= TODAY for day in days)
    all_days = [a.occurred_on for a in Activity.select()]
    assert min(all_days) < TODAY - timedelta(days=365)
    assert max(all_days) > TODAY - timedelta(days=30)


def test_internal_material_for_presentation_mode_to_hide(loaded: Store) -> None:
    activities = list(Activity.select())
    internal = [a for a in activities if a.internal_only]
    assert 0.1 < len(internal) / len(activities) < 0.3
    assert all(a.notes for a in internal)
    assert sum(bool(p.internal_notes) for p in Partner.select()) >= 5


def test_same_seed_same_content_other_seed_other_content() -> None:
    assert build_demo_set(7, TODAY) == build_demo_set(7, TODAY)
    assert build_demo_set(7, TODAY) != build_demo_set(8, TODAY)


def content(store: Store) -> list[tuple]:
    """The database's demo content without ids and clock stamps, in a stable order."""
    rows = []
    for partner in Partner.select().order_by(Partner.name):
        rows.append(tuple(partner.__data__[f] for f in Partner.editable_fields()))
        rows.extend(sorted((c.name, c.role, c.email, c.phone, c.is_primary)
                           for c in partner.contacts))
        rows.extend(sorted((str(a.occurred_on), a.kind, a.subject, a.notes, a.internal_only)
                           for a in partner.activities))
    return rows


def test_database_content_is_deterministic(tmp_path: Path) -> None:
    dumps = []
    for name in ("one.sqlite3", "two.sqlite3"):
        store = open_store(tmp_path / name)
        load_demo_data(store, seed=11, today=TODAY)
        dumps.append(content(store))
        store.close()
    assert dumps[0] == dumps[1]


def test_progress_counts_up_to_the_total(store: Store) -> None:
    calls: list[tuple[int, int, str]] = []
    summary = load_demo_data(store, progress=lambda *call: calls.append(call), today=TODAY)
    done = [c[0] for c in calls]
    assert done == sorted(done)
    assert calls[-1][:2] == (summary.steps, summary.steps)
    assert all(total == summary.steps for _, total, _ in calls)
    messages = [c[2] for c in calls]
    assert {"Adding business plans", "Adding the prospect pipeline"} <= set(messages)
    assert any(message.startswith("Adding ") and "plans" not in message
               and "pipeline" not in message for message in messages)  # one per partner
    assert summary["business plans"] > 40 and summary["prospects"] == 300


def test_cancel_rolls_everything_back(store: Store) -> None:
    cancel = threading.Event()
    changes_before = Change.select().count()

    def progress(done: int, _total: int, _message: str) -> None:
        if done >= 110:  # in the middle of the partners
            cancel.set()

    with pytest.raises(Cancelled):
        load_demo_data(store, progress=progress, cancel=cancel, today=TODAY)
    assert is_empty(store)
    assert Change.select().count() == changes_before


def test_cancel_before_start_writes_nothing(store: Store) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        load_demo_data(store, cancel=cancel)
    assert is_empty(store)


def test_every_demo_write_is_journalled(loaded: Store) -> None:
    """What sync would send (the outbox, records expanded into fields) covers every row."""
    entries = outbox(loaded.db.connection(), 0)
    journalled = Counter((e.table, e.row_id) for e in entries)
    for model, must in ((Partner, "name"), (Contact, "email"), (Activity, "subject")):
        table = model._meta.table_name
        for row in model.select():
            assert journalled[(table, row.id)] >= 4, (table, row.id)
        assert must in {e.field for e in entries if e.table == table}
    assert Change.select().count() < len(entries)  # one journal entry per created record


def test_is_empty_counts_deleted_rows(store: Store) -> None:
    assert is_empty(store)
    partner_id = store.insert(Partner, {"name": "Gone Ltd", "partner_type": "msp",
                                        "tier": "gold", "status": "active", "region": "emea"})
    store.delete(Partner, partner_id)
    assert not is_empty(store)


def test_loading_twice_adds_beside_existing_rows(loaded: Store) -> None:
    first = Partner.select().count()
    load_demo_data(loaded, today=TODAY)
    assert Partner.select().count() == 2 * first
    assert Partner.select().where(Partner.deleted == True).count() == 0  # noqa: E712
