"""Launch campaigns and the partner filters distribution uses ("all Gold resellers in
EMEA"): which partners a filter picks, and how far each target partner is with a
campaign (assets received, courses completed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import peewee

from channeldesk.domain.enablement import split_codes
from channeldesk.domain.text_order import sort_key
from channeldesk.store.lenient import stored_date


@dataclass(frozen=True)
class PartnerPick:
    """A partner as a distribution list shows it."""

    id: str
    name: str
    partner_type: str
    tier: str
    region: str


@dataclass(frozen=True)
class CampaignRow:
    id: str
    title: str
    product: str
    launch_on: date | None  # None: unreadable (see store.lenient)
    ends_on: date | None
    target_types: str
    target_tiers: str
    target_regions: str
    description: str
    assets: int
    courses: int


@dataclass(frozen=True)
class CampaignProgress:
    """One target partner's progress with a campaign."""

    partner: PartnerPick
    received: int  # campaign assets the partner holds (any version)
    assets: int
    completed: int  # campaign courses at least one of its people completed
    courses: int

    @property
    def done(self) -> bool:
        return self.received == self.assets and self.completed == self.courses


def _in(column: str, codes: Iterable[str], clauses: list[str], params: list) -> None:
    chosen = sorted(set(codes))
    if chosen:
        clauses.append(f"{column} IN ({', '.join('?' * len(chosen))})")
        params.extend(chosen)


def partners_matching(db: peewee.Database, types: Iterable[str] = (),
                      tiers: Iterable[str] = (), regions: Iterable[str] = (),
                      text: str = "") -> list[PartnerPick]:
    """Live partners of those types, tiers and regions (empty: any), by name; not
    terminated ones, who are no longer handed anything."""
    clauses, params = ["deleted = 0", "status != 'terminated'"], []
    _in("partner_type", types, clauses, params)
    _in("tier", tiers, clauses, params)
    _in("region", regions, clauses, params)
    for term in text.split():
        clauses.append("fold(name) LIKE ?")
        params.append(f"%{sort_key(term)}%")
    rows = db.execute_sql("SELECT id, name, partner_type, tier, region FROM partner WHERE "
                          + " AND ".join(clauses), params)
    return sorted((PartnerPick(*row) for row in rows), key=lambda p: sort_key(p.name))


def campaign_rows(db: peewee.Database) -> list[CampaignRow]:
    """Every live campaign, the latest launch first."""
    rows = db.execute_sql(
        "SELECT m.id, m.title, m.product, m.launch_on, m.ends_on, m.target_types, "
        "m.target_tiers, m.target_regions, m.description, "
        "(SELECT count(*) FROM campaign_asset ca JOIN asset a ON a.id = ca.asset_id "
        " WHERE ca.campaign_id = m.id AND ca.deleted = 0 AND a.deleted = 0), "
        "(SELECT count(*) FROM campaign_course cc JOIN course k ON k.id = cc.course_id "
        " WHERE cc.campaign_id = m.id AND cc.deleted = 0 AND k.deleted = 0) "
        "FROM campaign m WHERE m.deleted = 0 ORDER BY m.launch_on DESC, fold(m.title)")
    return [CampaignRow(row_id, title, product, stored_date(launch, "campaign.launch_on"),
                        stored_date(ends, "campaign.ends_on"), types, tiers, regions,
                        description, assets, courses)
            for (row_id, title, product, launch, ends, types, tiers, regions, description,
                 assets, courses) in rows]


def campaign_items(db: peewee.Database, campaign_id: str
                   ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(id, title) of the campaign's live assets and of its live courses."""
    assets = db.execute_sql(
        "SELECT a.id, a.title FROM campaign_asset ca JOIN asset a ON a.id = ca.asset_id "
        "WHERE ca.campaign_id = ? AND ca.deleted = 0 AND a.deleted = 0 "
        "ORDER BY ca.position, fold(a.title)", (campaign_id,))
    courses = db.execute_sql(
        "SELECT k.id, k.title FROM campaign_course cc JOIN course k ON k.id = cc.course_id "
        "WHERE cc.campaign_id = ? AND cc.deleted = 0 AND k.deleted = 0 "
        "ORDER BY cc.position, fold(k.title)", (campaign_id,))
    return [tuple(row) for row in assets], [tuple(row) for row in courses]


def campaign_progress(db: peewee.Database, campaign: CampaignRow) -> list[CampaignProgress]:
    """Each partner the campaign targets, with what it received and completed; those
    furthest behind first."""
    assets, courses = campaign_items(db, campaign.id)
    asset_ids = [asset_id for asset_id, _ in assets]
    course_ids = [course_id for course_id, _ in courses]
    progress = []
    for partner in partners_matching(db, split_codes(campaign.target_types),
                                     split_codes(campaign.target_tiers),
                                     split_codes(campaign.target_regions)):
        progress.append(CampaignProgress(partner, _received(db, partner.id, asset_ids),
                                         len(asset_ids),
                                         _completed(db, partner.id, course_ids),
                                         len(course_ids)))
    return sorted(progress, key=lambda p: (p.done, p.received + p.completed,
                                           sort_key(p.partner.name)))


def _received(db: peewee.Database, partner_id: str, asset_ids: list[str]) -> int:
    if not asset_ids:
        return 0
    marks = ", ".join("?" * len(asset_ids))
    return db.execute_sql(
        f"SELECT count(DISTINCT asset_id) FROM asset_share WHERE partner_id = ? "
        f"AND deleted = 0 AND asset_id IN ({marks})", [partner_id, *asset_ids]).fetchone()[0]


def _completed(db: peewee.Database, partner_id: str, course_ids: list[str]) -> int:
    if not course_ids:
        return 0
    marks = ", ".join("?" * len(course_ids))
    return db.execute_sql(
        "SELECT count(DISTINCT course_id) FROM ("
        "SELECT e.course_id FROM enrolment e JOIN contact c ON c.id = e.contact_id "
        "WHERE c.partner_id = ? AND c.deleted = 0 AND e.deleted = 0 "
        f"AND e.status = 'completed' AND e.course_id IN ({marks}) "
        "UNION SELECT x.course_id FROM certification x JOIN contact c ON c.id = x.contact_id "
        f"WHERE c.partner_id = ? AND c.deleted = 0 AND x.deleted = 0 AND x.course_id IN ({marks}))",
        [partner_id, *course_ids, partner_id, *course_ids]).fetchone()[0]
