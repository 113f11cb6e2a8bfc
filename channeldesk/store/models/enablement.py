"""The enablement library (migration 10): assets and their versions, shares to partners,
launch campaigns, course enrolments, certifications and tier requirements, with what each
table means to a person. Courses themselves are ``courses.py`` (shared with Onboarding)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from peewee import BooleanField, ForeignKeyField, TextField

from channeldesk.domain.enablement import (
    EXTRACTED_TEXT_MAX,
    FILE_NAME_MAX,
    LANGUAGES,
    MAX_FILE_BYTES,
    NOTE_MAX,
    SCORE_MAX,
    TAGS_MAX,
    TITLE_MAX,
    AssetKind,
    EnrolmentStatus,
    ShareChannel,
    audience_tiers_error,
    audience_types_error,
    label,
    url_error,
    validate_asset,
    version_label,
)
from channeldesk.domain.partner import TEXT_MAX, PartnerTier, Region
from channeldesk.domain.partner import label as partner_label
from channeldesk.store.description import (
    FieldSpec,
    Kind,
    Naming,
    TableDescription,
    choices_of,
    within,
)
from channeldesk.store.models.base import CheckedIntegerField, IsoDateField, SyncedModel, attach
from channeldesk.store.models.courses import Course
from channeldesk.store.models.partners import Contact, Partner


class Asset(SyncedModel):
    """One item of the library; its file or link lives in its versions."""

    title = TextField()
    kind = TextField()
    product = TextField(default="")
    language = TextField(default="en")
    audience_types = TextField(default="")  # comma-separated partner types, '' = all
    audience_tiers = TextField(default="")  # comma-separated tiers, '' = all
    tags = TextField(default="")
    co_brandable = BooleanField(default=False)
    published_on = IsoDateField()
    expires_on = IsoDateField(null=True)
    owner = TextField(default="")
    description = TextField(default="")
    internal_notes = TextField(default="")


class AssetVersion(SyncedModel):
    """A version of an asset: a file in the blob store (``file_sha``) or a link."""

    asset = ForeignKeyField(Asset, backref="versions", column_name="asset_id")
    version_no = CheckedIntegerField()
    file_sha = TextField(default="")
    file_name = TextField(default="")
    file_size = CheckedIntegerField(default=0)
    url = TextField(default="")
    change_note = TextField(default="")
    released_on = IsoDateField()
    extracted_text = TextField(default="")  # a PDF's text, for search

    class Meta:
        table_name = "asset_version"


class AssetShare(SyncedModel):
    """One hand-over: which version of an asset a partner got, when and how."""

    asset = ForeignKeyField(Asset, column_name="asset_id")
    version = ForeignKeyField(AssetVersion, column_name="version_id")
    partner = ForeignKeyField(Partner, column_name="partner_id")
    shared_on = IsoDateField()
    channel = TextField()

    class Meta:
        table_name = "asset_share"


class Campaign(SyncedModel):
    """A product launch: assets and courses for the partners its targets pick."""

    title = TextField()
    product = TextField(default="")
    launch_on = IsoDateField()
    ends_on = IsoDateField(null=True)
    target_types = TextField(default="")
    target_tiers = TextField(default="")
    target_regions = TextField(default="")
    description = TextField(default="")


class CampaignAsset(SyncedModel):
    campaign = ForeignKeyField(Campaign, column_name="campaign_id")
    asset = ForeignKeyField(Asset, column_name="asset_id")
    position = CheckedIntegerField(default=0)

    class Meta:
        table_name = "campaign_asset"


class CampaignCourse(SyncedModel):
    campaign = ForeignKeyField(Campaign, column_name="campaign_id")
    course = ForeignKeyField(Course, column_name="course_id")
    position = CheckedIntegerField(default=0)

    class Meta:
        table_name = "campaign_course"


class Enrolment(SyncedModel):
    """A partner contact on a course: enrolled, then completed with a score (or not)."""

    contact = ForeignKeyField(Contact, column_name="contact_id")
    course = ForeignKeyField(Course, column_name="course_id")
    enrolled_on = IsoDateField()
    status = TextField(default=EnrolmentStatus.ENROLLED.value)
    completed_on = IsoDateField(null=True)
    score = CheckedIntegerField(null=True)


class Certification(SyncedModel):
    """A contact certified on a course, until ``expires_on`` (None: never runs out)."""

    contact = ForeignKeyField(Contact, column_name="contact_id")
    course = ForeignKeyField(Course, column_name="course_id")
    certified_on = IsoDateField()
    expires_on = IsoDateField(null=True)


class TierRequirement(SyncedModel):
    """How many certified people a tier asks for: one row per tier, the team's rule."""

    tier = TextField()
    certified_people = CheckedIntegerField(default=0)

    class Meta:
        table_name = "tier_requirement"


# -- what the tables mean ---------------------------------------------------------------------

def _codes_rule(allowed, what: str):
    known = {member.value for member in allowed}

    def rule(text: str) -> str | None:
        unknown = [c.strip() for c in text.split(",") if c.strip() and c.strip() not in known]
        return f"'{unknown[0]}' is not a {what}." if unknown else None
    return rule


def _version_name(values: Mapping[str, Any]) -> str:
    number = values.get("number")
    own = version_label(number) if isinstance(number, int) else "Version"
    return f"{own} of {values['asset']}" if values.get("asset") else own


def _share_name(values: Mapping[str, Any]) -> str:
    what = " ".join(filter(None, (values.get("asset"), version_label(values["number"])
                                  if isinstance(values.get("number"), int) else "")))
    return " → ".join(filter(None, (what, values.get("partner"))))


def _course_of_contact(values: Mapping[str, Any]) -> str:
    return within(values.get("course"), " · ".join(filter(None, (values.get("contact"),
                                                                 values.get("partner")))),
                  limit=50)


def _reference(name: str, label_text: str, table: str) -> FieldSpec:
    return FieldSpec(name, label_text, Kind.REFERENCE, required=True, references=table)


_CONTACT_JOINS = ("LEFT JOIN contact AS c ON c.id = r.contact_id "
                  "LEFT JOIN partner AS p ON p.id = c.partner_id "
                  "LEFT JOIN course AS k ON k.id = r.course_id")
_CONTACT_NAME = {"contact": "c.name", "partner": "p.name", "course": "k.title"}
POSITION = FieldSpec("position", "Order", Kind.INT, minimum=0)

attach(Asset, TableDescription(
    "asset", "Asset", "Assets",
    fields=(
        FieldSpec("title", "Title", required=True, max_length=TITLE_MAX),
        FieldSpec("kind", "Kind", Kind.CHOICE, required=True,
                  choices=choices_of(AssetKind, label)),
        FieldSpec("product", "Product", max_length=TITLE_MAX),
        FieldSpec("language", "Language", Kind.CHOICE, required=True,
                  choices=tuple(LANGUAGES.items())),
        FieldSpec("audience_types", "Partner types", max_length=TAGS_MAX,
                  rule=audience_types_error, empty_text="All partner types"),
        FieldSpec("audience_tiers", "Tiers", max_length=TAGS_MAX, rule=audience_tiers_error,
                  empty_text="All tiers"),
        FieldSpec("tags", "Tags", max_length=TAGS_MAX),
        FieldSpec("co_brandable", "Co-brandable", Kind.BOOL),
        FieldSpec("published_on", "Published", Kind.DATE, required=True),
        FieldSpec("expires_on", "Expires", Kind.DATE, empty_text="Never"),
        FieldSpec("owner", "Owner", max_length=TITLE_MAX),
        FieldSpec("description", "Description", Kind.LONG_TEXT, max_length=TEXT_MAX),
        FieldSpec("internal_notes", "Internal notes", Kind.LONG_TEXT, max_length=TEXT_MAX,
                  internal=True),
    ),
    naming=Naming({"title": "r.title"}, lambda v: str(v["title"] or "")),
    form_rules=validate_asset,
))

attach(AssetVersion, TableDescription(
    "asset_version", "Asset version", "Asset versions",
    fields=(
        _reference("asset_id", "Asset", "asset"),
        FieldSpec("version_no", "Version", Kind.INT, minimum=1, maximum=10_000),
        FieldSpec("file_sha", "File", Kind.BLOB, empty_text="No file (a link)"),
        FieldSpec("file_name", "File name", max_length=FILE_NAME_MAX),
        FieldSpec("file_size", "File size (bytes)", Kind.INT, minimum=0,
                  maximum=MAX_FILE_BYTES),
        FieldSpec("url", "Link", max_length=TEXT_MAX, rule=url_error),
        FieldSpec("change_note", "Change note", Kind.LONG_TEXT, max_length=NOTE_MAX),
        FieldSpec("released_on", "Released", Kind.DATE, required=True),
        FieldSpec("extracted_text", "Text of the file", Kind.LONG_TEXT,
                  max_length=EXTRACTED_TEXT_MAX, editable=False),
    ),
    naming=Naming({"asset": "a.title", "number": "r.version_no"}, _version_name,
                  "LEFT JOIN asset AS a ON a.id = r.asset_id"),
))

attach(AssetShare, TableDescription(
    "asset_share", "Asset share", "Asset shares",
    fields=(
        _reference("asset_id", "Asset", "asset"),
        _reference("version_id", "Version", "asset_version"),
        _reference("partner_id", "Partner", "partner"),
        FieldSpec("shared_on", "Shared on", Kind.DATE, required=True),
        FieldSpec("channel", "Channel", Kind.CHOICE, required=True,
                  choices=choices_of(ShareChannel, label)),
    ),
    naming=Naming({"asset": "a.title", "number": "v.version_no", "partner": "p.name"},
                  _share_name,
                  "LEFT JOIN asset AS a ON a.id = r.asset_id "
                  "LEFT JOIN asset_version AS v ON v.id = r.version_id "
                  "LEFT JOIN partner AS p ON p.id = r.partner_id"),
))

attach(Campaign, TableDescription(
    "campaign", "Launch campaign", "Launch campaigns",
    fields=(
        FieldSpec("title", "Title", required=True, max_length=TITLE_MAX),
        FieldSpec("product", "Product", max_length=TITLE_MAX),
        FieldSpec("launch_on", "Launch", Kind.DATE, required=True),
        FieldSpec("ends_on", "Ends", Kind.DATE, empty_text="Open-ended"),
        FieldSpec("target_types", "Target partner types", max_length=TAGS_MAX,
                  rule=audience_types_error, empty_text="All partner types"),
        FieldSpec("target_tiers", "Target tiers", max_length=TAGS_MAX,
                  rule=audience_tiers_error, empty_text="All tiers"),
        FieldSpec("target_regions", "Target regions", max_length=TAGS_MAX,
                  rule=_codes_rule(Region, "region"), empty_text="All regions"),
        FieldSpec("description", "Description", Kind.LONG_TEXT, max_length=TEXT_MAX),
    ),
    naming=Naming({"title": "r.title"}, lambda v: str(v["title"] or "")),
))

attach(CampaignAsset, TableDescription(
    "campaign_asset", "Campaign asset", "Campaign assets",
    fields=(_reference("campaign_id", "Campaign", "campaign"),
            _reference("asset_id", "Asset", "asset"), POSITION),
    naming=Naming({"asset": "a.title", "campaign": "m.title"},
                  lambda v: within(v["asset"], v["campaign"]),
                  "LEFT JOIN asset AS a ON a.id = r.asset_id "
                  "LEFT JOIN campaign AS m ON m.id = r.campaign_id"),
))

attach(CampaignCourse, TableDescription(
    "campaign_course", "Campaign course", "Campaign courses",
    fields=(_reference("campaign_id", "Campaign", "campaign"),
            _reference("course_id", "Course", "course"), POSITION),
    naming=Naming({"course": "k.title", "campaign": "m.title"},
                  lambda v: within(v["course"], v["campaign"]),
                  "LEFT JOIN course AS k ON k.id = r.course_id "
                  "LEFT JOIN campaign AS m ON m.id = r.campaign_id"),
))

attach(Enrolment, TableDescription(
    "enrolment", "Enrolment", "Enrolments",
    fields=(
        _reference("contact_id", "Person", "contact"),
        _reference("course_id", "Course", "course"),
        FieldSpec("enrolled_on", "Enrolled on", Kind.DATE, required=True),
        FieldSpec("status", "Status", Kind.CHOICE, required=True,
                  choices=choices_of(EnrolmentStatus, label)),
        FieldSpec("completed_on", "Completed on", Kind.DATE, empty_text="Not yet"),
        FieldSpec("score", "Score", Kind.INT, minimum=0, maximum=SCORE_MAX),
    ),
    naming=Naming(_CONTACT_NAME, _course_of_contact, _CONTACT_JOINS),
))

attach(Certification, TableDescription(
    "certification", "Certification", "Certifications",
    fields=(
        _reference("contact_id", "Person", "contact"),
        _reference("course_id", "Course", "course"),
        FieldSpec("certified_on", "Certified on", Kind.DATE, required=True),
        FieldSpec("expires_on", "Certified until", Kind.DATE, empty_text="Does not expire"),
    ),
    naming=Naming(_CONTACT_NAME, _course_of_contact, _CONTACT_JOINS),
))

attach(TierRequirement, TableDescription(
    "tier_requirement", "Tier requirement", "Tier requirements",
    fields=(
        FieldSpec("tier", "Tier", Kind.CHOICE, required=True,
                  choices=choices_of(PartnerTier, partner_label)),
        FieldSpec("certified_people", "Certified people required", Kind.INT, minimum=0,
                  maximum=1000),
    ),
    naming=Naming({"tier": "r.tier"}, lambda v: f"{partner_label(v['tier'])} tier"),
))
