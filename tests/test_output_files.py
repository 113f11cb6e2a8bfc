"""Output paths (issue 11, finding 7): a regular file is replaced atomically, a character
device is written in place and stays a device, a folder or a pipe is refused. Run as root
here and in CI, where a rename onto a device would really replace it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from devices import make_device, make_null_device

from channeldesk.output_files import (
    OutputRefused,
    OutputWriteError,
    check_output,
    open_output,
    output_file,
)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def null_device(tmp_path: Path) -> Path:
    return make_null_device(tmp_path)


def test_a_regular_file_is_replaced_whole_with_its_mode_kept(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o640)
    with open_output(target, "w", encoding="utf-8") as handle:
        handle.write("new")
        assert target.read_text() == "old"  # not touched before the end
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert names(tmp_path) == ["out.csv"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), open_output(target, "w") as handle:
        handle.write("half")
        raise RuntimeError("the export failed half way")
    assert target.read_text() == "old"
    assert names(tmp_path) == ["out.csv"]


def test_sqlite_side_files_of_a_failed_write_are_removed(tmp_path):
    with pytest.raises(RuntimeError), output_file(tmp_path / "copy.sqlite3") as temp:
        Path(f"{temp}-journal").write_text("a hot journal")
        raise RuntimeError("the backup failed")
    assert names(tmp_path) == []


def test_a_character_device_is_written_in_place_and_stays_a_device(null_device):
    with open_output(null_device, "wb") as handle:
        handle.write(b"x" * 10_000)
    assert stat.S_ISCHR(null_device.stat().st_mode)


def test_other_character_devices_stay_devices_too(tmp_path):
    """The issue reproduced the damage on three devices: like /dev/zero a write goes in
    place; like /dev/full it fails with the device's own error, and both stay devices."""
    zero = make_device(tmp_path, "zero", 1, 5)
    with open_output(zero, "wb") as handle:
        handle.write(b"x" * 10_000)
    full = make_device(tmp_path, "full", 1, 7)
    with pytest.raises(OSError, match="No space left"), open_output(full, "wb") as handle:
        handle.write(b"x" * 10_000)
        handle.flush()
    assert all(stat.S_ISCHR(device.stat().st_mode) for device in (zero, full))
    assert names(tmp_path) == ["full", "zero"]


def test_a_folder_is_refused_with_a_file_name_to_use(tmp_path):
    with pytest.raises(OutputRefused, match=r"is a folder\. Give a file name, e\.g\."):
        check_output(tmp_path, example="prospects.csv")


def test_a_fifo_is_refused_before_anything_is_written(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputRefused, match="pipe"), open_output(fifo, "w") as handle:
        handle.write("never")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert names(tmp_path) == ["pipe"]


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(OutputRefused, match="does not exist"):
        check_output(tmp_path / "missing" / "out.csv")


def test_a_symbolic_link_keeps_pointing_at_the_rewritten_file(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with open_output(link, "w") as handle:
        handle.write("new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_full_disk_is_one_clear_error_and_leaves_nothing(small_disk):
    target = small_disk / "export.csv"
    with pytest.raises(OutputWriteError, match=r"nothing was left behind\. Free some space"), \
            open_output(target, "wb") as handle:
        handle.write(b"x" * 4 * 1024 * 1024)
    assert names(small_disk) == []


def test_a_read_only_file_is_not_replaced(read_only_folder):
    target = read_only_folder / "channeldesk.sqlite3"  # read-only for root too (a ro mount)
    before = target.read_bytes()
    with pytest.raises(OutputRefused, match="is read-only, so ChannelDesk will not replace"), \
            open_output(target, "wb") as handle:
        handle.write(b"never")
    assert target.read_bytes() == before
