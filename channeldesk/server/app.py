"""The FastAPI application of the sync server, built by :func:`create_app`.

Everything lives under ``/v1``; ``/openapi.json`` describes it, errors included. The
app is stateless beside its database and blob folder, so several worker processes (or
machines sharing a PostgreSQL database and a blob folder) can serve one team.

Middleware, outermost first: request size limits (413), inflating gzip request bodies,
gzip responses (not for blob downloads, which are usually compressed already).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware

from channeldesk import __version__
from channeldesk.server import routes_account, routes_blobs, routes_sync
from channeldesk.server.config import ServerConfig
from channeldesk.server.errors import install_error_handlers, responses
from channeldesk.server.http_limits import BodyLimitMiddleware, GzipRequestMiddleware
from channeldesk.server.storage import Storage, open_storage
from channeldesk.store.blobs import BlobStore
from channeldesk.sync.protocol import API_PREFIX

log = logging.getLogger(__name__)

DESCRIPTION = """\
Sync server of ChannelDesk. A device logs in once (`POST /v1/login`) and sends its token as
`Authorization: Bearer <token>`. It pulls (`GET /v1/changes`) and then pushes
(`POST /v1/push`); the protocol is described in docs/sync-protocol.md of the
ChannelDesk repository. Every query is scoped by the team of the token: another team's
data answers 404.
"""


def create_app(config: ServerConfig | None = None, storage: Storage | None = None) -> FastAPI:
    """The ASGI app for ``config``.

    Opens (and migrates) the database at ``config.resolved_database_url`` unless an open
    ``storage`` is given. The app owns a storage it opened and closes it at shutdown; one
    passed in stays the caller's to close. Either way it is ``app.state.storage``.
    """
    config = config or ServerConfig()
    data_dir = config.resolved_data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    owns_storage = storage is None
    if storage is None:
        storage = open_storage(config.resolved_database_url)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        log.info("channeldesk-server %s serving %s (%s, schema %d)", __version__,
                 storage.display_url, storage.kind, storage.schema_version)
        yield
        if owns_storage:
            storage.close()
        log.info("channeldesk-server stopped cleanly")

    app = FastAPI(title="ChannelDesk sync server", version=__version__,
                  description=DESCRIPTION, openapi_url="/openapi.json",
                  docs_url=f"{API_PREFIX}/docs", redoc_url=None, lifespan=lifespan)
    app.state.config = config
    app.state.storage = storage
    app.state.blob_store = BlobStore(config.blob_dir)
    install_error_handlers(app)
    for router in (routes_account.router, routes_sync.router, routes_blobs.router):
        # The body middlewares can answer any route with these before it runs.
        app.include_router(router, prefix=API_PREFIX, responses=responses(400, 413, 415))
    # add_middleware puts each new one outside the previous ones.
    app.add_middleware(GZipMiddleware, minimum_size=config.gzip_minimum_bytes,
                       compresslevel=6,
                       exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES,
                                              "application/octet-stream"))
    app.add_middleware(GzipRequestMiddleware, limit=config.max_json_bytes)
    app.add_middleware(BodyLimitMiddleware, json_limit=config.max_json_bytes,
                       blob_limit=config.max_blob_bytes)
    return app


def app_from_environment() -> FastAPI:
    """Factory for uvicorn worker processes: the configuration comes from the
    environment that ``channeldesk-server serve`` set (see ServerConfig)."""
    return create_app(ServerConfig.from_environment())
