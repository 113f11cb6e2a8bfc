"""Request body limits and gzip request bodies, as ASGI middleware.

The size limit is checked twice: on ``Content-Length`` before any byte is read, and on
the bytes actually streamed (a client may send no length, or lie about it). Blob uploads
may be larger than JSON requests. A gzip-encoded JSON body (``Content-Encoding: gzip``,
what the desktop sends for big pushes) is inflated before the endpoint sees it, with the
same limit applied to the inflated size, so a small "zip bomb" cannot exhaust memory.
"""

from __future__ import annotations

import zlib

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from channeldesk.server.errors import error_response

BLOB_PATH_PREFIX = "/v1/blobs/"


class BodyTooLarge(HTTPException):
    """Raised while reading a body that outgrows its limit; answered with 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.")
        self.limit = limit


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class BodyLimitMiddleware:
    """413 for bodies over ``json_limit`` (``blob_limit`` under /v1/blobs/)."""

    def __init__(self, app: ASGIApp, json_limit: int, blob_limit: int) -> None:
        self.app = app
        self.json_limit = json_limit
        self.blob_limit = blob_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_blob = scope.get("path", "").startswith(BLOB_PATH_PREFIX)
        limit = self.blob_limit if is_blob else self.json_limit
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > limit):
            status = 413 if declared.strip().isdigit() else 400
            detail = (f"The request body is larger than {limit} bytes." if status == 413
                      else "Content-Length is not a number.")
            await error_response(status, detail)(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge as error:
            if started:
                raise
            await error_response(413, str(error.detail))(scope, receive, send)


class GzipRequestMiddleware:
    """Inflate ``Content-Encoding: gzip`` request bodies (not blob uploads)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        encoding = _header(scope, b"content-encoding") if scope["type"] == "http" else None
        if encoding is None or scope.get("path", "").startswith(BLOB_PATH_PREFIX):
            await self.app(scope, receive, send)
            return
        if encoding.strip().lower() not in ("gzip", "x-gzip"):
            await error_response(415, f"Content-Encoding '{encoding}' is not supported; "
                                      "send gzip or no encoding.")(scope, receive, send)
            return
        compressed = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            compressed += message.get("body", b"")
            more = message.get("more_body", False)
        try:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            body = inflater.decompress(bytes(compressed), self.limit + 1)
            if len(body) > self.limit or inflater.unconsumed_tail:
                raise BodyTooLarge(self.limit)
            if not inflater.eof:
                raise zlib.error("truncated gzip stream")
        except zlib.error:
            await error_response(400, "The gzip request body is damaged.")(
                scope, receive, send)
            return
        headers = [(key, value) for key, value in scope["headers"]
                   if key.lower() not in (b"content-encoding", b"content-length")]
        headers.append((b"content-length", str(len(body)).encode("latin-1")))
        inner_scope = dict(scope, headers=headers)
        delivered = False

        async def inflated_receive() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(inner_scope, inflated_receive, send)
