"""Preparing an empty PostgreSQL database: several workers starting at once install the store's schema and
the queue's exactly once, and none of them fails."""

from __future__ import annotations

import threading

import pytest

from rollcall.fleet import fleet_app, prepare_database
from rollcall.store.revision import head_revision
from tests.store.conftest import postgres_schema

pytestmark = pytest.mark.postgres


def test_four_workers_preparing_one_empty_database_at_once_all_succeed() -> None:
    with postgres_schema() as db:
        errors: list[BaseException] = []
        start = threading.Barrier(4)

        def prepare() -> None:
            app = fleet_app(db)
            try:
                start.wait(timeout=10)
                with app.open(), prepare_database(db, app) as store:
                    assert store.has_table("procrastinate_jobs")
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=prepare) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        app = fleet_app(db)
        with app.open(), prepare_database(db, app) as store:  # a fifth, later: nothing left to do
            assert store.has_table("sync_attempts")
            with store.engine.connect() as connection:
                assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
                    head_revision()
                )
