"""A web app wired to an in-process emulator serving `district.snapshot()` and a SQLite store synced from
it, plus the steps of a Clever sign-in as a browser would take them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import FastAPI
from starlette.testclient import TestClient

from rollcall.client import CleverClient, HttpOptions
from rollcall.emulator import Emulator
from rollcall.store import Store
from rollcall.sync import sync_district
from rollcall.web import WebSettings, create_app
from tests.web import district

PUBLIC_URL: Final = "http://127.0.0.1:8000"
REDIRECT_URI: Final = PUBLIC_URL + "/auth/clever/callback"
SESSION_SECRET: Final = "test-session-secret-0123456789abcdef"


def settings_for(emulator: Emulator, db_url: str, **overrides: object) -> WebSettings:
    values: dict[str, object] = {
        "client_id": emulator.state.tokens.client_id,
        "client_secret": emulator.state.tokens.client_secret,
        "session_secret": SESSION_SECRET,
        "db_url": db_url,
        "public_url": PUBLIC_URL,
        "clever_url": emulator.base_url,
        "oauth_url": emulator.base_url,
    }
    values.update(overrides)
    return WebSettings(**values)  # type: ignore[arg-type]


def sync_store(emulator: Emulator, store: Store, mode: str = "full") -> None:
    token = emulator.district_token(district.DISTRICT)
    with CleverClient(
        token,
        api_version="v3.1",
        base_url=emulator.base_url,
        options=HttpOptions(transport=emulator.sync_transport()),
    ) as client:
        sync_district(client, store, mode=mode)  # type: ignore[arg-type]


@dataclass
class Harness:
    emulator: Emulator
    store: Store
    app: FastAPI
    browser: TestClient

    def clever(self) -> httpx.Client:
        """The browser's view of the emulator (no cookies shared with the app, as across two sites)."""
        return httpx.Client(transport=self.emulator.sync_transport(), base_url=self.emulator.base_url)

    def start(self) -> dict[str, str]:
        """`GET /login`: the authorize parameters the app sent the browser to Clever with."""
        answer = self.browser.get("/login", follow_redirects=False)
        assert answer.status_code == 302, answer.text
        location = answer.headers["location"]
        assert location.startswith(self.emulator.base_url + "/oauth/authorize?")
        return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}

    def authorize(self, params: dict[str, str], user_id: str, role: str) -> str:
        """Pick a person on the emulator's sign-in page; returns the callback URL Clever redirects to."""
        with self.clever() as clever:
            answer = clever.post("/oauth/authorize", data={**params, "user_id": user_id, "role": role})
        assert answer.status_code == 302, answer.text
        return answer.headers["location"]

    def callback(self, url: str) -> httpx.Response:
        parts = urlsplit(url)
        return self.browser.get(f"{parts.path}?{parts.query}", follow_redirects=False)

    def sign_in(self, user_id: str, role: str) -> httpx.Response:
        """The whole flow; returns the callback's answer (303 to / when it worked)."""
        return self.callback(self.authorize(self.start(), user_id, role))

    def csrf(self) -> str:
        token: str = self.browser.get("/api/me").json()["csrf_token"]
        return token

    def act_as(self, role: str) -> None:
        answer = self.browser.post(
            "/role", data={"role": role, "csrf_token": self.csrf()}, follow_redirects=False
        )
        assert answer.status_code == 303, answer.text

    def sign_in_as(self, user_id: str, role: str) -> None:
        """Signed in and acting as `role` (chosen when the person holds several)."""
        assert self.sign_in(user_id, role).status_code == 303
        self.act_as(role)


def build_harness(tmp_path: Path, **overrides: object) -> Harness:
    emulator = Emulator(seed="web-tests", redirect_uris=(REDIRECT_URI,))
    emulator.load_snapshot(district.snapshot())
    store = Store.open(f"sqlite:///{tmp_path / 'web.db'}")
    sync_store(emulator, store)
    settings = settings_for(emulator, "sqlite://unused", **overrides)
    app = create_app(settings, store=store, clock=emulator.state.clock, transport=emulator.async_transport())
    browser = TestClient(app, base_url=PUBLIC_URL)
    return Harness(emulator=emulator, store=store, app=app, browser=browser)
