"""One error shape for every failure the API reports, and the handlers that produce it.

Clients branch on ``error`` (a stable code) and show ``detail``; a 410 also carries the
team's ``epoch``, a 422 the per-item problems. The same shapes are declared in the OpenAPI
document (:func:`responses`), so the document tells the truth about errors too.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from channeldesk.sync.protocol import ErrorBody

log = logging.getLogger(__name__)

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    426: "upgrade_required",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}

DESCRIPTIONS = {
    400: "The request cannot be used as sent (content that does not match its hash, a "
         "damaged gzip body).",
    401: "No valid bearer token: log in (again).",
    403: "The token may not do this (e.g. push for another device).",
    404: "Not found for this team.",
    409: "The id was already used for a different request.",
    410: "The cursor is older than the history the server keeps, or from a different "
         "history: download a snapshot, keep the outbox.",
    413: "The request body is larger than the server accepts, or a file would take the "
         "team's files past their quota.",
    415: "A Content-Encoding other than gzip.",
    422: "The request does not match the schema; nothing was stored.",
    426: "This client speaks an older sync protocol than the answer needs: update "
         "ChannelDesk. Nothing was stored.",
    429: "Too many failed logins; retry after the Retry-After seconds.",
}


class ApiError(Exception):
    """Raised by endpoints and services; turned into an :class:`ErrorBody` response."""

    def __init__(self, status: int, detail: str, *, code: str | None = None,
                 epoch: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code or ERROR_CODES.get(status, "error")
        self.epoch = epoch
        self.headers = headers


def error_response(status: int, detail: str, *, code: str | None = None,
                   epoch: str | None = None, errors: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorBody(error=code or ERROR_CODES.get(status, "error"), detail=detail,
                     epoch=epoch, errors=errors)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status,
                        headers=headers)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the given error statuses."""
    return {status: {"model": ErrorBody, "description": DESCRIPTIONS[status]}
            for status in statuses}


def _plain_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Validation problems without the rejected input (it may be large or a password)."""
    return [{"loc": list(item.get("loc", ())), "msg": str(item.get("msg", "")),
             "type": str(item.get("type", ""))} for item in exc.errors()]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.detail, code=exc.code, epoch=exc.epoch,
                              headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _plain_errors(exc)
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(part) for part in first["loc"])
        return error_response(422, f"{where}: {first['msg']}", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail),
                              headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        device = getattr(request.state, "device_id", None)
        log.error("unexpected error in %s %s (device %s)", request.method, request.url.path,
                  device, exc_info=exc)
        return error_response(500, "The server failed unexpectedly; the details are in its "
                                   "log.")
