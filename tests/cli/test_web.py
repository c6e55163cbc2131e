"""`rollcall web serve`: serves the app on a real socket, keeps a generated session secret in a 0600 file and
never prints it; bad settings are one clear line, never a traceback."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.cli.run import SOURCES, run_rollcall


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_web_serve_serves_the_app_and_keeps_the_session_secret_in_a_private_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(SOURCES),
        "ROLLCALL_CLIENT_ID": "client-1",
        "ROLLCALL_CLIENT_SECRET": "client-secret-xyz",
        "ROLLCALL_DB_URL": f"sqlite:///{tmp_path / 'web.db'}",
    }
    args = ["web", "serve", "--port", str(port), "--clever-url", "http://127.0.0.1:9",
            "--session-secret-file", str(secret_file)]  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "rollcall", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        page = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert page is not None, process.stderr.read() if process.stderr else ""
        assert page.status_code == 200
        assert "Sign in with Clever" in page.text
        login = httpx.get(f"http://127.0.0.1:{port}/login", timeout=5)
        assert login.status_code == 302
        assert login.headers["location"].startswith("http://127.0.0.1:9/oauth/authorize?")
    finally:
        process.terminate()
        stdout, stderr = process.communicate(timeout=15)
    secret = secret_file.read_text().strip()
    assert len(secret) >= 32
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert f"rollcall web at http://127.0.0.1:{port}" in stdout
    assert f"http://127.0.0.1:{port}/auth/clever/callback" in stdout
    assert secret not in stdout + stderr
    assert "client-secret-xyz" not in stdout + stderr
    assert "Traceback" not in stderr


def test_web_serve_refuses_bad_settings_with_one_line(tmp_path: Path) -> None:
    common = ["--client-id", "c", "--client-secret", "s", "--db", f"sqlite:///{tmp_path / 'w.db'}",
              "--session-secret-file", str(tmp_path / "secret")]  # fmt: skip
    bad_url = run_rollcall("web", "serve", *common, "--clever-url", "ftp://nowhere")
    assert bad_url.returncode == 2
    assert "clever-url must be an absolute http(s) URL" in bad_url.stderr
    assert "Traceback" not in bad_url.stderr
    no_config = run_rollcall("web", "serve", *common, "--migrate-config", str(tmp_path / "missing.toml"))
    assert no_config.returncode == 2
    assert "--migrate-config" in no_config.stderr
    short = tmp_path / "short"
    short.write_text("abc\n")
    too_short = run_rollcall("web", "serve", *common[:-2], "--session-secret-file", str(short))
    assert too_short.returncode == 2
    assert "fewer than 16 characters" in too_short.stderr
    missing = run_rollcall("web", "serve", "--db", "sqlite://")
    assert missing.returncode == 2
    assert "--client-id" in missing.stderr
