"""Shipped files are found through one lookup, ``channeldesk.paths.resource``."""

from __future__ import annotations

import re
from pathlib import Path

import channeldesk
from channeldesk.paths import resource, resources_root
from channeldesk.services.pdf.assets import branding_dir, font_path

PACKAGE = Path(channeldesk.__file__).resolve().parent
RESOURCES = PACKAGE.parent / "resources"  # the top-level folder, installed as channeldesk.resources


def test_every_shipped_file_is_found_through_the_one_lookup():
    shipped = [p for p in RESOURCES.rglob("*")
               if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert {"fonts", "branding", "icons"} <= {p.parent.name for p in shipped}
    for path in shipped:
        relative = path.relative_to(RESOURCES).as_posix()
        assert resource(relative).resolve() == path
    assert font_path("DejaVuSans.ttf").is_file()
    assert (branding_dir() / "vendor.json").is_file()
    assert resources_root().resolve() == RESOURCES


def test_no_module_looks_for_resources_another_way():
    """No second lookup beside paths.py: no sys.prefix, no walking up to a resources/
    folder next to the package (both broke --user and system installs)."""
    offenders = []
    for module in PACKAGE.rglob("*.py"):
        if module.name == "paths.py" and module.parent == PACKAGE:
            continue
        text = module.read_text(encoding="utf-8")
        if re.search(r"sys\.(base_)?prefix|/ *\"resources\"|\"resources\" */", text):
            offenders.append(module.relative_to(PACKAGE).as_posix())
    assert offenders == []
