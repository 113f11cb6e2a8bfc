"""installer/: icons from the one SVG, a valid desktop entry and AppStream metainfo, and
the Linux bundle built and self-tested for real (``installer/build-linux.sh``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
INSTALLER = REPO / "installer"
APP_ID = "com.channeldesk.ChannelDesk"


def _make_icons(out: Path) -> None:
    subprocess.run([sys.executable, str(INSTALLER / "make-icons.py"), "--out", str(out)],
                   check=True, capture_output=True, timeout=120,
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_the_icons_are_made_from_the_svg_in_every_size_and_match_the_committed_ones(
        tmp_path):
    _make_icons(tmp_path)
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        made = tmp_path / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        committed = INSTALLER / "icons" / made.relative_to(tmp_path)
        assert Image.open(made).size == (size, size)
        assert committed.is_file(), f"{committed} is missing: run installer/make-icons.py"
        assert _close(Image.open(made), Image.open(committed)), (
            f"{committed} is out of date with the SVG: run installer/make-icons.py")
    assert Image.open(tmp_path / "channeldesk.ico").info["sizes"] == {
        (s, s) for s in (16, 24, 32, 48, 64, 128, 256)}
    icns_sizes = {entry[0] for entry in Image.open(tmp_path / "channeldesk.icns").info["sizes"]}
    assert {16, 32, 128, 256, 512} <= icns_sizes
    for name in ("channeldesk.ico", "channeldesk.icns", "channeldesk-256.png"):
        assert (INSTALLER / "icons" / name).is_file()


def _close(one: Image.Image, other: Image.Image) -> bool:
    """Same picture within rounding (another Qt version may antialias a shade apart)."""
    a, b = one.convert("RGBA"), other.convert("RGBA")
    if a.size != b.size:
        return False
    return all(abs(x - y) <= 8 for x, y in zip(a.tobytes(), b.tobytes(), strict=True))


def test_the_desktop_entry_and_metainfo_validate():
    for tool in ("desktop-file-validate", "appstreamcli"):
        assert shutil.which(tool), f"{tool} is missing: ./installer/dev.sh setup installs it"
    subprocess.run(["desktop-file-validate", str(INSTALLER / "linux" / f"{APP_ID}.desktop")],
                   check=True, timeout=60)
    subprocess.run(["appstreamcli", "validate", "--no-net",
                    str(INSTALLER / "linux" / f"{APP_ID}.metainfo.xml")],
                   check=True, capture_output=True, timeout=60)


@pytest.mark.bundle
@pytest.mark.timeout(1800)
def test_build_linux_builds_a_bundle_whose_binary_passes_its_self_test_without_python():
    """The whole documented build (minus the set-up, which this suite's run already did)."""
    done = subprocess.run([str(INSTALLER / "build-linux.sh"), "--no-setup"],
                          env={**os.environ, "PYTHON": sys.executable}, capture_output=True,
                          text=True, timeout=1700, cwd=REPO)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    assert "self-test passed" in done.stdout, done.stdout
    [tarball] = (REPO / "dist").glob("channeldesk-*-linux-*.tar.gz")
    with tarfile.open(tarball) as packed:
        names = packed.getnames()
    top = names[0].split("/")[0]
    for needed in ("ChannelDesk/channeldesk", "install.sh",
                   f"share/applications/{APP_ID}.desktop",
                   f"share/metainfo/{APP_ID}.metainfo.xml",
                   f"share/icons/hicolor/256x256/apps/{APP_ID}.png",
                   "ChannelDesk/_internal/channeldesk/resources/fonts/DejaVuSans.ttf",
                   "ChannelDesk/_internal/channeldesk/resources/branding/vendor.json"):
        assert f"{top}/{needed}" in names, needed
    unused_qt = [n for n in names if any(part in n for part in ("Qt6Qml", "Qt6Quick",
                                                                  "Qt6WebEngine", "Qt6Pdf"))]
    assert unused_qt == []
    assert not any("/channeldesk/server/" in n for n in names)
