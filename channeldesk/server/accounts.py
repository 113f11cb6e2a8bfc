"""Teams, users and devices: creating them, logging in, and knowing who is calling.

A login creates a device with a fresh random token; the token is shown once and stored
only as its SHA-256, so a copy of the database cannot be used to call the API. Every
authenticated request becomes a :class:`Caller`, whose ``team_id`` scopes every query
the request makes.

Failed logins are rate-limited per account (10 in 15 minutes) and per client address
(100 in 15 minutes, across accounts: an office behind one NAT address has many users,
and one of them mistyping must not lock out the rest), counted in the database so that
all worker processes share the count. An attempt is counted *before* its password is
checked, under a lock on the account and the address, so concurrent wrong passwords
cannot all slip past the count; a right password takes its attempt back. Functions here
expect an open :meth:`Storage.session`; those that write open their own transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from peewee import PostgresqlDatabase

from channeldesk.server import passwords
from channeldesk.server.models import Device, LoginFailure, Team, User, database, utc_now
from channeldesk.sync.protocol import DeviceInfo

LOGIN_MAX_FAILURES = 10  # per account
ADDRESS_MAX_FAILURES = 100  # per client address, across accounts
LOGIN_WINDOW = dt.timedelta(minutes=15)
LAST_SEEN_RESOLUTION = dt.timedelta(minutes=1)


class AccountError(Exception):
    """A refused account operation; ``kind`` is 'exists', 'not_found' or 'invalid'."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class LoginRefusedError(Exception):
    """Wrong email or password (deliberately not saying which)."""


class LoginRateLimitedError(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; retry in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Caller:
    """The device behind an authenticated request."""

    device_id: str
    user_id: int
    email: str
    team_id: int
    team_name: str


@dataclass(frozen=True)
class LoginResult:
    token: str
    device_id: str
    team_name: str
    email: str


@dataclass(frozen=True)
class DeviceRecord:
    """One device as an admin sees it: the id ``revoke-device`` takes, its name, when it
    was last seen and whether it was revoked."""

    id: str
    name: str
    created_at: dt.datetime
    last_seen: dt.datetime | None
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class UserInfo:
    email: str
    team: str
    created_at: dt.datetime
    active_devices: int
    devices: tuple[DeviceRecord, ...] = ()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _check_email(email: str) -> str:
    email = normalize_email(email)
    local, _, domain = email.partition("@")
    if not local or not domain or " " in email or len(email) > 254:
        raise AccountError("invalid", f"'{email}' is not an email address.")
    return email


def _check_password(password: str) -> None:
    problem = passwords.password_problem(password)
    if problem:
        raise AccountError("invalid", f"Refused: {problem}.")


@functools.cache
def _dummy_hash() -> str:
    # Checked when the email is unknown, so a missing account takes as long to refuse
    # as a wrong password and timing does not reveal which emails exist.
    return passwords.hash_password(passwords.new_token())


# -- administration (the CLI) -----------------------------------------------------------------

def create_team(name: str) -> Team:
    name = name.strip()
    if not name or len(name) > 200:
        raise AccountError("invalid", "A team name needs 1 to 200 characters.")
    with database.atomic():
        if Team.select().where(Team.name == name).exists():
            raise AccountError("exists", f"A team named '{name}' already exists.")
        return Team.create(name=name, epoch=uuid.uuid4().hex)


def get_team(name: str) -> Team:
    team = Team.get_or_none(Team.name == name.strip())
    if team is None:
        raise AccountError("not_found", f"There is no team named '{name}'.")
    return team


def create_user(team_name: str, email: str, password: str) -> User:
    email = _check_email(email)
    _check_password(password)
    password_hash = passwords.hash_password(password)  # slow: outside the transaction
    with database.atomic():
        team = get_team(team_name)
        if User.select().where(User.email == email).exists():
            raise AccountError("exists", f"A user with the email {email} already exists.")
        return User.create(team=team, email=email, password_hash=password_hash)


def list_users(team_name: str | None = None) -> list[UserInfo]:
    query = (User.select(User, Team).join(Team).order_by(Team.name, User.email))
    if team_name is not None:
        query = query.where(Team.id == get_team(team_name).id)
    users = list(query)
    devices: dict[int, list[DeviceRecord]] = {user.id: [] for user in users}
    for device in (Device.select().where(Device.user.in_(list(devices)))
                   .order_by(Device.last_seen.desc(), Device.id)):
        devices[device.user_id].append(DeviceRecord(device.id, device.name, device.created_at,
                                                    device.last_seen, device.revoked_at))
    return [UserInfo(user.email, user.team.name, user.created_at,
                     sum(1 for d in devices[user.id] if d.revoked_at is None),
                     tuple(devices[user.id]))
            for user in users]


def reset_password(email: str, password: str) -> int:
    """Set a new password and revoke the user's devices (returns how many were revoked):
    whoever held the old password may also hold a token made with it."""
    email = normalize_email(email)
    _check_password(password)
    password_hash = passwords.hash_password(password)
    with database.atomic():
        user = User.get_or_none(User.email == email)
        if user is None:
            raise AccountError("not_found", f"There is no user with the email {email}.")
        user.password_hash = password_hash
        user.save()
        revoked = (Device.update(revoked_at=utc_now())
                   .where((Device.user == user.id) & Device.revoked_at.is_null()).execute())
        LoginFailure.delete().where(LoginFailure.email == email).execute()
    return revoked


def revoke_device(device_id: str) -> Device:
    with database.atomic():
        device = Device.get_or_none(Device.id == device_id.strip().lower())
        if device is None:
            raise AccountError("not_found", f"There is no device {device_id}.")
        if device.revoked_at is None:
            device.revoked_at = utc_now()
            device.save()
        return device


# -- login and authentication ---------------------------------------------------------------

def _retry_after(column, key: str, now: dt.datetime, limit: int) -> int | None:
    """Seconds until one more attempt is allowed for this email or address, or None."""
    since = now - LOGIN_WINDOW
    newest = [at for (at,) in LoginFailure.select(LoginFailure.at)
              .where((column == key) & (LoginFailure.at > since))
              .order_by(LoginFailure.at.desc())
              .limit(limit).tuples()]
    if len(newest) < limit:
        return None
    # The oldest of the newest N must expire before the count drops below the limit.
    pivot = newest[-1]
    return max(1, math.ceil((pivot + LOGIN_WINDOW - now).total_seconds()))


@contextlib.contextmanager
def _locked_for_counting(keys: list[str]) -> Iterator[None]:
    """A transaction in which no other login counts the same account or address: the
    write lock from BEGIN on SQLite, advisory locks on the keys on PostgreSQL."""
    if not isinstance(database.obj, PostgresqlDatabase):
        with database.atomic("IMMEDIATE"):
            yield
        return
    with database.atomic():
        for key in sorted(keys):  # one order everywhere: no deadlock
            database.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))",
                                 (f"login:{key}",))
        yield


def _count_attempt(email: str, ip: str, now: dt.datetime) -> int:
    """Refuse (LoginRateLimitedError) or count one attempt as a failure in advance;
    returns the counted row's id, deleted again when the password is right."""
    with _locked_for_counting([f"email:{email}", f"ip:{ip}"]):
        waits = [_retry_after(LoginFailure.email, email, now, LOGIN_MAX_FAILURES),
                 _retry_after(LoginFailure.ip, ip, now, ADDRESS_MAX_FAILURES)]
        waits = [wait for wait in waits if wait is not None]
        if waits:
            raise LoginRateLimitedError(max(waits))
        return LoginFailure.create(email=email, ip=ip, at=now).id


def login(email: str, password: str, device_name: str, ip: str,
          now: dt.datetime | None = None) -> LoginResult:
    """Check the password and register a new device; raises LoginRateLimitedError (before
    looking at the password) or LoginRefusedError."""
    now = now or utc_now()
    email = normalize_email(email)
    attempt = _count_attempt(email, ip, now)
    user = (User.select(User, Team).join(Team).where(User.email == email).get_or_none())
    stored = user.password_hash if user is not None else _dummy_hash()
    if not passwords.verify_password(password, stored) or user is None:
        with database.atomic():  # the attempt stays counted as a failure
            LoginFailure.delete().where(LoginFailure.at < now - 4 * LOGIN_WINDOW).execute()
        raise LoginRefusedError()
    token = passwords.new_token()
    device_id = uuid.uuid4().hex
    with database.atomic():
        Device.create(id=device_id, user=user, name=device_name.strip() or "device",
                      token_hash=passwords.token_hash(token), created_at=now, last_seen=now)
        LoginFailure.delete().where((LoginFailure.email == email)
                                    | (LoginFailure.id == attempt)).execute()
    return LoginResult(token=token, device_id=device_id, team_name=user.team.name,
                       email=user.email)


def authenticate(token: str, now: dt.datetime | None = None) -> Caller | None:
    """The caller a bearer token belongs to; None for an unknown or revoked token."""
    row = (Device.select(Device.id, Device.last_seen, User.id, User.email, Team.id,
                         Team.name)
           .join(User).join(Team)
           .where((Device.token_hash == passwords.token_hash(token))
                  & Device.revoked_at.is_null())
           .tuples().first())
    if row is None:
        return None
    device_id, last_seen, user_id, email, team_id, team_name = row
    now = now or utc_now()
    if last_seen is None or now - last_seen > LAST_SEEN_RESOLUTION:
        Device.update(last_seen=now).where(Device.id == device_id).execute()
    return Caller(device_id=device_id, user_id=user_id, email=email, team_id=team_id,
                  team_name=team_name)


def logout(caller: Caller) -> None:
    (Device.update(revoked_at=utc_now())
     .where((Device.id == caller.device_id) & Device.revoked_at.is_null()).execute())


def team_devices(caller: Caller) -> list[DeviceInfo]:
    """Every device of the caller's team, revoked ones too (their changes stay)."""
    query = (Device.select(Device.id, Device.name, Device.revoked_at, User.email)
             .join(User).where(User.team == caller.team_id).order_by(User.email, Device.name,
                                                                     Device.id))
    return [DeviceInfo(device_id=device.id, device_name=device.name,
                       user_email=device.user.email, revoked=device.revoked_at is not None)
            for device in query]
