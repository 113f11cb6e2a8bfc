"""Enablement actions as one undo step each, and their refusals worded for a person."""

from __future__ import annotations

from datetime import date

import pytest
from enablement_samples import TODAY, build_world, link

from channeldesk.services.enablement_operations import (
    add_asset,
    add_version,
    delete_campaign,
    enrol,
    record_completion,
    reshare_current,
    save_campaign,
    share_assets,
)
from channeldesk.services.operations import OperationRefused
from channeldesk.store.asset_queries import outdated_for_partner, versions_of
from channeldesk.store.campaign_queries import campaign_progress, campaign_rows
from channeldesk.store.certification_queries import certified_headcount
from channeldesk.store.models import AssetShare, Certification

ASSET = {"title": "Relay datasheet", "kind": "datasheet", "language": "en",
         "published_on": date(2026, 5, 1)}
SHA = "ab" * 32


def test_a_url_that_is_not_a_url_is_refused(store) -> None:
    with pytest.raises(OperationRefused, match="starting with https://"):
        add_asset(store, ASSET, link("partners.example.com/deck"))
    with pytest.raises(OperationRefused, match="web address"):
        add_asset(store, ASSET, link("https://not a host"))


def test_an_expiry_before_publication_is_refused(store) -> None:
    with pytest.raises(OperationRefused, match=r"expiry date \(2026-04-01\) is before"):
        add_asset(store, {**ASSET, "expires_on": date(2026, 4, 1)}, None)


def test_a_version_is_a_file_or_a_link(store) -> None:
    with pytest.raises(OperationRefused, match="Choose a file or enter a link"):
        add_asset(store, ASSET, {"url": "", "file_sha": "", "released_on": TODAY})


def test_the_same_file_twice_is_one_version(store) -> None:
    asset = add_asset(store, ASSET, {"file_sha": SHA, "file_name": "relay.pdf",
                                     "file_size": 10, "released_on": TODAY}).value
    with pytest.raises(OperationRefused, match=r"already v1 of 'Relay datasheet'.*stored once"):
        add_version(store, asset, {"file_sha": SHA, "file_name": "relay (1).pdf",
                                   "released_on": TODAY})
    added = add_version(store, asset, link("https://example.com/relay-v2"))
    assert [v.version_no for v in versions_of(store.db, asset)] == [2, 1]
    added.undo(store)
    assert [v.version_no for v in versions_of(store.db, asset)] == [1]


def test_expired_assets_are_left_out_of_sharing_unless_asked(store) -> None:
    world = build_world(store)
    assets, partner = list(world.assets.values()), [world.partners["bluebird"]]
    result = share_assets(store, assets, partner, "portal", TODAY, today=TODAY).value
    assert (result.shares, result.skipped_expired) == (2, ("2025 price list",))
    assert "Left out, expired: 2025 price list." in result.summary()
    with pytest.raises(OperationRefused, match="every chosen asset is expired"):
        share_assets(store, [world.assets["old"]], partner, "usb", TODAY, today=TODAY)
    forced = share_assets(store, [world.assets["old"]], partner, "usb", TODAY,
                          include_expired=True, today=TODAY)
    assert forced.value.shares == 1


def test_a_share_is_one_undo_step(store) -> None:
    world = build_world(store)
    before = AssetShare.live().count()
    done = share_assets(store, list(world.assets.values()),
                        [world.partners["bluebird"], world.partners["acadia"]], "meeting",
                        TODAY, include_expired=True, today=TODAY)
    assert AssetShare.live().count() == before + 6
    done.undo(store)
    assert AssetShare.live().count() == before
    done.redo(store)
    assert AssetShare.live().count() == before + 6


def test_one_click_reshares_the_current_versions_a_partner_is_behind_on(store) -> None:
    world = build_world(store)
    northwind = world.partners["northwind"]
    assert [h.title for h in outdated_for_partner(store.db, northwind)] == ["Vault datasheet"]
    outdated = [h.asset_id for h in outdated_for_partner(store.db, northwind)]
    result = reshare_current(store, northwind, [*outdated, world.assets["card"]], "email",
                             TODAY, today=TODAY)
    assert (result.value.shares, result.value.already_current) == (1, 1)
    assert outdated_for_partner(store.db, northwind) == []
    result.undo(store)
    assert len(outdated_for_partner(store.db, northwind)) == 1


def test_a_campaign_tracks_received_and_completed_per_target(store) -> None:
    world = build_world(store)
    made = save_campaign(store, None, {"title": "Vault 6 launch", "launch_on": TODAY,
                                       "target_tiers": "gold", "target_types": "reseller"},
                         [world.assets["sheet"], world.assets["card"]], [world.course])
    campaign = campaign_rows(store.db)[0]
    assert (campaign.title, campaign.assets, campaign.courses) == ("Vault 6 launch", 2, 1)
    progress = {p.partner.name: (p.received, p.completed) for p in
                campaign_progress(store.db, campaign)}
    assert progress == {"Northwind Systems": (2, 0), "Bluebird Reseller": (0, 0)}
    enrolled = enrol(store, [world.contacts["ada"]], world.course, TODAY).value
    assert enrolled == 1
    enrolment = store.db.execute_sql("SELECT id FROM enrolment").fetchone()[0]
    record_completion(store, enrolment, TODAY, 88, passed=True)
    northwind = next(p for p in campaign_progress(store.db, campaign)
                     if p.partner.name == "Northwind Systems")
    assert northwind.done
    save_campaign(store, made.value, {"title": "Vault 6 launch", "launch_on": TODAY},
                  [world.assets["sheet"]], [])
    assert campaign_rows(store.db)[0].assets == 1
    delete_campaign(store, made.value).undo(store)
    assert campaign_rows(store.db)[0].title == "Vault 6 launch"


def test_a_completion_certifies_and_undo_takes_the_certificate_back(store) -> None:
    world = build_world(store)
    enrol(store, [world.contacts["cy"]], world.course, date(2026, 2, 1))
    enrolment = store.db.execute_sql("SELECT id FROM enrolment").fetchone()[0]
    with pytest.raises(OperationRefused, match="Completed before enrolling"):
        record_completion(store, enrolment, date(2026, 1, 1), 90, passed=True)
    with pytest.raises(OperationRefused, match="between 0 and 100"):
        record_completion(store, enrolment, date(2026, 3, 1), 130, passed=True)
    done = record_completion(store, enrolment, date(2026, 3, 1), 90, passed=True)
    assert Certification.get_by_id(done.value).expires_on == date(2028, 3, 1)
    assert certified_headcount(store.db, world.partners["acadia"], TODAY) == 1
    with pytest.raises(OperationRefused, match="already completed on 2026-03-01"):
        record_completion(store, enrolment, date(2026, 3, 2), 95, passed=True)
    assert Certification.select().where(~Certification.deleted).count() == 1  # not twice
    done.undo(store)
    assert certified_headcount(store.db, world.partners["acadia"], TODAY) == 0
    with pytest.raises(OperationRefused, match="already enrolled"):
        enrol(store, [world.contacts["cy"]], world.course, TODAY)
