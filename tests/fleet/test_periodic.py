"""Procrastinate's periodic tasks re-list the districts and queue their syncs: a worker alone, with no
`fleet schedule` at all, brings every connected district in and keeps it synced incrementally."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rollcall.emulator import Emulator
from rollcall.errors import StoreError
from rollcall.store import Store
from tests.fleet.harness import rollcall_env, wait_until, workers
from tests.store.conftest import postgres_schema

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def emulator() -> Iterator[tuple[Emulator, list[str], str]]:
    with Emulator(seed="fleet-periodic") as emu:
        districts = [emu.load_generated(students=n, seed=f"periodic-{n}") for n in (10, 25)]
        with emu.serve_in_thread() as url:
            yield emu, districts, url


def _runs(db: str) -> dict[str, list[str]]:
    """Per district, the kinds of its finished sync runs, oldest first."""
    try:
        store = Store.open(db, migrate=False)
    except StoreError:  # the worker has not migrated the fresh schema yet
        return {}
    with store:
        attempts = [a for a in store.sync_attempts() if a.outcome == "succeeded" and a.run_id]
        return {
            district: [
                run.kind for a in attempts if a.district_id == district
                for run in [store.find_run(a.run_id or "")] if run is not None
            ]
            for district in {a.district_id for a in attempts}
        }  # fmt: skip


def test_a_worker_alone_lists_the_districts_and_keeps_them_synced(
    emulator: tuple[Emulator, list[str], str], tmp_path: Path
) -> None:
    emu, districts, url = emulator
    with postgres_schema() as db:
        options = ("--incremental-cron", "* * * * * *", "--full-cron", "0 0 1 1 *", "--page-size", "100")
        with workers(db, rollcall_env(emu, url), tmp_path, *options) as started:
            started.start(1)

            def synced_then_incremental() -> bool:
                runs = _runs(db)
                return all(d in runs and runs[d][0] == "full" and "incremental" in runs[d] for d in districts)

            wait_until(synced_then_incremental, timeout=90, what="a full, then an incremental sync of each")
        with Store.open(db, migrate=False) as store:
            assert sorted(d.district_id for d in store.fleet_districts()) == sorted(districts)
            assert {a.kind for a in store.sync_attempts()} == {"incremental"}  # the first one ran as full
