"""A small enablement world for tests: partners, people, assets with versions, a course."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from channeldesk.services.enablement_operations import add_asset, add_version, share_assets
from channeldesk.store import Store
from channeldesk.store.models import Contact, Course, Partner

TODAY = date(2026, 11, 20)


@dataclass
class World:
    partners: dict[str, str]
    contacts: dict[str, str]
    assets: dict[str, str]
    course: str


def partner(store: Store, name: str, tier: str = "gold", partner_type: str = "reseller",
            region: str = "emea") -> str:
    return store.insert(Partner, {"name": name, "partner_type": partner_type, "tier": tier,
                                  "status": "active", "region": region})


def link(url: str, note: str = "", day: date = date(2026, 1, 10)) -> dict:
    return {"url": url, "change_note": note, "released_on": day}


def build_world(store: Store) -> World:
    partners = {
        "northwind": partner(store, "Northwind Systems", "gold", "reseller", "emea"),
        "bluebird": partner(store, "Bluebird Reseller", "gold", "reseller", "na"),
        "acadia": partner(store, "Acadia Cloud", "silver", "msp", "emea"),
    }
    contacts = {
        "ada": store.insert(Contact, {"partner": partners["northwind"], "name": "Ada Park"}),
        "bo": store.insert(Contact, {"partner": partners["northwind"], "name": "Bo Lind"}),
        "cy": store.insert(Contact, {"partner": partners["acadia"], "name": "Cy Moss"}),
    }
    base = {"kind": "datasheet", "product": "Vault", "language": "en",
            "published_on": date(2026, 1, 5)}
    assets = {
        "sheet": add_asset(store, {**base, "title": "Vault datasheet", "tags": "backup,vault"},
                           link("https://example.com/vault-v1.pdf")).value,
        "card": add_asset(store, {**base, "title": "Vault battlecard", "kind": "battlecard",
                                  "expires_on": date(2026, 12, 1)},
                          link("https://example.com/card")).value,
        "old": add_asset(store, {**base, "title": "2025 price list", "kind": "price_list",
                                 "expires_on": date(2026, 3, 31)},
                         link("https://example.com/prices-2025")).value,
    }
    share_assets(store, [assets["sheet"], assets["card"]],
                 [partners["northwind"], partners["acadia"]], "email", date(2026, 2, 1),
                 today=TODAY)
    add_version(store, assets["sheet"], link("https://example.com/vault-v2.pdf",
                                             "New pricing tiers", date(2026, 6, 1)))
    share_assets(store, [assets["sheet"]], [partners["acadia"]], "meeting",
                 date(2026, 6, 15), today=TODAY)
    course = store.insert(Course, {"title": "Vault Certified Engineer", "product": "Vault",
                                   "level": "professional", "duration_hours": 16,
                                   "validity_months": 24})
    return World(partners, contacts, assets, course)
