"""A `store` on SQLite (a temporary file) and on PostgreSQL (a fresh schema per test, so xdist workers and
tests never see each other's rows)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from rollcall.store import Store

POSTGRES_URL = os.environ.get("ROLLCALL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _admin_url() -> sa.URL:
    return sa.make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """The URL of a brand-new, empty PostgreSQL schema (dropped afterwards)."""
    schema = f"rollcall_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(_admin_url(), poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except sa.exc.OperationalError as error:
        admin.dispose()
        pytest.skip(
            f"PostgreSQL is not reachable at {POSTGRES_URL} (set ROLLCALL_TEST_POSTGRES_URL): {error}"
        )
    url = _admin_url().update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('store')}/rollcall.db"
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """A migrated, empty store on each database."""
    opened = Store.open(database_url)
    try:
        yield opened
    finally:
        opened.close()
