"""Sign in with Clever, done right: Authlib builds the authorize URL and keeps `state` and `nonce` in the
browser's session, exchanges the code (once) and the id_token is checked; then `rollcall.client` reads
`/me` for the id and `/v3.x/users/{id}` for **every** role — never `/me`'s type alone."""

from __future__ import annotations

import secrets
import warnings
from typing import Any, Final

import httpx
from starlette.requests import Request

with warnings.catch_warnings():
    # Authlib 1.9 warns at import that it would prefer the `httpx2` fork; it runs on httpx, which the rest of
    # rollcall uses. The warning says nothing a user of rollcall can act on, so it is not shown (authlib's
    # own "always" filter is installed by `authlib.deprecate`, so ours goes in front of it).
    import authlib.deprecate  # noqa: F401

    warnings.filterwarnings("ignore", message="The httpx module is deprecated")
    from authlib.integrations.base_client import OAuthError
    from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App

from rollcall.client import AsyncCleverClient, HttpOptions, Me, RetryPolicy
from rollcall.domain.timestamps import Clock
from rollcall.errors import CleverApiError, SignInRefused
from rollcall.web.id_token import check_id_token
from rollcall.web.settings import WebSettings

CLIENT_NAME: Final = "clever"
# The code is single-use: an exchange is never retried, and identity reads retry only briefly.
IDENTITY_RETRY: Final = RetryPolicy(attempts=3, timeout=10.0)


class CleverSignIn:
    """The OAuth client of one web app. `transport` is the seam in-process tests plug the emulator into."""

    def __init__(
        self, settings: WebSettings, clock: Clock, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.transport = transport
        self._oauth = self._register()

    def _register(self) -> StarletteOAuth2App:
        oauth = OAuth()
        clever = self.settings.oauth_url.rstrip("/")
        kwargs: dict[str, Any] = {"token_endpoint_auth_method": "client_secret_basic", "timeout": 15.0}
        if self.transport is not None:
            kwargs["transport"] = self.transport
        app: StarletteOAuth2App = oauth.register(
            CLIENT_NAME,
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret,
            authorize_url=f"{clever}/oauth/authorize",
            access_token_url=f"{clever}/oauth/tokens",
            client_kwargs=kwargs,
        )
        return app

    async def authorization_redirect_url(self, request: Request) -> str:
        """A fresh authorization request: its `state` and `nonce` are remembered in this browser's session
        (so a callback from another browser, or a replayed one, finds nothing to match)."""
        client = self._oauth
        nonce = secrets.token_urlsafe(24)
        found = await client.create_authorization_url(self.settings.redirect_uri, nonce=nonce)
        await client.save_authorize_data(
            request, redirect_uri=self.settings.redirect_uri, nonce=nonce, state=found["state"]
        )
        url: str = found["url"]
        return url

    async def finish(self, request: Request, code: str, state: str) -> Me:
        """The person behind a callback: state matched and consumed, code exchanged, id_token checked, then
        `/me` and `/users/{id}`. `SignInRefused` on anything that does not hold."""
        client = self._oauth
        pending = await client.framework.get_state_data(request.session, state)
        await client.framework.clear_state_data(request.session, state)
        if not pending:
            raise SignInRefused("the sign-in state does not match this browser's; start again from Sign in")
        try:
            token: dict[str, Any] = await client.fetch_access_token(
                code=code, redirect_uri=pending["redirect_uri"]
            )
        except OAuthError as error:
            raise SignInRefused(f"Clever refused the sign-in code ({error.error})") from error
        except httpx.HTTPError as error:
            raise SignInRefused(f"Clever could not be reached to finish the sign-in ({type(error).__name__})",
                                status=502) from error  # fmt: skip
        access_token = token.get("access_token")
        if not isinstance(access_token, str) or not access_token:
            raise SignInRefused("Clever's token answer carries no access_token", status=502)
        claims = self._checked_claims(token, access_token, str(pending["nonce"]))
        me = await self._identify(access_token)
        if claims is not None and claims.get("sub") != me.user.id:
            raise SignInRefused("the id_token names another person than /me")
        return me

    def _checked_claims(
        self, token: dict[str, Any], access_token: str, nonce: str
    ) -> dict[str, object] | None:
        id_token = token.get("id_token")
        if id_token is None:
            return None
        if not isinstance(id_token, str):
            raise SignInRefused("Clever's id_token is not a string")
        return dict(
            check_id_token(
                id_token,
                client_id=self.settings.client_id,
                client_secret=self.settings.client_secret,
                issuer=self.settings.issuer,
                nonce=nonce,
                access_token=access_token,
                now=int(self.clock.now().timestamp()),
            )
        )

    async def _identify(self, access_token: str) -> Me:
        async with AsyncCleverClient(
            access_token,
            api_version=self.settings.api_version,
            base_url=self.settings.clever_url,
            options=HttpOptions(transport=self.transport, retry=IDENTITY_RETRY),
        ) as clever:
            try:
                return await clever.me()
            except CleverApiError as error:
                status = f" ({error.status})" if error.status else ""
                raise SignInRefused(f"Clever would not say who signed in{status}", status=502) from error
