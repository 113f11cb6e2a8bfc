"""What a partner, a contact and an engagement activity may hold, and how to tell.

The UI shows these messages next to the field as the user types; the store never sees a
value that failed here. Choices are stored as their code (``"msp"``) and shown by label.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from enum import StrEnum
from urllib.parse import urlparse


class PartnerType(StrEnum):
    RESELLER = "reseller"
    MSP = "msp"
    DISTRIBUTOR = "distributor"
    REFERRAL = "referral"
    ISV = "isv"
    SYSTEM_INTEGRATOR = "system_integrator"


class PartnerTier(StrEnum):
    REGISTERED = "registered"
    SILVER = "silver"
    GOLD = "gold"
    PLATINUM = "platinum"


class PartnerStatus(StrEnum):
    ONBOARDING = "onboarding"
    ACTIVE = "active"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class Region(StrEnum):
    NORTH_AMERICA = "na"
    LATIN_AMERICA = "latam"
    EMEA = "emea"
    APAC = "apac"


class ActivityKind(StrEnum):
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    QBR = "qbr"
    TRAINING = "training"
    EVENT = "event"


LABELS: dict[str, str] = {
    PartnerType.RESELLER: "Reseller",
    PartnerType.MSP: "MSP",
    PartnerType.DISTRIBUTOR: "Distributor",
    PartnerType.REFERRAL: "Referral partner",
    PartnerType.ISV: "ISV",
    PartnerType.SYSTEM_INTEGRATOR: "System integrator",
    PartnerTier.REGISTERED: "Registered",
    PartnerTier.SILVER: "Silver",
    PartnerTier.GOLD: "Gold",
    PartnerTier.PLATINUM: "Platinum",
    PartnerStatus.ONBOARDING: "Onboarding",
    PartnerStatus.ACTIVE: "Active",
    PartnerStatus.INACTIVE: "Inactive",
    PartnerStatus.SUSPENDED: "Suspended",
    PartnerStatus.TERMINATED: "Terminated",
    Region.NORTH_AMERICA: "North America",
    Region.LATIN_AMERICA: "Latin America",
    Region.EMEA: "EMEA",
    Region.APAC: "APAC",
    ActivityKind.CALL: "Call",
    ActivityKind.MEETING: "Meeting",
    ActivityKind.EMAIL: "Email",
    ActivityKind.QBR: "QBR",
    ActivityKind.TRAINING: "Training",
    ActivityKind.EVENT: "Event",
}


def label(code: str | None) -> str:
    """The human label of a stored choice code; unknown codes are shown as they are."""
    if code is None:
        return ""
    return LABELS.get(code, code)


NAME_MAX = 200
TEXT_MAX = 20_000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ().\-/]{5,30}$")
PHONE_MIN_DIGITS = 5

Errors = dict[str, str]


def _required_name(value: str | None, what: str) -> str | None:
    text = (value or "").strip()
    if not text:
        return f"{what} is required."
    if len(text) > NAME_MAX:
        return f"{what} is too long ({len(text)} characters, at most {NAME_MAX})."
    return None


@functools.cache
def _values(choices: type[StrEnum]) -> frozenset[str]:
    """The values of a choice list, built once: a synced page checks thousands."""
    return frozenset(c.value for c in choices)


def _choice(value: str | None, choices: type[StrEnum], what: str) -> str | None:
    if value not in _values(choices):
        return f"Choose a {what}."
    return None


def email_error(value: str | None) -> str | None:
    text = (value or "").strip()
    if text and not _EMAIL.match(text):
        return "Enter an email address like name@example.com."
    return None


def phone_error(value: str | None) -> str | None:
    text = (value or "").strip()
    if text and not (_PHONE.match(text) and sum(c.isdigit() for c in text) >= PHONE_MIN_DIGITS):
        return "Enter a phone number: digits, spaces, +, -, ( and ) only."
    return None


def website_error(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    message = "Enter a web address like example.com or https://example.com."
    if any(c.isspace() for c in text):
        return message
    try:
        parsed = urlparse(text if "://" in text else f"https://{text}")
        host = parsed.hostname or ""
        parsed.port  # noqa: B018 (raises ValueError on a bad port such as ':abc')
    except ValueError:  # e.g. 'http://[::1' (an unclosed IPv6 bracket)
        return message
    labels = host.split(".")
    if parsed.scheme not in {"http", "https"} or len(labels) < 2 or not all(labels):
        return message
    return None


def _long_text(value: str | None, what: str) -> str | None:
    if value and len(value) > TEXT_MAX:
        return f"{what} is too long (at most {TEXT_MAX:,} characters)."
    return None


def _drop_empty(errors: dict[str, str | None]) -> Errors:
    return {field: message for field, message in errors.items() if message}


def validate_partner(values: dict) -> Errors:
    """Field → message for every invalid partner field; empty when all is well."""
    return _drop_empty({
        "name": _required_name(values.get("name"), "Name"),
        "partner_type": _choice(values.get("partner_type"), PartnerType, "partner type"),
        "tier": _choice(values.get("tier"), PartnerTier, "tier"),
        "status": _choice(values.get("status"), PartnerStatus, "status"),
        "region": _choice(values.get("region"), Region, "region"),
        "website": website_error(values.get("website")),
        "phone": phone_error(values.get("phone")),
        "internal_notes": _long_text(values.get("internal_notes"), "Internal notes"),
    })


def validate_contact(values: dict) -> Errors:
    """Field → message for every invalid contact field."""
    return _drop_empty({
        "name": _required_name(values.get("name"), "Name"),
        "email": email_error(values.get("email")),
        "phone": phone_error(values.get("phone")),
    })


def validate_activity(values: dict, today: date | None = None) -> Errors:
    """Field → message for every invalid activity field."""
    occurred = values.get("occurred_on")
    date_problem = None
    if not isinstance(occurred, date):
        date_problem = "Enter the date of the activity."
    elif today and (occurred - today).days > 366:
        date_problem = "That date is more than a year ahead; check the year."
    return _drop_empty({
        "kind": _choice(values.get("kind"), ActivityKind, "kind of activity"),
        "occurred_on": date_problem,
        "subject": _required_name(values.get("subject"), "Subject"),
        "notes": _long_text(values.get("notes"), "Notes"),
    })


def normalize_website(value: str | None) -> str:
    """Store websites with a scheme so they open from the detail pane."""
    text = (value or "").strip()
    if text and "://" not in text:
        return f"https://{text}"
    return text
