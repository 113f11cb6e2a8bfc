"""The content-addressed blob store: files by SHA-256, stored once, never served damaged."""

from __future__ import annotations

import hashlib
import io

import pytest

from channeldesk.store.blobs import BlobError, BlobStore

CONTRACT = b"%PDF-1.7 signed partner agreement\n" * 1000


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def files_under(blobs: BlobStore) -> list[str]:
    return sorted(str(p.relative_to(blobs.root)) for p in blobs.root.rglob("*") if p.is_file())


@pytest.fixture
def blobs(tmp_path) -> BlobStore:
    return BlobStore(tmp_path / "blobs")


def test_put_then_read(blobs):
    digest = blobs.put_bytes(CONTRACT)
    assert digest == sha(CONTRACT)
    assert blobs.has(digest)
    assert blobs.verify(digest)
    assert blobs.read_bytes(digest) == CONTRACT
    assert blobs.path_of(digest) == blobs.root / digest[:2] / digest[2:]
    assert list(blobs.all_hashes()) == [digest]


def test_put_file_and_stream_agree_with_put_bytes(blobs, tmp_path):
    source = tmp_path / "receipt.pdf"
    source.write_bytes(CONTRACT)
    assert blobs.put_file(source) == sha(CONTRACT)
    assert blobs.put_stream(io.BytesIO(CONTRACT), expected_sha256=sha(CONTRACT)) == sha(CONTRACT)
    assert files_under(blobs) == [f"{sha(CONTRACT)[:2]}/{sha(CONTRACT)[2:]}"]


def test_storing_the_same_content_again_is_a_no_op(blobs):
    first = blobs.put_bytes(CONTRACT)
    stat = blobs.path_of(first).stat()
    assert blobs.put_bytes(CONTRACT) == first
    assert blobs.path_of(first).stat().st_ino == stat.st_ino
    assert files_under(blobs) == [f"{first[:2]}/{first[2:]}"]


def test_empty_content_is_a_blob_too(blobs):
    assert blobs.read_bytes(blobs.put_bytes(b"")) == b""


def test_damaged_blob_is_reported_never_served(blobs):
    digest = blobs.put_bytes(CONTRACT)
    blobs.path_of(digest).write_bytes(CONTRACT[:-1] + b"X")
    assert blobs.has(digest)
    assert not blobs.verify(digest)
    with pytest.raises(BlobError, match="damaged"):
        blobs.read_bytes(digest)


def test_putting_the_content_again_repairs_a_damaged_blob(blobs):
    digest = blobs.put_bytes(CONTRACT)
    blobs.path_of(digest).write_bytes(b"truncated")
    assert blobs.put_bytes(CONTRACT) == digest
    assert blobs.read_bytes(digest) == CONTRACT


def test_missing_blob(blobs):
    digest = sha(b"never stored")
    assert not blobs.has(digest)
    assert not blobs.verify(digest)
    with pytest.raises(BlobError, match="missing"):
        blobs.read_bytes(digest)
    assert list(blobs.all_hashes()) == []


def test_content_that_does_not_match_its_expected_hash_is_refused(blobs):
    with pytest.raises(BlobError, match="does not match"):
        blobs.put_stream(io.BytesIO(b"a download cut short"), expected_sha256=sha(CONTRACT))
    assert not blobs.has(sha(CONTRACT))
    assert not blobs.has(sha(b"a download cut short"))
    assert files_under(blobs) == []


@pytest.mark.parametrize("name", [
    "",
    "abc",
    sha(b"x").upper(),
    sha(b"x")[:-1],
    sha(b"x") + "0",
    "../" + sha(b"x")[3:],
    "g" * 64,
    None,
])
def test_bad_hash_names_are_refused(blobs, name):
    for use in (blobs.has, blobs.read_bytes, blobs.verify, blobs.path_of):
        with pytest.raises(BlobError, match="not a SHA-256"):
            use(name)
    with pytest.raises(BlobError, match="not a SHA-256"):
        blobs.put_stream(io.BytesIO(b"x"), expected_sha256=name or "")
    assert files_under(blobs) == []


def test_a_failing_source_leaves_no_temporary_file(blobs):
    class BrokenStream(io.RawIOBase):
        def __init__(self) -> None:
            self.calls = 0

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            self.calls += 1
            if self.calls > 2:
                raise OSError("connection reset")
            return b"partial data "

    with pytest.raises(OSError, match="connection reset"):
        blobs.put_stream(BrokenStream())
    assert files_under(blobs) == []


def test_all_hashes_ignores_stray_files(blobs):
    digest = blobs.put_bytes(CONTRACT)
    (blobs.root / "README").write_text("not a blob")
    (blobs.root / digest[:2] / "not-a-hash").write_text("stray")
    assert list(blobs.all_hashes()) == [digest]
