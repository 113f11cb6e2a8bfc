"""Who is calling: the bearer-token dependency every endpoint but login and health uses.

It answers 401 for a missing, malformed, unknown or revoked token, and otherwise gives
the endpoint a :class:`~channeldesk.server.accounts.Caller` whose team scopes everything
the request touches. It records the caller's device id (never the token) on the request
for log lines.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from channeldesk.server.accounts import Caller, authenticate
from channeldesk.server.errors import ApiError
from channeldesk.server.storage import Storage

bearer_scheme = HTTPBearer(auto_error=False, description="the token from POST /v1/login")


def get_storage(request: Request) -> Storage:
    return request.app.state.storage


def _unauthorized(detail: str) -> ApiError:
    return ApiError(401, detail, headers={"WWW-Authenticate": "Bearer"})


def current_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer" \
            or not credentials.credentials:
        raise _unauthorized("Send 'Authorization: Bearer <token>'; log in to get a token.")
    storage = get_storage(request)
    with storage.session():  # opened and closed in this thread (see Storage.session)
        caller = authenticate(credentials.credentials)
    if caller is None:
        raise _unauthorized("The token is unknown or was revoked; log in again.")
    request.state.device_id = caller.device_id
    return caller


CallerDep = Annotated[Caller, Depends(current_caller)]
StorageDep = Annotated[Storage, Depends(get_storage)]
