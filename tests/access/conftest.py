"""Stores on SQLite and PostgreSQL for the access tests (the store tests' fixtures)."""

from tests.store.conftest import database_url, store

__all__ = ["database_url", "store"]
