"""Prospect rules: validation, stage moves, recognising the same company."""

from __future__ import annotations

from datetime import date

from channeldesk.domain.prospect import (
    company_key,
    is_overdue,
    label,
    split_list,
    stage_move_error,
    validate_prospect,
    web_domain,
)


def test_validation_names_each_bad_field():
    errors = validate_prospect({"company": " ", "employees": -1, "website": "not a site",
                                "stage": "lost", "region": "mars",
                                "contact_email": "x@"})
    assert set(errors) == {"company", "employees", "website", "lost_reason", "region",
                           "contact_email"}
    assert validate_prospect({"company": "Acme", "stage": "qualified"}) == {}


def test_stage_moves():
    assert stage_move_error("identified", "contacted") is None
    assert stage_move_error("proposal", "qualified") is None  # back is allowed
    assert "already" in stage_move_error("signed", "signed")
    assert "why" in stage_move_error("qualified", "lost")
    assert stage_move_error("qualified", "lost", "went with a competitor") is None
    assert "not a pipeline stage" in stage_move_error("qualified", "won")


def test_same_company_keys():
    assert company_key("Łódź Systemy Sp. z o.o.") == company_key("lodz systemy")
    assert company_key("ACME GmbH") == company_key("Acme") == "acme"
    assert company_key("Group") == "group"  # a name is never reduced to nothing
    assert web_domain("https://www.Acme.com/about") == "acme.com"
    assert web_domain("acme.com") == "acme.com"
    assert web_domain("http://[::1") == ""
    assert split_list("Azure; AWS,  ,GCP") == {"azure", "aws", "gcp"}


def test_overdue_only_for_open_prospects():
    today = date(2026, 5, 1)
    assert is_overdue(date(2026, 4, 30), "qualified", today)
    assert not is_overdue(date(2026, 4, 30), "signed", today)
    assert not is_overdue(date(2026, 5, 1), "qualified", today)
    assert not is_overdue(None, "qualified", today)
    assert label("negotiation") == "Negotiation" and label("emea") == "EMEA"
