"""The team sync server (arrives with the sync server issue)."""
