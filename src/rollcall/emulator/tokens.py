"""Who may call the emulator: district-app tokens, SSO (user) tokens, OAuth client credentials and codes.

Tokens are derived from the emulator's seed, so a restarted emulator with the same seed hands out the same
district tokens. SSO tokens look like Clever's (`il` prefix); district-app tokens are 40 hex characters.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Literal
from urllib.parse import urlsplit

from rollcall.errors import UsageError

GrantKind = Literal["district", "sso"]


@dataclass(frozen=True, slots=True)
class Grant:
    """What a bearer token lets its holder do."""

    token: str
    kind: GrantKind
    district_id: str
    user_id: str | None = None  # the v3 user an SSO token belongs to
    login_role: str | None = None  # the role the person picked at login (SSO only)
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AuthorizationCode:
    """A single-use code waiting to be exchanged for an SSO token."""

    code: str
    client_id: str
    redirect_uri: str
    district_id: str
    user_id: str
    login_role: str
    issued_at: float
    nonce: str | None = None


DISTRICT_SCOPES = (
    "read:district_admins_basic", "read:school_admins_basic", "read:students_basic",
    "read:teachers_basic", "read:user_id", "read:sis",
)  # fmt: skip
SSO_SCOPES = ("read:user_id", "read:sis")
DEFAULT_REDIRECT_URI: Final = "http://127.0.0.1:8000/auth/clever/callback"


def check_redirect_uri(uri: str) -> str:
    """`uri` when an app may register it (absolute http(s) with a host, no fragment, as OAuth 2.0 §3.1.2
    asks); UsageError naming it otherwise."""
    try:
        parts = urlsplit(uri)
    except ValueError as error:
        raise UsageError(f"redirect URI {uri!r} is not a URL: {error}") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"redirect URI {uri!r} must be an absolute http(s) URL with a host")
    if parts.fragment or uri.endswith("#"):
        raise UsageError(f"redirect URI {uri!r} must not have a fragment (#…)")
    return uri


@dataclass(slots=True)
class TokenRegistry:
    """Every credential the emulator knows. One registry per emulator instance."""

    seed: str
    client_id: str = ""
    client_secret: str = ""
    redirect_uris: tuple[str, ...] = (DEFAULT_REDIRECT_URI,)
    _grants: dict[str, Grant] = field(default_factory=dict)
    _district_tokens: dict[str, str] = field(default_factory=dict)
    _codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    _sso_serial: int = 0

    def __post_init__(self) -> None:
        if not self.client_id:
            self.client_id = self._derive("client-id", 20)
        if not self.client_secret:
            self.client_secret = self._derive("client-secret", 40)

    def replace_redirect_uris(self, uris: Sequence[str]) -> None:
        """Register exactly `uris` (the first is used when an authorize request sends none); nothing changes
        when one of them is refused."""
        checked = tuple(dict.fromkeys(check_redirect_uri(uri) for uri in uris))
        if not checked:
            raise UsageError("register at least one redirect URI")
        self.redirect_uris = checked

    def register_redirect_uri(self, uri: str) -> None:
        """Accept `uri` as a redirect URI of the OAuth client too (matched exactly, as Clever does); a URI
        already registered stays where it is. UsageError when it is not an absolute http(s) URL."""
        if check_redirect_uri(uri) not in self.redirect_uris:
            self.redirect_uris = (*self.redirect_uris, uri)

    def _derive(self, purpose: str, length: int) -> str:
        return hashlib.blake2b(f"{self.seed}\x1f{purpose}".encode(), digest_size=32).hexdigest()[:length]

    def district_token(self, district_id: str) -> str:
        """The district-app token of `district_id`, created on first use (40 hex, stable per seed)."""
        token = self._district_tokens.get(district_id)
        if token is None:
            token = self._derive(f"district-token\x1f{district_id}", 40)
            self._district_tokens[district_id] = token
            self._grants[token] = Grant(
                token=token, kind="district", district_id=district_id, scopes=DISTRICT_SCOPES
            )
        return token

    def district_tokens(self) -> dict[str, str]:
        """district id → district-app token, for every district that has one."""
        return dict(self._district_tokens)

    def forget_district(self, district_id: str) -> None:
        """Revoke every token of a district (it was unloaded)."""
        self._district_tokens.pop(district_id, None)
        for token in [t for t, g in self._grants.items() if g.district_id == district_id]:
            del self._grants[token]
        for code in [c for c, a in self._codes.items() if a.district_id == district_id]:
            del self._codes[code]

    def mint_sso_token(self, district_id: str, user_id: str, login_role: str) -> str:
        """A new SSO token for one user (what the OAuth code exchange hands out)."""
        self._sso_serial += 1
        token = "il" + self._derive(f"sso\x1f{self._sso_serial}\x1f{user_id}", 30)
        self._grants[token] = Grant(
            token=token, kind="sso", district_id=district_id, user_id=user_id, login_role=login_role,
            scopes=SSO_SCOPES,
        )  # fmt: skip
        return token

    def resolve(self, token: str) -> Grant | None:
        """The grant behind a bearer token, or None when the token is unknown or revoked."""
        return self._grants.get(token)

    def revoke(self, token: str) -> bool:
        """Revoke one token; True when it existed."""
        return self._grants.pop(token, None) is not None

    def check_client(self, client_id: str, client_secret: str) -> bool:
        """True when the Basic-auth credentials are the emulator's OAuth client (constant-time compare)."""
        return secrets.compare_digest(client_id, self.client_id) and secrets.compare_digest(
            client_secret, self.client_secret
        )

    def issue_code(self, pending: AuthorizationCode) -> None:
        """Remember a code until it is exchanged (once) or expires."""
        self._codes[pending.code] = pending

    def take_code(self, code: str) -> AuthorizationCode | None:
        """Consume a code: a second exchange of the same code finds nothing."""
        return self._codes.pop(code, None)
