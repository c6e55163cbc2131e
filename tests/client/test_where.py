"""Errors that fail fast and say where (issue 8 §3): nobody answering ends after one short retry with one
error naming the full URL; a base URL without a scheme, or ending in another API version, is refused before
any request; a base URL ending in the client's own version is accepted; HTTP errors name the full URL."""

from __future__ import annotations

import socket

import httpx
import pytest
from structlog.testing import capture_logs

from rollcall.client import CleverClient, HttpOptions, oauth_base_for
from rollcall.errors import NotFound, TransportError, UsageError
from tests.client.emulated import Emulated


def _closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_refused_connection_fails_after_one_short_retry_naming_the_full_url() -> None:
    port = _closed_port()
    slept: list[float] = []
    with (
        capture_logs() as logs,
        CleverClient(
            "t", base_url=f"http://127.0.0.1:{port}", options=HttpOptions(sleep=slept.append)
        ) as clever,
        pytest.raises(TransportError) as info,
    ):
        clever.get_district()
    assert f"cannot reach http://127.0.0.1:{port}/v3.1/districts?limit=10000 (" in str(info.value)
    assert "\n" not in str(info.value)
    assert slept == [pytest.approx(0.1)]  # one retry, a tenth of a second later — not ten over 27 s
    assert [entry for entry in logs if entry["log_level"] in ("warning", "error")] == []


def test_an_unknown_host_fails_the_same_way() -> None:
    attempts: list[str] = []

    def no_such_host(request: httpx.Request) -> httpx.Response:
        attempts.append(str(request.url))
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    options = HttpOptions(transport=httpx.MockTransport(no_such_host), sleep=lambda _: None)
    with (
        CleverClient("t", base_url="https://clever.invalid", options=options) as clever,
        pytest.raises(TransportError, match=r"cannot reach https://clever\.invalid/v3\.1/users/u1 \("),
    ):
        clever.get(clever.endpoints.user("u1"))
    assert len(attempts) == 2


@pytest.mark.parametrize(
    "url", ["127.0.0.1:8080", "localhost", "api.clever.com", "ftp://clever.test", "http://"]
)
def test_a_base_url_without_an_http_scheme_and_host_is_a_usage_error(url: str) -> None:
    with pytest.raises(UsageError, match="must be an absolute http"):
        CleverClient("t", base_url=url)


def test_a_base_url_ending_in_the_clients_version_is_accepted_without_it(emulated: Emulated) -> None:
    options = HttpOptions(transport=emulated.emu.sync_transport())
    for suffix in ("/v3.1", "/v3.1/"):
        with CleverClient(emulated.token, base_url=emulated.emu.base_url + suffix, options=options) as clever:
            assert clever.base_url == emulated.emu.base_url
            assert clever.get_district().id == emulated.district_id


def test_a_base_url_ending_in_another_version_is_refused_saying_so() -> None:
    with pytest.raises(UsageError, match=r"ends in API version v3\.0, but the client speaks v3\.1"):
        CleverClient("t", base_url="http://127.0.0.1:9/v3.0")


def test_http_errors_name_the_full_url(emulated: Emulated) -> None:
    with emulated.client() as clever, pytest.raises(NotFound) as info:
        clever.get(clever.endpoints.user("5f0000000000000000000bad"))
    full = f"{emulated.emu.base_url}/v3.1/users/5f0000000000000000000bad"
    assert f"GET {full} → 404" in str(info.value)
    assert info.value.url == full


def test_the_oauth_base_follows_the_data_api_base() -> None:
    assert oauth_base_for("https://api.clever.com") == "https://clever.com"
    assert oauth_base_for("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    assert oauth_base_for("http://127.0.0.1:8080/v3.1/") == "http://127.0.0.1:8080"
    with pytest.raises(UsageError):
        oauth_base_for("127.0.0.1:8080")
