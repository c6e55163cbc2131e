"""rollcall's own client against the emulator's identity layer: the SSO round trip a vendor's web app makes
(browser sign-in, code exchange, id_token, /me, the full multi-role user) and the district token listing."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from rollcall.client import CleverClient, HttpOptions
from rollcall.client.oauth import CodeGrant, authorize_url, exchange_code, list_district_tokens
from rollcall.emulator.data.state import EmulatorState
from rollcall.emulator.sso.id_token import decode_id_token
from rollcall.emulator.transport import SyncAsgiTransport
from rollcall.errors import BadRequest, Unauthorized
from tests.emulator import identity_fixtures as served
from tests.factories import sign_in as fx

BASE = "http://clever.test"


@pytest.fixture
def emulator() -> Iterator[tuple[EmulatorState, SyncAsgiTransport]]:
    found = served.state()
    transport = SyncAsgiTransport(served.app(found)[0])
    yield found, transport
    transport.close()


def sign_in(found: EmulatorState, transport: SyncAsgiTransport, user_id: str, role: str) -> str:
    """What a person's browser does: open the authorize URL, pick themselves and a role; returns the code."""
    url = authorize_url(found.tokens.client_id, served.REDIRECT_URI, state="csrf-1", nonce="n-1", base=BASE)
    with httpx.Client(transport=transport, base_url=BASE) as browser:
        page = browser.get(url)
        assert page.status_code == 200
        assert user_id in page.text
        form = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
        redirect = browser.post("/oauth/authorize", data={**form, "user_id": user_id, "role": role})
    assert redirect.status_code == 302
    query = parse_qs(urlsplit(redirect.headers["location"]).query)
    assert query["state"] == ["csrf-1"]
    return query["code"][0]


def _grant(found: EmulatorState, code: str, secret: str | None = None) -> CodeGrant:
    """The web app's code exchange against the emulator, with its own secret unless told otherwise."""
    client_secret = found.tokens.client_secret if secret is None else secret
    return CodeGrant(code, served.REDIRECT_URI, found.tokens.client_id, client_secret, f"{BASE}/oauth/tokens")


def test_sso_round_trip_with_rollcalls_client_keeps_every_role(
    emulator: tuple[EmulatorState, SyncAsgiTransport],
) -> None:
    found, transport = emulator
    code = sign_in(found, transport, fx.ROBIN, "staff")
    tokens = exchange_code(_grant(found, code), HttpOptions(transport=transport))
    assert tokens.id_token is not None
    claims = decode_id_token(
        tokens.id_token,
        found.tokens.client_secret,
        now=found.clock.now().timestamp(),
        audience=found.tokens.client_id,
    )
    assert claims["nonce"] == "n-1"
    assert claims["user_id"] == fx.ROBIN_STAFF_LEGACY
    with CleverClient(tokens.access_token, base_url=BASE, options=HttpOptions(transport=transport)) as client:
        me = client.me()
    assert me.identity.type == "staff"
    assert me.user.id == fx.ROBIN
    assert me.user.role_names() == ("teacher", "staff")  # logging in as staff loses no role
    with CleverClient(
        tokens.access_token, api_version="v2.1", base_url=BASE, options=HttpOptions(transport=transport)
    ) as v2:
        assert v2.me_identity().id == fx.ROBIN_STAFF_LEGACY
    with pytest.raises(BadRequest):  # the code is single-use
        exchange_code(_grant(found, code), HttpOptions(transport=transport))


def test_client_errors_and_district_token_listing(emulator: tuple[EmulatorState, SyncAsgiTransport]) -> None:
    found, transport = emulator
    code = sign_in(found, transport, fx.ADA, "student")
    with pytest.raises(Unauthorized):
        exchange_code(_grant(found, code, "wrong-secret"), HttpOptions(transport=transport))
    listed = list_district_tokens(
        found.tokens.client_id,
        found.tokens.client_secret,
        base=BASE,
        options=HttpOptions(transport=transport),
    )
    assert [token.district_id for token in listed] == [fx.DISTRICT, fx.OTHER_DISTRICT]
    with CleverClient(
        listed[0].access_token, base_url=BASE, options=HttpOptions(transport=transport)
    ) as district:
        assert district.me_identity().id == fx.DISTRICT
        assert {user.id for user in district.iter(district.endpoints.users(role="teacher"))} == {
            fx.ROBIN,
            fx.PAT,
        }
