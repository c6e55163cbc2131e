from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import msgspec
import pytest

from rollcall.client.oauth import DistrictToken, TokenOwner, TokenResponse, authorize_url, exchange_code
from rollcall.errors import UsageError


def test_authorize_url_carries_the_code_flow_parameters() -> None:
    url = authorize_url("cid", "https://app.example/cb?x=1", "st&ate", district_id="d1", nonce="n1")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "clever.com", "/oauth/authorize")
    assert parse_qsl(parts.query) == [
        ("response_type", "code"), ("client_id", "cid"), ("redirect_uri", "https://app.example/cb?x=1"),
        ("state", "st&ate"), ("district_id", "d1"), ("nonce", "n1"),
    ]  # fmt: skip


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
        exchange_code("", "http://127.0.0.1/cb", "cid", "secret", "http://127.0.0.1:9/oauth/tokens")


def test_token_reprs_never_show_tokens() -> None:
    response = msgspec.json.decode(b'{"access_token":"ilc_SECRET","token_type":"bearer"}', type=TokenResponse)
    assert response.id_token is None
    assert "ilc_SECRET" not in repr(response)
    token = DistrictToken(id="t1", owner=TokenOwner("district", "d1"), access_token="abc123secret")
    assert "abc123secret" not in repr(token)
    assert token.district_id == "d1"
