"""Whether the desktop app can open a window here, decided before Qt is loaded.

Without a display, Qt's xcb plugin aborts the process with "xcb-cursor0 or
libxcb-cursor0 is needed to load the Qt xcb platform plugin", even where that library is
installed: the real cause is that there is no X11 or Wayland session to draw on. A person
on a server or in a container should read instead what is wrong and what works there.
Qt-free, so the check costs nothing on a normal start.
"""

from __future__ import annotations

import ctypes.util
import sys
from collections.abc import Mapping

# Platforms that draw nowhere: the window exists but nobody sees it.
HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal", "vnc"})
NO_DISPLAY = (
    "ChannelDesk cannot open its window: there is no display (neither DISPLAY nor "
    "WAYLAND_DISPLAY is set). Start it from a desktop session, use the command line "
    "(channeldesk --help: demo, export plan, sync, …), or run it without a window with "
    "QT_QPA_PLATFORM=offscreen (e.g. channeldesk --self-test)."
)
NO_XCB_CURSOR = (
    "ChannelDesk cannot open its window: Qt needs the xcb-cursor library for X11, and "
    "it is not installed. Install it (Debian/Ubuntu: sudo apt-get install libxcb-cursor0), "
    "or run ChannelDesk without a window with QT_QPA_PLATFORM=offscreen."
)


def requested_platform(env: Mapping[str, str]) -> str:
    """The Qt platform plugin the user asked for (``QT_QPA_PLATFORM``), without options."""
    return env.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()


def is_headless(env: Mapping[str, str]) -> bool:
    """True when the window would be drawn nowhere (tests, CI, the self-test)."""
    return requested_platform(env) in HEADLESS_PLATFORMS


def display_problem(env: Mapping[str, str], platform: str = sys.platform,
                    frozen: bool = bool(getattr(sys, "frozen", False))) -> str | None:
    """One line saying why no window can be opened here, or None when one can.

    Only Linux and the BSDs are checked: Windows and macOS always have their native
    platform. A bundled app carries its own xcb-cursor, so the library is not looked for
    there.
    """
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    wanted = requested_platform(env)
    if wanted and wanted not in ("xcb", "wayland", "wayland-egl"):
        return None  # offscreen, minimal, eglfs, linuxfb, vnc: no desktop session needed
    has_x11 = bool(env.get("DISPLAY", "").strip())
    has_wayland = bool(env.get("WAYLAND_DISPLAY", "").strip())
    if not (has_x11 or has_wayland):
        return NO_DISPLAY
    uses_xcb = wanted == "xcb" or (not wanted and not has_wayland)
    if uses_xcb and not frozen and ctypes.util.find_library("xcb-cursor") is None:
        return NO_XCB_CURSOR
    return None
