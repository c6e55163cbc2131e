"""Database URLs and engines: SQLite (WAL, synchronous=NORMAL, foreign keys) or PostgreSQL via psycopg 3."""

from __future__ import annotations

import sqlite3
from typing import Final

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from rollcall.errors import StoreError

DEFAULT_URL: Final = "sqlite:///rollcall.db"
# Execution option marking a connection that will write: SQLite then takes the write lock up front
# (BEGIN IMMEDIATE) instead of failing with SQLITE_BUSY when a reader upgrades mid-transaction.
WRITE_OPTION: Final = "rollcall_write"
_POSTGRES_DRIVERS: Final = {"postgresql", "postgres", "postgresql+psycopg"}
_SQLITE_DRIVERS: Final = {"sqlite", "sqlite+pysqlite"}


def parse_url(text: str) -> URL:
    """The SQLAlchemy URL for `text`; `postgresql://` and `postgres://` mean psycopg 3."""
    try:
        url = sa.make_url(text)
    except sa.exc.ArgumentError as error:
        raise StoreError(
            f"cannot parse database URL {redact(text)!r}: expected sqlite:///path/to/file.db "
            "or postgresql://user@host:port/database"
        ) from error
    if url.drivername in _POSTGRES_DRIVERS:
        return url.set(drivername="postgresql+psycopg")
    if url.drivername in _SQLITE_DRIVERS:
        return url.set(drivername="sqlite")
    raise StoreError(
        f"unsupported database {url.drivername!r} in {display(url)}: rollcall stores into SQLite "
        "(sqlite:///file.db) or PostgreSQL (postgresql://…)"
    )


def display(url: URL) -> str:
    """The URL as it is safe to show: any password replaced by `***`."""
    return url.render_as_string(hide_password=True)


def redact(text: str) -> str:
    """`text` with the password of a `scheme://user:password@host` URL masked, even if it does not parse."""
    scheme, sep, rest = text.partition("://")
    if not sep or "@" not in rest:
        return text
    credentials, at, host = rest.rpartition("@")
    user, colon, _ = credentials.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}{at}{host}"


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def create_engine(url: URL) -> Engine:
    """An engine for `url`; nothing connects yet."""
    if is_sqlite(url):
        return _sqlite_engine(url)
    return sa.create_engine(url, connect_args={"connect_timeout": 10}, pool_pre_ping=True)


def _sqlite_engine(url: URL) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    # One shared connection for an in-memory database, or each connection would see an empty database.
    options: dict[str, object] = {"poolclass": StaticPool} if in_memory else {}
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **options)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        # Hand transaction control to SQLAlchemy (pysqlite's implicit BEGIN skips some statements).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # 64 MiB of page cache (the default is 2 MiB): bulk loads insert into indexes in random key order.
        cursor.execute("PRAGMA cache_size=-65536")
        # Temporary storage in files, not memory: index builds spill their sorts there, and with
        # temp_store=MEMORY the sync of a 1.06 M-student district peaked at 1.1 GiB instead of staying set
        # by its page size.
        cursor.execute("PRAGMA temp_store=FILE")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
