"""Stores on SQLite and PostgreSQL (a fresh schema per test): the store tests' own fixtures."""

from tests.store.conftest import database_url, store

__all__ = ["database_url", "store"]
