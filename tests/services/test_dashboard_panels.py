"""The dashboard's figures, checked against direct SQL counts over the demo portfolio."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from channeldesk.domain.dashboard import PanelKind, conversion_notes, median_days, percent
from channeldesk.services.dashboard import dashboard_panels
from channeldesk.services.demo_data import load_demo_data
from channeldesk.store import Store
from channeldesk.store.models import Activity, Partner
from channeldesk.store.plan_dashboard import current_plans

TODAY = date(2026, 11, 16)


@pytest.fixture
def loaded(store: Store) -> Store:
    load_demo_data(store, today=TODAY)
    return store


def _panel(store: Store, key: str, partner_id: str | None = None):
    return next(p for p in dashboard_panels(store.db, TODAY, partner_id) if p.key == key)


def _count(store: Store, sql: str, *params) -> int:
    return store.db.execute_sql(sql, params).fetchone()[0]


def test_the_funnel_counts_every_prospect_at_identified_and_each_stage_from_sql(loaded):
    funnel = _panel(loaded, "funnel")
    bars = {bar.label: bar for bar in funnel.bars}
    assert bars["Identified"].value == _count(loaded, "SELECT count(*) FROM prospect "
                                                      "WHERE deleted = 0")
    assert bars["Signed"].value == _count(loaded, "SELECT count(*) FROM prospect "
                                                  "WHERE deleted = 0 AND stage = 'signed'")
    assert bars["Lost"].value == _count(loaded, "SELECT count(*) FROM prospect "
                                                "WHERE deleted = 0 AND stage = 'lost'")
    counts = [bar.value for bar in funnel.bars[:-1]]
    assert counts == sorted(counts, reverse=True)  # a funnel only narrows
    now_at_qualified = _count(loaded, "SELECT count(*) FROM prospect WHERE deleted = 0 "
                                      "AND stage = 'qualified'")
    assert bars["Qualified"].note.startswith(f"{now_at_qualified:,} now")
    signed, lost = bars["Signed"].value, bars["Lost"].value
    assert funnel.headline == f"{percent(signed, signed + lost)}% win rate"
    assert bars["Proposal"].link.filters == (("stage", "proposal"),)


def test_quiet_partners_are_those_without_a_touchpoint_since_the_cutoff(loaded):
    quiet = _panel(loaded, "quiet")
    assert quiet.kind is PanelKind.ROWS
    cutoff = (TODAY - timedelta(days=60)).isoformat()
    expected = _count(loaded, """
        SELECT count(*) FROM partner p WHERE p.deleted = 0
        AND p.status IN ('active', 'onboarding') AND NOT EXISTS (
            SELECT 1 FROM activity a WHERE a.partner_id = p.id AND a.deleted = 0
            AND a.occurred_on >= ?)""", cutoff)
    assert quiet.headline.startswith(f"{expected:,} partner")
    days = [bar.value for bar in quiet.bars]
    assert days == sorted(days, reverse=True)
    assert all(bar.link.table == "partner" and bar.link.record_id for bar in quiet.bars)


def test_a_partner_who_gets_a_touchpoint_leaves_the_quiet_list(loaded):
    quiet = _panel(loaded, "quiet")
    assert quiet.bars, "the demo (fixed date) must have a quiet partner for this test"
    first = quiet.bars[0].link.record_id
    loaded.insert(Activity, {"partner": first, "kind": "call", "occurred_on": TODAY,
                             "subject": "Catch-up"})
    assert first not in [bar.link.record_id for bar in _panel(loaded, "quiet").bars]


def test_attainment_bands_cover_every_partner_with_a_plan_running_today(loaded):
    panel = _panel(loaded, "attainment")
    running = current_plans(loaded.db, TODAY)
    assert sum(bar.value for bar in panel.bars) == len(running)
    assert running  # the demo has plans covering today


def test_presenting_one_partner_shows_only_that_partners_figures(loaded):
    partner = Partner.live().first()
    keys = [p.key for p in dashboard_panels(loaded.db, TODAY, partner.id)]
    assert "funnel" not in keys  # the whole pipeline is never shown to a partner
    quiet = _panel(loaded, "quiet", partner.id)
    assert {bar.link.record_id for bar in quiet.bars} <= {partner.id}
    assert sum(b.value for b in _panel(loaded, "attainment", partner.id).bars) <= 1


def test_an_empty_database_has_panels_with_nothing_counted(store):
    panels = dashboard_panels(store.db, TODAY)
    assert {p.key for p in panels} >= {"funnel", "quiet", "attainment"}
    assert all(sum(bar.value for bar in p.bars) == 0 for p in panels)


def test_conversion_notes_and_median():
    assert conversion_notes([100, 50, 0]) == ["50% reach next", "0% reach next", ""]
    assert conversion_notes([0, 0]) == ["", ""]
    assert median_days([(date(2026, 1, 1), date(2026, 1, 11)),
                        (date(2026, 1, 1), date(2026, 1, 31)),
                        (date(2026, 1, 1), date(2026, 1, 2))]) == 10.0
    assert median_days([]) is None


def test_certification_coverage_counts_partners_meeting_their_tier_from_sql(loaded):
    from channeldesk.domain.enablement import required_people
    from channeldesk.store.certification_queries import certified_headcount, tier_requirements

    panel = _panel(loaded, "certification")
    required = tier_requirements(loaded.db)
    partners = Partner.live().where(Partner.status.in_(("active", "onboarding")))
    short = sum(certified_headcount(loaded.db, p.id, TODAY) < required_people(p.tier, required)
                for p in partners)
    assert panel.headline.startswith(f"{short} partner") or (
        short == 0 and panel.headline == "Every partner meets its tier")
    assert all(0 <= bar.value <= 100 for bar in panel.bars)


def test_fund_utilisation_has_a_row_per_program_with_its_claims_link(loaded):
    from channeldesk.store.incentive_queries import program_overview

    panel = _panel(loaded, "funds")
    programs = program_overview(loaded.db)
    assert len(panel.bars) == len(programs)
    for bar, program in zip(panel.bars, programs, strict=True):
        funds = program.balances.allocated + program.balances.accrued
        assert bar.value == (percent(program.balances.paid, funds) or 0)
        assert bar.link.filters == (("program", program.id),)
    waiting = _count(loaded, "SELECT count(*) FROM claim WHERE deleted = 0 "
                             "AND state IN ('submitted', 'claim_submitted')")
    assert str(waiting) in panel.headline or waiting == 0
