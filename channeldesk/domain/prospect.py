"""What a prospect may hold, its pipeline stages, and how to recognise the same company.

Stages run identified → contacted → qualified → proposal → negotiation → signed, with
lost as the way out from anywhere (with a reason). Moving back is allowed: a proposal
that stalls goes back to qualified. Duplicates are recognised by web domain or by the
company name with accents, case, punctuation and legal suffixes ("GmbH", "Inc.") removed.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from urllib.parse import urlparse

from channeldesk.domain.partner import (
    PartnerType,
    Region,
    _drop_empty,
    _long_text,
    _required_name,
    email_error,
    phone_error,
    website_error,
)
from channeldesk.domain.partner import label as partner_label
from channeldesk.domain.text_order import sort_key


class Stage(StrEnum):
    IDENTIFIED = "identified"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    SIGNED = "signed"
    LOST = "lost"


PIPELINE: tuple[Stage, ...] = tuple(Stage)
MAX_EMPLOYEES = 10_000_000  # more is a column mix-up, not a company
OPEN_STAGES = frozenset(PIPELINE[:5])


class Source(StrEnum):
    EVENT = "event"
    REFERRAL = "referral"
    INBOUND = "inbound"
    LIST = "list"
    OUTBOUND = "outbound"
    PARTNER = "partner"
    OTHER = "other"


LABELS: dict[str, str] = {
    Stage.IDENTIFIED: "Identified",
    Stage.CONTACTED: "Contacted",
    Stage.QUALIFIED: "Qualified",
    Stage.PROPOSAL: "Proposal",
    Stage.NEGOTIATION: "Negotiation",
    Stage.SIGNED: "Signed",
    Stage.LOST: "Lost",
    Source.EVENT: "Event",
    Source.REFERRAL: "Referral",
    Source.INBOUND: "Inbound",
    Source.LIST: "List",
    Source.OUTBOUND: "Outbound",
    Source.PARTNER: "Partner introduction",
    Source.OTHER: "Other",
}


def label(code: str | None) -> str:
    """The label of a stage, source, region or partner type code."""
    if code is None:
        return ""
    return LABELS.get(code) or partner_label(code)


def stage_move_error(current: str, target: str, lost_reason: str = "") -> str | None:
    """Why a prospect cannot move from ``current`` to ``target``; None if it can."""
    if target not in {s.value for s in Stage}:
        return f"'{target}' is not a pipeline stage."
    if target == current:
        return f"The prospect is already {label(target).lower()}."
    if target == Stage.LOST and not lost_reason.strip():
        return "Say why the prospect was lost."
    return None


def validate_prospect(values: dict) -> dict[str, str]:
    """Field → message for every invalid prospect field; empty when all is well."""
    employees = values.get("employees")
    revenue = values.get("annual_revenue_minor")
    return _drop_empty({
        "company": _required_name(values.get("company"), "Company"),
        "website": website_error(values.get("website")),
        "region": _optional_choice(values.get("region"), Region, "region"),
        "partner_type": _optional_choice(values.get("partner_type"), PartnerType,
                                         "partner type"),
        "stage": _optional_choice(values.get("stage") or Stage.IDENTIFIED, Stage, "stage"),
        "employees": ("Employees cannot be negative." if isinstance(employees, int)
                      and employees < 0 else None),
        "annual_revenue_minor": ("Annual revenue cannot be negative." if isinstance(revenue, int)
                                 and revenue < 0 else None),
        "lost_reason": ("Say why the prospect was lost." if values.get("stage") == Stage.LOST
                        and not (values.get("lost_reason") or "").strip() else None),
        "contact_email": email_error(values.get("contact_email")),
        "contact_phone": phone_error(values.get("contact_phone")),
        "internal_notes": _long_text(values.get("internal_notes"), "Internal notes"),
    })


def _optional_choice(value: str | None, choices: type[StrEnum], what: str) -> str | None:
    if value and value not in {c.value for c in choices}:
        return f"'{value}' is not a {what}."
    return None


def is_overdue(next_step_on: date | None, stage: str, today: date) -> bool:
    """An open prospect whose next step's date has passed."""
    return next_step_on is not None and next_step_on < today and stage in OPEN_STAGES


# -- the same company -----------------------------------------------------------------------

_LEGAL_SUFFIXES = frozenset({
    "inc", "incorporated", "llc", "ltd", "limited", "plc", "corp", "corporation", "co",
    "company", "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "ab",
    "as", "asa", "oy", "sp", "z", "o", "zoo", "kk", "pty", "pte", "sl", "lda", "se", "group",
})
_NON_WORD = re.compile(r"[^\w]+")


def company_key(name: str | None) -> str:
    """The company name as duplicates are compared: folded, no punctuation or legal form."""
    words = _NON_WORD.sub(" ", sort_key(name or "")).split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def web_domain(website: str | None) -> str:
    """The registrable-looking host of a website ('https://www.acme.com/x' → 'acme.com')."""
    text = (website or "").strip().lower()
    if not text:
        return ""
    try:
        host = urlparse(text if "://" in text else f"https://{text}").hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def split_list(text: str | None) -> frozenset[str]:
    """A comma- or semicolon-separated list as a set of folded items."""
    return frozenset(item for item in (sort_key(part.strip())
                                       for part in re.split(r"[,;|]", text or "")) if item)
