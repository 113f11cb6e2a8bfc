"""The library's rules as plain values: audience, links, dates, expiry, sizes, holdings,
headcounts."""

from __future__ import annotations

from datetime import date

from channeldesk.domain.enablement import (
    MAX_FILE_BYTES,
    AssetState,
    Headcount,
    Holding,
    asset_state,
    audience_text,
    audience_tiers_error,
    dates_error,
    format_size,
    in_audience,
    join_codes,
    required_people,
    size_error,
    split_codes,
    url_error,
    validate_asset,
    validate_version,
)

TODAY = date(2026, 11, 20)


def test_audience_codes_read_and_match() -> None:
    assert split_codes(" reseller, msp ,,") == ["reseller", "msp"]
    assert join_codes(["gold", "gold", " silver"]) == "gold,silver"
    assert audience_text("reseller,msp", "gold") == "Gold · Reseller, MSP"
    assert audience_text("", "") == "All partners"
    assert in_audience("", "gold,platinum", "msp", "gold")
    assert not in_audience("reseller", "", "msp", "gold")
    assert "'bronze' is not a tier" in audience_tiers_error("gold,bronze")


def test_a_link_must_be_a_whole_web_address() -> None:
    assert url_error("https://partners.example.com/deck?v=2") is None
    assert "starting with https://" in url_error("partners.example.com")
    assert url_error("ftp://example.com/file") is not None
    assert url_error("") is None


def test_expiry_before_publication_is_wrong() -> None:
    assert dates_error(date(2026, 5, 1), date(2026, 4, 1)).startswith("The expiry date")
    assert dates_error(date(2026, 5, 1), None) is None
    errors = validate_asset({"title": "Deck", "published_on": date(2026, 5, 1),
                             "expires_on": date(2026, 4, 30)})
    assert set(errors) == {"expires_on"}


def test_a_version_needs_a_file_or_a_link() -> None:
    assert validate_version({"url": "", "file_sha": ""}) == {
        "url": "Choose a file or enter a link for this version."}
    assert validate_version({"url": "", "file_sha": "ab" * 32}) == {}


def test_expiry_states() -> None:
    assert asset_state(None, TODAY) is AssetState.CURRENT
    assert asset_state(date(2026, 11, 19), TODAY) is AssetState.EXPIRED
    assert asset_state(date(2026, 11, 20), TODAY) is AssetState.EXPIRING
    assert asset_state(date(2026, 12, 20), TODAY) is AssetState.EXPIRING
    assert asset_state(date(2026, 12, 21), TODAY) is AssetState.CURRENT


def test_the_size_limit_is_stated_in_words() -> None:
    assert size_error(MAX_FILE_BYTES) is None
    assert "512.0 MB" in size_error(MAX_FILE_BYTES + 1)
    assert format_size(1536) == "1.5 KB" and format_size(12) == "12 bytes"


def test_a_holding_is_outdated_when_a_newer_version_exists() -> None:
    assert Holding("a", "Deck", 1, 2, TODAY).outdated
    assert not Holding("a", "Deck", 2, 2, TODAY).outdated


def test_headcount_against_the_tier() -> None:
    assert Headcount(1, 2).text() == "1 of 2 certified · 1 short"
    assert Headcount(3, 2).meets and Headcount(3, 2).short == 0
    assert Headcount(0, 0).text() == "0 certified (tier asks for none)"
    assert required_people("gold", {}) == 2
    assert required_people("gold", {"gold": 5}) == 5
