"""The dashboard's panels, gathered from every feature through the feature list."""

from __future__ import annotations

import logging
from datetime import date

import peewee

from channeldesk.domain.dashboard import Panel
from channeldesk.features import parts

log = logging.getLogger(__name__)


def dashboard_panels(db: peewee.Database, today: date,
                     partner_id: str | None = None) -> list[Panel]:
    """Every feature's panels in order; a feature whose figures cannot be read (a
    damaged row, a missing table) is logged and left out rather than blanking the rest."""
    found: list[Panel] = []
    for feature, provider in parts("dashboard"):
        try:
            found.extend(provider(db, today, partner_id))
        except (peewee.DatabaseError, ValueError, TypeError):
            log.exception("the %s feature's dashboard figures could not be read",
                          feature.key)
    return sorted(found, key=lambda panel: panel.order)
