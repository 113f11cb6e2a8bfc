"""Moving files (blobs) by hash: upload what the server lacks, download what is missing.

Synced rows refer to files by SHA-256 in columns a model lists in ``blob_fields`` (no
model has one yet; asset files, receipts and contracts will). Uploading is HEAD, then
PUT only when the server answers 404; hashes the server is known to hold are
remembered in ``blob_remote`` so a later sync does not ask again. A download is verified
against its hash before it is stored (``BlobStore.put_stream``). Every step is
idempotent, so an interrupted transfer is simply repeated.
"""

from __future__ import annotations

import io
import logging
import sqlite3
import threading
from dataclasses import dataclass

from channeldesk.domain.progress import Progress
from channeldesk.store import Store
from channeldesk.store.blobs import BlobError, check_hash
from channeldesk.store.models import synced_models
from channeldesk.sync.errors import ServerError
from channeldesk.sync.protocol import API_PREFIX, BlobInfo
from channeldesk.sync.transport import Transport, decode, raise_for_status

log = logging.getLogger(__name__)



@dataclass
class BlobReport:
    uploaded: int = 0
    downloaded: int = 0
    missing_on_server: int = 0


def referenced_blobs(store: Store) -> set[str]:
    """Hashes named by live rows in the columns their models list in ``blob_fields``."""
    found: set[str] = set()
    conn = store.db.connection()
    for model in synced_models():
        for name in getattr(model, "blob_fields", ()):
            column = model._meta.fields[name].column_name
            table = model._meta.table_name
            found.update(value for (value,) in conn.execute(
                f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL '
                "AND deleted = 0") if value)
    return found


def sync_blobs(store: Store, transport: Transport, referenced: set[str],
               progress: Progress | None = None,
               cancel: threading.Event | None = None) -> BlobReport:
    """Upload referenced local blobs the server lacks, download missing ones."""
    report = BlobReport()
    conn = store.db.connection()
    known = {sha for (sha,) in conn.execute("SELECT sha256 FROM blob_remote")}
    work = sorted(sha for sha in referenced if _valid(sha)
                  and (sha not in known or not store.blobs.has(sha)))
    for done, sha in enumerate(work):
        if cancel is not None and cancel.is_set():
            break
        if progress:
            progress(done, len(work), "Files")
        if store.blobs.has(sha):
            _upload(store, transport, sha, report)
            _remember(conn, sha)
        elif _download(store, transport, sha, report):
            _remember(conn, sha)
    return report


def _valid(sha: str) -> bool:
    try:
        check_hash(sha)
    except BlobError:
        log.warning("a row refers to '%s', which is not a SHA-256; ignored", sha)
        return False
    return True


def _path(sha: str) -> str:
    return f"{API_PREFIX}/blobs/{sha}"


def _upload(store: Store, transport: Transport, sha: str, report: BlobReport) -> None:
    reply = transport.request("HEAD", _path(sha))
    if reply.status == 200:
        return
    if reply.status != 404:
        raise_for_status(reply, f"Checking file {sha[:12]}")
    data = store.blobs.read_bytes(sha)
    reply = transport.request("PUT", _path(sha), content=data,
                              headers={"Content-Type": "application/octet-stream"})
    info = decode(reply, BlobInfo, f"Uploading file {sha[:12]}")
    if info.sha256 != sha or info.size != len(data):
        raise ServerError(f"The server acknowledged file {sha[:12]} with another hash or "
                          "size.")
    report.uploaded += 1


def _download(store: Store, transport: Transport, sha: str, report: BlobReport) -> bool:
    reply = transport.request("GET", _path(sha))
    if reply.status == 404:
        log.info("blob %s is referenced but not on the server (yet)", sha)
        report.missing_on_server += 1
        return False
    raise_for_status(reply, f"Downloading file {sha[:12]}")
    try:
        store.blobs.put_stream(io.BytesIO(reply.body), expected_sha256=sha)
    except BlobError as error:
        raise ServerError(f"The server sent file {sha[:12]} with the wrong content; it was "
                          "not stored.") from error
    report.downloaded += 1
    return True


def _remember(conn: sqlite3.Connection, sha: str) -> None:
    conn.execute("INSERT OR IGNORE INTO blob_remote (sha256) VALUES (?)", (sha,))
