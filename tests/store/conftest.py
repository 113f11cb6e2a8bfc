"""Store test fixtures live in tests/conftest.py (the UI tests need them too)."""
