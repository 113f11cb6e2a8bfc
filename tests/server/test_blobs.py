"""Blob upload and download: verified by hash, idempotent, size-limited."""

from __future__ import annotations

import hashlib

import pytest

from channeldesk.server import accounts
from channeldesk.server.app import create_app
from channeldesk.server.models import BlobRecord

from .conftest import TestClient


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_put_get_head_round_trip(client, server_data_dir, alice):
    data = bytes(range(256)) * 5000  # 1.28 MB: spooled to disk
    sha = _sha(data)
    put = client.put(f"/v1/blobs/{sha}", content=data, headers=alice.headers)
    assert put.status_code == 201
    assert put.json() == {"sha256": sha, "size": len(data)}
    get = client.get(f"/v1/blobs/{sha}", headers=alice.headers | {"Accept-Encoding": "gzip"})
    assert get.status_code == 200
    assert get.content == data
    assert get.headers["content-type"] == "application/octet-stream"
    assert "content-encoding" not in get.headers  # blobs are not gzipped again
    assert get.headers["etag"] == f'"{sha}"'
    head = client.head(f"/v1/blobs/{sha}", headers=alice.headers)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(data)
    assert (server_data_dir / "blobs" / sha[:2] / sha[2:]).read_bytes() == data
    assert not any((server_data_dir / "incoming").iterdir())


def test_second_put_is_200_and_changes_nothing(client, server_app, alice):
    data = b"receipt"
    sha = _sha(data)
    assert client.put(f"/v1/blobs/{sha}", content=data, headers=alice.headers
                      ).status_code == 201
    for _ in range(3):
        again = client.put(f"/v1/blobs/{sha}", content=data, headers=alice.headers)
        assert again.status_code == 200
        assert again.json() == {"sha256": sha, "size": len(data)}
    with server_app.state.storage.session():
        assert BlobRecord.select().count() == 1


def test_content_that_does_not_match_its_hash_is_refused(client, server_data_dir, alice):
    sha = _sha(b"the real content")
    response = client.put(f"/v1/blobs/{sha}", content=b"something else",
                          headers=alice.headers)
    assert response.status_code == 400
    assert response.json()["error"] == "hash_mismatch"
    assert client.get(f"/v1/blobs/{sha}", headers=alice.headers).status_code == 404
    assert not (server_data_dir / "blobs" / sha[:2] / sha[2:]).exists()


def test_an_empty_blob_is_a_blob(client, alice):
    sha = _sha(b"")
    assert client.put(f"/v1/blobs/{sha}", content=b"", headers=alice.headers
                      ).status_code == 201
    assert client.get(f"/v1/blobs/{sha}", headers=alice.headers).content == b""


@pytest.mark.parametrize("name", ["abc", "G" * 64, "A" * 64, "0" * 63])
def test_a_name_that_is_not_a_sha256_is_refused(client, alice, name):
    assert client.get(f"/v1/blobs/{name}", headers=alice.headers).status_code == 422
    assert client.put(f"/v1/blobs/{name}", content=b"x", headers=alice.headers
                      ).status_code == 422


def test_a_damaged_blob_is_never_served_and_a_new_upload_repairs_it(client, server_data_dir,
                                                                    alice):
    data = b"contract v1"
    sha = _sha(data)
    client.put(f"/v1/blobs/{sha}", content=data, headers=alice.headers)
    (server_data_dir / "blobs" / sha[:2] / sha[2:]).write_bytes(b"bit rot")
    damaged = client.get(f"/v1/blobs/{sha}", headers=alice.headers)
    assert damaged.status_code == 404 and damaged.json()["error"] == "blob_damaged"
    assert client.put(f"/v1/blobs/{sha}", content=data, headers=alice.headers
                      ).status_code == 200
    assert client.get(f"/v1/blobs/{sha}", headers=alice.headers).content == data


def test_blobs_over_the_limit_are_413(server_config, server_app):
    server_app.state.storage.close()
    small = create_app(server_config.with_changes(max_blob_bytes=1000))
    try:
        client = TestClient(small)
        with small.state.storage.session():
            accounts.create_team("T")
            accounts.create_user("T", "t@t.example", "long enough")
        token = client.post("/v1/login", json={"email": "t@t.example",
                                               "password": "long enough",
                                               "device_name": "x"}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        ok = b"x" * 1000
        assert client.put(f"/v1/blobs/{_sha(ok)}", content=ok, headers=headers
                          ).status_code == 201
        big = b"x" * 1001
        too_big = client.put(f"/v1/blobs/{_sha(big)}", content=big, headers=headers)
        assert too_big.status_code == 413
        assert too_big.json()["error"] == "too_large"

        def chunks():  # no Content-Length: the streamed bytes are counted
            yield b"x" * 600
            yield b"x" * 600

        streamed = client.put(f"/v1/blobs/{_sha(b'x' * 1200)}", content=chunks(),
                              headers=headers)
        assert streamed.status_code == 413
        assert client.get(f"/v1/blobs/{_sha(big)}", headers=headers).status_code == 404
    finally:
        small.state.storage.close()
