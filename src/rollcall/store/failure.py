"""The one seam where driver and SQLAlchemy exceptions become `StoreError` (masked URL, table)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import sqlalchemy as sa

from rollcall.errors import StoreError

DRIVER_ERRORS = (sa.exc.SQLAlchemyError, sqlite3.Error, psycopg.Error)


def describe(error: BaseException) -> str:
    """The database's own words, first line only (SQLAlchemy appends SQL and parameters we don't show)."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()
    return text[0] if text else type(original).__name__


def _advice(error: BaseException, where: str) -> str:
    message = describe(error).lower()
    if "unable to open database file" in message:
        return "; does the directory exist and is it writable?"
    if "does not exist" in message and "database" in message:
        return "; create the database first (createdb) or fix the URL"
    if "authentication failed" in message or ("role" in message and "does not exist" in message):
        return "; check the user name and password in the URL"
    if "connection" in message and ("refused" in message or "failed" in message or "timeout" in message):
        return f"; is the database server at {where} running and reachable?"
    if "no such table" in message or ("relation" in message and "does not exist" in message):
        return "; the schema is missing: open the store with migrate=True"
    if "locked" in message:
        return "; another process holds the write lock, retry when it finishes"
    return ""


@contextmanager
def translated(action: str, *, where: str, table: str | None = None) -> Iterator[None]:
    """Run the block, re-raising any database error as `StoreError` saying what failed, where and on what."""
    try:
        yield
    except DRIVER_ERRORS as error:
        on = f" on table {table}" if table else ""
        raise StoreError(
            f"{action}{on} failed at {where}: {describe(error)}{_advice(error, where)}"
        ) from error
