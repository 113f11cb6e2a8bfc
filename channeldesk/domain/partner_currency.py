"""The currency a partner most likely plans in, from its country (else its region).

A new plan starts in it (a US partner's plan in USD, a Japanese one's in JPY); the CAM can
still change it. Countries are matched by their English name as partners hold them,
accents and case ignored; an unknown country falls back to the region's usual currency.
"""

from __future__ import annotations

from channeldesk.domain.text_order import sort_key

_BY_COUNTRY: dict[str, str] = {
    "united states": "USD", "usa": "USD", "us": "USD", "canada": "CAD", "mexico": "MXN",
    "brazil": "BRL", "argentina": "ARS", "chile": "CLP", "colombia": "COP", "peru": "PEN",
    "uruguay": "UYU", "dominican republic": "DOP",
    "united kingdom": "GBP", "uk": "GBP", "switzerland": "CHF", "poland": "PLN",
    "czechia": "CZK", "czech republic": "CZK", "hungary": "HUF", "sweden": "SEK",
    "norway": "NOK", "denmark": "DKK", "turkiye": "TRY", "turkey": "TRY", "russia": "RUB",
    "israel": "ILS", "saudi arabia": "SAR", "united arab emirates": "AED", "kuwait": "KWD",
    "south africa": "ZAR", "kenya": "KES", "nigeria": "NGN", "egypt": "EGP",
    "germany": "EUR", "france": "EUR", "netherlands": "EUR", "portugal": "EUR",
    "spain": "EUR", "italy": "EUR", "ireland": "EUR", "finland": "EUR", "austria": "EUR",
    "belgium": "EUR", "greece": "EUR", "luxembourg": "EUR",
    "japan": "JPY", "china": "CNY", "taiwan": "TWD", "south korea": "KRW", "korea": "KRW",
    "australia": "AUD", "new zealand": "NZD", "india": "INR", "thailand": "THB",
    "vietnam": "VND", "singapore": "SGD", "indonesia": "IDR", "philippines": "PHP",
    "malaysia": "MYR", "hong kong": "HKD",
}
_BY_REGION = {"na": "USD", "latam": "USD", "emea": "EUR", "apac": "USD"}
DEFAULT_CURRENCY = "EUR"


def currency_for(country: str | None, region: str | None = None) -> str:
    """ISO 4217 code for a partner in ``country`` (free text) or, failing that, ``region``
    (a Region code such as 'na')."""
    found = _BY_COUNTRY.get(sort_key((country or "").strip()))
    return found or _BY_REGION.get((region or "").strip().lower(), DEFAULT_CURRENCY)
