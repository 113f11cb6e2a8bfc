"""Enablement: the asset library with versions and shares, launch campaigns, course
enrolments, certifications and what each tier requires (DESIGN.md §3: ``Asset`` +
versions, ``AssetShare``, ``Certification``). The ``course`` table is migration 6's.

A version's file is a SHA-256 in the blob store ('' for a link); a share records the
version handed over, so "who holds an old version" is a comparison of version numbers.
"""

import sqlite3

VERSION = 10
TITLE = "enablement: assets, versions, shares, campaigns, enrolments, certifications"

_SYNCED = """
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,"""


def _ref(column: str, table: str) -> str:
    return f"{column} TEXT NOT NULL REFERENCES {table} (id) DEFERRABLE INITIALLY DEFERRED,"


SCHEMA = f"""
CREATE TABLE asset ({_SYNCED}
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    product TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'en',
    audience_types TEXT NOT NULL DEFAULT '',
    audience_tiers TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    co_brandable INTEGER NOT NULL DEFAULT 0,
    published_on TEXT NOT NULL,
    expires_on TEXT,
    owner TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    internal_notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX asset_title ON asset (deleted, title);

CREATE TABLE asset_version ({_SYNCED}
    {_ref("asset_id", "asset")}
    version_no INTEGER NOT NULL,
    file_sha TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    file_size INTEGER NOT NULL DEFAULT 0,
    url TEXT NOT NULL DEFAULT '',
    change_note TEXT NOT NULL DEFAULT '',
    released_on TEXT NOT NULL,
    extracted_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX asset_version_asset ON asset_version (asset_id, deleted, version_no);

CREATE TABLE asset_share ({_SYNCED}
    {_ref("asset_id", "asset")}
    {_ref("version_id", "asset_version")}
    {_ref("partner_id", "partner")}
    shared_on TEXT NOT NULL,
    channel TEXT NOT NULL
);
CREATE INDEX asset_share_partner ON asset_share (partner_id, deleted, asset_id);
CREATE INDEX asset_share_asset ON asset_share (asset_id, deleted, partner_id);
CREATE INDEX asset_share_version ON asset_share (version_id);

CREATE TABLE campaign ({_SYNCED}
    title TEXT NOT NULL,
    product TEXT NOT NULL DEFAULT '',
    launch_on TEXT NOT NULL,
    ends_on TEXT,
    target_types TEXT NOT NULL DEFAULT '',
    target_tiers TEXT NOT NULL DEFAULT '',
    target_regions TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX campaign_launch ON campaign (deleted, launch_on);

CREATE TABLE campaign_asset ({_SYNCED}
    {_ref("campaign_id", "campaign")}
    {_ref("asset_id", "asset")}
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX campaign_asset_campaign ON campaign_asset (campaign_id, deleted);

CREATE TABLE campaign_course ({_SYNCED}
    {_ref("campaign_id", "campaign")}
    {_ref("course_id", "course")}
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX campaign_course_campaign ON campaign_course (campaign_id, deleted);

CREATE TABLE enrolment ({_SYNCED}
    {_ref("contact_id", "contact")}
    {_ref("course_id", "course")}
    enrolled_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'enrolled',
    completed_on TEXT,
    score INTEGER
);
CREATE INDEX enrolment_contact ON enrolment (contact_id, deleted);
CREATE INDEX enrolment_course ON enrolment (course_id, deleted);

CREATE TABLE certification ({_SYNCED}
    {_ref("contact_id", "contact")}
    {_ref("course_id", "course")}
    certified_on TEXT NOT NULL,
    expires_on TEXT
);
CREATE INDEX certification_contact ON certification (contact_id, deleted);
CREATE INDEX certification_expiry ON certification (deleted, expires_on);

CREATE TABLE tier_requirement ({_SYNCED}
    tier TEXT NOT NULL,
    certified_people INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tier_requirement_tier ON tier_requirement (deleted, tier)
"""


def apply(conn: sqlite3.Connection) -> None:
    # Statement by statement: executescript would commit the migrations' transaction.
    for statement in SCHEMA.split(";\n"):
        if statement.strip():
            conn.execute(statement)
