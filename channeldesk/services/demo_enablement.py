"""Demo enablement: ~60 assets with versions (small real PDFs in the blob store, and
links), shares to the demo partners with some partners behind on a version, two launch
campaigns, courses, enrolments and certifications (some about to expire), and the tier
requirements. Runs after the partners hook (``demo_order``) inside the demo transaction."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

from channeldesk.domain.course import certified_until
from channeldesk.domain.enablement import (
    AssetKind,
    EnrolmentStatus,
    ShareChannel,
    in_audience,
)
from channeldesk.services.demo_context import DemoContext
from channeldesk.store.database import Store
from channeldesk.store.models import (
    Asset,
    AssetShare,
    AssetVersion,
    Campaign,
    CampaignAsset,
    CampaignCourse,
    Certification,
    Contact,
    Course,
    Enrolment,
    Partner,
    TierRequirement,
)

PRODUCTS = ("Vault", "Beacon", "Relay", "Atlas", "Harbor")
ASSET_KINDS = (
    (AssetKind.DATASHEET, "{p} datasheet", "pdf"),
    (AssetKind.BATTLECARD, "{p} vs. the competition battlecard", "pdf"),
    (AssetKind.PITCH_DECK, "{p} partner pitch deck", "pdf"),
    (AssetKind.CASE_STUDY, "{p} case study: {customer}", "pdf"),
    (AssetKind.PRICE_LIST, "{p} price list {year}", "pdf"),
    (AssetKind.CAMPAIGN_KIT, "{p} campaign kit: {theme}", "link"),
    (AssetKind.COURSE_MATERIAL, "{p} hands-on lab guide", "pdf"),
    (AssetKind.VIDEO, "{p} two-minute demo video", "link"),
    (AssetKind.WEB_LINK, "{p} partner portal page", "link"),
)
CUSTOMERS = ("Hanseatic Logistics", "Ridgeway Health", "Costa Foods", "Nordic Rail",
             "Bright Dental", "Pacifica Energy")
THEMES = ("Ransomware readiness", "Back to school", "Cloud first", "Year-end push")
LANGUAGE_NAMES = {"de": "Deutsch", "fr": "Français"}
OWNERS = ("Priya Raman (Product marketing)", "Jonas Weber (Channel marketing)",
          "Ana Costa (Enablement)")
CHANGE_NOTES = ("New pricing tiers", "Updated competitor claims", "Refreshed screenshots",
                "Added customer quote", "Corrected SKU table", "New brand template")
COURSES = (
    ("{p} Sales Foundations", "foundation", 4, 0),
    ("{p} Certified Engineer", "professional", 24, 24),
    ("{p} Expert Architect", "expert", 40, 36),
)
TIER_PEOPLE = {"registered": 0, "silver": 1, "gold": 2, "platinum": 4}


def add_demo(context: DemoContext) -> dict[str, int]:
    """The enablement feature's demo hook."""
    rng = random.Random(context.seed * 53 + 11)
    store, today = context.store, context.today
    context.step(0, 5, "Adding the asset library")
    assets = _write_assets(store, rng, today)
    context.step(1, 5, "Adding courses")
    courses = _write_courses(store)
    partners = list(Partner.live().where(Partner.name.in_(context.partner_names),
                                         Partner.status != "terminated"))
    context.step(2, 5, "Sharing assets with partners")
    shares = _write_shares(store, rng, today, assets, partners)
    context.step(3, 5, "Adding enrolments and certifications")
    enrolments, certifications = _write_training(store, rng, today, courses, partners)
    context.step(4, 5, "Adding launch campaigns")
    campaigns = _write_campaigns(store, today, assets, courses)
    for tier, people in TIER_PEOPLE.items():
        store.insert(TierRequirement, {"tier": tier, "certified_people": people})
    return {"assets": len(assets), "asset versions": sum(len(v) for _, v in assets.values()),
            "asset shares": shares, "courses": len(courses), "enrolments": enrolments,
            "certifications": certifications, "launch campaigns": campaigns}


def _pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with real text, so opening and PDF search have something to show."""
    from reportlab.lib.pagesizes import A4  # imported here: only the demo writes PDFs
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawString(60, 770, title)
    canvas.setFont("Helvetica", 11)
    for number, line in enumerate(lines):
        canvas.drawString(60, 730 - 18 * number, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _write_assets(store: Store, rng: random.Random, today: date
                  ) -> dict[str, tuple[str, list[str]]]:
    """Asset id → (its kind, its version ids oldest first)."""
    written: dict[str, tuple[str, list[str]]] = {}
    number = 0
    for product in PRODUCTS:
        for kind, pattern, source in ASSET_KINDS:
            # Two case studies, and the datasheet in German and French too: 12 a product.
            copies = 2 if kind is AssetKind.CASE_STUDY else \
                3 if kind is AssetKind.DATASHEET else 1
            for copy in range(copies):
                number += 1
                title = pattern.format(p=product, customer=CUSTOMERS[(number + copy) % 6],
                                       year=today.year, theme=THEMES[number % 4])
                language = ("en", "de", "fr")[copy] if kind is AssetKind.DATASHEET else "en"
                if language != "en":
                    title += f" ({LANGUAGE_NAMES[language]})"
                asset_id, versions = _write_asset(store, rng, today, number, product, kind,
                                                  title, language, source)
                written[asset_id] = (kind, versions)
    return written


def _expiry(rng: random.Random, today: date, number: int, published: date) -> date | None:
    if number % 11 == 0:
        return today - timedelta(days=rng.randint(5, 120))  # expired
    if number % 13 == 0:
        return today + timedelta(days=rng.randint(3, 25))  # expiring soon
    if number % 3 == 0:
        return published + timedelta(days=rng.randint(400, 700))
    return None


def _write_asset(store: Store, rng: random.Random, today: date, number: int, product: str,
                 kind: str, title: str, language: str, source: str) -> tuple[str, list[str]]:
    published = today - timedelta(days=rng.randint(60, 540))
    tiers = "gold,platinum" if kind in (AssetKind.PRICE_LIST, AssetKind.BATTLECARD) else ""
    types = "msp" if "lab" in title else ""
    asset_id = store.insert(Asset, {
        "title": title, "kind": kind, "product": product, "language": language,
        "audience_types": types, "audience_tiers": tiers,
        "tags": ", ".join(rng.sample(["SMB", "enterprise", "security", "backup", "cloud",
                                      "compliance", "pricing"], 2)),
        "co_brandable": kind in (AssetKind.CAMPAIGN_KIT, AssetKind.DATASHEET,
                                 AssetKind.CASE_STUDY),
        "published_on": published, "expires_on": _expiry(rng, today, number, published),
        "owner": OWNERS[number % len(OWNERS)],
        "description": f"{product} {kind.replace('_', ' ')} for partner sales teams.",
        "internal_notes": "Legal review pending for the next revision." if number % 7 == 0
        else "",
    })
    versions = []
    count = 1 + (number % 3) + (1 if number % 5 == 0 else 0)
    for version_no in range(1, count + 1):
        released = published + timedelta(days=(version_no - 1) * rng.randint(40, 90))
        released = min(released, today)
        note = "First release" if version_no == 1 else rng.choice(CHANGE_NOTES)
        values = {"asset": asset_id, "version_no": version_no, "released_on": released,
                  "change_note": note}
        if source == "pdf":
            lines = [f"{product} · {title}", f"Version {version_no}, {released.isoformat()}",
                     note, "Features: immutable backups, instant restore, SaaS console.",
                     "For partner use only."]
            data = _pdf(title, lines)
            values.update(file_sha=store.blobs.put_bytes(data),
                          file_name=f"{title.replace(' ', '_').replace(':', '')}"
                                    f"_v{version_no}.pdf",
                          file_size=len(data), extracted_text=" ".join(lines))
        else:
            slug = title.lower().replace(" ", "-").replace(":", "").replace(".", "")
            values["url"] = f"https://partners.example.com/{slug}?v={version_no}"
        versions.append(store.insert(AssetVersion, values))
    return asset_id, versions


def _write_courses(store: Store) -> list[tuple[str, int]]:
    """(course id, validity months) of the demo courses, adding those not there yet."""
    existing = {c.title: c for c in Course.live()}
    courses = []
    for product in PRODUCTS[:3]:
        for pattern, level, hours, months in COURSES:
            title = pattern.format(p=product)
            if title in existing:
                courses.append((existing[title].id, existing[title].validity_months))
                continue
            course_id = store.insert(Course, {
                "title": title, "product": product, "level": level, "duration_hours": hours,
                "validity_months": months,
                "url": f"https://academy.example.com/{title.lower().replace(' ', '-')}",
                "description": f"{level.capitalize()} course on {product}."})
            courses.append((course_id, months))
    return courses


def _write_shares(store: Store, rng: random.Random, today: date,
                  assets: dict[str, tuple[str, list[str]]], partners: list[Partner]) -> int:
    rows = []
    audience = {row.id: (row.audience_types, row.audience_tiers) for row in
                Asset.select(Asset.id, Asset.audience_types, Asset.audience_tiers)
                .where(Asset.id.in_(list(assets)))}
    for partner in partners:
        meant = [asset_id for asset_id in assets
                 if in_audience(*audience[asset_id], partner.partner_type, partner.tier)]
        for asset_id in rng.sample(meant, min(len(meant), rng.randint(4, 14))):
            versions = assets[asset_id][1]
            held = versions[rng.randint(0, len(versions) - 1)]  # older ones: behind
            rows.append({"asset": asset_id, "version": held, "partner": partner.id,
                         "shared_on": today - timedelta(days=rng.randint(1, 300)),
                         "channel": rng.choice(list(ShareChannel)).value})
    store.insert_many(AssetShare, rows)
    return len(rows)


def _write_training(store: Store, rng: random.Random, today: date,
                    courses: list[tuple[str, int]], partners: list[Partner]
                    ) -> tuple[int, int]:
    enrolments = certifications = 0
    by_partner = {p.id: p for p in partners}
    for contact in Contact.live().where(Contact.partner.in_(list(by_partner))):
        tier = by_partner[contact.partner_id].tier
        chance = {"platinum": 0.9, "gold": 0.75, "silver": 0.5}.get(tier, 0.25)
        if rng.random() > chance:
            continue
        for course_id, months in rng.sample(courses, rng.randint(1, 2)):
            enrolled = today - timedelta(days=rng.randint(20, 900))
            outcome = rng.random()
            values = {"contact": contact.id, "course": course_id, "enrolled_on": enrolled,
                      "status": EnrolmentStatus.ENROLLED.value}
            if outcome > 0.25:
                completed = min(today, enrolled + timedelta(days=rng.randint(5, 40)))
                passed = outcome > 0.33
                values.update(status=(EnrolmentStatus.COMPLETED if passed
                                      else EnrolmentStatus.FAILED).value,
                              completed_on=completed, score=rng.randint(62, 98) if passed
                              else rng.randint(30, 59))
                if passed:
                    store.insert(Certification, {
                        "contact": contact.id, "course": course_id, "certified_on": completed,
                        "expires_on": certified_until(completed, months)})
                    certifications += 1
            store.insert(Enrolment, values)
            enrolments += 1
    return enrolments, certifications


def _write_campaigns(store: Store, today: date, assets: dict[str, tuple[str, list[str]]],
                     courses: list[tuple[str, int]]) -> int:
    products = {row.id: row.product for row in Asset.select(Asset.id, Asset.product)
                .where(Asset.id.in_(list(assets)))}
    plans = (("Vault 6 launch", "Vault", today - timedelta(days=30), "reseller,msp",
              "gold,platinum", "emea"),
             ("Beacon spring push", "Beacon", today + timedelta(days=20), "", "silver,gold", ""))
    for position, (title, product, launch, types, tiers, regions) in enumerate(plans):
        campaign_id = store.insert(Campaign, {
            "title": title, "product": product, "launch_on": launch,
            "ends_on": launch + timedelta(days=90), "target_types": types,
            "target_tiers": tiers, "target_regions": regions,
            "description": f"Everything partners need to sell {product} from day one."})
        mine = [asset_id for asset_id in assets if products.get(asset_id) == product][:5]
        for number, asset_id in enumerate(mine):
            store.insert(CampaignAsset, {"campaign": campaign_id, "asset": asset_id,
                                         "position": number})
        course_id = courses[position * 3][0]
        store.insert(CampaignCourse, {"campaign": campaign_id, "course": course_id,
                                      "position": 0})
    return len(plans)
