"""Keeping the search-everywhere index current, feature by feature.

A feature's part of the index is rebuilt from its search provider when the tables it
reads changed (their fingerprint differs from the one it was built from). The tables are
those of the texts it gave, plus any the provider declares it also reads
(``search_texts.reads = ("partner",)`` when the texts name a partner). The window calls
:func:`refresh` in the background at start and after its rows change (cancelled when the
window closes, between features and between chunks of one).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

import peewee

from channeldesk.domain.progress import CancelToken, Progress, stop_if_cancelled
from channeldesk.features import Feature, parts
from channeldesk.store import search_index
from channeldesk.store.description import description_for
from channeldesk.store.search_index import SearchHit

log = logging.getLogger(__name__)


def refresh(db: peewee.Database, progress: Progress | None = None,
            cancel: CancelToken | None = None, force: bool = False) -> list[str]:
    """Rebuild the parts of the index whose tables changed; returns their feature keys."""
    providers = parts("search")
    rebuilt = []
    for done, (feature, provider) in enumerate(providers):
        stop_if_cancelled(cancel, "Updating the search index was cancelled.")
        if progress is not None:
            progress(done, len(providers), f"Indexing {feature.title.replace('&', '')}…")
        if _rebuild_if_stale(db, feature, provider, force, cancel):
            rebuilt.append(feature.key)
    return rebuilt


def _rebuild_if_stale(db: peewee.Database, feature: Feature, provider: Callable,
                      force: bool, cancel: CancelToken | None = None) -> bool:
    declared = tuple(getattr(provider, "reads", ()))
    built = search_index.built_state(db, feature.key)
    if built is not None and not force:
        tables, stamp = built
        if search_index.fingerprint(db, tables) == stamp:
            return False
    texts = list(provider(db))
    tables = sorted({text.table for text in texts} | set(declared) | _known(built))
    search_index.replace_feature(db, feature.key, texts, tables,
                                 search_index.fingerprint(db, tables), cancel)
    log.info("search index: %s rebuilt with %d records", feature.key, len(texts))
    return True


def _known(built: tuple[list[str], str] | None) -> set[str]:
    """Tables a part was built from before: kept, so a table that emptied still counts."""
    return set(built[0]) if built else set()


def grouped_search(db: peewee.Database, typed: str,
                   per_kind: int = 8) -> dict[str, list[SearchHit]]:
    """Hits grouped by table in feature order (partners before their contacts), at most
    ``per_kind`` of each."""
    order = {feature.key: index for index, (feature, _p) in enumerate(parts("search"))}
    groups: dict[str, list[SearchHit]] = defaultdict(list)
    for hit in search_index.search(db, typed):
        if len(groups[hit.table]) < per_kind:
            groups[hit.table].append(hit)
    def place(table: str) -> tuple[int, bool, str]:
        """Feature order, then a record before the records that belong to it."""
        described = description_for(table)
        child = described is not None and any(
            spec.references in groups for spec in described.fields if spec.references)
        return order.get(groups[table][0].feature, len(order)), child, table

    return {table: groups[table] for table in sorted(groups, key=place)}
