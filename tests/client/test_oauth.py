from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, parse_qsl, urlsplit

import httpx
import msgspec
import pytest

from rollcall.client import (
    CleverClient,
    CodeGrant,
    HttpOptions,
    authorize_url,
    exchange_code,
    exchange_code_async,
    list_district_tokens,
)
from rollcall.client.oauth import DistrictToken, TokenOwner, TokenResponse, TokensPage, next_tokens_url
from rollcall.domain.paging import Link
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.emulator import Emulator
from rollcall.errors import BadRequest, CleverApiError, Unauthorized, UsageError
from tests.client.emulated import CountingTransport, Emulated


def test_authorize_url_carries_the_code_flow_parameters() -> None:
    url = authorize_url("cid", "https://app.example/cb?x=1", "st&ate", district_id="d1", nonce="n1")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "clever.com", "/oauth/authorize")
    assert parse_qsl(parts.query) == [
        ("response_type", "code"),
        ("client_id", "cid"),
        ("redirect_uri", "https://app.example/cb?x=1"),
        ("state", "st&ate"),
        ("district_id", "d1"),
        ("nonce", "n1"),
    ]


def test_authorize_url_leaves_out_absent_options_and_honours_the_base() -> None:
    url = authorize_url("cid", "http://127.0.0.1:8000/cb", "s", base="http://127.0.0.1:5000/")
    assert url == (
        "http://127.0.0.1:5000/oauth/authorize?response_type=code&client_id=cid"
        "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8000%2Fcb&state=s"
    )


@pytest.mark.parametrize(
    ("client_id", "redirect_uri", "state"), [("", "r", "s"), ("c", "", "s"), ("c", "r", "")]
)
def test_authorize_url_refuses_missing_parts(client_id: str, redirect_uri: str, state: str) -> None:
    with pytest.raises(UsageError, match="non-empty"):
        authorize_url(client_id, redirect_uri, state)


def test_an_empty_code_is_refused_before_any_request() -> None:
    with pytest.raises(UsageError, match="code"):
        exchange_code(
            CodeGrant("", "http://127.0.0.1/cb", "cid", "secret", "http://127.0.0.1:9/oauth/tokens")
        )


def _tokens_page(ids: list[str], links: list[Link]) -> TokensPage:
    tokens = [DistrictToken(id=i, owner=TokenOwner("district", "d"), access_token="t") for i in ids]
    return TokensPage(data=tokens, links=links)


def test_the_token_listing_follows_next_links_on_the_same_origin_only() -> None:
    base = "https://clever.com"
    nxt = "/oauth/tokens?owner_type=district&starting_after=t1"
    assert (
        next_tokens_url(_tokens_page(["t1"], [Link("next", nxt)]), "/oauth/tokens?owner_type=district", base)
        == nxt
    )
    assert next_tokens_url(_tokens_page(["t1"], [Link("self", "/x")]), "/x", base) is None
    assert next_tokens_url(_tokens_page([], [Link("next", nxt)]), "/x", base) is None
    with pytest.raises(CleverApiError, match="same page"):
        next_tokens_url(_tokens_page(["t1"], [Link("next", nxt)]), nxt, base)
    with pytest.raises(CleverApiError, match="leaves"):
        next_tokens_url(_tokens_page(["t1"], [Link("next", "https://evil.example/oauth/tokens")]), "/x", base)


def test_token_reprs_never_show_tokens() -> None:
    response = msgspec.json.decode(b'{"access_token":"ilc_SECRET","token_type":"bearer"}', type=TokenResponse)
    assert response.id_token is None
    assert "ilc_SECRET" not in repr(response)
    token = DistrictToken(id="t1", owner=TokenOwner("district", "d1"), access_token="abc123secret")
    assert "abc123secret" not in repr(token)
    assert token.district_id == "d1"


# ---- against the emulator's OAuth endpoints -----------------------------------------------------------

REDIRECT_URI = "http://127.0.0.1:8000/auth/clever/callback"


def _multi_role(snapshot: DistrictSnapshot) -> str:
    """A teacher who is also staff and district admin (the `n == 1`… rules of the test district)."""
    return next(uid for uid, u in snapshot.users.items() if len(u.role_names()) >= 2)


def _login(emu: Emulator, user_id: str, role: str, state: str = "csrf-1") -> str:
    """What a browser does on the emulator's login page: open the authorize URL, pick the person, follow
    the redirect to the app's callback. Returns the code."""
    url = authorize_url(emu.state.tokens.client_id, REDIRECT_URI, state, base=emu.base_url)
    with httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url) as browser:
        page = browser.get(url)
        assert page.status_code == 200  # the emulator accepts every parameter authorize_url sends
        form = dict(parse_qs(urlsplit(url).query, keep_blank_values=True))
        choice = {key: values[0] for key, values in form.items()} | {"user_id": user_id, "role": role}
        redirect = browser.post("/oauth/authorize", data=choice)
    assert redirect.status_code == 302
    query = parse_qs(urlsplit(redirect.headers["location"]).query)
    assert query["state"] == [state]
    return query["code"][0]


def test_code_exchange_then_me_returns_the_full_multi_role_user(emulated: Emulated) -> None:
    emu = emulated.emu
    user_id = _multi_role(emulated.snapshot)
    code = _login(emu, user_id, "teacher")
    tokens = emu.state.tokens
    response = exchange_code(
        CodeGrant(code, REDIRECT_URI, tokens.client_id, tokens.client_secret, f"{emu.base_url}/oauth/tokens"),
        HttpOptions(transport=emu.sync_transport()),
    )
    assert response.token_type == "bearer"
    assert response.id_token is not None
    assert response.access_token not in repr(response)
    with emulated.client(token=response.access_token) as clever:
        me = clever.me()
    assert me.identity.id == user_id
    assert me.identity.district == emulated.district_id
    expected = emulated.snapshot.users[user_id]
    assert me.user == expected
    assert len(me.user.role_names()) >= 2  # every role, not only the login context's
    assert me.identity.type in {"teacher", "user"}


def test_a_code_is_single_use_and_its_reuse_is_not_retried(emulated: Emulated) -> None:
    emu = emulated.emu
    code = _login(emu, _multi_role(emulated.snapshot), "teacher")
    tokens = emu.state.tokens
    transport = CountingTransport(emu.sync_transport())
    exchange_code(
        CodeGrant(code, REDIRECT_URI, tokens.client_id, tokens.client_secret, f"{emu.base_url}/oauth/tokens"),
        HttpOptions(transport=transport),
    )
    with pytest.raises(BadRequest, match="invalid_grant") as info:
        exchange_code(
            CodeGrant(
                code, REDIRECT_URI, tokens.client_id, tokens.client_secret, f"{emu.base_url}/oauth/tokens"
            ),
            HttpOptions(transport=transport),
        )
    assert info.value.status == 400
    assert len(transport.seen) == 2
    assert tokens.client_secret not in str(info.value)


def test_wrong_client_credentials_are_unauthorized(emulated: Emulated) -> None:
    emu = emulated.emu
    code = _login(emu, _multi_role(emulated.snapshot), "teacher")
    with pytest.raises(Unauthorized):
        exchange_code(
            CodeGrant(
                code, REDIRECT_URI, emu.state.tokens.client_id, "wrong-secret", f"{emu.base_url}/oauth/tokens"
            ),
            HttpOptions(transport=emu.sync_transport()),
        )
    with pytest.raises(Unauthorized):
        list_district_tokens(
            "nobody", "nothing", emu.base_url, options=HttpOptions(transport=emu.sync_transport())
        )


def test_the_async_exchange_gives_a_working_token(emulated: Emulated) -> None:
    emu = emulated.emu
    student_id = next(uid for uid, u in emulated.snapshot.users.items() if u.roles.student is not None)
    code = _login(emu, student_id, "student")
    tokens = emu.state.tokens
    response = asyncio.run(
        exchange_code_async(
            CodeGrant(
                code, REDIRECT_URI, tokens.client_id, tokens.client_secret, f"{emu.base_url}/oauth/tokens"
            ),
            HttpOptions(transport=emu.async_transport()),
        )
    )

    async def me() -> str:
        async with emulated.async_client(token=response.access_token) as clever:
            return (await clever.me()).user.id

    assert asyncio.run(me()) == student_id


def test_district_tokens_are_listed_and_reach_their_district(emulated: Emulated) -> None:
    emu = emulated.emu
    tokens = emu.state.tokens
    listed = list_district_tokens(
        tokens.client_id,
        tokens.client_secret,
        emu.base_url,
        options=HttpOptions(transport=emu.sync_transport()),
    )
    assert [t.district_id for t in listed] == [emulated.district_id]
    assert listed[0].access_token == emulated.token
    narrowed = list_district_tokens(
        tokens.client_id,
        tokens.client_secret,
        emu.base_url,
        district_id=emulated.district_id,
        options=HttpOptions(transport=emu.sync_transport()),
    )
    assert narrowed == listed
    with emulated.client(token=listed[0].access_token) as clever:
        assert clever.get_district().id == emulated.district_id


def test_me_on_v21_names_the_role_record_and_me_itself_needs_v3(emulated: Emulated) -> None:
    emu = emulated.emu
    user_id = _multi_role(emulated.snapshot)
    teacher = emulated.snapshot.users[user_id].roles.teacher
    assert teacher is not None
    sso = emu.state.tokens.mint_sso_token(emulated.district_id, user_id, "teacher")
    with emulated.client("v2.1", token=sso) as clever:
        assert clever.me_identity().id == teacher.legacy_id
        with pytest.raises(UsageError, match="v3"):
            clever.me()
    with CleverClient(
        sso, base_url=emu.base_url, options=HttpOptions(transport=emu.sync_transport())
    ) as clever:
        assert clever.me().user.id == user_id
