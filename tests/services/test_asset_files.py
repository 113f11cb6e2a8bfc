"""Files into and out of the library: streamed into the blob store with progress and a
real cancel, clear refusals for vanished and oversized files, and a damaged blob never
opened. The blob store never keeps a half-written file."""

from __future__ import annotations

import hashlib
import threading

import pytest

from channeldesk.domain.enablement import MAX_FILE_BYTES
from channeldesk.domain.progress import Cancelled
from channeldesk.services.asset_files import (
    FileProblem,
    copy_for_opening,
    pdf_text,
    store_file,
)
from channeldesk.store.blobs import CHUNK, BlobStore

DECK = b"slide " * 700_000  # ~4 MB: several chunks


def leftovers(blobs: BlobStore) -> list[str]:
    return sorted(p.name for p in blobs.root.rglob("*") if p.is_file())


@pytest.fixture
def blobs(tmp_path) -> BlobStore:
    return BlobStore(tmp_path / "blobs")


def test_a_file_is_stored_by_its_hash_with_progress(blobs, tmp_path) -> None:
    source = tmp_path / "Vault deck.pptx"
    source.write_bytes(DECK)
    seen = []
    stored = store_file(blobs, source, lambda done, total, message: seen.append((done, total)))
    assert stored.sha256 == hashlib.sha256(DECK).hexdigest()
    assert (stored.name, stored.size) == ("Vault deck.pptx", len(DECK))
    assert blobs.read_bytes(stored.sha256) == DECK
    assert seen[-1] == (len(DECK), len(DECK)) and len(seen) >= len(DECK) // CHUNK


def test_the_same_file_twice_is_stored_once(blobs, tmp_path) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "copy of a.pdf"
    first.write_bytes(DECK)
    second.write_bytes(DECK)
    assert store_file(blobs, first).sha256 == store_file(blobs, second).sha256
    assert len(leftovers(blobs)) == 1


def test_a_cancelled_copy_leaves_nothing_behind(blobs, tmp_path) -> None:
    source = tmp_path / "big.mp4"
    source.write_bytes(DECK)
    cancel = threading.Event()

    def progress(done: int, total: int, message: str) -> None:
        if done >= 2 * CHUNK:
            cancel.set()
    with pytest.raises(Cancelled, match="nothing was stored"):
        store_file(blobs, source, progress, cancel)
    assert leftovers(blobs) == []  # no temp file, no blob under a valid name


def test_a_write_that_fails_midway_keeps_no_half_written_blob(blobs) -> None:
    class Breaks:
        def __init__(self) -> None:
            self.calls = 0

        def read(self, size: int) -> bytes:
            self.calls += 1
            if self.calls == 3:
                raise OSError("the USB stick was pulled out")
            return b"x" * size
    with pytest.raises(OSError, match="USB"):
        blobs.put_stream(Breaks())
    assert leftovers(blobs) == []


def test_a_vanished_file_says_so(blobs, tmp_path) -> None:
    with pytest.raises(FileProblem, match=r"no longer at .*pick it again"):
        store_file(blobs, tmp_path / "moved away.pdf")
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    with pytest.raises(FileProblem, match="is a folder"):
        store_file(blobs, folder)


def test_a_file_above_the_limit_is_refused_before_it_is_read(blobs, tmp_path) -> None:
    huge = tmp_path / "raw footage.mov"
    with huge.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is really written
    with pytest.raises(FileProblem, match=r"up to 512\.0 MB.*as a link"):
        store_file(blobs, huge)
    assert leftovers(blobs) == []


def test_a_damaged_blob_is_never_opened(blobs, tmp_path) -> None:
    source = tmp_path / "price list.pdf"
    source.write_bytes(DECK)
    sha = store_file(blobs, source).sha256
    opened = copy_for_opening(blobs, sha, "price list.pdf", tmp_path / "open")
    assert opened.name == "price list.pdf" and opened.read_bytes() == DECK
    blobs.path_of(sha).write_bytes(DECK[:-1] + b"!")
    with pytest.raises(FileProblem, match=r"damaged.*was not opened"):
        copy_for_opening(blobs, sha, "price list.pdf", tmp_path / "again")
    assert [p.name for p in (tmp_path / "again").rglob("*") if p.is_file()] == []


def test_a_missing_blob_asks_for_a_sync(blobs, tmp_path) -> None:
    with pytest.raises(FileProblem, match=r"not on this computer yet\. Sync"):
        copy_for_opening(blobs, "ab" * 32, "deck.pdf", tmp_path / "open")


def test_the_text_of_a_pdf_is_read_for_search(tmp_path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "battlecard.pdf"
    canvas = Canvas(str(path))
    canvas.drawString(72, 720, "Immutable backups beat the competition")
    canvas.save()
    assert "Immutable backups" in pdf_text(path)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    assert pdf_text(broken) == ""
