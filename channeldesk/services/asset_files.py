"""Files into and out of the library: hashing and copying a picked file into the blob
store, and a checked copy of a stored file for the system's default application.

Both run in a worker (``ui/shell/jobs.py``) with progress and a Cancel that really
cancels: the blob store writes through a temp file it fsyncs and renames, so a cancelled
or failed copy leaves nothing behind under a valid name. The limit is
:data:`~channeldesk.domain.enablement.MAX_FILE_BYTES` (512 MiB).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from channeldesk.domain.enablement import (
    EXTRACTED_TEXT_MAX,
    MAX_FILE_BYTES,
    format_size,
    size_error,
)
from channeldesk.domain.progress import Cancelled, CancelToken, Progress, no_progress
from channeldesk.store.blobs import CHUNK, BlobStore

log = logging.getLogger(__name__)

PDF_PAGES_READ = 40
CANCELLED = "Adding the file was cancelled; nothing was stored."


class FileProblem(Exception):  # noqa: N818 -- a problem with the user's file
    """A file the library cannot take or give back; the message says what to do."""


@dataclass(frozen=True)
class StoredFile:
    """A file now in the blob store: its hash, name, size and (for PDFs) its text."""

    sha256: str
    name: str
    size: int
    text: str = ""


class _Reading:
    """A file read in chunks for the blob store, reporting progress and stopping on
    cancel or when it grows past the limit while being read."""

    def __init__(self, handle, total: int, progress: Progress, cancel: CancelToken | None,
                 name: str) -> None:
        self._handle, self._total, self._progress = handle, total, progress
        self._cancel, self._name, self.done = cancel, name, 0

    def read(self, size: int = CHUNK) -> bytes:
        if self._cancel is not None and self._cancel.is_set():
            raise Cancelled(CANCELLED)
        chunk = self._handle.read(size)
        self.done += len(chunk)
        if self.done > MAX_FILE_BYTES:
            raise FileProblem(size_error(self.done) or "The file is too large.")
        self._progress(min(self.done, self._total), self._total,
                       f"Copying {self._name} ({format_size(self.done)} of "
                       f"{format_size(self._total)})")
        return chunk


def file_size(path: Path) -> int:
    """The size of a file the user picked, or a FileProblem saying why it cannot be used."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise FileProblem(f"'{path.name}' is no longer at {path.parent}. It may have been "
                          "moved, renamed or deleted; pick it again.") from None
    except OSError as error:
        raise FileProblem(f"'{path.name}' cannot be read ({error.strerror}).") from None
    if not path.is_file():
        raise FileProblem(f"'{path.name}' is a folder, not a file. Pick the files inside "
                          "it instead.")
    problem = size_error(info.st_size)
    if problem:
        raise FileProblem(f"'{path.name}': {problem}")
    return info.st_size


def store_file(blobs: BlobStore, path: Path, progress: Progress = no_progress,
               cancel: CancelToken | None = None) -> StoredFile:
    """Copy a picked file into the blob store (hashing on the way) and read a PDF's text.

    The same content already stored is kept once (content-addressed). Raises
    :class:`FileProblem` for a vanished, unreadable or too large file and
    :class:`Cancelled` on cancel; neither leaves a file in the store.
    """
    path = Path(path)
    size = file_size(path)
    try:
        with path.open("rb") as handle:
            reading = _Reading(handle, size, progress, cancel, path.name)
            sha = blobs.put_stream(reading)
    except FileNotFoundError:
        raise FileProblem(f"'{path.name}' disappeared while it was being copied. Nothing "
                          "was stored; pick it again.") from None
    except PermissionError:
        raise FileProblem(f"'{path.name}' cannot be read: permission denied.") from None
    text = pdf_text(blobs.path_of(sha)) if path.suffix.lower() == ".pdf" else ""
    return StoredFile(sha, path.name, reading.done, text)


def pdf_text(path: Path) -> str:
    """The text of a PDF's first pages for search, or '' when it has none or cannot be
    read (a scanned or damaged PDF is still a fine asset)."""
    try:
        from pypdf import PdfReader  # imported on first use: ~0.1 s the window should not pay

        reader = PdfReader(str(path))
        parts: list[str] = []
        for page in reader.pages[:PDF_PAGES_READ]:
            parts.append(page.extract_text() or "")
            if sum(len(part) for part in parts) >= EXTRACTED_TEXT_MAX:
                break
    except Exception:  # any damaged PDF: searchable by title only
        log.info("no text read from %s", path, exc_info=True)
        return ""
    return " ".join(" ".join(parts).split())[:EXTRACTED_TEXT_MAX]


def copy_for_opening(blobs: BlobStore, sha256: str, file_name: str, folder: Path,
                     progress: Progress = no_progress,
                     cancel: CancelToken | None = None) -> Path:
    """A checked copy of a stored file under its own name, for the default application.

    The copy is verified against the hash while it is made, so a blob whose bytes no
    longer match is never opened; the application gets a copy, so an edit made there can
    never damage the stored file.
    """
    source = blobs.path_of(sha256)
    if not source.is_file():
        raise FileProblem(f"'{file_name}' is not on this computer yet. Sync to fetch it, "
                          "or ask whoever added it to sync.")
    target_dir = folder / sha256[:16]
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / _safe_name(file_name)
    total = source.stat().st_size
    digest = hashlib.sha256()
    handle, temp_name = tempfile.mkstemp(prefix=".opening.", dir=target_dir)
    try:
        with source.open("rb") as src, os.fdopen(handle, "wb") as out:
            done = 0
            for chunk in iter(lambda: src.read(CHUNK), b""):
                if cancel is not None and cancel.is_set():
                    raise Cancelled("Opening the file was cancelled.")
                digest.update(chunk)
                out.write(chunk)
                done += len(chunk)
                progress(done, total, f"Checking {file_name}")
        if digest.hexdigest() != sha256:
            raise FileProblem(
                f"The stored copy of '{file_name}' is damaged: its content no longer matches "
                "what was added. It was not opened. Add the file again as a new version, or "
                "sync to fetch a good copy from the team.")
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return target


def _safe_name(file_name: str) -> str:
    name = Path(file_name.replace("\\", "/")).name.strip() or "file"
    return name if name not in (".", "..") else "file"

