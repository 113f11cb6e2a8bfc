"""Endpoints of the sync protocol: push a batch, pull changes, download a snapshot.

A batch with ``records`` (protocol 4) from a client whose ``X-ChannelDesk-Sync`` header
says an older protocol (or none) is refused with 400 ``records_need_protocol_4`` and
nothing of it is stored: such a client could not read the answer's ``records``, and
only a client that got it wrong sends them (a client learns the server's protocol from
the same header on pages, and sends records only to a server that named 4). Not 426:
the client is not too old for this server, it contradicts itself.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import JSONResponse

from channeldesk.server import pull
from channeldesk.server import push as push_service
from channeldesk.server.auth import CallerDep, StorageDep
from channeldesk.server.errors import responses
from channeldesk.sync.protocol import (
    DEFAULT_PAGE,
    INT64_MAX,
    MAX_PAGE,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    REJECTED_SINCE,
    ChangesPage,
    PushRequest,
    PushResponse,
    SnapshotPage,
    legacy_push_response,
)

router = APIRouter(tags=["sync"])

PageLimit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="at most this many items")]


@router.post("/push", response_model=PushResponse,
             responses=responses(400, 401, 403, 409, 413, 415, 422, 426),
             summary="Apply a batch of field changes atomically",
             description="Each change is accepted (with its new seq) or, when its field "
                         "moved since base_seq to a different value or its row was "
                         "deleted, rejected as a conflict with the server's value. A "
                         "change that breaks its table's rules (sent with "
                         "X-ChannelDesk-Sync: 2 or later) is rejected with a reason. "
                         "Up to 5,000 changes a batch (protocol 3; pages name the "
                         "server's protocol in the same header). Protocol 4: `records` "
                         "carry new records whole (applied before `changes`, at most "
                         "20,000 values in all) and are answered in `records`, one "
                         "result per record: accepted with its first field's seq, or "
                         "field by field as if each value had been sent as a change; "
                         "sent with an older protocol they answer 400. A retried "
                         "batch_id gets the stored response; a change_id or record_id "
                         "seen before gets its original result. The body may be sent "
                         "with Content-Encoding: gzip.")
def push(body: PushRequest, caller: CallerDep, storage: StorageDep,
         x_channeldesk_sync: Annotated[int | None, Header(
             ge=1, le=1000, description="the sync protocol the client speaks; 2 reads "
                                        "rejected results, 3 sends big batches, "
                                        "4 sends records whole (without it: 1)")] = None,
         ) -> Response:
    protocol = x_channeldesk_sync or 1
    with storage.session():
        answer = push_service.push(storage, caller, body, protocol)
    if protocol < REJECTED_SINCE:  # its models forbid the keys protocol 2 added
        return JSONResponse(legacy_push_response(answer.response))
    return Response(content=answer.body, media_type="application/json")


@router.get("/changes", response_model=ChangesPage, responses=responses(401, 410, 422),
            summary="The team's changes after seq `since`, in seq order")
def changes(caller: CallerDep, storage: StorageDep,
            since: Annotated[int, Query(ge=0, le=INT64_MAX,
                                        description="the next_seq of the last page "
                                                    "applied (0 at first)")] = 0,
            limit: PageLimit = DEFAULT_PAGE) -> Response:
    return _json(pull.changes_page(storage, caller, since, limit))


@router.get("/snapshot", response_model=SnapshotPage, responses=responses(401, 422),
            summary="The current value of every field of the team, in pages",
            description="Start without a cursor, then pass next_cursor until it is null. "
                        "Afterwards pull changes since as_of_seq. Deleted rows appear "
                        "with deleted = 1.")
def snapshot(caller: CallerDep, storage: StorageDep,
             cursor: Annotated[str | None, Query(max_length=4096,
                                                 description="next_cursor of the previous "
                                                             "page")] = None,
             limit: PageLimit = DEFAULT_PAGE) -> Response:
    return _json(pull.snapshot_page(storage, caller, cursor, limit))


def _json(body: bytes) -> Response:
    """A page built as JSON text by ``pull``: sent as it is, not re-validated against
    the response model (which still documents it). It names the protocol this server
    speaks, so that a client knows before pushing how big a batch it takes."""
    return Response(content=body, media_type="application/json",
                    headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)})
