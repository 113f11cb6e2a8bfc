"""The shipped files the PDFs need: fonts and the default branding.

Both are shipped files (``resources/``, installed as ``channeldesk.resources``), found
through the one lookup :func:`channeldesk.paths.resource`, so an export works the same
from a checkout, any pip install and the bundled app.
"""

from __future__ import annotations

from pathlib import Path

from channeldesk.paths import resource


def font_path(name: str) -> Path:
    """A font file shipped in ``resources/fonts``."""
    return resource(f"fonts/{name}")


def branding_dir() -> Path:
    """The folder of the default branding (``vendor.json`` and its logo)."""
    return resource("branding")
