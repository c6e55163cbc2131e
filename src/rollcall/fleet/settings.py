"""The fleet's settings from the environment (`ROLLCALL_CLIENT_ID`, `ROLLCALL_CLIENT_SECRET`,
`ROLLCALL_CLEVER_URL`, `ROLLCALL_OAUTH_URL`), read once at a worker's or a command's entry."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from rollcall.client import DEFAULT_BASE_URL
from rollcall.client.oauth import CLEVER_OAUTH_BASE
from rollcall.errors import UsageError
from rollcall.fleet.config import FleetConfig


class FleetSettings(BaseSettings):
    """The app's OAuth client and Clever's addresses. District tokens are not settings: each job fetches its
    district's token from `/oauth/tokens` when it runs."""

    model_config = SettingsConfigDict(env_prefix="ROLLCALL_", extra="ignore")

    client_id: str | None = None
    client_secret: SecretStr | None = None
    clever_url: str = DEFAULT_BASE_URL
    oauth_url: str | None = None  # default: Clever's OAuth host, or clever_url when that is not Clever's API

    def config(self, **overrides: object) -> FleetConfig:
        """The fleet config; UsageError names the variable that is missing."""
        if not self.client_id or self.client_secret is None or not self.client_secret.get_secret_value():
            raise UsageError(
                "the fleet lists districts and fetches their tokens with the app's OAuth client: set "
                "ROLLCALL_CLIENT_ID and ROLLCALL_CLIENT_SECRET"
            )
        oauth_url = self.oauth_url or (
            CLEVER_OAUTH_BASE if self.clever_url == DEFAULT_BASE_URL else self.clever_url
        )
        values: dict[str, object] = {
            "client_id": self.client_id,
            "client_secret": self.client_secret.get_secret_value(),
            "clever_url": self.clever_url,
            "oauth_url": oauth_url,
            **{key: value for key, value in overrides.items() if value is not None},
        }
        return FleetConfig(**values)  # type: ignore[arg-type]
