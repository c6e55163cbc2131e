"""Checking the OIDC `id_token` of a Clever sign-in with Authlib: signature (Clever signs with the client
secret, HS256, in the emulator; the algorithms are configuration), issuer, audience, expiry, issue time and
nonce. The time comes from an injected clock so a run against the emulator's fixed clock checks expiry on
the emulator's time, not the wall's."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Final

from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from rollcall.errors import SignInRefused

DEFAULT_ALGORITHMS: Final = ("HS256",)
LEEWAY_SECONDS: Final = 60


def client_secret_jwks(client_secret: str) -> dict[str, list[dict[str, str]]]:
    """The JWK set of an HMAC-signed id_token: the client secret as a symmetric (`oct`) key."""
    encoded = base64.urlsafe_b64encode(client_secret.encode("utf-8")).rstrip(b"=").decode("ascii")
    return {"keys": [{"kty": "oct", "k": encoded}]}


def check_id_token(
    id_token: str,
    *,
    client_id: str,
    client_secret: str,
    issuer: str,
    nonce: str,
    access_token: str,
    now: int,
    algorithms: Sequence[str] = DEFAULT_ALGORITHMS,
) -> Mapping[str, object]:
    """The id_token's claims once every check holds; `SignInRefused` naming the first that fails."""
    keys = KeySet.import_key_set(client_secret_jwks(client_secret))  # type: ignore[arg-type]
    try:
        decoded = jwt.decode(id_token, keys, registry=JWSRegistry(algorithms=list(algorithms)))
    except (JoseError, ValueError) as error:
        raise SignInRefused(f"the id_token's signature does not hold: {error}") from error
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        {"iss": {"essential": True, "values": [issuer]}, "aud": {"essential": True, "values": [client_id]}},
        {"nonce": nonce, "client_id": client_id, "access_token": access_token},
    )
    try:
        claims.validate(now=now, leeway=LEEWAY_SECONDS)
    except JoseError as error:
        raise SignInRefused(f"the id_token was refused: {error.description or error.error}") from error
    return dict(claims)
