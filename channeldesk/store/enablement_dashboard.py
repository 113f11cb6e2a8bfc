"""The dashboard's certification coverage: partners with the certified people their tier
asks for, counted in one query."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import peewee

from channeldesk.domain.dashboard import Bar, Panel, percent
from channeldesk.domain.enablement import required_people
from channeldesk.domain.lookups import Link
from channeldesk.domain.partner import PartnerTier
from channeldesk.domain.partner import label as tier_label
from channeldesk.store.certification_queries import tier_requirements

_CERTIFIED = """
    SELECT p.id, p.tier, count(DISTINCT x.contact_id)
    FROM partner p
    LEFT JOIN contact c ON c.partner_id = p.id AND c.deleted = 0
    LEFT JOIN certification x ON x.contact_id = c.id AND x.deleted = 0
         AND x.certified_on <= :day AND (x.expires_on IS NULL OR x.expires_on >= :day)
    WHERE p.deleted = 0 AND p.status IN ('active', 'onboarding') {scope}
    GROUP BY p.id"""


def panels(db: peewee.Database, today: date, partner_id: str | None = None) -> list[Panel]:
    return [coverage_panel(db, today, partner_id)]


def coverage_panel(db: peewee.Database, today: date, partner_id: str | None) -> Panel:
    """Per tier, the share of partners whose certified people meet the tier's
    requirement today; the headline counts the partners short of it."""
    scope = "AND p.id = :partner" if partner_id else ""
    rows = db.execute_sql(_CERTIFIED.format(scope=scope),
                          {"day": today.isoformat(), "partner": partner_id}).fetchall()
    required = tier_requirements(db)
    partners: dict[str, int] = defaultdict(int)
    meeting: dict[str, int] = defaultdict(int)
    for _id, tier, certified in rows:
        partners[tier] += 1
        meeting[tier] += certified >= required_people(tier, required)
    bars = tuple(
        Bar(tier_label(tier.value), percent(meeting[tier.value], partners[tier.value]) or 0,
            f"{meeting[tier.value]} of {partners[tier.value]} meet "
            f"{required_people(tier.value, required)} certified", Link("enablement"))
        for tier in PartnerTier if partners.get(tier.value))
    short = sum(partners.values()) - sum(meeting.values())
    headline = (f"{short} partner{'s' if short != 1 else ''} short of certified people"
                if short else "Every partner meets its tier")
    return Panel("certification", "Certification coverage", headline,
                 "Partners whose people hold a valid certification, against what their tier "
                 "requires (set in Enablement → tier requirements).", bars, order=30,
                 value_suffix="%", empty_text="No active partners yet.")
