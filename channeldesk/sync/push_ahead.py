"""Building the next batch while this one is on its way.

A first upload sends tens of batches, and the client used to build each one (its fields'
known versions, the request model, its JSON) only after the previous answer was
recorded, while the server sat idle; then the server worked while the client waited.
The next batch's content depends on the database only through what ``outbox.build``
reads: the known versions of its fields and the list of re-sent changes. Recording an
answer changes the versions of the answered batch's own rows, and the re-sent list only
when it holds something. So the next batch is built, serialised and gzipped
(``PendingBatch.body``) while the answer is awaited, and is used only when it shares no
row with the batch just answered and nothing was being re-sent; otherwise it is built
again, as before. The server then starts on it as soon as the answer is recorded, and
the client's building overlaps the server's work instead of following it.

Still one batch at most is stored as pending and one request in flight: a batch built
ahead is neither stored nor sent before the previous answer is recorded (the kill tests
and the conflict decisions rest on that). An error while building ahead is not reported
there: the batch is built again in its turn, and fails then, after the answer in flight
was recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from channeldesk.sync.errors import LocalDataError
from channeldesk.sync.outbox import PendingBatch

T = TypeVar("T")


def post_while(post: Callable[[], T], build: Callable[[], PendingBatch | None] | None
               ) -> tuple[T, PendingBatch | None]:
    """``post()`` on a helper thread while ``build()`` runs on this one; both results.

    ``post`` only talks to the server (the helper thread never touches the database);
    its error is raised here after ``build`` finished."""
    if build is None:
        return post(), None
    with ThreadPoolExecutor(1, thread_name_prefix="sync-push") as pool:
        answer = pool.submit(post)
        try:
            built = build()
        except LocalDataError:
            built = None  # built again in its turn, where the error is reported
        return answer.result(), built


def rows_of(batch: PendingBatch) -> set[tuple[str, str]]:
    """The records a batch changes or creates."""
    request = batch.request
    rows = {(change.table, change.row_id) for change in request.changes}
    rows.update((record.table, record.row_id) for record in request.records)
    return rows


def still_valid(built: PendingBatch | None, answered: PendingBatch) -> PendingBatch | None:
    """``built`` when recording ``answered`` left everything it was built from as it was
    (no row in common: the versions it read are unchanged), else None."""
    if built is None or not rows_of(built).isdisjoint(rows_of(answered)):
        return None
    return built
