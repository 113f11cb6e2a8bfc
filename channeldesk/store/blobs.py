"""A content-addressed store for files (asset files, receipts, signed contracts).

Files live beside the database in ``blobs/ab/cdef…``, named by their SHA-256. The same
content is stored once; writing is atomic (temp file, fsync, rename) so a crash never
leaves a truncated blob under a valid name; a blob whose bytes no longer match its name
is reported, never served. Sync moves blobs by hash, idempotently.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BlobError(Exception):
    """A blob that is missing, damaged or not a valid hash."""


def check_hash(sha256: str) -> str:
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise BlobError(f"'{sha256}' is not a SHA-256 hex digest.")
    return sha256


class BlobStore:
    """Files addressed by the SHA-256 of their content."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        check_hash(sha256)
        return self.root / sha256[:2] / sha256[2:]

    def has(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def put_bytes(self, data: bytes) -> str:
        """Store bytes; returns their hash. Storing the same bytes again is a no-op."""
        return self._put_chunks(iter((data,)))

    def put_file(self, source: Path) -> str:
        """Store a file's content, streamed so large files need little memory."""
        with Path(source).open("rb") as handle:
            return self._put_chunks(iter(lambda: handle.read(CHUNK), b""))

    def put_stream(self, stream: BinaryIO, expected_sha256: str | None = None) -> str:
        """Store a stream (e.g. a download); refuses content that does not match its hash."""
        return self._put_chunks(iter(lambda: stream.read(CHUNK), b""), expected_sha256)

    def read_bytes(self, sha256: str) -> bytes:
        path = self.path_of(sha256)
        if not path.is_file():
            raise BlobError(f"Blob {sha256} is missing.")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BlobError(f"Blob {sha256} is damaged: its content no longer matches.")
        return data

    def verify(self, sha256: str) -> bool:
        """True when the blob exists and its bytes still hash to its name."""
        path = self.path_of(sha256)
        if not path.is_file():
            return False
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
        return digest.hexdigest() == sha256

    def all_hashes(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            for file in sorted(folder.iterdir()) if folder.is_dir() else ():
                name = folder.name + file.name
                if _SHA256.match(name):
                    yield name

    def _put_chunks(self, chunks: Iterator[bytes], expected: str | None = None) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        handle, temp_name = tempfile.mkstemp(prefix=".incoming.", dir=self.root)
        temp = Path(temp_name)
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in chunks:
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha256 = digest.hexdigest()
            if expected is not None and check_hash(expected) != sha256:
                raise BlobError(f"Content does not match its hash {expected}.")
            final = self.path_of(sha256)
            if final.is_file() and self.verify(sha256):
                temp.unlink()
            else:
                final.parent.mkdir(exist_ok=True)
                os.replace(temp, final)
            return sha256
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
