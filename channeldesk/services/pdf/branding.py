"""The vendor's name, logo and brand colour on every partner-facing PDF.

Plain settings, no Qt, so the command line reads the same ones as the app: a JSON file
``branding.json`` in the user's config folder overrides the defaults shipped in
``resources/branding/vendor.json`` key by key. A logo path is relative to the file that
names it. A logo file that is missing or unreadable is not an error: the document prints
the vendor's name instead, and :attr:`Branding.warnings` says why.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import platformdirs

from channeldesk.paths import APP_NAME
from channeldesk.services.pdf.assets import branding_dir

USER_FILE_NAME = "branding.json"
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class BrandingError(ValueError):
    """A branding file that cannot be read or holds a bad value."""


@dataclass(frozen=True)
class Branding:
    vendor_name: str = "Your company"
    brand_colour: str = "#155E75"
    logo: Path | None = None
    footer_note: str = ""
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def logo_bytes(self) -> bytes | None:
        if self.logo is None:
            return None
        try:
            return self.logo.read_bytes()
        except OSError:
            return None


def user_branding_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / USER_FILE_NAME


def load_branding(override: Path | None = None) -> Branding:
    """Shipped defaults, then the user's branding.json, then ``override`` if given."""
    branding = _apply(Branding(), branding_dir() / "vendor.json")
    user_file = user_branding_path()
    if user_file.is_file():
        branding = _apply(branding, user_file)
    if override is not None:
        if not override.is_file():
            raise BrandingError(f"The branding file {override} does not exist.")
        branding = _apply(branding, override)
    return _check_logo(branding)


def _apply(branding: Branding, path: Path) -> Branding:
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BrandingError(f"Cannot read the branding file {path}: {error}") from error
    if not isinstance(values, dict):
        raise BrandingError(f"{path} must hold a JSON object.")
    changes: dict[str, object] = {}
    for key in ("vendor_name", "footer_note"):
        if key in values:
            changes[key] = str(values[key]).strip()
    if "brand_colour" in values:
        colour = str(values["brand_colour"]).strip()
        if not _HEX_COLOUR.match(colour):
            raise BrandingError(f"{path}: brand_colour '{colour}' is not a colour like "
                                "#155E75.")
        changes["brand_colour"] = colour
    if "logo" in values:
        logo = str(values["logo"] or "").strip()
        changes["logo"] = (path.parent / logo).resolve() if logo else None
    return replace(branding, **changes)


def _check_logo(branding: Branding) -> Branding:
    if branding.logo is None or branding.logo_bytes() is not None:
        return branding
    return replace(branding, logo=None, warnings=(
        *branding.warnings,
        f"The vendor logo {branding.logo} cannot be read; the vendor's name is printed "
        "instead."))
