"""The emulator's HTML pages in a real headless Chromium over loopback HTTP: a person signing in through the
OAuth login page, the data browser's v2/v3 toggle and search, and escaping of hostile names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from rollcall.client import CleverClient, HttpOptions
from rollcall.client.oauth import CodeGrant, authorize_url, exchange_code
from rollcall.domain.record import Name
from rollcall.domain.user import Roles, Staff, Teacher, User
from rollcall.emulator import Emulator
from tests.chromium import launched_chromium, new_page, require_chromium
from tests.factories import sign_in as fx

pytestmark = pytest.mark.browser

WAIT_MS = 5_000
HOSTILE = "6a00000000000000000000ee"
HOSTILE_FIRST = "<script>window.__pwned = 1</script>"
HOSTILE_LAST = '<img src=x onerror="window.__pwned = 2">'


require_chromium()
from playwright.sync_api import Browser, Page, expect  # noqa: E402 (after the check that skips without it)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched_chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with new_page(browser, width=1280, height=900, wait_ms=WAIT_MS) as opened:
        yield opened


def hostile_person() -> User:
    return User(
        id=HOSTILE, district=fx.DISTRICT, name=Name(first=HOSTILE_FIRST, last=HOSTILE_LAST),
        email="x@example.org",
        roles=Roles(
            teacher=Teacher(
                sis_id="T666", school=fx.SCHOOL_A, schools=[fx.SCHOOL_A], legacy_id="5a00000000000000000000e1"
            ),
            staff=Staff(staff_id="S666", schools=[fx.SCHOOL_B], legacy_id="5a00000000000000000000e2"),
        ),
    )  # fmt: skip


@pytest.fixture
def base_url() -> Iterator[str]:
    """The hand-built district (Robin is teacher + staff) plus a hostile name, served on loopback."""
    emulator = Emulator(seed="browser-tests")
    emulator.load_snapshot(fx.snapshot([*fx.people(), hostile_person()]))
    with emulator, emulator.serve_in_thread() as url:
        yield url


def test_a_person_signs_in_as_staff_and_the_app_gets_the_full_multi_role_user(page: Page) -> None:
    emulator = Emulator(seed="browser-login")
    emulator.load_snapshot(fx.snapshot())
    tokens = emulator.state.tokens
    redirect_uri = tokens.redirect_uris[0]
    # The vendor's callback is not running here: the browser's request to it is answered in-browser,
    # so the final URL is the redirect the emulator sent.
    page.route(redirect_uri + "*", lambda route: route.fulfill(status=200, body="callback reached"))
    with emulator, emulator.serve_in_thread() as base:
        page.goto(authorize_url(tokens.client_id, redirect_uri, state="csrf-7", nonce="n-7", base=base))
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with Clever (emulator)")
        page.get_by_label("Name or email").fill("robin")
        page.get_by_role("button", name="Filter").click()
        rows = page.locator("tbody tr")
        expect(rows).to_have_count(1)
        page.locator(f"#role-{fx.ROBIN}").select_option("staff")
        page.get_by_role("button", name="Sign in as Robin M Plant").click()
        page.wait_for_url(re.compile("^" + re.escape(redirect_uri) + r"\?"))
        expect(page.locator("body")).to_have_text("callback reached")
        query = parse_qs(urlsplit(page.url).query)
        assert query["state"] == ["csrf-7"]
        exchanged = exchange_code(
            CodeGrant(
                query["code"][0],
                redirect_uri,
                tokens.client_id,
                tokens.client_secret,
                token_url=f"{base}/oauth/tokens",
            ),
            HttpOptions(timeout=5.0),
        )
        with CleverClient(exchanged.access_token, base_url=base, options=HttpOptions(timeout=5.0)) as client:
            me = client.me()
    assert me.identity.type == "staff"
    assert me.user.id == fx.ROBIN
    assert me.user.role_names() == ("teacher", "staff")


def test_v2_v3_toggle_shows_one_record_per_role_or_one_user(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/browser")
    page.get_by_role("link", name="Maple Unified").click()
    page.get_by_role("link", name="v3 view").click()
    robin_v3 = page.locator("tbody tr", has_text="Robin M Plant")
    expect(robin_v3).to_have_count(1)
    expect(robin_v3).to_contain_text(fx.ROBIN_TEACHER_LEGACY)
    expect(robin_v3).to_contain_text(fx.ROBIN_STAFF_LEGACY)
    page.get_by_role("link", name="v2 (one record per role)").click()
    expect(page).to_have_url(re.compile(r"view=v2"))
    robin_v2 = page.locator("tbody tr", has_text="Robin M Plant")
    expect(robin_v2).to_have_count(2)
    expect(robin_v2.nth(0)).to_contain_text("teachers")
    expect(robin_v2.nth(0)).to_contain_text(fx.ROBIN_TEACHER_LEGACY)
    expect(robin_v2.nth(1)).to_contain_text("school_admins")  # v2 calls staff school admins
    expect(robin_v2.nth(1)).to_contain_text(fx.ROBIN_STAFF_LEGACY)
    page.get_by_role("link", name="v3 (one user, all roles)").click()
    expect(page.locator("tbody tr", has_text="Robin M Plant")).to_have_count(1)


def test_searching_a_legacy_id_finds_the_person(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/browser/{fx.DISTRICT}/people?view=v3")
    page.get_by_label("Name, email, id or legacy id").fill(fx.ROBIN_STAFF_LEGACY)
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(re.escape(fx.ROBIN_STAFF_LEGACY)))
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Robin M Plant")
    rows.get_by_role("link", name="Robin M Plant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Robin M Plant")


def test_markup_in_a_name_is_shown_as_text_and_never_runs(page: Page, base_url: str) -> None:
    for path in (
        f"/browser/{fx.DISTRICT}/people?view=v3",
        f"/browser/{fx.DISTRICT}/people?view=v2",
        f"/browser/{fx.DISTRICT}/people/{HOSTILE}",
    ):
        page.goto(base_url + path)
        expect(page.locator("main")).to_contain_text(HOSTILE_FIRST)
        assert page.evaluate("typeof window.__pwned") == "undefined", path


def test_markup_in_a_name_on_the_login_page_never_runs(page: Page) -> None:
    emulator = Emulator(seed="browser-hostile-login")
    emulator.load_snapshot(fx.snapshot([*fx.people(), hostile_person()]))
    tokens = emulator.state.tokens
    with emulator, emulator.serve_in_thread() as base:
        page.goto(authorize_url(tokens.client_id, tokens.redirect_uris[0], state="s", base=base))
        expect(page.locator("tbody")).to_contain_text(HOSTILE_LAST)
        assert page.evaluate("typeof window.__pwned") == "undefined"


def test_screenshots_of_the_login_and_people_pages(page: Page, tmp_path: Path) -> None:
    """Screenshots of a generated district's pages, for a person to look at (pytest's tmp_path)."""
    emulator = Emulator(seed="browser-shots")
    district = emulator.load_generated(students=200, seed=1)
    tokens = emulator.state.tokens
    with emulator, emulator.serve_in_thread() as base:
        shots = {
            "login.png": authorize_url(tokens.client_id, tokens.redirect_uris[0], state="s", base=base),
            "people-v3.png": f"{base}/browser/{district}/people?view=v3",
            "people-v2.png": f"{base}/browser/{district}/people?view=v2",
        }
        for name, url in shots.items():
            page.goto(url)
            expect(page.locator("tbody tr").first).to_be_visible()
            # Nothing may overflow the page sideways (wide tables, long ids).
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name}: {overflow}px wider than the window"
            page.screenshot(path=tmp_path / name, full_page=False)
            assert (tmp_path / name).stat().st_size > 1_000
