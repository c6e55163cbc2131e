"""`rollcall demo --serve`: both servers on loopback, the people to sign in as printed, a real sign-in
through the emulator's page into the web app, and a clean stop on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from urllib.parse import urlencode, urlsplit

import httpx
import pytest

from tests.cli.run import SOURCES

pytestmark = pytest.mark.slow


def _read_until(process: subprocess.Popen[str], marker: str, seconds: float) -> str:
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    process.kill()
    raise AssertionError("demo --serve never became ready:\n" + "".join(seen))


def test_demo_serve_lets_a_person_sign_in_and_stops_on_ctrl_c() -> None:
    env = {**os.environ, "PYTHONPATH": str(SOURCES), "COLUMNS": "200"}
    process = subprocess.Popen(
        [sys.executable, "-m", "rollcall", "demo", "--serve", "-n", "300", "--port", "0",
         "--emulator-port", "0"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        printed = _read_until(process, "Press Ctrl-C", 120)
        web_url = re.search(r"web app\s+(http://127\.0\.0\.1:\d+)", printed)
        clever_url = re.search(r"emulator\s+(http://127\.0\.0\.1:\d+)", printed)
        assert web_url is not None
        assert clever_url is not None
        assert "teacher + staff" in printed
        assert "district admin who teaches" in printed
        contact = re.search(r"contact of (\d+) students\s*│\s*([^│]+?)\s*│", printed)
        assert contact is not None
        assert int(contact.group(1)) >= 2
        with httpx.Client(timeout=10) as browser:
            login = browser.get(web_url.group(1) + "/login")
            assert login.status_code == 302
            authorize = login.headers["location"]
            assert authorize.startswith(clever_url.group(1) + "/oauth/authorize?")
            page = browser.get(authorize + "&" + urlencode({"q": contact.group(2), "role": "contact"}))
            user_id = re.search(r'name="user_id" value="([0-9a-f]{24})"', page.text)
            assert user_id is not None, page.text[-3000:]
            params = dict(httpx.QueryParams(urlsplit(authorize).query))
            chosen = browser.post(
                clever_url.group(1) + "/oauth/authorize",
                data={**params, "user_id": user_id.group(1), "role": "contact"},
            )
            assert chosen.status_code == 302
            home = browser.get(chosen.headers["location"], follow_redirects=True)
            assert home.status_code == 200
            assert f"Signed in as <strong>{contact.group(2)}</strong>" in home.text
            assert "You're logged in as a Contact." in home.text
            students = browser.get(web_url.group(1) + "/people")
            assert students.text.count('<td><a href="/people/') == int(contact.group(1))
        operator = re.search(r"operators\s+(http://\S+/operator)\s+password\s+(\S+)", printed)
        assert operator is not None
        with httpx.Client(timeout=10) as desk:
            form = desk.get(operator.group(1) + "/login").text
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
            assert csrf is not None
            dashboard = desk.post(
                operator.group(1) + "/login",
                data={"password": operator.group(2), "csrf_token": csrf.group(1)},
                follow_redirects=True,
            )
            assert dashboard.status_code == 200
            assert '<td id="state">rolled_back</td>' in dashboard.text  # the story rolled its migration back
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Traceback" not in stderr
