"""Debian's Chromium for the browser tests: where it is, how it is launched, and the rule that CI must really
run them (a missing browser fails under CI and skips elsewhere)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path(os.environ.get("ROLLCALL_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps dialling Google's hosts, which this machine refuses.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
    "--no-first-run", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so browser tests may not be skipped)")
    pytest.skip(reason, allow_module_level=True)


def require_chromium() -> None:
    """Skip the calling module or test (fail under CI) when Chromium or Python Playwright is missing."""
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}; install Debian's: apt-get install -y chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the machine
        _unavailable("Python Playwright is not installed; pip install -e '.[dev]'")


@contextmanager
def launched_chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000
        )
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def new_page(browser: Browser, *, width: int, height: int, wait_ms: int) -> Iterator[Page]:
    """A page in a fresh context (no cookies shared between tests) waiting at most `wait_ms` for anything."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(wait_ms)
    context.set_default_navigation_timeout(wait_ms)
    try:
        yield context.new_page()
    finally:
        context.close()
