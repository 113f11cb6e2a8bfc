"""Talking HTTP to the sync server, and turning its answers into protocol models.

:class:`Transport` is the one seam between the engine and the network: ``request``
returns the status, headers and raw body of an answer, or raises :class:`Offline` when
there was no answer. Tests wrap it to drop requests or answers, or to return nonsense.
:func:`decode` then checks the status and validates the body against the protocol model
the engine expects, so that an unexpected answer (an HTML error page, wrong or truncated
JSON) ends the sync with :class:`ServerError` before anything is written.
"""

from __future__ import annotations

import gzip
import json as jsonlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx
from pydantic import BaseModel, ValidationError

from channeldesk import __version__
from channeldesk.sync.errors import (
    AuthExpired,
    Offline,
    RequestRefused,
    ServerError,
    ServerGone,
)
from channeldesk.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ErrorBody

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
GZIP_ABOVE_BYTES = 1024
DETAIL_CHARS = 200

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Reply:
    """One HTTP answer: status, headers (lower-case names) and the decoded body."""

    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Body:
    """A JSON request body as it goes on the wire, encoded (and gzipped when large)
    once: a batch built ahead is made ready to send while the one before is on its way
    (``push_ahead``)."""

    content: bytes
    headers: Mapping[str, str]


def json_body(json_text: str) -> Body:
    content = json_text.encode()
    headers = {"Content-Type": "application/json"}
    if len(content) > GZIP_ABOVE_BYTES:
        content = gzip.compress(content, compresslevel=6)
        headers["Content-Encoding"] = "gzip"
    return Body(content, headers)


class Transport(Protocol):
    """How the engine reaches the server; paths start with ``/v1``."""

    def request(self, method: str, path: str, *, json: Any = None,
                params: Mapping[str, Any] | None = None, content: bytes | None = None,
                headers: Mapping[str, str] | None = None,
                json_text: str | None = None, body: Body | None = None) -> Reply:
        """Send one request; raise :class:`Offline` when no answer came back.
        ``json_text``: a body already serialised as JSON (sent like ``json``);
        ``body``: one already encoded (:func:`json_body`)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def normalize_server_url(url: str) -> str:
    """``https://host[:port][/prefix]`` without a trailing slash; ValueError otherwise.

    One spelling per server, because the keyring entry and the "same server?" check
    after a new sign-in both compare it as text.
    """
    text = (url or "").strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"'{text}' is not a server address like https://sync.example.com")
    if parts.query or parts.fragment:
        raise ValueError(f"'{text}': a server address has no '?' or '#' part")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"),
                       "", ""))


class HttpTransport:
    """:class:`Transport` over an ``httpx.Client``: keep-alive HTTP/1.1, gzip both ways,
    5 s to connect, 30 s to read, the device token as a Bearer header.

    ``client`` lets tests pass FastAPI's TestClient (an httpx.Client) to reach an
    in-process server through exactly this code.
    """

    def __init__(self, server_url: str, token: str | None = None, *,
                 client: httpx.Client | None = None,
                 timeout: httpx.Timeout | None = None) -> None:
        self.server_url = normalize_server_url(server_url)
        self._token = token
        self._owns_client = client is None
        self._client = client or httpx.Client(
            base_url=self.server_url, follow_redirects=False,
            timeout=timeout or httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT))

    def request(self, method: str, path: str, *, json: Any = None,
                params: Mapping[str, Any] | None = None, content: bytes | None = None,
                headers: Mapping[str, str] | None = None,
                json_text: str | None = None, body: Body | None = None) -> Reply:
        sent_headers = {"User-Agent": f"ChannelDesk/{__version__}",
                        "Accept-Encoding": "gzip",
                        PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        if self._token:
            sent_headers["Authorization"] = f"Bearer {self._token}"
        if json is not None:
            json_text = jsonlib.dumps(json, ensure_ascii=False, allow_nan=False)
        if json_text is not None:
            body = json_body(json_text)
        if body is not None:
            content = body.content
            sent_headers.update(body.headers)
        sent_headers.update(headers or {})
        try:
            answer = self._client.request(method, path, params=params, content=content,
                                          headers=sent_headers)
            body = answer.content
        except httpx.DecodingError as error:
            raise ServerError(f"The server's answer could not be decoded ({error}).") from error
        except (httpx.TransportError, OSError) as error:
            raise Offline(f"Cannot reach {self.server_url}: {_describe(error)}.") from error
        return Reply(answer.status_code, body,
                     {name.lower(): value for name, value in answer.headers.items()})

    def close(self) -> None:
        if self._owns_client:
            self._client.close()


def _describe(error: Exception) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "no answer in time"
    if isinstance(error, httpx.ConnectError):
        return f"the connection failed ({error or 'refused'})"
    return f"the connection was lost ({type(error).__name__}: {error})"


def _error_body(reply: Reply) -> ErrorBody | None:
    try:
        return ErrorBody.model_validate_json(reply.body)
    except ValidationError:
        return None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"


def raise_for_status(reply: Reply, what: str) -> None:
    """Map an error answer to the exception the engine and the UI branch on."""
    if 200 <= reply.status < 300:
        return
    body = _error_body(reply)
    detail = _short(body.detail) if body else f"HTTP {reply.status}"
    if reply.status == 401:
        raise AuthExpired(f"The server no longer accepts this device ({detail}); sign in "
                          "again.")
    if reply.status == 410:
        raise ServerGone(f"{what}: {detail}", body.epoch if body else None)
    if reply.status >= 500 or body is None:
        location = reply.headers.get("location")
        moved = f" (redirected to {location}: use that address)" if location else ""
        raise ServerError(f"{what} failed: the server answered HTTP {reply.status}"
                          f"{moved}{': ' + detail if body else ''}.")
    raise RequestRefused(f"{what} was refused: {detail}", reply.status, body.error)


def decode(reply: Reply, model: type[M], what: str) -> M:
    """The body of a successful answer as ``model``; ServerError for anything else."""
    raise_for_status(reply, what)
    try:
        return model.model_validate_json(reply.body)
    except ValidationError as error:
        log.warning("%s: unexpected answer %r", what, reply.body[:500])
        raise ServerError(f"{what}: the server's answer is not what this version of "
                          f"ChannelDesk expects ({error.error_count()} problems; the first: "
                          f"{_short(str(error.errors()[0]['msg']))}).") from error
