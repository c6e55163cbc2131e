from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from rollcall.errors import StoreError
from rollcall.store import Store
from rollcall.store.revision import alembic_config, current_revision, head_revision
from rollcall.store.schema import metadata


def test_upgrade_to_head_creates_exactly_the_schema_metadata(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
        assert current_revision(connection) == head_revision()
    assert differences == []


def test_payload_is_jsonb_on_postgresql_and_text_on_sqlite(store: Store) -> None:
    columns = {c["name"]: c["type"] for c in sa.inspect(store.engine).get_columns("users")}
    expected = "JSONB" if store.dialect == "postgresql" else "TEXT"
    assert type(columns["payload"]).__name__ == expected


def test_reopening_a_migrated_database_without_migrate_succeeds(database_url: str) -> None:
    Store.open(database_url).close()
    Store.open(database_url, migrate=False).close()


def test_an_empty_database_without_migrate_is_refused_with_advice(database_url: str) -> None:
    with pytest.raises(StoreError, match=r"has no rollcall schema.*migrate=True"):
        Store.open(database_url, migrate=False)


def test_a_database_at_an_unknown_newer_revision_is_refused(database_url: str) -> None:
    Store.open(database_url).close()
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffffffff0099'")
    engine.dispose()
    for migrate in (True, False):
        with pytest.raises(
            StoreError, match=r"revision ffffffff0099, which this rollcall does not know.*upgrade rollcall"
        ):
            Store.open(database_url, migrate=migrate)


def test_sqlite_child_tables_live_in_their_primary_key(tmp_path: object) -> None:
    with Store.open(f"sqlite:///{tmp_path}/rowid.db") as store, store.engine.connect() as connection:
        ddl = dict(
            connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all()
        )
    assert "WITHOUT ROWID" in ddl["section_students"]
    assert "WITHOUT ROWID" not in ddl["users"]


def test_downgrade_to_base_and_upgrade_again_round_trips(store: Store) -> None:
    with store.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
        assert set(sa.inspect(connection).get_table_names()) == {"alembic_version"}
        command.upgrade(alembic_config(connection), "head")
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
