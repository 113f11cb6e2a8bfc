"""Blob endpoints: files moved by SHA-256, verified on the way in, scoped by team.

The bytes live once on disk in the shared content-addressed store (``blobs/ab/cdef…``);
a ``blob_record`` row says which team uploaded them, and only that team can read them —
a hash another team uploaded answers 404, exactly like one nobody uploaded. An upload is
spooled to a temporary file while its hash is computed and refused (400) when it does not
match the name; uploading the same blob again is harmless (201 first, then 200). A
team's files are limited to ``ServerConfig.max_team_blob_bytes`` (413 with how much is
used); files no record refers to are pruned (see ``blob_retention``).
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from peewee import IntegrityError
from starlette.concurrency import run_in_threadpool

from channeldesk.server.accounts import Caller
from channeldesk.server.auth import CallerDep, StorageDep
from channeldesk.server.blob_retention import quota_message, team_usage
from channeldesk.server.errors import ApiError, responses
from channeldesk.server.models import BlobRecord
from channeldesk.server.storage import Storage
from channeldesk.store.blobs import BlobStore
from channeldesk.sync.protocol import SHA256_PATTERN, BlobInfo

log = logging.getLogger(__name__)
router = APIRouter(tags=["blobs"])

SPOOL_IN_MEMORY = 1024 * 1024
BINARY = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
BlobHash = Annotated[str, PathParam(pattern=SHA256_PATTERN,
                                    description="SHA-256 of the content, 64 lower-case hex")]


def _blob_store(request: Request) -> BlobStore:
    return request.app.state.blob_store


def _record(storage: Storage, caller: Caller, sha256: str) -> BlobRecord | None:
    with storage.session():
        return BlobRecord.get_or_none((BlobRecord.team == caller.team_id)
                                      & (BlobRecord.sha256 == sha256))


def _not_found(sha256: str) -> ApiError:
    return ApiError(404, f"This team has no blob {sha256}.")


def _over_quota(caller: Caller, sha256: str, size: int, quota: int) -> str | None:
    """Why this upload would take the team past its quota, or None."""
    if BlobRecord.select().where((BlobRecord.team == caller.team_id)
                                 & (BlobRecord.sha256 == sha256)).exists():
        return None  # already counted
    used = team_usage(caller.team_id)
    return quota_message(used, size, quota) if used + size > quota else None


def _store(storage: Storage, store: BlobStore, caller: Caller, sha256: str, spool,
           size: int, quota: int) -> bool:
    """Keep the spooled bytes and record them for the team; True when newly recorded.
    413 when the team's files would pass ``quota`` bytes."""
    with storage.session():
        refused = _over_quota(caller, sha256, size, quota)
    if refused:
        raise ApiError(413, refused, code="quota_exceeded")
    spool.seek(0)
    store.put_stream(spool, expected_sha256=sha256)
    with storage.session():
        try:
            with storage.write_transaction():  # the quota holds under concurrent uploads
                if BlobRecord.select().where((BlobRecord.team == caller.team_id)
                                             & (BlobRecord.sha256 == sha256)).exists():
                    return False
                storage.lock_team(caller.team_id)
                refused = _over_quota(caller, sha256, size, quota)
                if refused:
                    raise ApiError(413, refused, code="quota_exceeded")
                BlobRecord.create(team=caller.team_id, sha256=sha256, size=size)
                return True
        except IntegrityError:  # the same team uploaded it concurrently
            return False


@router.put("/blobs/{sha256}", response_model=BlobInfo, status_code=201,
            responses={200: {"model": BlobInfo, "description": "This team already had it."},
                       **responses(400, 401, 413, 422)},
            openapi_extra={"requestBody": {"required": True, "content": BINARY}},
            summary="Upload a file; it must hash to its name")
async def put_blob(sha256: BlobHash, request: Request, response: Response,
                   caller: CallerDep, storage: StorageDep) -> BlobInfo:
    config = request.app.state.config
    config.upload_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY,
                                       dir=config.upload_dir) as spool:
        async for chunk in request.stream():
            digest.update(chunk)
            size += len(chunk)
            spool.write(chunk)
        if digest.hexdigest() != sha256:
            raise ApiError(400, f"The content hashes to {digest.hexdigest()}, not {sha256}; "
                                "nothing was stored.", code="hash_mismatch")
        created = await run_in_threadpool(_store, storage, _blob_store(request), caller,
                                          sha256, spool, size, config.max_team_blob_bytes)
    response.status_code = 201 if created else 200
    log.info("device %s uploaded blob %s (%d bytes, %s)", caller.device_id, sha256, size,
             "new" if created else "already had it")
    return BlobInfo(sha256=sha256, size=size)


@router.get("/blobs/{sha256}", response_class=Response,
            responses={200: {"content": BINARY, "description": "The file's bytes."},
                       **responses(401, 404, 422)},
            summary="Download a file this team uploaded")
def get_blob(sha256: BlobHash, request: Request, caller: CallerDep,
             storage: StorageDep) -> Response:
    if _record(storage, caller, sha256) is None:
        raise _not_found(sha256)
    store = _blob_store(request)
    if not store.verify(sha256):
        log.error("blob %s is recorded for team %s but missing or damaged on disk", sha256,
                  caller.team_name)
        raise ApiError(404, f"Blob {sha256} is missing or damaged on the server; upload it "
                            "again.", code="blob_damaged")
    return FileResponse(Path(store.path_of(sha256)), media_type="application/octet-stream",
                        headers={"ETag": f'"{sha256}"',
                                 "Cache-Control": "private, max-age=31536000, immutable"})


@router.head("/blobs/{sha256}", response_class=Response,
             responses={200: {"description": "This team has the blob; Content-Length is "
                                             "its size."}, **responses(401, 404, 422)},
             summary="Whether this team has a file (no body)")
def head_blob(sha256: BlobHash, request: Request, caller: CallerDep,
              storage: StorageDep) -> Response:
    record = _record(storage, caller, sha256)
    if record is None or not _blob_store(request).has(sha256):
        raise _not_found(sha256)
    return Response(status_code=200, media_type="application/octet-stream",
                    headers={"Content-Length": str(record.size), "ETag": f'"{sha256}"'})

