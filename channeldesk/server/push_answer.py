"""A push's answer as JSON text, written without a pydantic model per accepted change.

A first upload accepts hundreds of thousands of values; building a ``PushResult`` for each
and serialising it again cost a tenth of the push. The answer is written from the stored
texts directly, as the same JSON ``PushResponse.model_dump_json`` would give (tests
compare the two), and read back as a model only for a protocol-1 client.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import NamedTuple

from channeldesk.server.push_records import RecordAccepted
from channeldesk.sync.protocol import PushResponse, PushResult


class Accepted(NamedTuple):
    """An accepted change's result, kept as the stored text of its value.

    A first upload accepts hundreds of thousands of changes; building a pydantic
    ``PushResult`` for each and serialising it again cost a tenth of the push. The answer
    text is written from these directly (:func:`answer_text`), as the same JSON a
    ``PushResult`` would give.
    """

    change_id: str  # 32 hex digits, normalised on the way in
    seq: int
    value: str  # JSON, as stored
    hlc: str
    device: str
    status = "accepted"

    def json(self) -> str:
        return (f'{{"change_id":"{self.change_id}","status":"accepted","seq":{self.seq},'
                f'"server_value":{self.value},"server_hlc":{_json_text(self.hlc)},'
                f'"server_device":{_json_text(self.device)},"row_deleted":false,'
                '"reason":null,"code":null}')


Result = Accepted | PushResult


class RecordFields(NamedTuple):
    """The answer for a record applied field by field: one result per value, in the
    order of its values, as if each had been sent as a change."""

    record_id: str
    fields: list[Result]
    status = "fields"


RecordOutcome = RecordAccepted | RecordFields


@functools.lru_cache(maxsize=4096)
def _json_text(text: str) -> str:
    """A string as JSON, remembered: a record's fields share one stamp and a batch one
    device."""
    return json.dumps(text, ensure_ascii=False)


def answer_text(batch_id: str, results: list[Result], server_seq: int, epoch: str,
                records: list[RecordOutcome] | None = None) -> str:
    """The push's answer as JSON text: what ``PushResponse.model_dump_json`` gives for
    the same results, written without a model per accepted change or record.
    ``records`` is None for a batch without records: then the answer has no "records"
    key, which a protocol-3 client (its model forbids unknown keys) could not read."""
    items = ",".join(_result_json(result) for result in results)
    tail = ""
    if records is not None:
        tail = ',"records":[' + ",".join(_record_json(record) for record in records) + "]"
    return (f'{{"batch_id":{_json_text(batch_id)},"results":[{items}],'
            f'"server_seq":{int(server_seq)},"epoch":{_json_text(epoch)}{tail}}}')


def _result_json(result: Result) -> str:
    return result.json() if isinstance(result, Accepted) else result.model_dump_json()


def _record_json(record: RecordOutcome) -> str:
    if isinstance(record, RecordAccepted):
        return record.json()
    fields = ",".join(_result_json(result) for result in record.fields)
    return (f'{{"record_id":{_json_text(record.record_id)},"status":"fields","seq":0,'
            f'"fields":[{fields}]}}')


@dataclass(frozen=True)
class Answer:
    """A push's answer as the JSON text that was stored for a replay (the route sends
    that text: serialising thousands of results twice cost as much as storing them)."""

    body: str

    @functools.cached_property
    def response(self) -> PushResponse:
        """The answer as a model, read back from its text (only a protocol-1 client's
        answer needs it)."""
        return PushResponse.model_validate_json(self.body)
