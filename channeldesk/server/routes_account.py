"""Endpoints for logging in and out, and the unauthenticated health check."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from peewee import DatabaseError, InterfaceError

from channeldesk import __version__
from channeldesk.server import accounts
from channeldesk.server.auth import CallerDep, StorageDep
from channeldesk.server.errors import ApiError, responses
from channeldesk.server.models import database
from channeldesk.sync.protocol import (
    DevicesPage,
    Health,
    LoginRequest,
    LoginResponse,
    LogoutResponse,
)

log = logging.getLogger(__name__)
router = APIRouter()


def client_address(request: Request) -> str:
    """The caller's address as uvicorn sees it (the proxy's, unless it is trusted to
    forward the real one with --forwarded-allow-ips)."""
    return request.client.host if request.client else "unknown"


@router.post("/login", response_model=LoginResponse, tags=["account"],
             responses=responses(401, 413, 422, 429),
             summary="Log a device in with email and password; returns its token")
def login(body: LoginRequest, request: Request, storage: StorageDep) -> LoginResponse:
    address = client_address(request)
    try:
        with storage.session():
            result = accounts.login(body.email, body.password, body.device_name, address)
    except accounts.LoginRateLimitedError as limited:
        log.warning("login refused for %s from %s: rate limited", body.email.strip().lower(),
                    address)
        raise ApiError(429, f"Too many failed logins. Try again in {limited.retry_after} s.",
                       headers={"Retry-After": str(limited.retry_after)}) from None
    except accounts.LoginRefusedError:
        log.info("login failed for %s from %s", body.email.strip().lower(), address)
        raise ApiError(401, "Wrong email or password.", code="login_failed") from None
    log.info("device %s logged in (team %s) from %s", result.device_id, result.team_name,
             address)
    return LoginResponse(token=result.token, device_id=result.device_id,
                         team=result.team_name, user_email=result.email)


@router.post("/logout", response_model=LogoutResponse, tags=["account"],
             responses=responses(401), summary="Revoke the calling device's token")
def logout(caller: CallerDep, storage: StorageDep) -> LogoutResponse:
    with storage.session():
        accounts.logout(caller)
    log.info("device %s logged out", caller.device_id)
    return LogoutResponse(device_id=caller.device_id)


@router.get("/devices", response_model=DevicesPage, tags=["account"],
            responses=responses(401),
            summary="The devices of the caller's team, with their users' emails",
            description="Changes and conflicts name a device id; this says whose it is.")
def devices(caller: CallerDep, storage: StorageDep) -> DevicesPage:
    with storage.session():
        return DevicesPage(devices=accounts.team_devices(caller))


@router.get("/health", response_model=Health, tags=["server"],
            responses={503: {"model": Health, "description": "The database cannot be "
                                                               "reached."}},
            summary="Is the server up and its database reachable (no token needed)")
def health(storage: StorageDep):
    try:
        with storage.session():
            database.execute_sql("SELECT 1").fetchone()
    except (DatabaseError, InterfaceError, OSError) as error:
        log.error("health check: database unavailable: %s", error)
        body = Health(status="unavailable", version=__version__, database=storage.kind,
                      schema=storage.schema_version)
        return JSONResponse(body.model_dump(mode="json", by_alias=True), status_code=503)
    return Health(status="ok", version=__version__, database=storage.kind,
                  schema=storage.schema_version)
