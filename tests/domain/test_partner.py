"""Partner, contact and activity validation: field → message, empty when all is well."""

from __future__ import annotations

from datetime import date

import pytest

from channeldesk.domain.partner import (
    NAME_MAX,
    TEXT_MAX,
    PartnerType,
    email_error,
    label,
    normalize_website,
    phone_error,
    validate_activity,
    validate_contact,
    validate_partner,
    website_error,
)

GOOD_PARTNER = {
    "name": "Northwind Systems", "partner_type": "msp", "tier": "gold", "status": "active",
    "region": "emea", "website": "northwind.example.com", "phone": "+44 20 7946 0958",
    "internal_notes": "Strong in healthcare.",
}


def test_a_good_partner_has_no_errors():
    assert validate_partner(GOOD_PARTNER) == {}


def test_an_empty_partner_lists_every_required_field():
    assert set(validate_partner({})) == {"name", "partner_type", "tier", "status", "region"}


@pytest.mark.parametrize(("field", "value"), [
    ("name", ""), ("name", "   "), ("name", "x" * (NAME_MAX + 1)),
    ("partner_type", "Reseller"), ("partner_type", "vendor"),
    ("tier", "diamond"), ("status", None), ("region", "EMEA"),
    ("website", "not a url"), ("phone", "call me"),
    ("internal_notes", "x" * (TEXT_MAX + 1)),
])
def test_each_bad_partner_field_is_named(field, value):
    assert list(validate_partner({**GOOD_PARTNER, field: value})) == [field]


def test_optional_partner_fields_may_be_empty():
    partner = {**GOOD_PARTNER, "website": "", "phone": "", "internal_notes": ""}
    assert validate_partner(partner) == {}
    assert validate_partner({**GOOD_PARTNER, "website": None, "phone": None}) == {}


def test_choices_accept_enum_members_and_codes():
    assert validate_partner({**GOOD_PARTNER, "partner_type": PartnerType.ISV}) == {}
    assert validate_partner({**GOOD_PARTNER, "partner_type": "system_integrator"}) == {}


def test_name_at_the_limit_is_fine():
    assert validate_partner({**GOOD_PARTNER, "name": "x" * NAME_MAX}) == {}


@pytest.mark.parametrize("value", [
    "example.com", "www.example.co.uk", "https://example.com", "http://example.com/partners",
    "example.com:8443/portal?id=1", "https://xn--bcher-kva.example",
])
def test_good_websites(value):
    assert website_error(value) is None


@pytest.mark.parametrize("value", [
    "localhost", "ftp://example.com", "javascript:alert(1)", "https://", "http://.",
    "example.", ".com", "a..b", "https://exa mple.com", "http://[::1", "example.com:port",
])
def test_bad_websites_get_a_message_not_an_exception(value):
    assert "web address" in website_error(value)


def test_normalize_website_adds_a_scheme():
    assert normalize_website(" example.com ") == "https://example.com"
    assert normalize_website("http://example.com") == "http://example.com"
    assert normalize_website(None) == ""


@pytest.mark.parametrize("value", ["+1 (555) 123-4567", "030/1234567", "0151.2345.678", ""])
def test_good_phones(value):
    assert phone_error(value) is None


@pytest.mark.parametrize("value", ["-----", "(((())))", "+", "1234", "555-CALL-NOW",
                                   "1" * 31, "+44 20 7946 0958 ext. 12"])
def test_bad_phones(value):
    assert "phone number" in phone_error(value)


@pytest.mark.parametrize(("value", "ok"), [
    ("ada@example.com", True), ("a.b+c@sub.example.org", True), ("", True), (None, True),
    ("ada", False), ("ada@", False), ("@example.com", False), ("ada@example", False),
    ("ada @example.com", False), ("ada@@example.com", False),
])
def test_emails(value, ok):
    assert (email_error(value) is None) is ok


def test_contact_validation():
    assert validate_contact({"name": "Ada", "email": "ada@example.com"}) == {}
    assert set(validate_contact({"name": "", "email": "nope", "phone": "x"})) == {
        "name", "email", "phone"
    }


def test_activity_validation():
    good = {"kind": "qbr", "occurred_on": date(2026, 3, 1), "subject": "Q1 review"}
    assert validate_activity(good) == {}
    assert validate_activity(good, today=date(2026, 2, 1)) == {}
    assert set(validate_activity({})) == {"kind", "occurred_on", "subject"}
    assert list(validate_activity({**good, "occurred_on": "2026-03-01"})) == ["occurred_on"]
    assert list(validate_activity({**good, "notes": "x" * (TEXT_MAX + 1)})) == ["notes"]


def test_activity_more_than_a_year_ahead_is_questioned():
    far = {"kind": "call", "occurred_on": date(2027, 6, 1), "subject": "Renewal"}
    assert "year" in validate_activity(far, today=date(2026, 1, 1))["occurred_on"]
    assert validate_activity(far) == {}  # without today, no opinion on the future


def test_labels():
    assert label("msp") == "MSP"
    assert label("system_integrator") == "System integrator"
    assert label("unknown-code") == "unknown-code"
    assert label(None) == ""
