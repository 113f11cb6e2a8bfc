"""Asking for the next page while this one is applied.

A first sync downloads hundreds of snapshot pages; fetched one after the other, the
client waits for the server while applying nothing and the server waits for the client
in turn. The next page's request depends only on the page in hand (its ``next_cursor``
or ``next_seq``), so it can be in flight while the current page is written locally.

A prefetched page is used only when the engine then asks for exactly the same request;
otherwise (the loop restarted a snapshot, was cancelled or failed) it is dropped unread.
Errors of a prefetched request surface when the page is taken, as if it had been
fetched then. One request at most is in flight besides the engine's own work.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class PageFetcher:
    """Runs page requests, at most one ahead, on a helper thread."""

    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None
        self._ahead: tuple[str, Future] | None = None

    @staticmethod
    def _key(path: str, params: dict[str, Any]) -> str:
        return path + "?" + json.dumps(params, sort_keys=True)

    def prefetch(self, path: str, params: dict[str, Any], fetch: Callable[[], T]) -> None:
        """Start ``fetch`` for this request now; its answer waits for ``get``."""
        self.drop()
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="sync-prefetch")
        self._ahead = (self._key(path, params), self._executor.submit(fetch))

    def get(self, path: str, params: dict[str, Any], fetch: Callable[[], T]) -> T:
        """The prefetched answer to this request, or ``fetch()`` now."""
        if self._ahead is not None and self._ahead[0] == self._key(path, params):
            future = self._ahead[1]
            self._ahead = None
            return future.result()
        self.drop()
        return fetch()

    def drop(self) -> None:
        """Forget a prefetched page that was not wanted (its errors too); waits for it, so
        that no request of this sync is still running when the next one starts."""
        if self._ahead is not None:
            future = self._ahead[1]
            self._ahead = None
            future.cancel()
            if not future.cancelled():
                future.exception()

    def close(self) -> None:
        self.drop()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
