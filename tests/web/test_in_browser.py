"""The whole story in Debian's headless Chromium over loopback HTTP: the emulator (with its OAuth page) and
the web app each served by uvicorn; a person signs in through Clever's page, meets the chooser and the
switcher, sees their sections, hits a forbidden page and signs out. Screenshots go to the test's tmp dir."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from rollcall.emulator import Emulator
from rollcall.emulator.server import serve_in_thread
from rollcall.store import Store
from rollcall.web import create_app
from tests.chromium import launched_chromium, new_page, require_chromium
from tests.web import district
from tests.web.harness import settings_for, sync_store

pytestmark = pytest.mark.browser

WAIT_MS = 10_000


require_chromium()
from playwright.sync_api import Browser, Locator, Page, expect  # noqa: E402 (after the check that skips without it)


@dataclass(frozen=True)
class Served:
    emulator: Emulator
    store: Store
    web_url: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The emulator and the web app on loopback, the store synced from the emulator."""
    emulator = Emulator(seed="web-browser")
    emulator.load_snapshot(district.snapshot())
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}")
    sync_store(emulator, store)
    port = _free_port()
    web_url = f"http://127.0.0.1:{port}"
    with emulator, emulator.serve_in_thread() as clever_url:
        settings = settings_for(emulator, "sqlite://unused", public_url=web_url)
        settings = type(settings)(**{**_fields(settings), "clever_url": clever_url, "oauth_url": clever_url})
        emulator.register_redirect_uri(settings.redirect_uri)
        app = create_app(settings, store=store, clock=emulator.state.clock)
        with serve_in_thread(app, "127.0.0.1", port):
            yield Served(emulator, store, web_url)
    store.close()


def _fields(settings: object) -> dict[str, object]:
    return {name: getattr(settings, name) for name in settings.__slots__}  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched_chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with new_page(browser, width=1100, height=800, wait_ms=WAIT_MS) as opened:
        yield opened


def _sign_in_with_clever(
    page: Page, served: Served, name: str, user_id: str, role: str | None = None
) -> None:
    """From the app's welcome page through the emulator's sign-in page and back."""
    page.goto(served.web_url + "/")
    page.get_by_role("link", name="Sign in with Clever").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with Clever (emulator)")
    page.get_by_label("Name or email").fill(name.split()[0].lower())
    page.get_by_role("button", name="Filter").click()
    if role is not None:
        page.locator(f"#role-{user_id}").select_option(role)
    page.get_by_role("button", name=f"Sign in as {name}").click()
    page.wait_for_url(re.compile("^" + re.escape(served.web_url)))


def _shot(page: Page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def _switcher(page: Page) -> Locator:
    return page.get_by_role("region", name="Role switcher")


def test_teacher_and_staff_at_two_schools(page: Page, served: Served, tmp_path: Path) -> None:
    _sign_in_with_clever(page, served, "Robin Plant", district.ROBIN, role="staff")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a role")
    expect(page.get_by_role("button", name="Continue as Teacher")).to_be_visible()
    expect(page.get_by_role("button", name="Continue as Staff member")).to_be_visible()
    _shot(page, tmp_path, "1-chooser")

    page.get_by_role("button", name="Continue as Teacher").click()
    expect(_switcher(page)).to_contain_text("You're logged in as a Teacher.")
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="My sections").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Math 5")
    expect(rows.first).to_contain_text("Alder Elementary")
    _shot(page, tmp_path, "2-teacher-sections")

    # The switcher works from the keyboard: Tab to it, Enter.
    switch = page.get_by_role("button", name="Switch to Staff view →")
    for _ in range(30):
        if switch.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("the switcher cannot be reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(_switcher(page)).to_contain_text("You're logged in as a Staff member.")
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Sections").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator("tbody")).to_contain_text("Science 7")
    expect(page.locator("tbody")).to_contain_text("Art 7")
    expect(page.locator("tbody")).not_to_contain_text("Math 5")
    _shot(page, tmp_path, "3-staff-sections")

    answer = page.goto(f"{served.web_url}/sections/{district.SCIENCE}/edit")
    assert answer is not None
    assert answer.status == 403
    expect(page.get_by_role("alert")).to_contain_text(
        "Robin Plant, acting as staff, may not edit section Science 7"
    )
    _shot(page, tmp_path, "4-forbidden")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    answer = page.goto(f"{served.web_url}/sections")
    expect(page.get_by_role("link", name="Sign in with Clever")).to_be_visible()


def test_district_admin_who_teaches(page: Page, served: Served, tmp_path: Path) -> None:
    _sign_in_with_clever(page, served, "Pat Lead", district.PAT, role="district_admin")
    page.get_by_role("button", name="Continue as District admin").click()
    expect(_switcher(page)).to_contain_text("You're logged in as a District admin.")
    page.get_by_role("link", name="District", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maple Unified")
    expect(page.locator("main")).to_contain_text("Birch Middle")
    _shot(page, tmp_path, "admin-district")
    page.goto(f"{served.web_url}/people")  # the whole district, walked off the index's name order
    expect(page.locator("tbody")).to_contain_text("Pat Lead")
    _shot(page, tmp_path, "admin-people")

    page.get_by_role("button", name="Switch to Teacher view →").click()
    expect(_switcher(page)).to_contain_text("You're logged in as a Teacher.")
    page.get_by_role("link", name="My sections").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("Science 7")
    answer = page.goto(f"{served.web_url}/district")
    assert answer is not None
    assert answer.status == 403
    expect(page.get_by_role("alert")).to_contain_text("Pat Lead, acting as teacher, may not view district")
    _shot(page, tmp_path, "admin-as-teacher-forbidden")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You are signed out.")


def test_contact_of_three_students(page: Page, served: Served, tmp_path: Path) -> None:
    _sign_in_with_clever(page, served, "Grace Hopper", district.GRACE)
    expect(_switcher(page)).to_contain_text("You're logged in as a Contact.")
    expect(_switcher(page)).not_to_contain_text("Switch to")
    page.get_by_role("link", name="My students").click()
    expect(page.locator("tbody tr")).to_have_count(3)
    for name in ("Ada Student", "Ben Student", "Cy Student"):
        expect(page.locator("tbody")).to_contain_text(name)
    _shot(page, tmp_path, "contact-students")
    page.get_by_role("link", name="Ada Student").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Student")
    answer = page.goto(f"{served.web_url}/people/{district.DEE}")
    assert answer is not None
    assert answer.status == 403
    expect(page.get_by_role("alert")).to_contain_text(
        "Grace Hopper, acting as contact, may not view Dee Student"
    )
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You are signed out.")


@pytest.fixture
def operator_url(tmp_path: Path) -> Iterator[str]:
    """A web app whose operators drive the migrate scenario's vendor database."""
    from tests.migrate import scenario

    legacy, truth = f"sqlite:///{tmp_path}/app.db", f"sqlite:///{tmp_path}/truth.db"
    scenario.build_legacy(legacy)
    scenario.write_truth(truth)
    config = scenario.write_config(tmp_path / "migrate.toml", legacy, truth, batch_size=1)
    emulator = Emulator(seed="web-operator")
    store = Store.open(truth)
    settings = settings_for(emulator, truth, operator_password=OPERATOR_PASSWORD, migrate_config=config)
    with serve_in_thread(create_app(settings, store=store), "127.0.0.1", 0) as url:
        yield url
    store.close()


OPERATOR_PASSWORD = "operator-pass-123"


def test_operator_plans_and_applies_with_live_progress(page: Page, operator_url: str, tmp_path: Path) -> None:
    page.goto(operator_url + "/operator")
    page.get_by_label("Operator password").fill(OPERATOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Migration dashboard")
    expect(page.locator("#state")).to_have_text("not_planned")
    page.get_by_role("button", name="Plan", exact=True).click()
    expect(page.locator("#merges")).to_contain_text("u-robin")  # the script reloads once the plan is done
    expect(page.locator("#state")).to_have_text("planned")
    _shot(page, tmp_path, "operator-plan")
    page.get_by_label("apply plan").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#progress h2")).to_contain_text("Apply finished")
    expect(page.locator("#state")).to_have_text("applied")
    _shot(page, tmp_path, "operator-applied")
    page.get_by_role("button", name="Verify").click()  # a job too: the page follows it, then reloads
    expect(page.locator("#progress h2")).to_contain_text("Verify finished")
    expect(page.locator("#progress p")).to_have_text("All invariants hold.")
    _shot(page, tmp_path, "operator-verified")
