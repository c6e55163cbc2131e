"""The operators' migration dashboard over the migrate scenario's vendor database: plan, the tables a
person decides on, apply with progress, verify, the downloads, rollback — and the door shut to others."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.migrate import scenario
from tests.web.harness import Harness, build_harness

PASSWORD = "operator-pass-123"


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Harness]:
    legacy = f"sqlite:///{tmp_path}/app.db"
    truth = f"sqlite:///{tmp_path}/truth.db"
    scenario.build_legacy(legacy)
    scenario.write_truth(truth)
    config = scenario.write_config(tmp_path / "migrate.toml", legacy, truth)
    harness = build_harness(tmp_path, operator_password=PASSWORD, migrate_config=config)
    with harness.browser:
        page = harness.browser.get("/operator/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert csrf is not None
        answer = harness.browser.post(
            "/operator/login", data={"password": PASSWORD, "csrf_token": csrf.group(1)}
        )
        assert answer.status_code == 200
        yield harness
    harness.store.close()


def _csrf(web: Harness) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', web.browser.get("/operator").text)
    assert found is not None
    return found.group(1)


def _wait(web: Harness) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job: dict[str, object] = web.browser.get("/operator/progress").json()
        if not job["running"]:
            return job
        time.sleep(0.1)
    raise AssertionError("the migration job did not finish in 60 s")


def _state(web: Harness) -> object:
    return web.browser.get("/api/migration/status").json()["state"]


def test_plan_apply_verify_download_rollback(desk: Harness) -> None:
    assert _state(desk) == "not_planned"
    csrf = _csrf(desk)
    desk.browser.post("/operator/plan", data={"csrf_token": csrf})
    job = _wait(desk)
    assert job["error"] is None
    assert job["steps"]
    page = desk.browser.get("/operator").text
    assert 'id="merges"' in page
    assert "u-robin" in page
    assert 'id="orphans"' in page
    assert "t-gone" in page
    assert _state(desk) == "planned"

    refused = desk.browser.post("/operator/apply", data={"csrf_token": csrf})
    assert "Tick the box" in refused.text
    assert _state(desk) == "planned"
    desk.browser.post("/operator/apply", data={"csrf_token": csrf, "confirm": "yes"})
    job = _wait(desk)
    assert job["error"] is None, job
    assert job["kind"] == "apply"
    assert _state(desk) == "applied"

    desk.browser.post("/operator/verify", data={"csrf_token": csrf})
    job = _wait(desk)
    assert (job["kind"], job["error"], job["outcome"]) == ("verify", None, "All invariants hold.")
    assert job["steps"]
    page = desk.browser.get("/operator").text
    assert "All invariants hold." in page
    assert "all invariants hold" in page  # the verify report's own line, kept for the HTML report

    mapping = desk.browser.get("/operator/map.csv")
    assert mapping.headers["content-type"].startswith("text/csv")
    assert "attachment" in mapping.headers["content-disposition"]
    lines = mapping.text.splitlines()
    assert lines[0] == "role_id,user_id,role,account_key"
    assert any(line.startswith("t-robin,u-robin,") for line in lines)
    report = desk.browser.get("/operator/report.html")
    assert report.status_code == 200
    assert "<html" in report.text.lower()

    desk.browser.post("/operator/rollback", data={"csrf_token": csrf, "confirm": "yes"})
    job = _wait(desk)
    assert job["error"] is None, job
    assert _state(desk) == "rolled_back"


def test_dashboard_actions_need_the_csrf_token_and_an_operator(desk: Harness) -> None:
    assert desk.browser.post("/operator/plan", data={}).status_code == 403
    assert desk.browser.get("/operator/progress").json()["running"] is False
    desk.browser.cookies.clear()
    assert desk.browser.get("/operator/progress").status_code == 403
    assert desk.browser.get("/operator/map.csv", follow_redirects=False).status_code == 303
    assert desk.browser.get("/api/migration/status").status_code == 403
    assert desk.browser.post("/operator/plan", data={}, follow_redirects=False).status_code == 303


def test_a_broken_config_is_a_clear_message_not_a_traceback(desk: Harness, tmp_path: Path) -> None:
    (tmp_path / "migrate.toml").write_text("[legacy\n", encoding="utf-8")
    page = desk.browser.get("/operator")
    assert page.status_code == 200
    assert "migrate.toml" in page.text
    assert 'role="alert"' in page.text
    assert desk.browser.get("/api/migration/status").status_code == 409
