"""Sync: the wire protocol shared with the server, and the desktop's sync client.

No Qt here. The pieces a caller uses:

* ``account``: ``sign_in`` / ``sign_out`` / ``account`` / ``make_engine`` (the token is
  kept by a vault passed in: ``channeldesk.services.credentials``);
* ``engine.SyncEngine.sync(progress, cancel) -> SyncReport`` (run it in a worker thread);
* ``conflicts``: ``list_conflicts``, ``resolve``, ``resolve_many``,
  ``restore_with_mine``, ``accept_delete``;
* ``errors``: what a sync or sign-in can end with (``Offline``, ``AuthExpired``, ...).

The rest (``apply``, ``outbox``, ``snapshot``, ``state``, ``rows``, ``transport``,
``blobs``, ``validate``) is how the engine works; see each module's docstring.
"""
