"""Row ids made in bulk are UUIDv7s in increasing order, like ids made one by one."""

from __future__ import annotations

import uuid

from channeldesk.store.database import new_id, new_ids


def test_ids_in_bulk_are_unique_increasing_uuid7s_and_ids_after_them_sort_later():
    ids = new_ids(10_000)  # more than the 4,096 a millisecond's counter holds
    after = new_id()

    assert ids == sorted(ids) and len(set(ids)) == len(ids) and after > ids[-1]
    parsed = [uuid.UUID(row_id) for row_id in (*ids, after)]
    assert {(u.version, u.variant) for u in parsed} == {(7, uuid.RFC_4122)}
    assert all(str(u) == row_id for u, row_id in zip(parsed, ids, strict=False))
    assert new_ids(0) == []
