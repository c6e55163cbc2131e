"""`rollcall emulator serve` on a real loopback socket, and its errors."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import msgspec
import pytest

from tests.cli.run import SOURCES, run_rollcall
from tests.factories.maple import DISTRICT, sample_snapshot


def _start(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": f"{SOURCES}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.Popen(
        [sys.executable, "-m", "rollcall", "emulator", "serve", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def _wait_for(path: Path, process: subprocess.Popen[str], seconds: float = 30) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size:
            loaded: dict[str, object] = json.loads(path.read_text())
            return loaded
        if process.poll() is not None:
            raise AssertionError(f"serve exited early: {process.stderr.read() if process.stderr else ''}")
        time.sleep(0.05)
    raise AssertionError("serve did not write its tokens file in time")


@pytest.mark.parametrize("source", ["snapshot", "generated"])
def test_serve_prints_and_writes_connection_details_and_answers_http(tmp_path: Path, source: str) -> None:
    snapshot_file = tmp_path / "district.json"
    snapshot_file.write_bytes(msgspec.json.encode(sample_snapshot()))
    tokens_file = tmp_path / "tokens.json"
    load = (
        ["--snapshot", str(snapshot_file)]
        if source == "snapshot"
        else ["--generate-students", "20", "--seed", "3"]
    )
    callback = "http://127.0.0.1:8123/auth/clever/callback"
    process = _start(*load, "--port", "0", "--tokens-file", str(tokens_file), "--redirect-uri", callback)
    try:
        info = _wait_for(tokens_file, process)
        (district,) = info["districts"]  # type: ignore[misc]
        if source == "snapshot":
            assert district["id"] == DISTRICT
            assert district["name"] == "Maple Unified"
        assert set(info) == {
            "base_url", "client_id", "client_secret", "redirect_uris", "browser_url", "sign_in_url",
            "districts",
        }  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(
                    f"{info['base_url']}/v3.0/districts",
                    headers={"Authorization": f"Bearer {district['token']}"},
                )
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "server never accepted connections"
                time.sleep(0.05)
        assert response.json()["data"][0]["data"]["id"] == district["id"]
        assert info["redirect_uris"] == [callback]
        login = httpx.post(
            f"{info['base_url']}/oauth/authorize",
            data={"response_type": "code", "client_id": str(info["client_id"]), "redirect_uri": callback},
        )
        assert login.status_code == 400  # no user chosen, but the redirect URI itself was accepted
        assert "redirect_uri" not in login.text
        home = httpx.get(f"{info['base_url']}/")
        sign_in_page = httpx.get(str(info["sign_in_url"]))
    finally:
        process.send_signal(signal.SIGINT)
        stdout, _ = process.communicate(timeout=30)
    assert f"district {district['id']}  {district['name']}  token {district['token']}" in stdout
    assert str(info["base_url"]) in stdout
    assert str(info["client_secret"]) in stdout
    assert f"OAuth redirect URIs {callback}" in stdout
    assert f"data browser {info['base_url']}/browser" in stdout
    assert f"OAuth sign-in {info['sign_in_url']}" in stdout
    assert f"{info['base_url']}/oauth/authorize?response_type=code" in str(info["sign_in_url"])
    assert home.status_code == 200
    assert "/browser" in home.text
    assert sign_in_page.status_code == 200


def test_a_missing_sftp_directory_is_a_roster_error(tmp_path: Path) -> None:
    result = run_rollcall("emulator", "serve", "--sftp", str(tmp_path / "nope"), "--port", "0")
    assert result.returncode == 3
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_port_in_use_is_a_usage_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = run_rollcall("emulator", "serve", "--port", str(busy.getsockname()[1]))
    assert result.returncode == 2
    assert "already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_snapshot_file_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"district": 3}')
    result = run_rollcall("emulator", "serve", "--snapshot", str(broken), "--port", "0")
    assert result.returncode == 3
    assert "broken.json" in result.stderr


def test_serve_injects_the_faults_and_rate_limit_it_is_given(tmp_path: Path) -> None:
    tokens_file = tmp_path / "tokens.json"
    process = _start(
        "--generate-students", "20", "--seed", "3", "--port", "0", "--tokens-file", str(tokens_file),
        "--fault", "503@/v3.1/schools*:count=1", "--rate-limit", "3",
        # A fixed clock: on real time the five requests may straddle a rate-limit window on a loaded machine.
        "--clock", "2026-09-01T00:00:00Z",
    )  # fmt: skip
    try:
        info = _wait_for(tokens_file, process)
        (district,) = info["districts"]  # type: ignore[misc]
        headers = {"Authorization": f"Bearer {district['token']}"}
        deadline = time.monotonic() + 20
        while True:
            try:
                first = httpx.get(f"{info['base_url']}/v3.1/schools", headers=headers)
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "server never accepted connections"
                time.sleep(0.05)
        statuses = [first.status_code] + [
            httpx.get(f"{info['base_url']}/v3.1/schools", headers=headers).status_code for _ in range(4)
        ]
    finally:
        process.send_signal(signal.SIGINT)
        stdout, _ = process.communicate(timeout=30)
    # the fault fires once and spends no budget; then 3 requests pass and the 4th is rate limited
    assert statuses == [503, 200, 200, 200, 429]
    assert "faults: 503@/v3.1/schools*:count=1" in stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fault", "nonsense"], "fault"),
        (["--rate-limit", "0"], "--rate-limit"),
        (["--redirect-uri", "app.example/cb"], "app.example/cb"),
    ],
)
def test_bad_fault_specs_and_rate_limits_are_usage_errors(args: list[str], message: str) -> None:
    result = run_rollcall("emulator", "serve", "--port", "0", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_clock_that_is_not_an_iso_time_is_a_usage_error() -> None:
    result = run_rollcall("emulator", "serve", "--clock", "next tuesday", "--port", "0")
    assert result.returncode == 2
    assert "--clock 'next tuesday' is not an ISO 8601 time" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_served_clock_keeps_real_time_unless_fixed_and_either_can_be_moved_ahead() -> None:
    from rollcall.cli.emulator import parse_clock
    from rollcall.emulator.data.state import EmulatorState

    real = EmulatorState(clock=parse_clock(None))
    assert abs(real.clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    moved = real.advance_clock(dt.timedelta(days=3))
    assert moved - dt.datetime.now(dt.UTC) > dt.timedelta(days=2, hours=23)
    fixed = EmulatorState(clock=parse_clock("2026-09-01T00:00:00"))  # no zone given: UTC
    assert fixed.clock.now() == dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
