"""The enablement actions that write more than one row, each one undo step.

Adding an asset with its first version, a new version, sharing assets with partners
(and re-sharing what a partner holds an old version of), a launch campaign with its
assets and courses, enrolling people, recording a completion (which certifies), and the
tier requirements. Each validates first and raises :class:`OperationRefused` with a
sentence for a person; then writes in one transaction through ``services.operations``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from channeldesk.domain.course import certified_until
from channeldesk.domain.enablement import (
    AssetState,
    EnrolmentStatus,
    ShareChannel,
    asset_state,
    validate_asset,
    validate_completion,
    validate_version,
    version_label,
)
from channeldesk.services.operations import Operation, OperationRefused, Recorder, run
from channeldesk.store.asset_queries import (
    current_versions,
    next_version_no,
    version_with_file,
)
from channeldesk.store.certification_queries import requirement_ids
from channeldesk.store.database import Store
from channeldesk.store.models import (
    Asset,
    AssetShare,
    AssetVersion,
    Campaign,
    CampaignAsset,
    CampaignCourse,
    Certification,
    Course,
    Enrolment,
    TierRequirement,
)

VERSION_FIELDS = ("file_sha", "file_name", "file_size", "url", "change_note", "released_on",
                  "extracted_text")


def _refuse_if(errors: Mapping[str, str]) -> None:
    if errors:
        raise OperationRefused(" ".join(dict.fromkeys(errors.values())))


def _checked_version(values: Mapping[str, Any]) -> dict[str, Any]:
    version = {name: values[name] for name in VERSION_FIELDS if name in values}
    version.setdefault("url", "")
    version.setdefault("file_sha", "")
    if version["url"] and version["file_sha"]:
        raise OperationRefused("A version is a file or a link, not both.")
    _refuse_if(validate_version(version))
    return version


def add_asset(store: Store, values: Mapping[str, Any],
              version: Mapping[str, Any] | None) -> Operation[str]:
    """A new asset and, when given, its first version (v1); the value is the asset id."""
    _refuse_if(validate_asset(values))
    checked = _checked_version(version) if version is not None else None

    def write(recorder: Recorder) -> str:
        asset_id = recorder.insert(Asset, dict(values))
        if checked is not None:
            recorder.insert(AssetVersion, {**checked, "asset": asset_id, "version_no": 1})
        return asset_id
    return run(store, write)


def add_assets(store: Store, items: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]
               ) -> Operation[list[str]]:
    """Several new assets, each with its first version (files dropped on the library),
    as one operation; the value is their ids."""
    checked = []
    for values, version in items:
        _refuse_if(validate_asset(values))
        checked.append((dict(values), _checked_version(version)))

    def write(recorder: Recorder) -> list[str]:
        ids = []
        for values, version in checked:
            asset_id = recorder.insert(Asset, values)
            recorder.insert(AssetVersion, {**version, "asset": asset_id, "version_no": 1})
            ids.append(asset_id)
        return ids
    return run(store, write)


def add_version(store: Store, asset_id: str, version: Mapping[str, Any]) -> Operation[str]:
    """The asset's next version; the same file twice is refused (it is already there)."""
    checked = _checked_version(version)
    asset = store.get(Asset, asset_id)
    if asset is None or asset.deleted:
        raise OperationRefused("That asset was deleted meanwhile; nothing was added.")
    if checked["file_sha"]:
        same = version_with_file(store.db, asset_id, checked["file_sha"])
        if same is not None:
            raise OperationRefused(
                f"This file is already {version_label(same.version_no)} of '{asset.title}' "
                f"(added as '{same.file_name}'). Nothing was added; the file is stored once.")

    def write(recorder: Recorder) -> str:
        number = next_version_no(store.db, asset_id)
        return recorder.insert(AssetVersion, {**checked, "asset": asset_id,
                                              "version_no": number})
    return run(store, write)


@dataclass(frozen=True)
class ShareResult:
    """What a share did: shares written, and the assets left out and why."""

    shares: int
    partners: int
    assets: int
    skipped_expired: tuple[str, ...] = ()
    skipped_without_version: tuple[str, ...] = ()
    already_current: int = 0
    share_ids: tuple[str, ...] = field(default=(), compare=False)

    def summary(self) -> str:
        parts = [f"{self.shares:,} share(s) recorded: {self.assets} asset(s) to "
                 f"{self.partners} partner(s)."]
        if self.already_current:
            parts.append(f"{self.already_current:,} already had the current version.")
        if self.skipped_expired:
            parts.append(f"Left out, expired: {', '.join(self.skipped_expired)}.")
        if self.skipped_without_version:
            parts.append("Left out, no file or link yet: "
                         f"{', '.join(self.skipped_without_version)}.")
        return " ".join(parts)


def share_assets(store: Store, asset_ids: Sequence[str], partner_ids: Sequence[str],
                 channel: str, shared_on: date, *, include_expired: bool = False,
                 skip_current: bool = False, today: date | None = None
                 ) -> Operation[ShareResult]:
    """Record that each partner got each asset's current version today by ``channel``.

    Expired assets are left out unless ``include_expired``; with ``skip_current``, a
    partner that already holds the current version is not given it again.
    """
    if channel not in {c.value for c in ShareChannel}:
        raise OperationRefused("Choose how the assets were handed over (email, meeting, "
                               "portal or USB stick).")
    if not asset_ids or not partner_ids:
        raise OperationRefused("Choose at least one asset and one partner to share with.")
    today = today or date.today()
    assets = {a.id: a for a in Asset.live().where(Asset.id.in_(list(asset_ids)))}
    current = current_versions(store.db, list(assets))
    expired, without, chosen = [], [], []
    for asset_id in asset_ids:
        asset = assets.get(asset_id)
        if asset is None:
            continue
        if asset_id not in current:
            without.append(asset.title)
        elif asset_state(asset.expires_on, today) is AssetState.EXPIRED and not include_expired:
            expired.append(asset.title)
        else:
            chosen.append(asset_id)
    held = _held_versions(store, chosen, partner_ids) if skip_current else set()
    rows = [{"asset": asset_id, "version": current[asset_id].id, "partner": partner_id,
             "shared_on": shared_on, "channel": channel}
            for asset_id in chosen for partner_id in partner_ids
            if (partner_id, current[asset_id].id) not in held]
    if not rows and not held:
        reasons = "expired" if expired else "without a file or link"
        raise OperationRefused(f"Nothing to share: every chosen asset is {reasons}. "
                               + ("Tick 'Include expired assets' to share them anyway."
                                  if expired else "Add a version first."))

    def write(recorder: Recorder) -> ShareResult:
        ids = recorder.insert_many(AssetShare, rows)
        return ShareResult(len(ids), len({r["partner"] for r in rows}),
                           len({r["asset"] for r in rows}), tuple(expired), tuple(without),
                           len(chosen) * len(partner_ids) - len(rows), tuple(ids))
    return run(store, write)


def _held_versions(store: Store, asset_ids: Sequence[str], partner_ids: Sequence[str]
                   ) -> set[tuple[str, str]]:
    """(partner id, version id) pairs already shared, for the assets and partners."""
    found: set[tuple[str, str]] = set()
    for start in range(0, len(partner_ids), 400):
        chunk = list(partner_ids[start:start + 400])
        query = (AssetShare.select(AssetShare.partner, AssetShare.version)
                 .where(AssetShare.deleted == False,  # noqa: E712 (peewee expression)
                        AssetShare.partner.in_(chunk), AssetShare.asset.in_(list(asset_ids))))
        found.update((row.partner_id, row.version_id) for row in query)
    return found


def reshare_current(store: Store, partner_id: str, asset_ids: Sequence[str], channel: str,
                    shared_on: date, today: date | None = None) -> Operation[ShareResult]:
    """Give a partner the current version of assets it holds an old one of (one click in
    the partner view); an outdated asset that expired since is re-shared too, as the
    partner should not keep the old copy."""
    return share_assets(store, asset_ids, [partner_id], channel, shared_on,
                        include_expired=True, skip_current=True, today=today)


# -- campaigns ----------------------------------------------------------------------------

def save_campaign(store: Store, campaign_id: str | None, values: Mapping[str, Any],
                  asset_ids: Sequence[str], course_ids: Sequence[str]) -> Operation[str]:
    """Create a campaign, or change one, with exactly these assets and courses."""
    if not (values.get("title") or "").strip():
        raise OperationRefused("A campaign needs a title.")
    ends, launch = values.get("ends_on"), values.get("launch_on")
    if ends and launch and ends < launch:
        raise OperationRefused("The campaign ends before its launch; check the dates.")

    def write(recorder: Recorder) -> str:
        row_id = campaign_id
        if row_id is None:
            row_id = recorder.insert(Campaign, dict(values))
        else:
            recorder.update(Campaign, row_id, dict(values))
        _set_items(recorder, CampaignAsset, "asset", row_id, asset_ids)
        _set_items(recorder, CampaignCourse, "course", row_id, course_ids)
        return row_id
    return run(store, write)


def _set_items(recorder: Recorder, model, column: str, campaign_id: str,
               wanted: Sequence[str]) -> None:
    existing = {getattr(row, f"{column}_id"): row
                for row in model.live().where(model.campaign == campaign_id)}
    for item_id, row in existing.items():
        if item_id not in wanted:
            recorder.delete(model, row.id)
    for position, item_id in enumerate(dict.fromkeys(wanted)):
        if item_id in existing:
            recorder.update(model, existing[item_id].id, {"position": position})
        else:
            recorder.insert(model, {"campaign": campaign_id, column: item_id,
                                    "position": position})


def delete_campaign(store: Store, campaign_id: str) -> Operation[None]:
    """Delete a launch campaign with its asset and course links, as one undo step; the
    assets, courses and what partners received stay."""
    def write(recorder: Recorder) -> None:
        for model in (CampaignAsset, CampaignCourse):
            for row in model.live().where(model.campaign == campaign_id):
                recorder.delete(model, row.id)
        recorder.delete(Campaign, campaign_id)
    return run(store, write)


# -- courses and certifications ---------------------------------------------------------------

def enrol(store: Store, contact_ids: Iterable[str], course_id: str,
          enrolled_on: date) -> Operation[int]:
    """Enrol people on a course; someone already enrolled and not finished is skipped."""
    wanted = list(dict.fromkeys(contact_ids))
    if not wanted:
        raise OperationRefused("Choose the people to enrol.")
    busy = {row.contact_id for row in Enrolment.live().where(
        Enrolment.course == course_id, Enrolment.contact.in_(wanted),
        Enrolment.status == EnrolmentStatus.ENROLLED.value)}
    rows = [{"contact": contact_id, "course": course_id, "enrolled_on": enrolled_on,
             "status": EnrolmentStatus.ENROLLED.value}
            for contact_id in wanted if contact_id not in busy]
    if not rows:
        raise OperationRefused("Everyone chosen is already enrolled on this course.")
    return run(store, lambda recorder: len(recorder.insert_many(Enrolment, rows)))


def record_completion(store: Store, enrolment_id: str, completed_on: date,
                      score: int | None, passed: bool) -> Operation[str | None]:
    """Mark an enrolment completed (or not passed); a pass certifies the person until
    the course's validity runs out. The value is the new certification's id, if any."""
    enrolment = store.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.deleted:
        raise OperationRefused("That enrolment was deleted meanwhile; nothing was saved.")
    if enrolment.status != EnrolmentStatus.ENROLLED.value:
        # Checked here, not only in the tab: the CLI and scripts share this operation,
        # and a second pass would certify the person twice.
        finished = "completed" if enrolment.status == EnrolmentStatus.COMPLETED.value \
            else "marked not passed"
        raise OperationRefused(
            f"This enrolment was already {finished}"
            + (f" on {enrolment.completed_on}" if enrolment.completed_on else "")
            + "; nothing was saved. To certify the person again, enrol them on the course "
            "again first.")
    _refuse_if(validate_completion(completed_on, enrolment.enrolled_on, score))
    course = store.get(Course, enrolment.course_id)

    def write(recorder: Recorder) -> str | None:
        status = EnrolmentStatus.COMPLETED if passed else EnrolmentStatus.FAILED
        recorder.update(Enrolment, enrolment_id, {"status": status.value,
                                                  "completed_on": completed_on,
                                                  "score": score})
        if not passed:
            return None
        return recorder.insert(Certification, {
            "contact": enrolment.contact_id, "course": enrolment.course_id,
            "certified_on": completed_on,
            "expires_on": certified_until(completed_on, course.validity_months)})
    return run(store, write)


def remove_from_course(store: Store, enrolment_id: str | None,
                       certification_id: str | None) -> Operation[None]:
    """Take a person off a course: the enrolment and the certification it earned, if any
    (a mistaken enrolment, someone who left the partner)."""
    if not enrolment_id and not certification_id:
        raise OperationRefused("Select a person on the course first.")

    def write(recorder: Recorder) -> None:
        if enrolment_id:
            recorder.delete(Enrolment, enrolment_id)
        if certification_id:
            recorder.delete(Certification, certification_id)
    return run(store, write)


def set_tier_requirements(store: Store, wanted: Mapping[str, int]) -> Operation[None]:
    """Set how many certified people each tier asks for (the team's rule; it syncs)."""
    bad = [tier for tier, people in wanted.items() if not 0 <= people <= 1000]
    if bad:
        raise OperationRefused("A tier asks for between 0 and 1,000 certified people.")
    existing = requirement_ids(store.db)

    def write(recorder: Recorder) -> None:
        for tier, people in wanted.items():
            if tier in existing:
                recorder.update(TierRequirement, existing[tier], {"certified_people": people})
            else:
                recorder.insert(TierRequirement, {"tier": tier, "certified_people": people})
    return run(store, write)
