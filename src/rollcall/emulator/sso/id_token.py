"""OIDC identity tokens: the claims Clever puts in an `id_token` and a small HS256 JWT codec (stdlib hmac).

The emulator signs with the OAuth client secret (HS256), as OIDC allows for confidential clients; real
Clever may sign differently, so a client should treat the algorithm as configuration.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time

import msgspec

from rollcall.domain.acting_as import ActingAs
from rollcall.errors import Unauthorized

ISSUER = "https://clever.com"
LIFETIME_SECONDS = 3600
_HEADER = {"alg": "HS256", "typ": "JWT"}

Claims = dict[str, object]


class InvalidIdToken(Unauthorized):
    """An id_token that is malformed, signed with another key, expired, or meant for another client."""


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidIdToken(f"id_token segment is not base64url: {exc}") from exc


def _sign(signing_input: bytes, secret: str) -> bytes:
    return hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()


def encode_id_token(claims: Claims, secret: str) -> str:
    """`header.payload.signature`, HS256 over the JSON of `claims` with `secret` as the key."""
    header = _b64encode(msgspec.json.encode(_HEADER))
    payload = _b64encode(msgspec.json.encode(claims))
    signing_input = f"{header}.{payload}".encode("ascii")
    return f"{header}.{payload}.{_b64encode(_sign(signing_input, secret))}"


def decode_id_token(
    token: str, secret: str, *, now: float | None = None, audience: str | None = None, leeway: float = 0
) -> Claims:
    """The claims of a valid token; raises `InvalidIdToken` for a bad shape, signature, `exp` or `aud`.

    `now` defaults to the wall clock; pass the emulator's clock time when it runs on a fixed clock.
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidIdToken(f"id_token has {len(parts)} dot-separated parts, expected 3")
    header_b64, payload_b64, signature_b64 = parts
    try:
        header = msgspec.json.decode(_b64decode(header_b64), type=dict[str, object])
        claims = msgspec.json.decode(_b64decode(payload_b64), type=dict[str, object])
    except msgspec.DecodeError as exc:
        raise InvalidIdToken(f"id_token header or payload is not a JSON object: {exc}") from exc
    if header.get("alg") != "HS256":
        raise InvalidIdToken(f"id_token algorithm {header.get('alg')!r} is not HS256")
    expected = _sign(f"{header_b64}.{payload_b64}".encode("ascii"), secret)
    if not hmac.compare_digest(expected, _b64decode(signature_b64)):
        raise InvalidIdToken("id_token signature does not match the client secret")
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise InvalidIdToken("id_token has no numeric exp claim")
    moment = time.time() if now is None else now
    if moment >= exp + leeway:
        raise InvalidIdToken(f"id_token expired at {exp} (now {moment:.0f})")
    if audience is not None and claims.get("aud") != audience:
        raise InvalidIdToken(f"id_token audience {claims.get('aud')!r} is not {audience!r}")
    return claims


def id_token_claims(login: ActingAs, *, client_id: str, issued_at: int, nonce: str | None = None) -> Claims:
    """Clever's id_token claims for a login (clever-api.md §6.2): `sub` is the v3 id, `user_id` the legacy id
    of the login role (null when that role has no v2.1 record), `user_type` the login role in v3 words."""
    user = login.user
    claims: Claims = {
        "iss": ISSUER,
        "sub": user.id,
        "aud": client_id,
        "iat": issued_at,
        "exp": issued_at + LIFETIME_SECONDS,
        "user_id": login.legacy_id,
        "multi_role_user_id": user.id,
        "user_type": login.role,
        "district": login.district_id,
        "email": user.email,
        "email_verified": False,
        "given_name": user.name.first,
        "family_name": user.name.last,
    }
    if nonce is not None:
        claims["nonce"] = nonce
    return claims
