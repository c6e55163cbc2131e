"""`rollcall sync` pointed at the wrong place (issue 8 §3), as a user runs it: a real subprocess. Nobody
listening fails at once with one line naming the full URL; a URL without a scheme is a usage error; a base
URL ending in the version works; `--all-districts` finds the OAuth endpoints beside `--clever-url`."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from rollcall.emulator import Emulator
from tests.cli.run import run_rollcall


@pytest.fixture
def served() -> Iterator[tuple[Emulator, str]]:
    with Emulator(seed="cli-where") as emu:
        emu.load_generated(students=40, seed=1)
        emu.load_generated(students=30, seed=2)
        with emu.serve_in_thread() as url:
            yield emu, url


def test_nobody_listening_fails_at_once_with_one_line_naming_the_full_url(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_rollcall(
        "sync",
        "--clever-url",
        f"http://127.0.0.1:{port}",
        "--token",
        "t",
        "--db",
        f"sqlite:///{tmp_path}/r.db",
    )
    assert result.returncode == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # no retry warnings, no "gave up" line: the error says it all
    assert f"cannot reach http://127.0.0.1:{port}/v3.1/districts?limit=10000" in lines[0]
    assert not (tmp_path / "r.db").exists()


@pytest.mark.parametrize("url", ["127.0.0.1:8080", "localhost"])
def test_a_clever_url_without_a_scheme_is_a_usage_error(tmp_path: Path, url: str) -> None:
    result = run_rollcall("sync", "--clever-url", url, "--token", "t", "--db", f"sqlite:///{tmp_path}/r.db")
    assert result.returncode == 2
    assert "must be an absolute http(s) URL" in result.stderr
    assert repr(url) in result.stderr


def test_a_clever_url_ending_in_the_version_is_accepted_and_another_version_refused(
    served: tuple[Emulator, str], tmp_path: Path
) -> None:
    emu, url = served
    token = emu.district_token(emu.state.district_ids()[0])
    db = f"sqlite:///{tmp_path}/r.db"
    same = run_rollcall("sync", "--clever-url", f"{url}/v3.1", "--token", token, "--db", db, "--dry-run")
    assert same.returncode == 0, same.stderr
    assert "full sync" in same.stdout
    other = run_rollcall("sync", "--clever-url", f"{url}/v3.0", "--token", token, "--db", db, "--dry-run")
    assert other.returncode == 2
    assert "ends in API version v3.0, but the client speaks v3.1" in other.stderr


def test_all_districts_without_oauth_url_lists_tokens_beside_the_clever_url(
    served: tuple[Emulator, str], tmp_path: Path
) -> None:
    emu, url = served
    tokens = emu.state.tokens
    result = run_rollcall(
        "sync", "--all-districts", "--client-id", tokens.client_id, "--client-secret", tokens.client_secret,
        "--clever-url", url, "--db", f"sqlite:///{tmp_path}/r.db", "--dry-run", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    planned = {d["plan"]["district_id"] for d in json.loads(result.stdout)["districts"]}
    assert planned == set(emu.state.district_ids())
