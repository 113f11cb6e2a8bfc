"""Sync client and wire protocol (arrives with the sync issues; the store is ready for it)."""
