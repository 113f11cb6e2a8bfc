"""Saving a contact hands "primary" over in the same step, without Qt."""

from __future__ import annotations

import pytest
from operation_checks import check_do_undo_redo, check_nothing_on_failure, snapshot
from plan_samples import add_partner

from channeldesk.services.operations import OperationRefused
from channeldesk.services.partner_operations import save_contact
from channeldesk.store.models import Contact


def primaries(partner: str) -> list[str]:
    return [c.name for c in Contact.live().where((Contact.partner == partner)
                                                 & (Contact.is_primary == True))]  # noqa: E712


def test_a_new_primary_contact_demotes_the_old_one_in_one_step(store):
    partner = add_partner(store, "Acme")
    save_contact(store, partner, {"name": "Ann Old", "is_primary": True})
    operation = check_do_undo_redo(store, lambda: save_contact(
        store, partner, {"name": "Bo Lind", "is_primary": True}))
    assert primaries(partner) == ["Ann Old"]
    operation.redo(store)
    assert primaries(partner) == ["Bo Lind"]


def test_editing_a_contact_to_primary_demotes_the_others_only(store):
    partner, other = add_partner(store, "Acme"), add_partner(store, "Other")
    ann = save_contact(store, partner, {"name": "Ann", "is_primary": True}).value
    bo = save_contact(store, partner, {"name": "Bo"}).value
    save_contact(store, other, {"name": "Cy", "is_primary": True})
    check_do_undo_redo(store, lambda: save_contact(store, partner, {"is_primary": True,
                                                                     "name": "Bo"}, bo))
    assert primaries(partner) == ["Ann"] and primaries(other) == ["Cy"]
    save_contact(store, partner, {"name": "Ann", "is_primary": True}, ann)  # no change
    assert primaries(partner) == ["Ann"]


def test_an_invalid_contact_is_refused_and_a_failure_leaves_nothing(store, monkeypatch):
    partner = add_partner(store, "Acme")
    before = snapshot(store)
    with pytest.raises(OperationRefused, match="email"):
        save_contact(store, partner, {"name": "Ann", "email": "not-an-email"})
    assert snapshot(store) == before
    check_nothing_on_failure(store, monkeypatch, Contact,
                             lambda: save_contact(store, partner, {"name": "Ann"}))
