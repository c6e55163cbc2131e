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
    assert "WITHOUT ROWID" not in ddl["user_roles"]  # see the comment on schema.user_roles


ROLE_COLUMNS_0002 = (
    "user_id", "role", "district_id", "legacy_id", "sis_id", "staff_id", "title", "school_id", "staff_roles",
)  # fmt: skip
ROLE_ROW_0002 = ("u1", "staff", "d1", "L1", None, "S1", "Head", None, '["PortalOnly"]')


def _role_columns(connection: sa.Connection) -> dict[str, bool]:
    """user_roles' columns in table order, each with whether it is nullable."""
    return {c["name"]: c["nullable"] for c in sa.inspect(connection).get_columns("user_roles")}


def _role_rows(connection: sa.Connection) -> list[tuple[object, ...]]:
    columns = ", ".join(ROLE_COLUMNS_0002)
    return [tuple(row) for row in connection.exec_driver_sql(f"SELECT {columns} FROM user_roles")]


def test_0003_drops_the_role_payload_keeping_the_rows_and_downgrade_brings_it_back_empty(
    database_url: str,
) -> None:
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0002")
            assert list(_role_columns(connection)) == [*ROLE_COLUMNS_0002, "payload"]
            assert _role_columns(connection)["payload"] is False
            placeholders = ", ".join("?" if connection.dialect.name == "sqlite" else "%s" for _ in range(10))
            connection.exec_driver_sql(
                f"INSERT INTO user_roles VALUES ({placeholders})", (*ROLE_ROW_0002, '{"staff_id": "S1"}')
            )

            command.upgrade(alembic_config(connection), "0003")
            assert list(_role_columns(connection)) == list(ROLE_COLUMNS_0002)
            assert _role_rows(connection) == [ROLE_ROW_0002]
            indexes = {index["name"] for index in sa.inspect(connection).get_indexes("user_roles")}
            assert indexes == {"ix_user_roles_legacy_id", "ix_user_roles_school_id"}

            command.downgrade(alembic_config(connection), "0002")
            assert list(_role_columns(connection)) == [*ROLE_COLUMNS_0002, "payload"]
            assert _role_columns(connection)["payload"] is True
            assert _role_rows(connection) == [ROLE_ROW_0002]
            assert connection.exec_driver_sql("SELECT payload FROM user_roles").all() == [(None,)]
    finally:
        engine.dispose()


def test_downgrade_to_base_and_upgrade_again_round_trips(store: Store) -> None:
    with store.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
        assert set(sa.inspect(connection).get_table_names()) == {"alembic_version"}
        command.upgrade(alembic_config(connection), "head")
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
