"""The team sync server: FastAPI app (``app.create_app``), storage on SQLite or PostgreSQL
(``storage.open_storage``), accounts and the ``channeldesk-server`` command (``cli``).
Needs the ``server`` extra; nothing in the desktop app imports it."""
