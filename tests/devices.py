"""Device files for tests of output paths, made so that a regression cannot harm the machine."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest


def make_device(folder: Path, name: str, major: int, minor: int) -> Path:
    """A character device of the test's own, like /dev/<name> (root only; skips without)."""
    if os.geteuid() != 0:
        pytest.skip("making a character device needs root")
    device = folder / name
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
    except PermissionError:
        pytest.skip("this container does not allow mknod")
    return device


def make_null_device(folder: Path) -> Path:
    """A character device exactly like /dev/null (major 1, minor 3) of the test's own.

    As root a regression would replace whatever device the test names, and replacing the
    machine's /dev/null breaks every other program on it (it happened while writing these
    tests, against the old code); so the tests name their own. Without root, /dev/null
    itself, which a non-root process cannot replace.
    """
    if os.geteuid() != 0:
        return Path("/dev/null")
    device = folder / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("this container does not allow mknod")
    return device
