"""Calls made or proposed for a user (the `actions` table): confirming a waiting call.

The ledger the executor records through is assistant/procedures/ledger.py (database only)."""
