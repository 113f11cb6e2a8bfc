"""Files move by hash: uploaded when the server lacks them, downloaded when missing,
verified on arrival, never twice."""

from __future__ import annotations

import hashlib

import pytest

from channeldesk.store.models import Partner
from channeldesk.sync.blobs import referenced_blobs, sync_blobs
from channeldesk.sync.errors import ServerError

CONTRACT = b"%PDF-1.7 signed reseller agreement " * 100


@pytest.fixture
def pair(make_sqlite_client):
    return make_sqlite_client("alice"), make_sqlite_client("carol")


def requests_to_blobs(client) -> list[tuple[str, str, int]]:
    return [entry for entry in client.transport.log if "/blobs/" in entry[1]]


def test_upload_once_then_download_elsewhere(pair):
    alice, carol = pair
    sha = alice.store.blobs.put_bytes(CONTRACT)
    report = sync_blobs(alice.store, alice.transport, {sha})
    assert (report.uploaded, report.downloaded) == (1, 0)
    assert [m for m, _, _ in requests_to_blobs(alice)] == ["HEAD", "PUT"]
    again = sync_blobs(alice.store, alice.transport, {sha})
    assert again.uploaded == 0 and len(requests_to_blobs(alice)) == 2  # not even asked

    report = sync_blobs(carol.store, carol.transport, {sha})
    assert report.downloaded == 1
    assert carol.store.blobs.read_bytes(sha) == CONTRACT
    assert sync_blobs(carol.store, carol.transport, {sha}).downloaded == 0


def test_a_blob_the_server_already_has_is_not_uploaded_again(pair):
    alice, carol = pair
    sha = alice.store.blobs.put_bytes(CONTRACT)
    sync_blobs(alice.store, alice.transport, {sha})
    carol.store.blobs.put_bytes(CONTRACT)
    report = sync_blobs(carol.store, carol.transport, {sha})
    assert report.uploaded == 0
    assert [m for m, _, _ in requests_to_blobs(carol)] == ["HEAD"]


def test_a_blob_nobody_uploaded_yet_is_skipped_not_an_error(pair):
    _, carol = pair
    sha = hashlib.sha256(b"not uploaded yet").hexdigest()
    report = sync_blobs(carol.store, carol.transport, {sha, "not-a-hash"})
    assert (report.downloaded, report.missing_on_server) == (0, 1)
    assert not carol.store.blobs.has(sha)


def test_damaged_download_is_refused_and_not_stored(pair):
    alice, carol = pair
    sha = alice.store.blobs.put_bytes(CONTRACT)
    sync_blobs(alice.store, alice.transport, {sha})
    carol.transport.fail("truncate", "/blobs/")
    with pytest.raises(ServerError, match="wrong content"):
        sync_blobs(carol.store, carol.transport, {sha})
    assert not carol.store.blobs.has(sha)
    assert sync_blobs(carol.store, carol.transport, {sha}).downloaded == 1


def test_the_engine_moves_the_files_rows_refer_to(make_sqlite_client):
    alice = make_sqlite_client("alice")
    sha = alice.store.blobs.put_bytes(CONTRACT)
    alice.engine.blob_refs = lambda store: {sha}
    report = alice.sync()
    assert report.blobs_up == 1
    carol = make_sqlite_client("carol")
    carol.engine.blob_refs = lambda store: {sha}
    assert carol.sync().blobs_down == 1


def test_referenced_blobs_reads_the_columns_models_declare(make_sqlite_client, monkeypatch):
    alice = make_sqlite_client("alice")
    assert referenced_blobs(alice.store) == set()  # no model refers to files yet
    sha = hashlib.sha256(b"x").hexdigest()
    live = alice.add_partner("With a file", website=sha)
    gone = alice.add_partner("Deleted", website=hashlib.sha256(b"y").hexdigest())
    alice.delete(Partner, gone)
    monkeypatch.setattr(Partner, "blob_fields", ("website",), raising=False)
    assert referenced_blobs(alice.store) == {sha}
    assert live
