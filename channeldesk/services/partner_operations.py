"""The multi-row action of the partner directory: saving a contact, which may hand the
partner's "primary contact" over from another contact.

A partner has one primary contact; making a contact primary demotes the others in the
same step, so undo brings the previous primary back with it.
"""

from __future__ import annotations

from typing import Any

from channeldesk.domain.partner import validate_contact
from channeldesk.services.operations import Operation, OperationRefused, Recorder, run
from channeldesk.store.database import Store
from channeldesk.store.models import Contact


def save_contact(store: Store, partner_id: str, values: dict[str, Any],
                 contact_id: str | None = None) -> Operation[str]:
    """Add a contact to a partner (``contact_id`` None) or change one; the value is the
    contact's id."""
    errors = validate_contact(values)
    if errors:
        raise OperationRefused(" ".join(errors.values()))

    def write(recorder: Recorder) -> str:
        if contact_id is None:
            saved = recorder.insert(Contact, {**values, "partner": partner_id})
        else:
            saved = contact_id
            recorder.update(Contact, contact_id, values)
        if values.get("is_primary"):
            others = Contact.live().where((Contact.partner == partner_id)
                                          & (Contact.is_primary == True)  # noqa: E712
                                          & (Contact.id != saved))
            for other in others:
                recorder.update(Contact, other.id, {"is_primary": False})
        return saved

    return run(store, write)
