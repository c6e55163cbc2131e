"""The fleet commands' refusals: clear messages and exit codes, never a traceback, nothing written."""

from __future__ import annotations

import os
from pathlib import Path

from tests.cli.run import SOURCES
from tests.fleet.harness import run

ENV = {**os.environ, "PYTHONPATH": str(SOURCES)}
CREDENTIALS = {"ROLLCALL_CLIENT_ID": "id", "ROLLCALL_CLIENT_SECRET": "s3cret-value"}


def _without_credentials() -> dict[str, str]:
    return {k: v for k, v in ENV.items() if k not in ("ROLLCALL_CLIENT_ID", "ROLLCALL_CLIENT_SECRET")}


def test_the_fleet_refuses_a_sqlite_database(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/r.db"
    for args in (("worker", "--db", db), ("fleet", "schedule", "--db", db), ("fleet", "status", "--db", db)):
        result = run({**ENV, **CREDENTIALS}, *args)
        assert result.returncode == 2, result.stderr
        assert "PostgreSQL" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "r.db").exists()


def test_schedule_and_worker_name_the_missing_credentials() -> None:
    db = "postgresql://postgres@127.0.0.1:5432/test"
    for args in (("worker", "--db", db), ("fleet", "schedule", "--db", db)):
        result = run(_without_credentials(), *args)
        assert result.returncode == 2
        assert "ROLLCALL_CLIENT_ID" in result.stderr
        assert "Traceback" not in result.stderr
