"""The asset library, who holds which version, headcounts and lookups, over real SQLite."""

from __future__ import annotations

from datetime import date

from enablement_samples import TODAY, build_world

from channeldesk.services.enablement_operations import (
    add_version,
    enrol,
    record_completion,
    set_tier_requirements,
)
from channeldesk.store.asset_queries import (
    AssetFilter,
    AssetSort,
    asset_ids,
    asset_rows,
    holders_of_asset,
    holdings_of_partner,
    outdated_for_partner,
)
from channeldesk.store.campaign_queries import partners_matching
from channeldesk.store.certification_queries import (
    certified_headcount,
    partner_headcount,
    people_of_partner,
)
from channeldesk.store.enablement_lookups import deadlines, plan_actual, search_texts
from channeldesk.store.models import AssetVersion
from channeldesk.sync.blobs import referenced_blobs


def test_the_library_filters_by_words_kind_and_expiry(store) -> None:
    world = build_world(store)
    db = store.db
    assert asset_ids(db, AssetFilter(text="vault")) == [  # titles and the product
        world.assets["old"], world.assets["card"], world.assets["sheet"]]
    assert asset_ids(db, AssetFilter(text="VAULT batt")) == [world.assets["card"]]
    assert asset_ids(db, AssetFilter(text="backup")) == [world.assets["sheet"]]  # a tag
    assert asset_ids(db, AssetFilter(kinds=frozenset({"price_list"}))) == [world.assets["old"]]
    assert asset_ids(db, AssetFilter(state="expired", today=TODAY)) == [world.assets["old"]]
    assert asset_ids(db, AssetFilter(state="expiring", today=TODAY)) == [world.assets["card"]]
    assert asset_ids(db, AssetFilter(state="current", today=TODAY)) == [world.assets["sheet"]]
    newest_first = asset_ids(db, AssetFilter(), AssetSort.EXPIRES, descending=True)
    assert newest_first[0] == world.assets["sheet"]  # never expires sorts last ascending
    row = asset_rows(db, [world.assets["sheet"]])[world.assets["sheet"]]
    assert (row.current_version, row.holders, row.audience) == (2, 2, "All partners")


def test_pdf_text_is_searched_too(store) -> None:
    world = build_world(store)
    version = AssetVersion.get(AssetVersion.asset == world.assets["old"])
    store.update(AssetVersion, version.id, {"extracted_text": "Discount matrix for MSPs"})
    assert asset_ids(store.db, AssetFilter(text="matrix")) == [world.assets["old"]]


def test_a_partner_is_behind_when_a_newer_version_exists(store) -> None:
    world = build_world(store)
    northwind = holdings_of_partner(store.db, world.partners["northwind"])
    assert [(h.title, h.held_version, h.current_version, h.outdated) for h in northwind] == [
        ("Vault datasheet", 1, 2, True), ("Vault battlecard", 1, 1, False)]
    assert outdated_for_partner(store.db, world.partners["acadia"]) == []
    holders = holders_of_asset(store.db, world.assets["sheet"])
    assert [(h.partner_name, h.held_version, h.outdated, h.channel) for h in holders] == [
        ("Northwind Systems", 1, True, "email"), ("Acadia Cloud", 2, False, "meeting")]


def test_a_distribution_filter_picks_partners_by_type_tier_and_region(store) -> None:
    world = build_world(store)
    picked = partners_matching(store.db, ["reseller"], ["gold"], ["emea"])
    assert [p.id for p in picked] == [world.partners["northwind"]]
    assert len(partners_matching(store.db)) == 3


def test_certified_headcount_counts_people_with_a_valid_certification(store) -> None:
    world = build_world(store)
    enrol(store, [world.contacts["ada"], world.contacts["bo"]], world.course,
          date(2026, 3, 1))
    people = people_of_partner(store.db, world.partners["northwind"])
    assert [(p.contact_name, p.status) for p in people] == [("Ada Park", "enrolled"),
                                                            ("Bo Lind", "enrolled")]
    record_completion(store, people[0].enrolment_id, date(2026, 4, 1), 91, passed=True)
    record_completion(store, people[1].enrolment_id, date(2026, 4, 1), 42, passed=False)
    northwind = world.partners["northwind"]
    assert certified_headcount(store.db, northwind, date(2026, 5, 1)) == 1
    assert certified_headcount(store.db, northwind, date(2028, 4, 2)) == 0  # 24 months ran out
    ada = people_of_partner(store.db, northwind)[0]
    assert (ada.status, ada.score, ada.expires_on) == ("completed", 91, date(2028, 4, 1))
    headcount = partner_headcount(store.db, northwind, date(2026, 5, 1))
    assert (headcount.certified, headcount.required, headcount.short) == (1, 2, 1)
    set_tier_requirements(store, {"gold": 1})
    assert partner_headcount(store.db, northwind, date(2026, 5, 1)).meets
    assert plan_actual(store.db, northwind, "certified_people", date(2026, 1, 1),
                       date(2026, 12, 31), today=date(2026, 6, 1)) == 1
    assert plan_actual(store.db, northwind, "revenue", date(2026, 1, 1),
                       date(2026, 12, 31)) is None


def test_expiring_assets_and_certifications_are_deadlines(store) -> None:
    world = build_world(store)
    enrol(store, [world.contacts["cy"]], world.course, date(2025, 1, 1))
    enrolment = people_of_partner(store.db, world.partners["acadia"])[0].enrolment_id
    record_completion(store, enrolment, date(2025, 1, 10), 80, passed=True)
    found = deadlines(store.db, date(2026, 11, 1), date(2027, 1, 31))
    assert [(d.kind, d.title, d.about) for d in found] == [
        ("Asset expires", "Vault battlecard", "Battlecard"),
        ("Certification expires", "Vault Certified Engineer", "Cy Moss · Acadia Cloud")]
    assert all(d.feature == "enablement" for d in found)


def test_assets_and_courses_are_found_by_their_words(store) -> None:
    build_world(store)
    texts = list(search_texts(store.db))
    assert {t.table for t in texts} == {"asset", "course"}
    sheet = next(t for t in texts if t.title.startswith("Vault datasheet"))
    assert "backup" in sheet.text and "Datasheet" in sheet.text


def test_a_version_file_is_a_blob_that_syncs_by_hash(store) -> None:
    world = build_world(store)
    sha = store.blobs.put_bytes(b"%PDF the v3 datasheet")
    add_version(store, world.assets["sheet"], {"file_sha": sha, "file_name": "v3.pdf",
                                               "file_size": 21, "released_on": TODAY})
    assert AssetVersion.blob_fields == ("file_sha",)
    assert sha in referenced_blobs(store)
