"""The search-everywhere index: writing one feature's part of it, and querying it.

Text is folded with :func:`channeldesk.domain.text_order.sort_key` on the way in and on
the way out, so accents, case and letters such as ł or ß never stop a match; every word
typed must match the start of a word of the record ("nord gmb" finds "Nordlicht GmbH").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import peewee

from channeldesk.domain.lookups import SearchText
from channeldesk.domain.progress import CancelToken, stop_if_cancelled
from channeldesk.domain.text_order import sort_key

CHUNK = 5_000
RESULTS_LIMIT = 200
RANK_FROM = 3  # letters typed before matches are ranked


@dataclass(frozen=True)
class SearchHit:
    """One record found: where it lives and how it is named."""

    feature: str
    table: str
    record_id: str
    title: str


def fingerprint(db: peewee.Database, tables: Sequence[str]) -> str:
    """What the rows of ``tables`` look like now (count and newest change of each): equal
    fingerprints mean the part built from them is still current."""
    parts = []
    for table in sorted(tables):
        if not _is_table(db, table):
            continue
        count, newest = db.execute_sql(
            f'SELECT count(*), max(updated_at) FROM "{table}"').fetchone()
        parts.append(f"{table}:{count}:{newest or ''}")
    return "|".join(parts)


def _is_table(db: peewee.Database, name: str) -> bool:
    return db.execute_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                          (name,)).fetchone() is not None


def built_state(db: peewee.Database, feature: str) -> tuple[list[str], str] | None:
    """The tables and fingerprint a feature's part was last built from; None if never."""
    row = db.execute_sql("SELECT tables, fingerprint FROM search_index_state "
                         "WHERE feature = ?", (feature,)).fetchone()
    return (row[0].split(",") if row[0] else [], row[1]) if row else None


def replace_feature(db: peewee.Database, feature: str, texts: Iterable[SearchText],
                    tables: Sequence[str], stamp: str,
                    cancel: CancelToken | None = None) -> int:
    """Put ``texts`` in place of the feature's part of the index, in chunks so a write
    never holds the database for long, checking ``cancel`` between them (closing the
    window does not wait for a whole feature). The state row goes with the old rows and
    is written again last, so an interrupted or cancelled build is always done again,
    even when the tables have not changed since. Returns how many records went in.

    While a part is rebuilt a search finds only what is in so far; one transaction for
    the whole part would hold every other writer back for as long instead."""
    with db.atomic():
        db.execute_sql("DELETE FROM search_index WHERE feature = ?", (feature,))
        db.execute_sql("DELETE FROM search_index_state WHERE feature = ?", (feature,))
    written, chunk = 0, []
    for text in texts:
        chunk.append((sort_key(f"{text.title} {text.text}"), feature, text.table,
                      text.record_id, text.title))
        if len(chunk) >= CHUNK:
            written += _insert(db, chunk)
            chunk = []
            stop_if_cancelled(cancel, "Updating the search index was cancelled; it is "
                                      "finished at the next start.")
    written += _insert(db, chunk)
    with db.atomic():
        db.execute_sql("INSERT OR REPLACE INTO search_index_state (feature, tables, "
                       "fingerprint) VALUES (?, ?, ?)", (feature, ",".join(tables), stamp))
    return written


def _insert(db: peewee.Database, rows: list[tuple]) -> int:
    if rows:
        with db.atomic():
            db.cursor().executemany(
                "INSERT INTO search_index (body, feature, tbl, record_id, title) "
                "VALUES (?, ?, ?, ?, ?)", rows)
    return len(rows)


def fts_query(typed: str) -> str:
    """The FTS5 query for what a person typed: every word as a quoted prefix, so
    punctuation and FTS operators in the text are searched for, never interpreted."""
    words = sort_key(typed).replace('"', " ").split()
    return " ".join(f'"{word}"*' for word in words)


def ranked_sql(typed: str) -> str:
    """The query for ``typed``: best matches first, except for a word or two of one or two
    letters, which match most of the index; ranking all of them would stall the first
    keystroke, and the list is refined by the next one anyway."""
    order = "ORDER BY rank " if len(sort_key(typed).replace(" ", "")) >= RANK_FROM else ""
    return ("SELECT feature, tbl, record_id, title FROM search_index "
            f"WHERE search_index MATCH ? {order}LIMIT ?")


def search(db: peewee.Database, typed: str, limit: int = RESULTS_LIMIT) -> list[SearchHit]:
    """Records whose text has every typed word, best matches first."""
    query = fts_query(typed)
    if not query:
        return []
    rows = db.execute_sql(ranked_sql(typed), (query, limit))
    return [SearchHit(*row) for row in rows]
