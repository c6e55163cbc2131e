"""The adapter onto a vendor's legacy database (SQLAlchemy Core, any URL): reflects the tables the config
names, checks them before anything is read in bulk, and reads accounts and reference counts."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Final

import msgspec
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from rollcall.errors import MigrateConfigError, MigrateError
from rollcall.migrate.config import AccountTable, MigrateConfig, ReferenceConfig
from rollcall.migrate.values import Key, LegacyAccount

LEDGER_PREFIX: Final = "rollcall_"


def display_url(url: str) -> str:
    """The URL with any password masked."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<unparsable URL>"


def create_engine(url: str, where: str) -> Engine:
    """An engine onto the vendor database. On SQLite, SQLAlchemy (not pysqlite) begins transactions, so a
    batch's DDL (ALTER TABLE) commits or rolls back with its rows."""
    try:
        engine = sa.create_engine(url)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as error:
        raise MigrateConfigError(f"{where}: legacy.url: cannot use {display_url(url)!r}: {error}") from error
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: object, _record: object) -> None:
            dbapi_connection.isolation_level = None  # type: ignore[attr-defined]

        @event.listens_for(engine, "begin")
        def _begin(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def as_text(value: object) -> str | None:
    """A timestamp or text column's value as comparable ISO text."""
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def as_key(value: object) -> Key:
    """An account key as the plan holds it: an int or a str."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return str(value)
    return value


class LegacyTables:
    """The reflected tables a config names: every accounts table (by name, in the config's order) and every
    reference table."""

    def __init__(
        self, accounts: dict[str, tuple[AccountTable, sa.Table]], references: dict[tuple[str, str], sa.Table]
    ) -> None:
        self.accounts = accounts
        self.references = references

    def reference(self, ref: ReferenceConfig) -> sa.Table:
        return self.references[(ref.table, ref.column)]


class AccountsRead(msgspec.Struct, frozen=True):
    """What one read of the accounts tables found: every account with a Clever id (table by table, by key),
    how many have none (not Clever accounts), and per table the values of extra columns by key."""

    accounts: list[LegacyAccount]
    unlinked: int
    values: dict[str, dict[Key, tuple[object, ...]]]


class LegacyDatabase:
    """The vendor's database, open. Use as a context manager."""

    def __init__(self, config: MigrateConfig) -> None:
        self.config = config
        self.where = display_url(config.legacy.url)
        self.engine = create_engine(config.legacy.url, config.path)

    def __enter__(self) -> LegacyDatabase:
        return self

    def __exit__(self, *_: object) -> None:
        self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def connect(self, action: str, *, transaction: bool = False) -> Iterator[Connection]:
        """A connection whose database errors become MigrateError naming the action and the database; with
        `transaction`, one transaction committed when the block ends (rolled back when it raises)."""
        try:
            with self.engine.begin() if transaction else self.engine.connect() as connection:
                yield connection
        except sa.exc.SQLAlchemyError as error:
            raise MigrateError(
                f"{action} in {self.where} failed: {error.__class__.__name__}: {error}"
            ) from error

    def begin(self, action: str) -> AbstractContextManager[Connection]:
        """One transaction (see `connect`)."""
        return self.connect(action, transaction=True)

    def table_names(self, connection: Connection) -> list[str]:
        return sorted(sa.inspect(connection).get_table_names())

    def reflect(self, connection: Connection, name: str) -> sa.Table:
        return sa.Table(name, sa.MetaData(), autoload_with=connection)

    def tables(self, connection: Connection) -> LegacyTables:
        """Reflect and check every table and column the config names (MigrateConfigError naming the key)."""
        legacy = self.config.legacy
        where = self.config.path
        names = set(self.table_names(connection))
        accounts: dict[str, tuple[AccountTable, sa.Table]] = {}
        for account_table in legacy.accounts.tables():
            at = account_table.at
            if account_table.table not in names:
                raise MigrateConfigError(
                    f"{where}: {at}.table: no table {account_table.table!r} in {self.where}"
                )
            table = self.reflect(connection, account_table.table)
            for option, column in (
                ("key", account_table.key), ("clever_id", account_table.clever_id),
                ("role", account_table.role_column), ("email", account_table.email),
                ("last_login", account_table.last_login),
            ):  # fmt: skip
                if column is not None and column not in table.c:
                    raise MigrateConfigError(
                        f"{where}: {at}.{option}: table {table.name!r} has no column {column!r}"
                    )
            accounts[account_table.table] = (account_table, table)
        references: dict[tuple[str, str], sa.Table] = {}
        for number, ref in enumerate(legacy.references):
            at = f"legacy.references[{number}]"
            if ref.table not in names:
                raise MigrateConfigError(f"{where}: {at}.table: no table {ref.table!r} in {self.where}")
            table = self.reflect(connection, ref.table)
            if ref.column not in table.c:
                raise MigrateConfigError(
                    f"{where}: {at}.column: table {ref.table!r} has no column {ref.column!r}"
                )
            if not table.primary_key.columns:
                raise MigrateConfigError(
                    f"{where}: {at}.table: table {ref.table!r} has no primary key; rollcall needs one to "
                    "record (and undo) each row it re-points"
                )
            references[(ref.table, ref.column)] = table
        for account_table, table in accounts.values():
            if account_table.role_column is not None:
                self._check_role_values(connection, account_table.role_column, table)
        return LegacyTables(accounts, references)

    def _check_role_values(self, connection: Connection, role: str, accounts: sa.Table) -> None:
        config = self.config.legacy.accounts
        column = accounts.c[role]
        present = {str(value) for value in connection.execute(sa.select(column).distinct()).scalars()}
        for name, value in config.role_values.items():
            if value not in present:
                raise MigrateConfigError(
                    f"{self.config.path}: legacy.accounts.role_values.{name}: no account has "
                    f"{role} = {value!r} in table {accounts.name!r} (present: "
                    f"{', '.join(sorted(present)) or 'none'})"
                )

    def read_accounts(self, connection: Connection, tables: LegacyTables) -> tuple[list[LegacyAccount], int]:
        """Every account with a Clever id, table by table and by key, and how many accounts have none (not
        Clever accounts)."""
        read = self.read_accounts_with(connection, tables, [])
        return read.accounts, read.unlinked

    def read_accounts_with(
        self, connection: Connection, tables: LegacyTables, also: list[str]
    ) -> AccountsRead:
        """`read_accounts`, plus per table the values of the `also` columns (by their `AccountTable` field
        name, e.g. "v3_id") of every account (with a Clever id or not) by key, read in the same pass."""
        found: list[LegacyAccount] = []
        values: dict[str, dict[Key, tuple[object, ...]]] = {}
        unlinked = 0
        for account_table, table in tables.accounts.values():
            unlinked += self._read_table(connection, account_table, table, also, found, values)
        return AccountsRead(found, unlinked, values)

    def _read_table(
        self,
        connection: Connection,
        config: AccountTable,
        accounts: sa.Table,
        also: list[str],
        found: list[LegacyAccount],
        values: dict[str, dict[Key, tuple[object, ...]]],
    ) -> int:
        """One accounts table into `found` and `values`; returns how many of its accounts have no Clever id.
        The single-table form's rows are built without a table name, exactly as before per-role tables."""
        email = accounts.c[config.email] if config.email else sa.null()
        login = accounts.c[config.last_login] if config.last_login else sa.null()
        role = accounts.c[config.role_column] if config.role_column else sa.literal(config.role)
        key = accounts.c[config.key]
        names = [getattr(config, name) for name in also]
        extra = [accounts.c[name] if name in accounts.c else sa.null() for name in names]
        statement = sa.select(key, accounts.c[config.clever_id], role, email, login, *extra)
        by_key: dict[Key, tuple[object, ...]] = values.setdefault(config.table, {})
        table_name = None if config.role is None else config.table
        unlinked = 0
        append = found.append
        for row in connection.execute(statement.order_by(key)):
            account_key = row[0]
            if type(account_key) is not int and type(account_key) is not str:  # the common kinds skip a call
                account_key = as_key(account_key)
            if extra:
                by_key[account_key] = tuple(row[5:])
            clever_id = row[1]
            if clever_id is None or clever_id == "":
                unlinked += 1
                continue
            last_login = row[4]
            if last_login is not None and type(last_login) is not str:
                last_login = as_text(last_login)
            append(LegacyAccount(account_key, str(clever_id), str(row[2]), row[3], last_login, table_name))
        return unlinked

    def reference_counts(self, connection: Connection, tables: LegacyTables) -> dict[str, dict[Key, int]]:
        """Per `table.column` reference, how many rows point at each account key."""
        counts: dict[str, dict[Key, int]] = {}
        for ref in self.config.legacy.references:
            column = tables.reference(ref).c[ref.column]
            statement = sa.select(column, sa.func.count()).where(column.is_not(None)).group_by(column)
            counts[f"{ref.table}.{ref.column}"] = {
                as_key(value): int(count) for value, count in connection.execute(statement)
            }
        return counts

    def row_counts(self, connection: Connection) -> dict[str, int]:
        """Rows per vendor table (rollcall's own tables left out)."""
        counts: dict[str, int] = {}
        for name in self.table_names(connection):
            if name.startswith(LEDGER_PREFIX):
                continue
            table = sa.table(name)
            counts[name] = int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
        return counts


def insert_rows(
    connection: Connection, table: sa.TableClause, columns: list[str], rows: list[tuple[object, ...]]
) -> None:
    """Insert many rows through the driver's own executemany, the statement compiled once: SQLAlchemy's
    per-row parameter processing cost more than the database's work (1.3 s of 2.7 s for 240 k map rows on
    SQLite). The values are plain ints, strs and None, which every driver takes as they are."""
    if not rows:
        return
    compiled = sa.insert(table).compile(dialect=connection.dialect, column_keys=columns)
    if connection.dialect.positional:
        order = compiled.positiontup or []
        position = [columns.index(name) for name in order]
        params: list[tuple[object, ...]] | list[dict[str, object]] = [
            tuple(row[n] for n in position) for row in rows
        ]
    else:
        params = [dict(zip(columns, row, strict=True)) for row in rows]
    connection.exec_driver_sql(str(compiled), params)


def table_digests(connection: Connection) -> dict[str, str]:
    """Per vendor table (rollcall's own left out), a digest of its schema (columns, keys, indexes, and on
    SQLite the stored CREATE TABLE text) and of its rows in primary-key order: equal digests, equal tables."""
    inspector = sa.inspect(connection)
    digests: dict[str, str] = {}
    for name in sorted(inspector.get_table_names()):
        if name.startswith(LEDGER_PREFIX):
            continue
        schema: list[object] = [
            [
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                for c in inspector.get_columns(name)
            ],
            str(inspector.get_pk_constraint(name)),
            sorted(map(str, inspector.get_unique_constraints(name))),
            sorted(map(str, inspector.get_indexes(name))),
            sorted(map(str, inspector.get_foreign_keys(name))),
        ]
        if connection.dialect.name == "sqlite":
            statement = sa.text("SELECT sql FROM sqlite_master WHERE name = :name")
            schema.append(connection.execute(statement, {"name": name}).scalar_one())
        table = sa.Table(name, sa.MetaData(), autoload_with=connection)
        order = list(table.primary_key.columns) or list(table.columns)
        digest = hashlib.blake2b(repr(schema).encode(), digest_size=16)
        for row in connection.execute(sa.select(table).order_by(*order)):
            digest.update(repr(tuple(row)).encode())
        digests[str(name)] = digest.hexdigest()
    return digests


def database_digest(config: MigrateConfig) -> dict[str, str]:
    """`table_digests` of the vendor database the config names (compare before apply and after rollback)."""
    with LegacyDatabase(config) as database, database.connect("digest the tables") as connection:
        return table_digests(connection)
