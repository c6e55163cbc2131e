"""Alembic migrations of the store schema (run programmatically by `rollcall.store.revision`)."""
