"""Where the shipped resources (fonts, default branding) are found.

They live in the repository's ``resources/`` folder beside the package, as the app icon
does (``app.py``); a wheel installs them under ``<prefix>/share/channeldesk/resources``
(pyproject's data-files); ``CHANNELDESK_RESOURCES`` points elsewhere for a bundled build.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

RESOURCES_ENV_VAR = "CHANNELDESK_RESOURCES"


def resources_dir() -> Path:
    override = os.environ.get(RESOURCES_ENV_VAR, "").strip()
    if override:
        return Path(override)
    beside_package = Path(__file__).resolve().parents[3] / "resources"
    installed = Path(sys.prefix) / "share" / "channeldesk" / "resources"
    if not (beside_package / "fonts").is_dir() and (installed / "fonts").is_dir():
        return installed
    return beside_package


def font_path(name: str) -> Path:
    return resources_dir() / "fonts" / name


def branding_dir() -> Path:
    return resources_dir() / "branding"
