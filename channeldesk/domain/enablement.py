"""What the enablement library holds and the rules a CAM relies on when handing it out.

Assets (datasheets, battlecards, decks…) come in versions; a partner holds the version it
was given, and is *behind* when a newer version exists. Assets expire and are left out of
sharing by default once expired. Certifications expire too; a partner's tier asks for a
number of certified people. Plain values in, plain values out: no Qt, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from channeldesk.domain.partner import PartnerTier, PartnerType, website_error
from channeldesk.domain.partner import label as partner_label

TITLE_MAX = 200
TAGS_MAX = 500
FILE_NAME_MAX = 255
NOTE_MAX = 2_000
EXTRACTED_TEXT_MAX = 20_000
MAX_FILE_BYTES = 512 * 1024 * 1024
"""The largest file the library takes: 512 MiB. Bigger files (raw video) belong on a
file share or video platform, added as a link; sync moves a file in one request."""
EXPIRING_SOON_DAYS = 30
SCORE_MAX = 100


class AssetKind(StrEnum):
    DATASHEET = "datasheet"
    BATTLECARD = "battlecard"
    PITCH_DECK = "pitch_deck"
    CASE_STUDY = "case_study"
    PRICE_LIST = "price_list"
    CAMPAIGN_KIT = "campaign_kit"
    COURSE_MATERIAL = "course_material"
    VIDEO = "video"
    WEB_LINK = "web_link"


class ShareChannel(StrEnum):
    EMAIL = "email"
    MEETING = "meeting"
    PORTAL = "portal"
    USB = "usb"


class EnrolmentStatus(StrEnum):
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    FAILED = "failed"


class AssetState(StrEnum):
    """Where an asset stands on a day, for the library's status filter and flags."""

    CURRENT = "current"
    EXPIRING = "expiring"
    EXPIRED = "expired"


LANGUAGES: dict[str, str] = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "nl": "Dutch", "pl": "Polish", "pt": "Portuguese", "sv": "Swedish", "ja": "Japanese",
    "zh": "Chinese", "ko": "Korean",
}

LABELS: dict[str, str] = {
    AssetKind.DATASHEET: "Datasheet",
    AssetKind.BATTLECARD: "Battlecard",
    AssetKind.PITCH_DECK: "Pitch deck",
    AssetKind.CASE_STUDY: "Case study",
    AssetKind.PRICE_LIST: "Price list",
    AssetKind.CAMPAIGN_KIT: "Campaign kit",
    AssetKind.COURSE_MATERIAL: "Course material",
    AssetKind.VIDEO: "Video",
    AssetKind.WEB_LINK: "Web link",
    ShareChannel.EMAIL: "Email",
    ShareChannel.MEETING: "Meeting",
    ShareChannel.PORTAL: "Partner portal",
    ShareChannel.USB: "USB stick",
    EnrolmentStatus.ENROLLED: "Enrolled",
    EnrolmentStatus.COMPLETED: "Completed",
    EnrolmentStatus.FAILED: "Not passed",
    AssetState.CURRENT: "Current",
    AssetState.EXPIRING: "Expiring soon",
    AssetState.EXPIRED: "Expired",
}

DEFAULT_REQUIRED_PEOPLE: dict[str, int] = {
    PartnerTier.REGISTERED: 0, PartnerTier.SILVER: 1, PartnerTier.GOLD: 2,
    PartnerTier.PLATINUM: 4,
}
"""Certified people a tier asks for until the team sets its own (Tier requirements…)."""


def label(code: str | None) -> str:
    """How a stored code reads to a person; unknown codes are shown as they are."""
    if code is None:
        return ""
    return LABELS.get(code) or LANGUAGES.get(code) or code


# -- lists of codes (audience, tags) ------------------------------------------------------

def split_codes(text: str | None) -> list[str]:
    """'reseller, msp' → ['reseller', 'msp']: the stored form of a list is comma-separated."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def join_codes(codes: Iterable[str]) -> str:
    return ",".join(dict.fromkeys(code.strip() for code in codes if code.strip()))


def _codes_error(text: str, allowed: Iterable[str], what: str) -> str | None:
    known = set(allowed)
    unknown = [code for code in split_codes(text) if code not in known]
    if unknown:
        return (f"'{unknown[0]}' is not a {what}. Leave it empty for every {what}, or "
                f"list codes such as {', '.join(sorted(known)[:3])}.")
    return None


def audience_types_error(text: str | None) -> str | None:
    return _codes_error(text or "", (t.value for t in PartnerType), "partner type")


def audience_tiers_error(text: str | None) -> str | None:
    return _codes_error(text or "", (t.value for t in PartnerTier), "tier")


def audience_text(types: str, tiers: str) -> str:
    """'Gold, Platinum · Resellers, MSPs' or 'All partners'."""
    tier_part = ", ".join(partner_label(code) for code in split_codes(tiers))
    type_part = ", ".join(partner_label(code) for code in split_codes(types))
    text = " · ".join(part for part in (tier_part, type_part) if part)
    return text or "All partners"


def in_audience(types: str, tiers: str, partner_type: str, tier: str) -> bool:
    """Whether a partner of that type and tier is who an asset is meant for ('' = all)."""
    wanted_types, wanted_tiers = split_codes(types), split_codes(tiers)
    return ((not wanted_types or partner_type in wanted_types)
            and (not wanted_tiers or tier in wanted_tiers))


# -- assets and versions ----------------------------------------------------------------

def url_error(text: str | None) -> str | None:
    """A version's link must be a web address a browser opens (http or https)."""
    value = (text or "").strip()
    if not value:
        return None
    if "://" not in value:
        return "Enter the whole address, starting with https:// (e.g. https://example.com/deck)."
    return website_error(value)


def dates_error(published_on: date | None, expires_on: date | None) -> str | None:
    if published_on and expires_on and expires_on < published_on:
        return (f"The expiry date ({expires_on.isoformat()}) is before the publication date "
                f"({published_on.isoformat()}). Pick a later expiry, or none.")
    return None


def asset_state(expires_on: date | None, today: date) -> AssetState:
    """Current, expiring (within :data:`EXPIRING_SOON_DAYS`) or expired on ``today``: what
    the library flags and what sharing leaves out by default."""
    if expires_on is None or expires_on - today > timedelta(days=EXPIRING_SOON_DAYS):
        return AssetState.CURRENT
    return AssetState.EXPIRED if expires_on < today else AssetState.EXPIRING


def size_error(size: int) -> str | None:
    """A file over the library's limit, worded for the person who picked it."""
    if size > MAX_FILE_BYTES:
        return (f"The file is {format_size(size)}; the library takes files up to "
                f"{format_size(MAX_FILE_BYTES)}. Put it on a file share or video site and "
                "add it as a link instead.")
    return None


def format_size(size: int) -> str:
    value, unit = float(size), "bytes"
    for next_unit in ("KB", "MB", "GB"):
        if value < 1024:
            break
        value, unit = value / 1024, next_unit
    return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"


def validate_asset(values: Mapping) -> dict[str, str]:
    """Field → message for every invalid asset field (a form's check and the sync's)."""
    errors: dict[str, str | None] = {
        "title": None if (values.get("title") or "").strip() or "title" not in values
        else "Title is required.",
        "audience_types": audience_types_error(values.get("audience_types")),
        "audience_tiers": audience_tiers_error(values.get("audience_tiers")),
        "expires_on": dates_error(values.get("published_on"), values.get("expires_on")),
    }
    return {name: message for name, message in errors.items() if message}


def validate_version(values: Mapping) -> dict[str, str]:
    """A version is a stored file or a link, never neither."""
    errors: dict[str, str | None] = {"url": url_error(values.get("url"))}
    if ("url" in values and "file_sha" in values and not values.get("url")
            and not values.get("file_sha")):
        errors["url"] = "Choose a file or enter a link for this version."
    return {name: message for name, message in errors.items() if message}


def version_label(number: int) -> str:
    return f"v{number}"


@dataclass(frozen=True)
class Holding:
    """What a partner holds of one asset: the newest version it was given against the
    asset's current one."""

    asset_id: str
    title: str
    held_version: int
    current_version: int
    last_shared_on: date | None  # None: a stored date nobody can read
    expires_on: date | None = None

    @property
    def outdated(self) -> bool:
        """A newer version exists than the one the partner was given (re-share it)."""
        return self.held_version < self.current_version


# -- certifications and tiers -------------------------------------------------------------

def validate_completion(completed_on: date | None, enrolled_on: date | None,
                        score: int | None) -> dict[str, str]:
    """Problems with a completion, by field (empty when fine): a date is needed, not
    before the enrolment, and a score, when given, is 0 to 100."""
    errors: dict[str, str] = {}
    if completed_on is None:
        errors["completed_on"] = "Enter the date the course was completed."
    elif enrolled_on and completed_on < enrolled_on:
        errors["completed_on"] = (f"Completed before enrolling ({enrolled_on.isoformat()}); "
                                  "check the dates.")
    if score is not None and not 0 <= score <= SCORE_MAX:
        errors["score"] = f"A score is between 0 and {SCORE_MAX}."
    return errors


def certified_on_day(certified_on: date, expires_on: date | None, day: date) -> bool:
    """Whether a certification counts on ``day``: earned by then and not yet run out."""
    return certified_on <= day and (expires_on is None or expires_on >= day)


@dataclass(frozen=True)
class Headcount:
    """A partner's certified people against what its tier requires."""

    certified: int
    required: int

    @property
    def short(self) -> int:
        return max(0, self.required - self.certified)

    @property
    def meets(self) -> bool:
        return self.certified >= self.required

    def text(self) -> str:
        if self.required == 0:
            return f"{self.certified} certified (tier asks for none)"
        verdict = "meets the tier" if self.meets else f"{self.short} short"
        return f"{self.certified} of {self.required} certified · {verdict}"


def required_people(tier: str, configured: Mapping[str, int]) -> int:
    """What a tier asks for: the team's setting, else the default."""
    if tier in configured:
        return configured[tier]
    return DEFAULT_REQUIRED_PEOPLE.get(tier, 0)


# -- the partner pack ---------------------------------------------------------------------

@dataclass(frozen=True)
class CertifiedPerson:
    name: str
    course: str
    certified_on: date
    expires_on: date | None


@dataclass(frozen=True)
class EnablementPack:
    """What the partner pack shows of enablement: who is certified until when against the
    tier's requirement, and what the partner holds (outdated first). Nothing internal."""

    headcount: Headcount
    people: tuple[CertifiedPerson, ...]
    holdings: tuple[Holding, ...]

    @property
    def outdated(self) -> int:
        """How many of the partner's holdings have a newer version."""
        return sum(1 for holding in self.holdings if holding.outdated)
