"""`rollcall sync` as a user runs it: a real subprocess against the emulator served over loopback HTTP."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from rollcall.emulator import Emulator
from rollcall.store import Store
from tests.cli.run import SOURCES, run_rollcall
from tests.store.conftest import postgres_schema
from tests.sync.rosters import change_roster


@dataclass
class Served:
    emu: Emulator
    url: str
    district_id: str

    @property
    def token(self) -> str:
        return self.emu.district_token(self.district_id)

    def args(self, db: str, *extra: str, page_size: int = 200) -> list[str]:
        return ["sync", "--clever-url", self.url, "--token", self.token, "--db", db,
                "--page-size", str(page_size), *extra]  # fmt: skip


@contextmanager
def serve(students: int) -> Iterator[Served]:
    with Emulator(seed="cli-sync") as emu:
        district_id = emu.load_generated(students=students, seed=3)
        # Events carry the emulator's time; move it to now so the CLI's wall clock finds them fresh.
        emu.advance_clock(dt.datetime.now(dt.UTC) - emu.state.clock.now())
        with emu.serve_in_thread() as url:
            yield Served(emu, url, district_id)


@pytest.fixture
def served() -> Iterator[Served]:
    with serve(students=200) as s:
        yield s


def fingerprint(url: str, district_id: str) -> dict[str, str]:
    with Store.open(url) as store:
        return store.table_fingerprint(district_id)


def test_a_full_then_an_incremental_sync_print_their_summaries(served: Served, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/r.db"
    first = run_rollcall(*served.args(db))
    assert first.returncode == 0, first.stderr
    assert "full sync" in first.stdout
    assert "a full sync was asked for" in first.stdout
    served.emu.apply_roster(change_roster(served.emu.state.snapshot(served.district_id)).snapshot)
    second = run_rollcall(*served.args(db, "--incremental", "--json"))
    assert second.returncode == 0, second.stderr
    [result] = json.loads(second.stdout)["districts"]
    assert result["summary"]["kind"] == "incremental"
    assert result["summary"]["events_applied"] > 0
    fresh = f"sqlite:///{tmp_path}/fresh.db"
    assert run_rollcall(*served.args(fresh)).returncode == 0
    assert fingerprint(db, served.district_id) == fingerprint(fresh, served.district_id)


def test_a_dry_run_prints_the_plan_and_writes_nothing(served: Served, tmp_path: Path) -> None:
    db = tmp_path / "never.db"
    result = run_rollcall(*served.args(f"sqlite:///{db}", "--dry-run", "--incremental"))
    assert result.returncode == 0, result.stderr
    assert "no checkpoint for API v3.1 yet: the first sync is full" in result.stdout
    assert not db.exists()
    as_json = run_rollcall(*served.args(f"sqlite:///{db}", "--dry-run", "--json"))
    [planned] = json.loads(as_json.stdout)["districts"]
    assert (planned["plan"]["kind"], planned["summary"]) == ("full", None)
    assert not db.exists()


def test_a_dry_run_on_a_synced_store_changes_nothing(served: Served, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/r.db"
    assert run_rollcall(*served.args(db)).returncode == 0
    with Store.open(db) as store:
        before = (
            store.find_checkpoint(served.district_id, "v3.1"),
            store.table_fingerprint(served.district_id),
        )
    served.emu.apply_roster(change_roster(served.emu.state.snapshot(served.district_id)).snapshot)
    result = run_rollcall(*served.args(db, "--dry-run", "--incremental"))
    assert result.returncode == 0, result.stderr
    assert "incremental" in result.stdout
    with Store.open(db) as store:
        after = (
            store.find_checkpoint(served.district_id, "v3.1"),
            store.table_fingerprint(served.district_id),
        )
    assert after == before


def test_a_wrong_token_fails_with_a_clear_message_and_writes_nothing(served: Served, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    args = served.args(f"sqlite:///{db}")
    args[args.index("--token") + 1] = "f" * 40
    result = run_rollcall(*args)
    assert result.returncode == 5
    assert "401" in result.stderr
    assert "Traceback" not in result.stderr
    assert "f" * 40 not in result.stderr + result.stdout  # the token is never echoed
    assert not db.exists()


def test_an_unknown_district_fails_with_its_id_and_writes_nothing(served: Served, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    unknown = "5f00000000000000000000ee"
    result = run_rollcall(*served.args(f"sqlite:///{db}", "--district", unknown))
    assert result.returncode == 7
    assert f"district {unknown} is unknown" in result.stderr
    assert not db.exists()


def test_usage_errors_name_what_is_missing(tmp_path: Path) -> None:
    env_free = {k: v for k, v in os.environ.items() if not k.startswith("ROLLCALL_CLEVER")}
    result = subprocess.run(
        [sys.executable, "-m", "rollcall", "sync", "--db", f"sqlite:///{tmp_path}/r.db"],
        capture_output=True, text=True, check=False, timeout=120,
        env={**env_free, "PYTHONPATH": str(SOURCES)},
    )  # fmt: skip
    assert result.returncode == 2
    assert "--token" in result.stderr
    v2 = run_rollcall("sync", "--token", "t", "--api", "v2.1", "--db", f"sqlite:///{tmp_path}/r.db")
    assert v2.returncode == 2
    assert "--api v3.1" in v2.stderr
    both = run_rollcall("sync", "--token", "t", "--all-districts", "--client-id", "a", "--client-secret", "b")
    assert both.returncode == 2
    assert "drop --token" in both.stderr


# ---- killed at random instants --------------------------------------------------------------------------


def _started(db: str, district_id: str) -> bool:
    """True once the sync has committed its first transaction (its run and resume point, or a checkpoint)."""
    try:
        with Store.open(db, migrate=False) as store:
            return (
                store.find_resume_point(district_id, "v3.1") is not None
                or store.find_checkpoint(district_id, "v3.1") is not None
            )
    except Exception:
        return False


def kill_at_random(args: list[str], db: str, district_id: str, rng: random.Random, window: float) -> str:
    """Start `rollcall ARGS`, wait until it has begun writing (or not, one time in four), then SIGKILL it at a
    random instant within `window` seconds; says where the kill landed."""
    env = {**os.environ, "PYTHONPATH": str(SOURCES)}
    process = subprocess.Popen(
        [sys.executable, "-m", "rollcall", *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    try:
        if rng.random() < 0.75:
            deadline = time.monotonic() + 60
            while process.poll() is None and time.monotonic() < deadline and not _started(db, district_id):
                time.sleep(0.05)
        time.sleep(rng.uniform(0, window))
        finished = process.poll() is not None
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    return "after it finished" if finished else "mid-run"


def sync_killed_repeatedly(
    served: Served, db: str, extra: tuple[str, ...], rng: random.Random, page_size: int
) -> list[str]:
    """Four kills at random instants, and more (at most twelve in all) until one lands mid-run: each kill that
    lands after the sync finished halves the window, since on a fast machine a sync can beat all four."""
    args = served.args(db, *extra, page_size=page_size)
    landed: list[str] = []
    window = 1.5
    while len(landed) < 4 or ("mid-run" not in landed and len(landed) < 12):
        landed.append(kill_at_random(args, db, served.district_id, rng, window))
        if landed[-1] == "after it finished":
            window /= 2
    final = run_rollcall(*args)
    assert final.returncode == 0, final.stderr
    return landed


@contextmanager
def two_databases(kind: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path}/clean.db", f"sqlite:///{tmp_path}/killed.db"
        return
    with postgres_schema() as clean, postgres_schema() as killed:
        yield clean, killed


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_sync_killed_at_random_instants_ends_with_the_rows_of_a_clean_run(
    kind: str, tmp_path: Path
) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    with serve(students=1500) as served, two_databases(kind, tmp_path) as (clean, killed):
        assert run_rollcall(*served.args(clean, page_size=100)).returncode == 0
        landed = sync_killed_repeatedly(served, killed, (), rng, 100)
        assert "mid-run" in landed, f"seed {seed}: no kill landed during the sync"
        assert fingerprint(killed, served.district_id) == fingerprint(clean, served.district_id), (
            f"seed {seed}"
        )

        served.emu.apply_roster(change_roster(served.emu.state.snapshot(served.district_id)).snapshot)
        assert run_rollcall(*served.args(clean, "--incremental", page_size=2)).returncode == 0
        sync_killed_repeatedly(served, killed, ("--incremental",), rng, 2)
        assert fingerprint(killed, served.district_id) == fingerprint(clean, served.district_id), (
            f"seed {seed}"
        )
        with Store.open(killed) as store, Store.open(clean) as reference:
            assert store.find_resume_point(served.district_id, "v3.1") is None
            mine, theirs = (s.find_checkpoint(served.district_id, "v3.1") for s in (store, reference))
            assert mine is not None
            assert theirs is not None
            assert mine.last_event_id == theirs.last_event_id


def test_all_districts_syncs_every_connected_district_into_one_store(tmp_path: Path) -> None:
    with Emulator(seed="cli-sync-many") as emu:
        first = emu.load_generated(students=60, seed=1)
        second = emu.load_generated(students=80, seed=2)
        tokens = emu.state.tokens
        with emu.serve_in_thread() as url:
            db = f"sqlite:///{tmp_path}/r.db"

            def args(secret: str, database: str) -> list[str]:
                return ["sync", "--all-districts", "--client-id", tokens.client_id, "--client-secret", secret,
                        "--oauth-url", url, "--clever-url", url, "--db", database, "--json"]  # fmt: skip

            result = run_rollcall(*args(tokens.client_secret, db))
            assert result.returncode == 0, result.stderr
            synced = {d["summary"]["district_id"] for d in json.loads(result.stdout)["districts"]}
            assert synced == {first, second}
            with Store.open(db) as store:
                for district_id in (first, second):
                    users = len(emu.state.snapshot(district_id).users)
                    assert store.counts(district_id)["users"] == users
                    assert store.find_checkpoint(district_id, "v3.1") is not None
            only = run_rollcall(*args(tokens.client_secret, db), "--district", second, "--dry-run")
            assert [d["plan"]["district_id"] for d in json.loads(only.stdout)["districts"]] == [second]
            refused = run_rollcall(*args("not-the-secret", f"sqlite:///{tmp_path}/other.db"))
            assert refused.returncode == 5
            assert "not-the-secret" not in refused.stderr
            assert not (tmp_path / "other.db").exists()
