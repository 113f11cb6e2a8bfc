"""Where the shipped resources (fonts, default branding) are found.

They live in the repository's ``resources/`` folder beside the package, as the app icon
does (``app.py``); ``CHANNELDESK_RESOURCES`` points elsewhere for a bundled build.
"""

from __future__ import annotations

import os
from pathlib import Path

RESOURCES_ENV_VAR = "CHANNELDESK_RESOURCES"


def resources_dir() -> Path:
    override = os.environ.get(RESOURCES_ENV_VAR, "").strip()
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[3] / "resources"


def font_path(name: str) -> Path:
    return resources_dir() / "fonts" / name


def branding_dir() -> Path:
    return resources_dir() / "branding"
