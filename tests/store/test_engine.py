from __future__ import annotations

import pytest

from rollcall.errors import StoreError
from rollcall.store import Store
from rollcall.store.engine import display, parse_url, redact


def test_plain_postgresql_urls_use_psycopg_3() -> None:
    assert parse_url("postgresql://u@h:5432/db").drivername == "postgresql+psycopg"
    assert parse_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert parse_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
    assert parse_url("sqlite:///rollcall.db").database == "rollcall.db"


def test_displayed_urls_never_show_the_password() -> None:
    shown = display(parse_url("postgresql://alice:s3cret@db.example:5432/roster"))
    assert "s3cret" not in shown
    assert shown == "postgresql+psycopg://alice:***@db.example:5432/roster"
    assert redact("weird://bob:hunter2@x/y") == "weird://bob:***@x/y"
    assert redact("sqlite:///x.db") == "sqlite:///x.db"


def test_an_unparseable_url_is_a_store_error_without_the_password() -> None:
    with pytest.raises(StoreError, match="cannot parse database URL") as caught:
        Store.open("://alice:s3cret@nowhere")
    assert "s3cret" not in str(caught.value)


def test_an_unsupported_database_is_named() -> None:
    with pytest.raises(StoreError, match=r"unsupported database 'mysql'.*SQLite.*PostgreSQL"):
        Store.open("mysql://root:pw@localhost/db")


def test_an_sqlite_file_in_a_missing_directory_is_a_store_error(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/no/such/dir/rollcall.db"
    with pytest.raises(StoreError, match=r"open the database failed at sqlite:///.*does the directory exist"):
        Store.open(url)


@pytest.mark.postgres
def test_an_unreachable_postgresql_is_a_store_error_naming_the_masked_url() -> None:
    with pytest.raises(
        StoreError, match=r"failed at postgresql\+psycopg://alice:\*\*\*@127\.0\.0\.1:9/db"
    ) as caught:
        Store.open("postgresql://alice:s3cret@127.0.0.1:9/db")
    assert "s3cret" not in str(caught.value)
    assert "running and reachable" in str(caught.value)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: object) -> None:
    with Store.open(f"sqlite:///{tmp_path}/wal.db") as store, store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_an_in_memory_sqlite_store_keeps_its_schema_across_connections() -> None:
    with Store.open("sqlite://") as store:
        assert store.counts("any")["users"] == 0


@pytest.mark.postgres
def test_a_missing_postgresql_database_is_a_store_error_with_advice() -> None:
    from tests.store.conftest import POSTGRES_URL, postgres_schema

    with postgres_schema():  # skips with a reason when PostgreSQL is down
        pass
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/rollcall_no_such_database"
    with pytest.raises(StoreError, match=r"rollcall_no_such_database.*does not exist.*createdb"):
        Store.open(url)


@pytest.mark.postgres
def test_an_unknown_postgresql_user_is_told_to_check_the_credentials() -> None:
    from tests.store.conftest import POSTGRES_URL, postgres_schema

    with postgres_schema():
        pass
    scheme, _, rest = POSTGRES_URL.partition("://")
    url = f"{scheme}://rollcall_nobody:pw@{rest.rpartition('@')[2]}"
    with pytest.raises(
        StoreError, match=r"rollcall_nobody:\*\*\*@.*check the user name and password"
    ) as caught:
        Store.open(url)
    assert ":pw@" not in str(caught.value)
