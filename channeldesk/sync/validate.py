"""Checks on server answers beyond their JSON shape, made before anything is applied.

The protocol models accept any text in a pulled change's names and clock stamp (the
server wrote them), but a server that answers nonsense must not get odd text into the
local database or a page loop that never ends. A page that fails a check ends the sync
with :class:`ServerError` and nothing of it is written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from channeldesk.domain.hlc import Stamp
from channeldesk.sync.apply import RemoteField
from channeldesk.sync.errors import ServerError
from channeldesk.sync.protocol import (
    IDENTIFIER_PATTERN,
    INT64_MAX,
    INT64_MIN,
    MAX_VALUE_CHARS,
    ROW_ID_PATTERN,
    ChangesPage,
    SnapshotPage,
)

_IDENTIFIER = re.compile(IDENTIFIER_PATTERN)
_ROW_ID = re.compile(ROW_ID_PATTERN)


def _nonsense(what: str) -> ServerError:
    return ServerError(f"The server sent {what}; nothing of that page was applied.")


def check_fields(items: Sequence[RemoteField]) -> None:
    """Names, seqs and clock stamps of a page; each distinct name and stamp is checked
    once (a row's fields share their table, id and usually their stamp)."""
    names_ok: set[tuple[str, str]] = set()
    ids_ok: set[str] = set()
    stamps_ok: set[str] = set()
    for item in items:
        if (item.table, item.field) not in names_ok:
            if not (_IDENTIFIER.match(item.table) and _IDENTIFIER.match(item.field)):
                raise _malformed(item)
            names_ok.add((item.table, item.field))
        if item.row_id not in ids_ok:
            if not _ROW_ID.match(item.row_id):
                raise _malformed(item)
            ids_ok.add(item.row_id)
        if item.seq < 1:
            raise _nonsense(f"a change with seq {item.seq}")
        if item.hlc not in stamps_ok:
            try:
                Stamp.decode(item.hlc)
            except ValueError:
                raise _nonsense("a change with a malformed clock stamp "
                                f"{item.hlc[:40]!r}") from None
            stamps_ok.add(item.hlc)
    check_values(items)


def check_values(items: Sequence[RemoteField]) -> None:
    """What a push refuses, refused in a pulled page too: NUL or lone surrogates in text,
    text over the size limit, integers SQLite cannot hold. The text checks run once over
    the page's texts joined (a surrogate never encodes, paired or not)."""
    texts = [item.value for item in items if isinstance(item.value, str)]
    joined = "".join(texts)
    if "\x00" in joined:
        raise _nonsense("text with a NUL character")
    try:
        joined.encode("utf-8")
    except UnicodeEncodeError:
        raise _nonsense("text that is not valid Unicode") from None
    if any(len(text) > MAX_VALUE_CHARS for text in texts):
        raise _nonsense(f"text longer than {MAX_VALUE_CHARS:,} characters")
    if any(type(item.value) is int and not INT64_MIN <= item.value <= INT64_MAX
           for item in items):
        raise _nonsense("an integer outside SQLite's range")


def _malformed(item: RemoteField) -> ServerError:
    return _nonsense(f"a change with a malformed name ({item.table!r}, {item.row_id!r}, "
                     f"{item.field!r})")


def check_changes_page(page: ChangesPage, since: int) -> None:
    seqs = [change.seq for change in page.changes]
    if any(later <= earlier for earlier, later in pairwise(seqs)):
        raise _nonsense("changes out of order")
    if seqs and (seqs[0] <= since or page.next_seq != seqs[-1]):
        raise _nonsense(f"changes that do not follow seq {since}")
    if not seqs and (page.next_seq != since or page.has_more):
        raise _nonsense("an empty page that claims more")
    check_fields(page.changes)


def check_snapshot_page(page: SnapshotPage, cursor: str | None) -> None:
    if page.next_cursor is not None and (not page.rows or page.next_cursor == cursor):
        raise _nonsense("a snapshot page that does not advance")
    if page.as_of_seq < 0:
        raise _nonsense(f"a snapshot as of seq {page.as_of_seq}")
    check_fields(page.rows)
