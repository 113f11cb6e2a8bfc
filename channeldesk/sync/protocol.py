"""The sync wire format: what a desktop and the server say to each other (DESIGN.md §4).

One set of pydantic models, shared by the server (to validate and document its API) and
the desktop client (to build requests and read answers), so the two cannot drift apart.

Table and field names travel as data and are stored as data by the server, never used as
SQL identifiers; they are still held to identifier shape so that a client bug or a hostile
request cannot smuggle odd text into either side. Values are what SQLite holds in a
journalled column: text, integer, real or null. A bool is accepted and sent on as 0/1,
because that is what the desktop's SQLite columns store and compare against; integers are
limited to SQLite's signed 64 bits and floats must be finite, because JSON has no NaN.
"""

from __future__ import annotations

import functools
import re
import uuid
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from channeldesk.domain.hlc import is_stamp

API_PREFIX = "/v1"
# The sync protocol a client speaks, sent as this header with every request. Version 2
# added the "rejected" push result (the server checks every change against the table's
# description); a client that does not say 2 gets 426 "please update" instead of an
# answer it could not read. Version 3 lets a batch carry up to MAX_BATCH changes (a
# protocol-2 server takes LEGACY_BATCH); the server names its version in the same header
# on pages of changes and snapshots, and the client sends big batches only to a server
# that said 3. Version 4 lets a batch carry a new record as one item (``RecordIn``) and
# answers it with one result (``RecordResult``); pages and snapshots do not change.
PROTOCOL_HEADER = "X-ChannelDesk-Sync"
PROTOCOL_VERSION = 4
REJECTED_SINCE = 2  # the first protocol whose clients read a "rejected" result
BIG_BATCHES_SINCE = 3
RECORDS_SINCE = 4  # the first protocol whose servers take records whole
# How far ahead of the receiver's clock a change's stamp may be (a laptop's clock set
# wrong by a day still syncs; a stamp from the year 10889 does not).
MAX_CLOCK_SKEW_MS = 24 * 3600 * 1000
MAX_BATCH = 5000
LEGACY_BATCH = 500
MAX_BATCH_VALUES = 20_000  # changes plus the values of records, in one batch
MAX_RECORD_FIELDS = 200
MAX_PAGE = 5000
DEFAULT_PAGE = 1000
MAX_VALUE_CHARS = 100_000
MAX_ROW_ID_CHARS = 128
MAX_HLC_CHARS = 100
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

IDENTIFIER_PATTERN = r"^[a-z_][a-z0-9_]{0,62}$"
ROW_ID_PATTERN = r"^[A-Za-z0-9_.:\-]{1,128}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
_HEX32 = re.compile(r"^[0-9a-f]{32}$")


def normalize_uuid_text(value: Any) -> str:
    """32 lower-case hex digits, from either that form or a dashed UUID.

    The desktop journal writes ids as 32 hex digits; other clients may send a UUID with
    dashes. Both name the same change, so they must compare equal on the server.
    """
    if not isinstance(value, str):
        raise ValueError("must be a string of 32 hex digits or a UUID")
    text = value.strip().lower()
    if _HEX32.match(text):
        return text
    try:
        return uuid.UUID(text).hex
    except ValueError as error:
        raise ValueError("must be 32 hex digits or a UUID") from error


@functools.lru_cache(maxsize=4096)
def _check_hlc(value: str) -> str:
    """A well-formed stamp, or ValueError. Remembered: the fields of a record created
    or edited together share one stamp, so a batch or page repeats each many times
    (an error is raised again each time, never remembered)."""
    plain_text(value)
    if len(value) > MAX_HLC_CHARS:
        raise ValueError(f"clock stamp longer than {MAX_HLC_CHARS} characters")
    if not is_stamp(value):
        raise ValueError(f"not a clock stamp: {value!r}")
    return value


def plain_text(value: str) -> str:
    """Refuse text no database can store: NUL (PostgreSQL rejects it) and lone UTF-16
    surrogates (not encodable as UTF-8). A 422, not a 500 deep in a driver."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from error
    return value


def _normalize_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
        raise ValueError("integer outside SQLite's signed 64-bit range")
    if isinstance(value, str):
        if len(value) > MAX_VALUE_CHARS:
            raise ValueError(f"text longer than {MAX_VALUE_CHARS} characters")
        plain_text(value)
    return value


UuidText = Annotated[str, BeforeValidator(normalize_uuid_text),
                     Field(description="32 hex digits (a dashed UUID is accepted and "
                                       "normalised to 32 lower-case hex digits)",
                           examples=["0f8e2b6c9d4a4e1f8a7b6c5d4e3f2a1b"])]
Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN)]
RowId = Annotated[str, StringConstraints(pattern=ROW_ID_PATTERN)]
HlcStamp = Annotated[str, AfterValidator(_check_hlc),
                     Field(description="hybrid logical clock stamp: 16 hex digits, '-', "
                                       "device id", examples=["0192f3a4b5c60000-3fa2c9d1"])]
FieldValue = Annotated[str | int | float | bool | None, AfterValidator(_normalize_value),
                       Field(description="text, integer or real; null clears; true/false "
                                         "travel as 1/0")]
# The same values as they come back from the server, checked a page at a time by the
# client (sync/validate.py) rather than one Python call per value: a snapshot page holds
# thousands of them.
PulledValue = Annotated[str | int | float | bool | None,
                        Field(description="text, integer or real; null clears; true/false "
                                          "travel as 1/0")]
Sha256 = Annotated[str, StringConstraints(pattern=SHA256_PATTERN)]
Epoch = Annotated[str, Field(description="the team's history identity; a change means the "
                                         "server was restored: rebuild the cursor")]


class WireModel(BaseModel):
    """Strict about unknown keys and non-finite numbers on every message."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


# -- push --------------------------------------------------------------------------------------

class ChangeIn(WireModel):
    """One field of one row as the client changed it, made on top of ``base_seq``."""

    change_id: UuidText
    table: Identifier
    row_id: RowId
    field: Identifier
    value: FieldValue = None
    hlc: HlcStamp
    base_seq: int = Field(ge=0, le=INT64_MAX,
                          description="the server seq the client had pulled up to when it "
                                      "made this edit (or the field's own accepted seq)")


class RecordIn(WireModel):
    """A new record whole (protocol 4): every non-null field of a row created in one
    edit, with one stamp, instead of one ``ChangeIn`` per field.

    It stands for the changes ``field_change_id(record_id, name)`` of its fields, in the
    order of ``values``, each made on ``base_seq``. A server stores it as one history
    entry when the row is new to it and nothing of it is refused; otherwise it applies
    the fields one by one, as if they had been sent as changes.
    """

    record_id: UuidText
    table: Identifier
    row_id: RowId
    values: dict[Identifier, FieldValue] = Field(min_length=1,
                                                 max_length=MAX_RECORD_FIELDS)
    hlc: HlcStamp
    base_seq: int = Field(default=0, ge=0, le=INT64_MAX)


class PushRequest(WireModel):
    """A batch: ``records`` (protocol 4) are applied before ``changes``, so a change of a
    record created in the same batch lands on top of it."""

    batch_id: UuidText
    device_id: UuidText
    changes: list[ChangeIn] = Field(max_length=MAX_BATCH)
    records: list[RecordIn] = Field(default_factory=list, max_length=MAX_BATCH)

    @model_validator(mode="after")
    def _not_too_many_values(self) -> PushRequest:
        if self.value_count() > MAX_BATCH_VALUES:
            raise ValueError(f"a batch carries at most {MAX_BATCH_VALUES:,} values "
                             "(changes and the fields of records together)")
        return self

    def value_count(self) -> int:
        return len(self.changes) + sum(len(record.values) for record in self.records)

    def wire_json(self) -> str:
        """The request as JSON, without an empty ``records`` (what a protocol-3 client
        sent, so that its batch's fingerprint and text stay as they were)."""
        return self.model_dump_json(exclude=None if self.records else {"records"})


class PushResult(WireModel):
    """The outcome of one pushed change.

    accepted: ``seq`` is the change's seq and the ``server_*`` fields repeat what was
    stored. conflict: nothing was stored; ``seq``/``server_*`` describe the field as the
    server has it, and ``row_deleted`` says the row was deleted by someone else (then
    ``seq`` is the field's seq, or the deletion's when the server never had the field,
    and then no ``server_value`` or ``server_hlc``).
    rejected (protocol 2): the value breaks the table's rules; nothing was stored,
    ``reason`` says why in words for the user and ``code`` for programs (see
    :data:`REJECT_CODES`); ``seq``/``server_*`` describe the field as the server has it
    (seq 0 when it has none).
    """

    change_id: str
    status: Literal["accepted", "conflict", "rejected"]
    seq: int
    server_value: FieldValue = None
    server_hlc: str | None = None
    server_device: str | None = None
    row_deleted: bool = False
    reason: str | None = None
    code: str | None = None


REJECT_CODES = {
    "invalid": "the value breaks the field's rules (kind, choices, required, range…)",
    "unknown": "a table or field this server does not know",
    "incomplete": "a new record without every field it needs",
    "parent_missing": "a reference to a record the server does not have",
    "parent_deleted": "a reference to a record someone deleted",
    "row_refused": "another field of the same new record was refused",
    "clock_ahead": "a clock stamp too far ahead of the server's clock",
    "base_ahead": "a base_seq beyond the team's current seq",
}


def legacy_push_response(response: PushResponse) -> dict[str, Any]:
    """A push answer as a protocol-1 client reads it (no ``reason``/``code`` keys; it
    forbids unknown keys). Only for answers without rejected results."""
    return response.model_dump(mode="json", exclude={"records": True,
                                                     "results": {"__all__": {"reason",
                                                                             "code"}}})


class RecordResult(WireModel):
    """The outcome of one pushed record (protocol 4).

    accepted: every field was stored as sent; the first field of ``values`` has ``seq``,
    the next ``seq + 1`` and so on. fields: the record was applied field by field (the
    server had the row already, or refused some of it); ``fields`` holds one result per
    value, in the order of ``values``, as if each had been sent as a change.
    """

    record_id: str
    status: Literal["accepted", "fields"]
    seq: int = 0
    fields: list[PushResult] | None = None


class PushResponse(WireModel):
    batch_id: str
    results: list[PushResult]
    server_seq: int = Field(description="the team's seq after this batch")
    epoch: Epoch
    records: list[RecordResult] = Field(default_factory=list,
                                        description="one per pushed record (protocol 4); "
                                                    "absent when none was pushed")


# -- pull --------------------------------------------------------------------------------------

class ChangeOut(WireModel):
    seq: int
    change_id: str
    table: str
    row_id: str
    field: str
    value: PulledValue = None
    hlc: str
    device_id: str


class ChangesPage(WireModel):
    changes: list[ChangeOut]
    next_seq: int = Field(description="the last seq in this page, or `since` when empty: "
                                      "pass it as the next `since`")
    has_more: bool
    epoch: Epoch


class SnapshotRow(WireModel):
    """The current value of one field; tombstoned rows appear with ``deleted`` = 1."""

    table: str
    row_id: str
    field: str
    value: PulledValue = None
    seq: int
    hlc: str
    device_id: str


class SnapshotPage(WireModel):
    rows: list[SnapshotRow]
    next_cursor: str | None = Field(description="opaque; null on the last page")
    as_of_seq: int = Field(description="the team's seq when the snapshot began: pull "
                                       "changes since it afterwards")
    epoch: Epoch


# -- accounts, blobs, health -------------------------------------------------------------------

PlainText = AfterValidator(plain_text)


class LoginRequest(WireModel):
    email: Annotated[str, StringConstraints(min_length=3, max_length=254), PlainText]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024), PlainText]
    device_name: Annotated[str, StringConstraints(min_length=1, max_length=200), PlainText]


class LoginResponse(WireModel):
    token: str = Field(description="send as 'Authorization: Bearer <token>'; keep it in the "
                                   "OS keyring")
    device_id: str
    team: str
    user_email: str


class LogoutResponse(WireModel):
    device_id: str
    revoked: bool = True


class DeviceInfo(WireModel):
    device_id: str
    device_name: str
    user_email: str
    revoked: bool = Field(description="signed out or revoked; its changes stay in the "
                                      "history")


class DevicesPage(WireModel):
    """Every device of the caller's team, so that a client can say who made a change
    (changes and conflicts carry only the device id)."""

    devices: list[DeviceInfo]


class BlobInfo(WireModel):
    sha256: str
    size: int


class Health(WireModel):
    status: Literal["ok", "unavailable"]
    version: str
    database: Literal["sqlite", "postgresql"]
    schema_version: int | None = Field(default=None, alias="schema")

    model_config = ConfigDict(extra="forbid", populate_by_name=True,
                              serialize_by_alias=True)


class ErrorBody(WireModel):
    """Every error answer: a stable code for programs and a sentence for people."""

    error: str = Field(description="a stable code, e.g. 'unauthorized', 'gone'")
    detail: str
    epoch: str | None = None
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="per-item problems of a rejected request")
