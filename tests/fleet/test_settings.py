"""The fleet's settings: read from ROLLCALL_* variables once, the secret never shown."""

from __future__ import annotations

import pytest

from rollcall.client.oauth import CLEVER_OAUTH_BASE
from rollcall.errors import UsageError
from rollcall.fleet.settings import FleetSettings


def test_credentials_and_urls_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLLCALL_CLIENT_ID", "app-id")
    monkeypatch.setenv("ROLLCALL_CLIENT_SECRET", "s3cret-value")
    monkeypatch.setenv("ROLLCALL_CLEVER_URL", "http://127.0.0.1:9999")
    config = FleetSettings().config(page_size=50, max_attempts=None)
    assert (config.client_id, config.client_secret, config.page_size) == ("app-id", "s3cret-value", 50)
    assert config.oauth_url == "http://127.0.0.1:9999"  # not Clever's API: OAuth is served there too
    assert config.max_attempts == 5  # an option left unset keeps the default
    assert "s3cret-value" not in repr(config)


def test_clever_s_own_api_takes_clever_s_oauth_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLLCALL_CLIENT_ID", "app-id")
    monkeypatch.setenv("ROLLCALL_CLIENT_SECRET", "s3cret-value")
    monkeypatch.delenv("ROLLCALL_CLEVER_URL", raising=False)
    monkeypatch.delenv("ROLLCALL_OAUTH_URL", raising=False)
    assert FleetSettings().config().oauth_url == CLEVER_OAUTH_BASE


def test_missing_credentials_name_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROLLCALL_CLIENT_ID", raising=False)
    monkeypatch.setenv("ROLLCALL_CLIENT_SECRET", "s3cret-value")
    with pytest.raises(UsageError, match="ROLLCALL_CLIENT_ID"):
        FleetSettings().config()
