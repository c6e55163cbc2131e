"""A SIGKILL in the middle of apply (the process sleeps after committing batch N, by a test-only environment
variable): `apply` again ends exactly as an uninterrupted run; `rollback` restores the start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from rollcall.migrate import MigrateConfig, apply_plan, plan_migration, rollback_migration, verify_migration
from rollcall.migrate.apply import PAUSE_AFTER_BATCH
from tests.cli.run import SOURCES
from tests.migrate import scenario


def _batches_done(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("rollcall_migration_runs"):
                return 0
            value = connection.exec_driver_sql(
                "SELECT max(batches_done) FROM rollcall_migration_runs"
            ).scalar()
            return int(value or 0)
    finally:
        engine.dispose()


def _apply_and_kill(config_path: Path, plan_path: Path, url: str, after_batch: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(SOURCES), PAUSE_AFTER_BATCH: str(after_batch)}
    command = [
        sys.executable,
        "-m",
        "rollcall",
        "migrate",
        "apply",
        str(plan_path),
        "--config",
        str(config_path),
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while _batches_done(url) < after_batch + 1:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "apply never reached the batch"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert _batches_done(url) == after_batch + 1


def _kill_resume_and_roll_back(
    tmp_path: Path, config_path: Path, config: MigrateConfig, after_batch: int
) -> int:
    """Kill an apply after `after_batch`, resume it (it runs only the batches left and verifies), roll back to
    the start, apply again uninterrupted: the same result as the resumed run. Returns the plan's batches."""
    url = config.legacy.url
    start = scenario.dump(url)
    plan = plan_migration(config)
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(plan.to_json(), encoding="utf-8")
    _apply_and_kill(config_path, plan_path, url, after_batch)
    resumed = apply_plan(plan, config)
    assert (resumed.resumed, resumed.batches_run) == (True, len(plan.batches()) - (after_batch + 1))
    assert verify_migration(config).ok
    interrupted_result = scenario.dump(url)
    rollback_migration(config)
    assert scenario.dump(url) == start
    apply_plan(plan, config)
    assert scenario.dump(url) == interrupted_result
    return len(plan.batches())


@pytest.mark.slow
@pytest.mark.parametrize("after_batch", [0, 2, 5])
def test_a_killed_apply_resumes_to_exactly_the_uninterrupted_result(
    tmp_path: Path, config_path: Path, config: MigrateConfig, after_batch: int
) -> None:
    batches_total = _kill_resume_and_roll_back(tmp_path, config_path, config, after_batch)
    assert batches_total == 8


@pytest.mark.slow
@pytest.mark.parametrize("after_batch", [1, 6])
def test_a_killed_apply_rolls_back_to_the_start(
    tmp_path: Path, config_path: Path, config: MigrateConfig, after_batch: int
) -> None:
    url = config.legacy.url
    start = scenario.dump(url)
    plan = plan_migration(config)
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(plan.to_json(), encoding="utf-8")
    _apply_and_kill(config_path, plan_path, url, after_batch)
    report = rollback_migration(config)
    assert (report.state, report.batches_undone) == ("rolled_back", after_batch + 1)
    assert scenario.dump(url) == start


@pytest.mark.slow
def test_a_killed_apply_of_per_role_tables_resumes_and_rolls_back(
    tmp_path: Path, per_role_config_path: Path, per_role_config: MigrateConfig
) -> None:
    # killed after batch 2: between the teachers' two batches
    _kill_resume_and_roll_back(tmp_path, per_role_config_path, per_role_config, 2)
