"""What search everywhere reads of the partner directory and its contacts."""

from __future__ import annotations

from collections.abc import Iterator

import peewee

from channeldesk.domain.lookups import SearchText


def search_texts(db: peewee.Database) -> Iterator[SearchText]:
    """Partners by name, country, owner and website; contacts by name, email and role."""
    partners = db.execute_sql(
        "SELECT id, name, country, owner, website FROM partner WHERE deleted = 0 "
        "ORDER BY name")
    for row_id, name, *rest in partners:
        yield SearchText("partners", "partner", row_id, name,
                         " ".join(part for part in (name, *rest) if part))
    contacts = db.execute_sql(
        "SELECT c.id, c.name, c.email, c.role, p.name FROM contact c "
        "JOIN partner p ON p.id = c.partner_id WHERE c.deleted = 0 AND p.deleted = 0 "
        "ORDER BY c.name")
    for row_id, name, email, role, partner in contacts:
        yield SearchText("partners", "contact", row_id, f"{name} ({partner})",
                         " ".join(part for part in (name, email, role, partner) if part))
