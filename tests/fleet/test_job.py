"""One sync job as a worker runs it (in-process, against the emulator over loopback and PostgreSQL): what it
leaves in the ledger when it succeeds, when its district disconnected, when the app's credentials are wrong,
and when another process holds the district's fence."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from rollcall.emulator import Emulator
from rollcall.errors import DistrictBusy, DistrictSyncFailed
from rollcall.fleet import FleetConfig, FleetRuntime, run_sync_job
from rollcall.store import Store
from tests.store.conftest import postgres_schema

pytestmark = pytest.mark.postgres


@dataclass
class Setting:
    emu: Emulator
    district: str
    url: str
    store: Store
    other: Store

    def runtime(self, secret: str | None = None) -> FleetRuntime:
        tokens = self.emu.state.tokens
        config = FleetConfig(
            client_id=tokens.client_id, client_secret=secret or tokens.client_secret, clever_url=self.url,
            oauth_url=self.url, page_size=100,
        )  # fmt: skip
        return FleetRuntime(config=config, store=self.store, worker="test:1")


@pytest.fixture
def setting() -> Iterator[Setting]:
    with Emulator(seed="fleet-job") as emu, postgres_schema() as db:
        district = emu.load_generated(students=15, seed="job")
        with emu.serve_in_thread() as url, Store.open(db) as store, Store.open(db) as other:
            yield Setting(emu, district, url, store, other)


def test_a_job_syncs_its_district_and_the_ledger_says_ok(setting: Setting) -> None:
    summary = run_sync_job(setting.runtime(), setting.district, "full", job_id=7, attempt=0, final=False)
    (ledger,) = setting.store.fleet_districts()
    assert (ledger.state, ledger.name, ledger.worker) == ("ok", summary.district_name, "test:1")
    (attempt,) = setting.store.sync_attempts(setting.district)
    assert (attempt.job_id, attempt.outcome, attempt.run_id) == (7, "succeeded", summary.run_id)
    assert setting.store.counts(setting.district)["users"] == len(
        setting.emu.state.snapshot(setting.district).users
    )


def test_a_disconnected_district_fails_for_good_with_the_reason(setting: Setting) -> None:
    setting.emu.state.remove_district(setting.district)  # its token leaves the app's listing
    with pytest.raises(DistrictSyncFailed, match="disconnected"):
        run_sync_job(setting.runtime(), setting.district, "full", job_id=1, attempt=0, final=False)
    (ledger,) = setting.store.fleet_districts()
    assert ledger.state == "failed"
    assert "disconnected the app" in (ledger.reason or "")


def test_wrong_client_credentials_fail_the_job_without_showing_the_secret(setting: Setting) -> None:
    with pytest.raises(DistrictSyncFailed, match="ROLLCALL_CLIENT_SECRET") as raised:
        run_sync_job(
            setting.runtime("not-the-secret"), setting.district, "full", job_id=1, attempt=0, final=False
        )
    assert "not-the-secret" not in str(raised.value)
    assert setting.store.sync_attempts()[0].outcome == "failed"


def test_a_district_whose_fence_is_held_elsewhere_is_busy_and_untouched(setting: Setting) -> None:
    with setting.other.district_fence(setting.district) as held:
        assert held
        with pytest.raises(DistrictBusy):
            run_sync_job(setting.runtime(), setting.district, "full", job_id=1, attempt=0, final=False)
    assert setting.store.sync_attempts() == []
    assert setting.store.fleet_districts() == []
    assert setting.store.counts(setting.district)["users"] == 0
