"""The prospect CSV columns: which header names mean which field, and how values read.

Shared by the importer and the exporter so that an export always imports again. Header
names cover plain English and the common CRM exports (Salesforce Accounts and Leads,
HubSpot Companies); they are compared folded, without spaces or punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from channeldesk.domain.money import Money, MoneyError, validate_currency
from channeldesk.domain.partner import LABELS as PARTNER_LABELS
from channeldesk.domain.partner import PartnerType, Region
from channeldesk.domain.prospect import LABELS as PROSPECT_LABELS
from channeldesk.domain.prospect import MAX_EMPLOYEES, Source, Stage
from channeldesk.domain.text_order import sort_key
from channeldesk.store.description import FieldSpec
from channeldesk.store.models import Prospect


@dataclass(frozen=True)
class CsvField:
    """A prospect field as a CSV column: the names it imports from. Its export header
    and whether it is internal-only are the prospect description's label and flag, so
    the CSV, the forms and presentation mode cannot disagree."""

    name: str
    aliases: tuple[str, ...] = ()
    column: str = ""  # the stored column when it is not ``name`` (revenue in minor units)

    @property
    def spec(self) -> FieldSpec:
        return Prospect.description.field(self.column or self.name)

    @property
    def header(self) -> str:
        return self.spec.label

    @property
    def internal(self) -> bool:
        return self.spec.internal


FIELDS: tuple[CsvField, ...] = (
    CsvField("company", ("company name", "account name", "name", "organization",
                         "organisation", "account")),
    CsvField("website", ("company domain name", "domain", "web site", "url", "website url")),
    CsvField("country", ("billing country", "country/region", "country region",
                         "hq country", "mailing country")),
    CsvField("region", ("sales region", "territory", "geo")),
    CsvField("vertical", ("industry", "sector", "market")),
    CsvField("employees", ("number of employees", "no of employees", "employee count",
                           "headcount", "company size", "numberofemployees")),
    CsvField("annual_revenue", ("annualrevenue", "revenue", "annual revenue usd"),
             column="annual_revenue_minor"),
    CsvField("currency", ("currency code", "currencyisocode", "account currency")),
    CsvField("partner_type", ("type", "account type", "partner type sought",
                              "business type")),
    CsvField("source", ("lead source", "leadsource", "original source",
                        "original source type", "account source")),
    CsvField("stage", ("lead status", "status", "pipeline stage", "lifecycle stage")),
    CsvField("lost_reason", ("reason lost", "unqualified reason")),
    CsvField("owner", ("account owner", "lead owner", "company owner", "owner name",
                       "hubspot owner")),
    CsvField("next_step", ("nextstep", "next activity")),
    CsvField("next_step_on", ("next step due", "next activity date", "follow up date",
                              "follow-up date")),
    CsvField("contact_name", ("contact", "full name", "primary contact")),
    CsvField("contact_email", ("email", "email address", "contact email address")),
    CsvField("contact_phone", ("phone", "phone number", "mobile", "contact phone number")),
    CsvField("competencies", ("competency", "certifications", "skills")),
    CsvField("competitors", ("competitor", "sells competitor", "competitor products")),
    CsvField("internal_notes", ("notes", "description", "comments")),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
# Columns the exporter writes for people that the importer knowingly leaves out.
EXPORT_ONLY_HEADERS = ("Fit score",)
# The record's id: an export carries it so that importing the file again matches each row
# to the prospect it came from before any name is compared. Not "Id" or "Record ID": those
# are Salesforce's and HubSpot's own ids.
ID_TARGET = "id"
ID_HEADER = "ChannelDesk ID"
ID_ALIASES = ("channeldesk id", "prospect id")
# Fields holding numbers: a plain number there is written as it is (see csv_cells).
NUMERIC_FIELDS = frozenset({"employees", "annual_revenue"})
# HubSpot and Salesforce split the contact's name in two; the first name joins the last.
FIRST_NAME_HEADERS = ("first name", "firstname")
LAST_NAME_HEADERS = ("last name", "lastname")


def header_key(header: str) -> str:
    return re.sub(r"[^0-9a-z]", "", sort_key(header.strip().lstrip("\ufeff")))


_ALIASES: dict[str, str] = {}
for _field in FIELDS:
    for _name in (_field.header, _field.name, *_field.aliases):
        _ALIASES.setdefault(header_key(_name), _field.name)
for _name in (ID_HEADER, *ID_ALIASES):
    _ALIASES.setdefault(header_key(_name), ID_TARGET)
_IGNORED = {header_key(h) for h in EXPORT_ONLY_HEADERS}


def field_for_header(header: str) -> str | None:
    """The prospect field a column header names (``ID_TARGET`` for the id), or None."""
    return _ALIASES.get(header_key(header))


def is_export_only(header: str) -> bool:
    return header_key(header) in _IGNORED


# -- reading values -------------------------------------------------------------------------

def _choice_map(enum, labels: dict[str, str], extra: dict[str, str]) -> dict[str, str]:
    found = {}
    for member in enum:
        found[header_key(member.value)] = member.value
        found[header_key(labels.get(member, member.value))] = member.value
    found.update({header_key(k): v for k, v in extra.items()})
    return found


REGIONS = _choice_map(Region, PARTNER_LABELS, {
    "europe": "emea", "eu": "emea", "middle east": "emea", "africa": "emea",
    "nam": "na", "north america": "na", "us": "na", "usa": "na", "amer": "na",
    "south america": "latam", "central america": "latam", "la": "latam",
    "asia": "apac", "asia pacific": "apac", "asia-pacific": "apac", "anz": "apac",
})
PARTNER_TYPES = _choice_map(PartnerType, PARTNER_LABELS, {
    "var": "reseller", "value added reseller": "reseller", "managed service provider": "msp",
    "si": "system_integrator", "integrator": "system_integrator", "referral": "referral",
    "independent software vendor": "isv", "distribution": "distributor",
})
STAGES = _choice_map(Stage, PROSPECT_LABELS, {
    "new": "identified", "open": "identified", "open not contacted": "identified",
    "working": "contacted", "working contacted": "contacted", "attempted to contact":
    "contacted", "in progress": "contacted", "connected": "contacted",
    "closed converted": "signed", "won": "signed", "closed won": "signed",
    "customer": "signed", "closed not converted": "lost", "unqualified": "lost",
    "closed lost": "lost", "bad timing": "lost",
    # HubSpot lifecycle stages
    "subscriber": "identified", "lead": "identified", "marketing qualified lead": "contacted",
    "sales qualified lead": "qualified", "opportunity": "proposal", "evangelist": "signed",
})
SOURCES = _choice_map(Source, PROSPECT_LABELS, {
    "trade show": "event", "seminar": "event", "webinar": "event", "conference": "event",
    "employee referral": "referral", "partner referral": "partner", "web": "inbound",
    "website": "inbound", "organic search": "inbound", "purchased list": "list",
    "cold call": "outbound", "offline sources": "other", "direct traffic": "inbound",
})

_NUMBER = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$")
_RANGE = re.compile(r"^(\d[\d,]*)\s*(?:-|–|to)\s*(\d[\d,]*)$")
_CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y", "%d.%m.%Y",
                "%Y/%m/%d")


class ValueProblem(ValueError):  # noqa: N818 -- a cell problem, worded for people
    """A cell that cannot be read; the message says what was expected."""


def read_employees(text: str) -> tuple[int, str | None]:
    """A head count, and a note when a range was given ('51-200' reads as 51)."""
    cleaned = text.strip().replace(" ", "")
    if cleaned.startswith("-") and _NUMBER.match(cleaned[1:]):
        raise ValueProblem("employees cannot be negative")
    ranged = _RANGE.match(text.strip())
    note = None
    if ranged:
        cleaned, note = ranged.group(1).replace(",", ""), "a range; its lower bound was used"
    elif cleaned.endswith("+") and _NUMBER.match(cleaned[:-1]):
        cleaned, note = cleaned[:-1], "an open range; its lower bound was used"
    elif cleaned.endswith(".0") and _NUMBER.match(cleaned[:-2]):
        cleaned = cleaned[:-2]
    if not _NUMBER.match(cleaned):
        raise ValueProblem("expected a whole number of employees, e.g. 250")
    value = int(cleaned.replace(",", ""))
    if value > MAX_EMPLOYEES:
        raise ValueProblem(f"more than {MAX_EMPLOYEES:,} employees; check the column")
    return value, note


def read_revenue(text: str, currency: str) -> tuple[int, str]:
    """Annual revenue as (minor units, currency); a leading $, €, £ or ¥ sets the currency."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    for sign, code in _CURRENCY_SIGNS.items():
        if cleaned.startswith(sign) or cleaned.endswith(sign):
            cleaned, currency = cleaned.strip(sign), code
    if cleaned.startswith("-"):
        raise ValueProblem("revenue cannot be negative")
    try:
        return Money.parse(cleaned, currency).to_minor(), currency
    except MoneyError as error:
        raise ValueProblem("expected an amount such as 1250000 or 1,250,000.50") from error


def read_currency(text: str) -> str:
    try:
        return validate_currency(text)
    except MoneyError as error:
        raise ValueProblem("expected a three-letter currency code such as EUR") from error


def read_date(text: str) -> date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueProblem("expected a date such as 2026-03-31")


def read_choice(text: str, choices: dict[str, str], what: str) -> str:
    found = choices.get(header_key(text))
    if found is None:
        raise ValueProblem(f"not a {what} ChannelDesk knows")
    return found


# The first-name column is read into this key and joined with the last name on import.
FIRST_NAME = "contact_first_name"


# -- mapping columns to fields --------------------------------------------------------------

def auto_mapping(headers: Sequence[str]) -> list[str | None]:
    """The field each column imports into, from its header (each field used once)."""
    used: set[str] = set()
    mapping: list[str | None] = []
    for header in headers:
        key = header_key(header)
        target = FIRST_NAME if key in {header_key(h) for h in FIRST_NAME_HEADERS} else None
        if key in {header_key(h) for h in LAST_NAME_HEADERS}:
            target = "contact_name"
        target = target or field_for_header(header)
        if target in used:
            target = None
        if target:
            used.add(target)
        mapping.append(target)
    return mapping


def mapping_problem(mapping: Sequence[str | None]) -> str | None:
    """Why a mapping cannot be imported (no company column, a field twice); None if fine."""
    chosen = [m for m in mapping if m]
    if "company" not in chosen:
        return ("No column is mapped to Company. Choose which column holds the company "
                "name.")
    twice = sorted({m for m in chosen if chosen.count(m) > 1})
    if twice:
        return f"More than one column is mapped to {', '.join(twice)}. Map each field once."
    return None
