"""`GET /`: the emulator's home page links the data browser, the sign-in page and the control plane."""

from __future__ import annotations

import re
from html import unescape

import httpx

from rollcall.emulator import Emulator


def test_the_home_page_links_the_browser_and_a_working_sign_in_page(
    emulator: Emulator, anonymous: httpx.Client
) -> None:
    home = anonymous.get("/")
    assert home.status_code == 200
    assert home.headers["content-type"].startswith("text/html")
    links = [unescape(href) for href in re.findall(r'href="([^"]+)"', home.text)]
    assert "/browser" in links
    assert "/_emulator/districts" in links
    (sign_in,) = [link for link in links if link.startswith("/oauth/authorize?")]
    assert sign_in == emulator.sign_in_url("")
    assert f"client_id={emulator.state.tokens.client_id}" in sign_in
    assert "Sign in with Clever" in anonymous.get(sign_in).text
    assert anonymous.get("/browser").status_code == 200
    assert "2 districts loaded" in home.text
