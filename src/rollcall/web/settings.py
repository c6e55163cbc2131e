"""`WebSettings`: everything the web app needs to run, read once at the edge (the CLI) and handed to
`create_app`. The secrets are kept out of reprs; the session secret lives in a file when not given."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from rollcall.errors import UsageError

CALLBACK_PATH: Final = "/auth/clever/callback"
CLEVER_API_URL: Final = "https://api.clever.com"
CLEVER_OAUTH_URL: Final = "https://clever.com"
CLEVER_ISSUER: Final = "https://clever.com"
SESSION_SECRET_BYTES: Final = 32
API_VERSIONS: Final = ("v3.0", "v3.1")


@dataclass(frozen=True, slots=True)
class WebSettings:
    """How the web app reaches Clever, the store and its operators.

    `clever_url` is the API (`/me`, `/v3.x/users`), `oauth_url` serves `/oauth/authorize` and
    `/oauth/tokens` — the same names as `rollcall sync`'s options; both are the emulator's base URL when
    running against it. `combined_view` signs a multi-role person
    into the union of their roles instead of showing the chooser (the seeds' two options).
    """

    client_id: str
    client_secret: str = field(repr=False)
    session_secret: str = field(repr=False)
    db_url: str = field(repr=False)
    public_url: str
    clever_url: str = CLEVER_API_URL
    oauth_url: str = CLEVER_OAUTH_URL
    api_version: str = "v3.1"
    issuer: str = CLEVER_ISSUER
    combined_view: bool = False
    operator_password: str | None = field(default=None, repr=False)
    migrate_config: Path | None = None
    access_policy: Path | None = None  # the access engine's policy file (None: the default policy)

    def __post_init__(self) -> None:
        for name in ("client_id", "client_secret", "session_secret", "db_url"):
            if not getattr(self, name):
                raise UsageError(f"the web app needs a non-empty {name.replace('_', '-')}")
        for name in ("public_url", "clever_url", "oauth_url"):
            check_base_url(name.replace("_", "-"), getattr(self, name))
        if self.api_version not in API_VERSIONS:
            raise UsageError(
                f"api-version must be one of {', '.join(API_VERSIONS)}, got {self.api_version!r}"
            )
        if len(self.session_secret) < 16:
            raise UsageError("the session secret must be at least 16 characters")

    @property
    def redirect_uri(self) -> str:
        """Where Clever sends the browser back: `{public_url}/auth/clever/callback`."""
        return self.public_url.rstrip("/") + CALLBACK_PATH

    @property
    def https(self) -> bool:
        """Cookies are marked Secure when the public URL is https."""
        return urlsplit(self.public_url).scheme == "https"


def default_oauth_url(clever_url: str) -> str:
    """Clever's OAuth host for Clever's API host; any other API (the emulator) serves OAuth itself."""
    return CLEVER_OAUTH_URL if clever_url.rstrip("/") == CLEVER_API_URL else clever_url


def check_base_url(name: str, value: str) -> None:
    """UsageError unless `value` is an absolute http(s) URL without query or fragment."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise UsageError(f"{name} must be an absolute http(s) URL like https://example.com, got {value!r}")


def session_secret_from_file(path: Path) -> str:
    """The session secret kept in `path`, created (owner-only, 0600) with a fresh random secret when the file
    does not exist yet. The secret itself is never printed or logged."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return _create_secret_file(path)
    except OSError as error:
        raise UsageError(f"cannot read the session secret file {path}: {error.strerror}") from error
    if len(text) < 16:
        raise UsageError(f"the session secret file {path} holds fewer than 16 characters; delete it to renew")
    return text


def _create_secret_file(path: Path) -> str:
    secret = secrets.token_urlsafe(SESSION_SECRET_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return session_secret_from_file(path)  # another process created it first: use theirs
    except OSError as error:
        raise UsageError(f"cannot create the session secret file {path}: {error.strerror}") from error
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    return secret
