"""A new plan starts in the partner's currency (issue 12, finding 10)."""

from channeldesk.domain.partner_currency import currency_for


def test_a_partner_plans_in_its_country_currency():
    assert currency_for("United States", "na") == "USD"
    assert currency_for("Japan", "apac") == "JPY"
    assert currency_for("Türkiye", "emea") == "TRY"
    assert currency_for("germany") == "EUR"


def test_an_unknown_country_falls_back_to_the_region_then_euro():
    assert currency_for("Atlantis", "na") == "USD"
    assert currency_for("", "emea") == "EUR"
    assert currency_for(None, None) == "EUR"
