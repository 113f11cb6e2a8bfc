"""Issue 11, smaller findings: request logs cannot be forged with control characters; a
team's files have a quota and files nobody refers to are pruned."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os

from channeldesk.server import retention
from channeldesk.server.log_format import EscapingFormatter, escape_controls
from channeldesk.server.models import BlobRecord
from channeldesk.store.blobs import BlobStore

from .wire import change, push


def test_an_email_with_a_newline_cannot_forge_a_log_line(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(EscapingFormatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("channeldesk")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        forged = "x@y.example\nINFO channeldesk.server: device 1 logged in\r\u2028"
        client.post("/v1/login", json={"email": forged, "password": "wrong",
                                       "device_name": "laptop"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert "failed for x@y.example\\ninfo channeldesk.server: device 1 logged in" in lines[0]
    assert escape_controls("a\x1b[31mb\x00") == "a\\x1b[31mb\\x00"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_teams_files_have_a_quota_with_a_clear_413(client, server_app, alice, bob):
    server_app.state.config = server_app.state.config.with_changes(max_team_blob_bytes=1000)
    first, second = b"a" * 600, b"b" * 600
    assert client.put(f"/v1/blobs/{_sha(first)}", content=first,
                      headers=alice.headers).status_code == 201
    refused = client.put(f"/v1/blobs/{_sha(second)}", content=second, headers=alice.headers)
    assert refused.status_code == 413
    assert refused.json()["error"] == "quota_exceeded"
    assert "past their quota" in refused.json()["detail"]
    assert "Nothing was stored" in refused.json()["detail"]
    assert client.put(f"/v1/blobs/{_sha(first)}", content=first,  # counted once
                      headers=alice.headers).status_code == 200
    assert client.put(f"/v1/blobs/{_sha(second)}", content=second,  # another team's
                      headers=bob.headers).status_code == 201


def test_files_no_record_refers_to_are_pruned(client, server_app, server_data_dir, alice):
    used, unused = b"%PDF signed contract", b"junk nobody refers to"
    for data in (used, unused):
        assert client.put(f"/v1/blobs/{_sha(data)}", content=data,
                          headers=alice.headers).status_code == 201
    partner = {"name": "Acme", "partner_type": "reseller", "tier": "gold",
               "status": "active", "region": "emea", "deleted": 0}
    plan = {"partner_id": "p1", "period": "FY2026", "partner_logo": _sha(used), "deleted": 0}
    answer = push(client, alice, *[change("partner", "p1", f, v) for f, v in partner.items()],
                  *[change("business_plan", "b1", f, v) for f, v in plan.items()])
    assert {r["status"] for r in answer["results"]} == {"accepted"}
    store = BlobStore(server_data_dir / "blobs")
    storage = server_app.state.storage
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=2)
    for sha in (_sha(used), _sha(unused)):  # both uploaded long ago
        os.utime(store.path_of(sha), (0, 0))
    [report] = retention.prune(storage, 180, now=later, blob_store=store)
    assert report.blobs_deleted == 1
    with storage.session():
        assert [r.sha256 for r in BlobRecord.select()] == [_sha(used)]
    assert store.has(_sha(used)) and not store.has(_sha(unused))
    fresh = retention.prune(storage, 180, blob_store=store)  # within the grace: kept
    assert fresh[0].blobs_deleted == 0
