"""The package list in pyproject.toml is complete.

It is written out by hand because the shipped files (the top-level ``resources/``
folder) install as the package ``channeldesk.resources`` through ``package-dir``, which
automatic discovery cannot combine with. A package left out of the list would be missing
from every wheel and bundle while the checkout still worked, so this compares the list
with the packages on disk.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from setuptools import find_packages

REPO = Path(__file__).resolve().parent.parent


def _setuptools_table() -> dict:
    with (REPO / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["tool"]["setuptools"]


def test_every_package_on_disk_is_listed_and_nothing_else():
    listed = _setuptools_table()["packages"]
    on_disk = find_packages(str(REPO), include=["channeldesk", "channeldesk.*"])
    assert sorted(listed) == sorted([*on_disk, "channeldesk.resources"])


def test_the_resources_package_is_the_top_level_folder_with_its_files():
    table = _setuptools_table()
    assert table["package-dir"] == {"channeldesk.resources": "resources"}
    assert (REPO / "resources" / "__init__.py").is_file()
    listed = table["package-data"]["channeldesk.resources"]
    folders = {p.name for p in (REPO / "resources").iterdir()
               if p.is_dir() and p.name != "__pycache__"}
    assert sorted(listed) == sorted(f"{name}/*" for name in folders)
    assert not (REPO / "channeldesk" / "resources").exists()  # one place, not two
