"""The SQL behind the asset library: filtered, sorted id lists, rows by id, versions, and
who holds which version.

The library list follows the partners list: the filter and sort run in SQLite and return
ids; the rows the view paints are fetched by id in blocks. "Who holds what" compares the
newest version a partner was given with the asset's current (highest-numbered) version,
with one index seek per asset (``asset_share_partner``, ``asset_version_asset``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

import peewee

from channeldesk.domain.enablement import (
    EXPIRING_SOON_DAYS,
    AssetState,
    Holding,
    audience_text,
)
from channeldesk.domain.text_order import sort_key
from channeldesk.store.lenient import stored_date

CURRENT_NO = ("(SELECT max(v.version_no) FROM asset_version v "
              "WHERE v.asset_id = a.id AND v.deleted = 0)")
HOLDERS = ("(SELECT count(DISTINCT s.partner_id) FROM asset_share s "
           "WHERE s.asset_id = a.id AND s.deleted = 0)")


class AssetSort(StrEnum):
    TITLE = "title"
    KIND = "kind"
    PRODUCT = "product"
    LANGUAGE = "language"
    PUBLISHED = "published_on"
    EXPIRES = "expires_on"
    OWNER = "owner"


_SORT_SQL: dict[AssetSort, str] = {
    AssetSort.TITLE: "fold(a.title)",
    AssetSort.KIND: "a.kind",
    AssetSort.PRODUCT: "fold(a.product)",
    AssetSort.LANGUAGE: "a.language",
    AssetSort.PUBLISHED: "a.published_on",
    AssetSort.EXPIRES: "coalesce(a.expires_on, '9999-12-31')",
    AssetSort.OWNER: "fold(a.owner)",
}


@dataclass(frozen=True)
class AssetFilter:
    """What the library is narrowed to; empty means every live asset."""

    text: str = ""
    kinds: frozenset[str] = field(default_factory=frozenset)
    languages: frozenset[str] = field(default_factory=frozenset)
    state: str = ""  # an AssetState code, '' for any
    today: date | None = None  # the day "expired" is judged on; None: today


@dataclass(frozen=True)
class AssetRow:
    """One line of the library."""

    id: str
    title: str
    kind: str
    product: str
    language: str
    audience: str
    tags: str
    co_brandable: bool
    published_on: date
    expires_on: date | None
    owner: str
    current_version: int | None
    holders: int


@dataclass(frozen=True)
class VersionRow:
    id: str
    asset_id: str
    version_no: int
    file_sha: str
    file_name: str
    file_size: int
    url: str
    change_note: str
    released_on: date | None  # None: unreadable (see store.lenient)


@dataclass(frozen=True)
class HolderRow:
    """A partner holding an asset: the newest version it got and when."""

    partner_id: str
    partner_name: str
    tier: str
    region: str
    held_version: int
    current_version: int
    last_shared_on: date | None  # None: unreadable (see store.lenient)
    channel: str

    @property
    def outdated(self) -> bool:
        return self.held_version < self.current_version


def like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(flt: AssetFilter) -> tuple[str, list]:
    clauses, params = ["a.deleted = 0"], []
    for term in flt.text.split():
        # Titles fold so "zurich" finds "Zürich"; tags, product, description and the text of
        # a PDF version with plain LIKE (ASCII case-insensitive).
        clauses.append(
            "(fold(a.title) LIKE ? ESCAPE '\\' OR a.tags LIKE ? ESCAPE '\\' "
            "OR a.product LIKE ? ESCAPE '\\' OR a.description LIKE ? ESCAPE '\\' "
            "OR EXISTS (SELECT 1 FROM asset_version t WHERE t.asset_id = a.id "
            "AND t.deleted = 0 AND t.extracted_text != '' "
            "AND t.extracted_text LIKE ? ESCAPE '\\'))")
        params.extend([like_pattern(sort_key(term))] + [like_pattern(term)] * 4)
    for column, chosen in (("kind", flt.kinds), ("language", flt.languages)):
        if chosen:
            clauses.append(f"a.{column} IN ({', '.join('?' * len(chosen))})")
            params.extend(sorted(chosen))
    if flt.state:
        today = flt.today or date.today()
        soon = today + timedelta(days=EXPIRING_SOON_DAYS)
        if flt.state == AssetState.EXPIRED:
            clauses.append("a.expires_on < ?")
            params.append(today.isoformat())
        elif flt.state == AssetState.EXPIRING:
            clauses.append("a.expires_on BETWEEN ? AND ?")
            params.extend([today.isoformat(), soon.isoformat()])
        else:
            clauses.append("(a.expires_on IS NULL OR a.expires_on > ?)")
            params.append(soon.isoformat())
    return " AND ".join(clauses), params


def asset_ids_sql(flt: AssetFilter, sort: AssetSort = AssetSort.TITLE,
                  descending: bool = False) -> tuple[str, list]:
    """The library's one query (the bench runs it raw as the baseline)."""
    where, params = _where(flt)
    direction = "DESC" if descending else "ASC"
    tie = ", a.id" if sort is AssetSort.TITLE else ", fold(a.title), a.id"
    return (f"SELECT a.id FROM asset a WHERE {where} "
            f"ORDER BY {_SORT_SQL[sort]} {direction}{tie}", params)


def asset_ids(db: peewee.Database, flt: AssetFilter, sort: AssetSort = AssetSort.TITLE,
              descending: bool = False) -> list[str]:
    """Ids of the live assets that match, in display order."""
    sql, params = asset_ids_sql(flt, sort, descending)
    return [row[0] for row in db.execute_sql(sql, params)]


def asset_rows(db: peewee.Database, ids: Sequence[str]) -> dict[str, AssetRow]:
    """The library's rows for these ids (deleted ones too, so a view never shows holes)."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    sql = (f"SELECT a.id, a.title, a.kind, a.product, a.language, a.audience_types, "
           f"a.audience_tiers, a.tags, a.co_brandable, a.published_on, a.expires_on, "
           f"a.owner, {CURRENT_NO}, {HOLDERS} FROM asset a WHERE a.id IN ({marks})")
    rows = {}
    for (row_id, title, kind, product, language, types, tiers, tags, co_brandable,
         published, expires, owner, current, holders) in db.execute_sql(sql, list(ids)):
        rows[row_id] = AssetRow(row_id, title, kind, product, language,
                                audience_text(types, tiers), tags, bool(co_brandable),
                                stored_date(published, "asset.published_on"),
                                stored_date(expires, "asset.expires_on"), owner,
                                current, holders)
    return rows


def count_live_assets(db: peewee.Database) -> int:
    return db.execute_sql("SELECT count(*) FROM asset WHERE deleted = 0").fetchone()[0]


def any_asset_ever(db: peewee.Database) -> bool:
    return db.execute_sql("SELECT EXISTS (SELECT 1 FROM asset)").fetchone()[0] == 1


def asset_languages(db: peewee.Database) -> list[str]:
    return [row[0] for row in db.execute_sql(
        "SELECT DISTINCT language FROM asset WHERE deleted = 0 ORDER BY language")]


# -- versions -----------------------------------------------------------------------------

_VERSION_COLUMNS = ("v.id, v.asset_id, v.version_no, v.file_sha, v.file_name, v.file_size, "
                    "v.url, v.change_note, v.released_on")


def _version(row: Sequence) -> VersionRow:
    return VersionRow(*row[:8], released_on=stored_date(row[8], "asset_version.released_on"))


def versions_of(db: peewee.Database, asset_id: str) -> list[VersionRow]:
    """An asset's live versions, newest first."""
    return [_version(row) for row in db.execute_sql(
        f"SELECT {_VERSION_COLUMNS} FROM asset_version v WHERE v.asset_id = ? "
        "AND v.deleted = 0 ORDER BY v.version_no DESC, v.created_at DESC", (asset_id,))]


def current_version(db: peewee.Database, asset_id: str) -> VersionRow | None:
    found = versions_of(db, asset_id)
    return found[0] if found else None


def current_versions(db: peewee.Database, asset_ids: Sequence[str]) -> dict[str, VersionRow]:
    """Each asset's current version (assets without one are left out)."""
    found: dict[str, VersionRow] = {}
    for start in range(0, len(asset_ids), 400):
        chunk = list(asset_ids[start:start + 400])
        marks = ", ".join("?" * len(chunk))
        for row in db.execute_sql(
                f"SELECT {_VERSION_COLUMNS} FROM asset_version v WHERE v.deleted = 0 "
                f"AND v.asset_id IN ({marks}) ORDER BY v.version_no, v.created_at", chunk):
            found[row[1]] = _version(row)
    return found


def version_by_id(db: peewee.Database, version_id: str) -> VersionRow | None:
    row = db.execute_sql(f"SELECT {_VERSION_COLUMNS} FROM asset_version v WHERE v.id = ?",
                         (version_id,)).fetchone()
    return _version(row) if row else None


def next_version_no(db: peewee.Database, asset_id: str) -> int:
    row = db.execute_sql("SELECT max(version_no) FROM asset_version WHERE asset_id = ? "
                         "AND deleted = 0", (asset_id,)).fetchone()
    return int(row[0] or 0) + 1


def version_with_file(db: peewee.Database, asset_id: str, sha: str) -> VersionRow | None:
    """A live version of the asset that already holds this very file (same hash)."""
    row = db.execute_sql(f"SELECT {_VERSION_COLUMNS} FROM asset_version v WHERE "
                         "v.asset_id = ? AND v.file_sha = ? AND v.deleted = 0 LIMIT 1",
                         (asset_id, sha)).fetchone()
    return _version(row) if row else None


# -- who holds what -----------------------------------------------------------------------

_HELD = ("SELECT s.partner_id AS partner_id, s.asset_id AS asset_id, "
         "max(v.version_no) AS held, max(s.shared_on) AS last FROM asset_share s "
         "JOIN asset_version v ON v.id = s.version_id WHERE s.deleted = 0 AND v.deleted = 0 ")


def holders_of_asset(db: peewee.Database, asset_id: str) -> list[HolderRow]:
    """Every live partner holding any version of the asset, those behind first."""
    current = db.execute_sql("SELECT max(version_no) FROM asset_version WHERE asset_id = ? "
                             "AND deleted = 0", (asset_id,)).fetchone()[0] or 0
    rows = db.execute_sql(
        "SELECT p.id, p.name, p.tier, p.region, h.held, h.last, "
        "(SELECT s2.channel FROM asset_share s2 WHERE s2.asset_id = ? AND s2.partner_id = p.id "
        " AND s2.deleted = 0 ORDER BY s2.shared_on DESC LIMIT 1) "
        f"FROM ({_HELD} AND s.asset_id = ? GROUP BY s.partner_id) "
        "AS h JOIN partner p ON p.id = h.partner_id "
        "WHERE p.deleted = 0", (asset_id, asset_id))
    holders = [HolderRow(pid, name, tier, region, held, current,
                         stored_date(last, "asset_share.shared_on"),
                         channel or "")
               for pid, name, tier, region, held, last, channel in rows]
    return sorted(holders, key=lambda h: (not h.outdated, sort_key(h.partner_name)))


def holdings_of_partner(db: peewee.Database, partner_id: str,
                        only_outdated: bool = False) -> list[Holding]:
    """What one partner holds, asset by asset, against each asset's current version;
    with ``only_outdated``, just what a newer version exists of (filtered in SQL)."""
    behind = f"AND h.held < {CURRENT_NO}" if only_outdated else ""
    rows = db.execute_sql(
        "SELECT a.id, a.title, h.held, h.last, "
        f"{CURRENT_NO}, a.expires_on FROM ({_HELD} AND s.partner_id = ? GROUP BY s.asset_id) "
        f"AS h JOIN asset a ON a.id = h.asset_id WHERE a.deleted = 0 {behind}",
        (partner_id,))
    held = [Holding(asset_id, title, number, current or number,
                    stored_date(last, "asset_share.shared_on"),
                    stored_date(expires, "asset.expires_on"))
            for asset_id, title, number, last, current, expires in rows]
    return sorted(held, key=lambda h: (not h.outdated, sort_key(h.title)))


def outdated_for_partner(db: peewee.Database, partner_id: str) -> list[Holding]:
    """The assets a partner holds an older version of than the current one."""
    return holdings_of_partner(db, partner_id, only_outdated=True)
