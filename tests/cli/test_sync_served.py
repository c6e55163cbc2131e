"""The command-line pair a user runs, `rollcall emulator serve` and `rollcall sync`, as subprocesses on the
machine's real date: incremental after incremental stays incremental, and a Ctrl-C'd sync resumes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pexpect
import pyte
import pytest

from rollcall.store import Store
from tests.cli.run import SOURCES, run_rollcall

ENV = {**os.environ, "PYTHONPATH": f"{SOURCES}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}


@dataclass(frozen=True)
class Server:
    url: str
    district_id: str
    token: str

    def sync_args(self, db: str, *extra: str) -> list[str]:
        return ["sync", "--clever-url", self.url, "--token", self.token, "--db", db, *extra]

    def delete_one_user(self) -> None:
        """A roster change through the control plane, as the issue's repro makes it: one user deleted."""
        headers = {"Authorization": f"Bearer {self.token}"}
        user = httpx.get(f"{self.url}/v3.1/users?limit=1", headers=headers).json()["data"][0]["data"]["id"]
        change = {"operations": [{"op": "delete", "type": "users", "id": user}]}
        answer = httpx.post(f"{self.url}/_emulator/districts/{self.district_id}/roster", json=change)
        assert answer.status_code == 200, answer.text


@contextmanager
def served(tmp_path: Path, *args: str) -> Iterator[Server]:
    """`rollcall emulator serve ARGS` on a free port until the block ends (then SIGINT, as a user stops
    it)."""
    tokens = tmp_path / "tokens.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "rollcall", "emulator", "serve", "--port", "0", "--tokens-file", str(tokens),
         *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (tokens.exists() and tokens.stat().st_size):
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "serve wrote no tokens file"
            time.sleep(0.05)
        info = json.loads(tokens.read_text())
        (district,) = info["districts"]
        server = Server(info["base_url"], district["id"], district["token"])
        while True:  # the tokens file is written just before the socket starts answering
            try:
                httpx.get(f"{server.url}/v3.1/districts", headers={"Authorization": f"Bearer {server.token}"})
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "serve never answered"
                time.sleep(0.05)
        yield server
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)


CLOCKS = {"real-clock": (), "fixed-clock": ("--clock", "2026-09-01T00:00:00Z")}


@pytest.mark.parametrize("clock", CLOCKS.values(), ids=CLOCKS.keys())
def test_an_incremental_sync_after_an_incremental_sync_stays_incremental(
    tmp_path: Path, clock: tuple[str, ...]
) -> None:
    # With a fixed clock the server's events are dated months before the machine's date: the sync judges
    # their age by the feed's clock, not its own, and still finds them fresh.
    db = f"sqlite:///{tmp_path / 'rollcall.db'}"
    with served(tmp_path, "--generate-students", "60", "--seed", "pair", *clock) as server:
        full = run_rollcall(*server.sync_args(db))
        assert full.returncode == 0, full.stderr
        assert ": full sync in" in full.stdout
        server.delete_one_user()
        first = run_rollcall(*server.sync_args(db, "--incremental"))
        second = run_rollcall(*server.sync_args(db, "--incremental"))
    assert first.returncode == 0, first.stderr
    assert ": incremental sync in" in first.stdout
    assert "users.deleted 1" in first.stdout
    assert second.returncode == 0, second.stderr
    assert ": incremental sync in" in second.stdout, second.stdout
    assert "past the 30-day events window" not in second.stdout


def _has_resume_point(db: str, district_id: str) -> bool:
    try:
        with Store.open(db, migrate=False) as store:
            return store.find_resume_point(district_id, "v3.1") is not None
    except Exception:  # the database is still being created by the sync
        return False


def test_a_first_sync_stopped_with_ctrl_c_says_so_in_one_line_and_a_rerun_resumes_it(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'rollcall.db'}"
    with served(tmp_path, "--generate-students", "3000", "--seed", "pair") as server:
        args = server.sync_args(db, "--page-size", "20")
        sync = subprocess.Popen(
            [sys.executable, "-m", "rollcall", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while sync.poll() is None and not _has_resume_point(db, server.district_id):
            assert time.monotonic() < deadline, "the sync never began writing"
            time.sleep(0.05)
        sync.send_signal(signal.SIGINT)
        out, err = sync.communicate(timeout=60)
        rerun = run_rollcall(*args)
    assert sync.returncode == 130, (out, err)
    (line,) = err.strip().splitlines()
    assert line.startswith("error: full sync of district ")
    assert "interrupted" in line
    assert "run the same command again to resume run" in line
    assert "Traceback" not in err
    assert rerun.returncode == 0, rerun.stderr
    assert "full sync (resumed) in" in rerun.stdout


def _screen_after(args: list[str], columns: int = 160, rows: int = 60) -> tuple[list[str], int]:
    """Run `rollcall ARGS` in a pseudo-terminal and return what a person sees on the screen at the end (a
    terminal emulator replays every cursor move and erase) and the exit status."""
    screen = pyte.Screen(columns, rows)
    stream = pyte.ByteStream(screen)
    child = pexpect.spawn(
        sys.executable, ["-m", "rollcall", *args], env=ENV, dimensions=(rows, columns), timeout=240
    )
    while True:
        try:
            stream.feed(child.read_nonblocking(65_536, timeout=240))
        except pexpect.EOF:
            break
    child.close()
    return [line.rstrip() for line in screen.display], child.exitstatus


def test_in_a_terminal_progress_names_the_district_and_the_summary_stays_on_screen(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'rollcall.db'}"
    with served(tmp_path, "--generate-students", "200", "--seed", "pty") as server:
        screen, status = _screen_after(server.sync_args(db))
        name = httpx.get(
            f"{server.url}/v3.1/districts/{server.district_id}",
            headers={"Authorization": f"Bearer {server.token}"},
        ).json()["data"]["name"]
    text = "\n".join(screen)
    assert status == 0, text
    summary = [line for line in screen if line.startswith(f"district {name} ({server.district_id})")]
    assert len(summary) == 1, text  # drawn once, on a line of its own
    for label in ("  why:", "  written:", "  swept:", "  checkpoint:", "  rows:"):
        assert sum(line.startswith(label) for line in screen) == 1, (label, text)
    assert any(f"{name}: users" in line for line in screen), text  # progress says which district
    assert f"{server.district_id[-6:]} users" not in text
