from __future__ import annotations

import random

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollcall.client.ratelimit import Bucket, PacingPolicy, RateLimitState
from rollcall.client.retry import (
    NO_RETRIES,
    Failure,
    RetryPolicy,
    backoff_delay,
    body_message,
    content_length_mismatch,
    error_for_status,
    failure_for_body,
    failure_for_exception,
    failure_for_status,
    next_delay,
)
from rollcall.errors import (
    BadRequest,
    CleverApiError,
    LimitTooLarge,
    NotFound,
    NotImplementedByApi,
    RateLimited,
    RouteNotFound,
    ServerError,
    TransportError,
    Unauthorized,
)

URL = "https://api.clever.com/v3.1/users/abc"
JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"
NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("status", "content_type", "body", "error", "kind"),
    [
        (400, JSON, b'{"message":"bad limit"}', BadRequest, "fatal"),
        (401, JSON, b'{"message":"nope"}', Unauthorized, "fatal"),
        (404, JSON, b'{"message":"Resource not found"}', NotFound, "fatal"),
        (404, HTML, b"<!DOCTYPE html><pre>Cannot GET /v3.1/courses</pre>", RouteNotFound, "fatal"),
        (404, "text/plain", b"  <html>Cannot GET</html>", RouteNotFound, "fatal"),
        (404, "", b"", NotFound, "fatal"),
        (413, JSON, b"", LimitTooLarge, "fatal"),
        (429, JSON, b"", RateLimited, "rate_limited"),
        (500, JSON, b'{"message":"boom"}', ServerError, "server"),
        (502, HTML, b"<html>bad gateway</html>", ServerError, "server"),
        (503, "", b"", ServerError, "server"),
        (504, "", b"", ServerError, "server"),
        (501, JSON, b"", NotImplementedByApi, "fatal"),
        (505, "", b"", ServerError, "fatal"),
        (403, JSON, b"", CleverApiError, "fatal"),
    ],
)
def test_status_classification(
    status: int, content_type: str, body: bytes, error: type[CleverApiError], kind: str
) -> None:
    failure = failure_for_status(status, URL, content_type, body, None)
    assert type(failure.error) is error
    assert failure.kind == kind
    assert failure.error.status == status
    assert failure.error.url == URL
    assert URL in str(failure.error)


def test_route_not_found_explains_sso_token_reach() -> None:
    error = error_for_status(404, URL, HTML, b"<html>Cannot GET</html>")
    assert "SSO tokens reach only /me, /users/{own id}, /districts/{id}" in str(error)


def test_json_error_message_is_carried_into_the_error() -> None:
    assert "Resource not found" in str(error_for_status(404, URL, JSON, b'{"message":"Resource not found"}'))


def test_a_non_idempotent_request_is_not_retried_after_a_server_error_but_is_after_429() -> None:
    assert failure_for_status(503, URL, "", b"", None, method="POST", idempotent=False).kind == "fatal"
    assert failure_for_status(429, URL, "", b"", None, method="POST", idempotent=False).kind == "rate_limited"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"message":"x"}', "x"),
        (b'{"error":"invalid_grant","error_description":"Invalid grant: invalid code"}',
         "invalid_grant; Invalid grant: invalid code"),
        (b"{}", None),
        (b"<html>", None),
        (b'{"message": 5}', None),
        (b'{"message":"' + b"y" * 500 + b'"}', "y" * 200),
    ],
)  # fmt: skip
def test_body_message(body: bytes, message: str | None) -> None:
    assert body_message(body) == message


REQUEST = httpx.Request("GET", URL)


@pytest.mark.parametrize(
    ("exc", "idempotent", "kind"),
    [
        (httpx.ConnectError("refused", request=REQUEST), True, "unreachable"),
        (httpx.ReadError("reset by peer", request=REQUEST), True, "transport"),
        (httpx.RemoteProtocolError("incomplete chunked read", request=REQUEST), True, "transport"),
        (httpx.ReadTimeout("slow", request=REQUEST), True, "transport"),
        (httpx.DecodingError("bad gzip", request=REQUEST), True, "transport"),
        (httpx.UnsupportedProtocol("ftp", request=REQUEST), True, "fatal"),
        (httpx.LocalProtocolError("bad header", request=REQUEST), True, "fatal"),
        (httpx.ConnectError("refused", request=REQUEST), False, "unreachable"),
        (httpx.ReadError("reset by peer", request=REQUEST), False, "fatal"),
        (ConnectionResetError("in-process reset"), True, "transport"),
        (ConnectionResetError("in-process reset"), False, "fatal"),
        (ConnectionRefusedError("nobody listens"), False, "unreachable"),
    ],
)
def test_exception_classification(
    exc: httpx.HTTPError | ConnectionError, idempotent: bool, kind: str
) -> None:
    failure = failure_for_exception(exc, URL, idempotent=idempotent)
    assert failure.kind == kind
    assert isinstance(failure.error, TransportError)
    assert URL in str(failure.error)
    assert (str(exc) if kind == "unreachable" else type(exc).__name__) in str(failure.error)


def test_damaged_bodies_are_transport_failures() -> None:
    failure = failure_for_body(URL, "Content-Length 10 but 3 bytes received")
    assert failure.kind == "transport"
    assert isinstance(failure.error, TransportError)
    assert "truncated" in str(failure.error)


@pytest.mark.parametrize(
    ("declared", "received", "problem"),
    [
        (None, 5, False),
        ("5", 5, False),
        ("5", None, False),
        ("10", 3, True),
        ("3", 10, True),
        ("ten", 3, True),
    ],
)
def test_content_length_mismatch(declared: str | None, received: int | None, problem: bool) -> None:
    assert (content_length_mismatch(declared, received) is not None) is problem


@given(
    st.integers(min_value=1, max_value=200),
    st.floats(min_value=0, max_value=10),
    st.floats(min_value=0, max_value=60),
    st.floats(min_value=0, max_value=5),
    st.floats(min_value=1, max_value=10),
    st.integers(),
)
def test_backoff_stays_within_its_bounds(
    attempt: int, initial: float, wait_max: float, jitter: float, base: float, seed: int
) -> None:
    policy = RetryPolicy(wait_initial=initial, wait_max=wait_max, wait_jitter=jitter, wait_exp_base=base)
    delay = backoff_delay(policy, attempt, random.Random(seed))
    assert 0.0 <= delay <= wait_max
    try:
        floor = min(wait_max, initial * base ** (attempt - 1))
    except OverflowError:
        floor = wait_max
    assert delay >= floor - 1e-9


def test_backoff_grows_exponentially_before_jitter() -> None:
    policy = RetryPolicy(wait_initial=0.1, wait_max=100, wait_jitter=0.0, wait_exp_base=2)
    rng = random.Random(0)
    assert [backoff_delay(policy, n, rng) for n in (1, 2, 3, 4)] == pytest.approx([0.1, 0.2, 0.4, 0.8])


def _server_failure() -> Failure:
    return failure_for_status(503, URL, "", b"", None)


def test_next_delay_gives_up_when_attempts_are_spent() -> None:
    policy = RetryPolicy(attempts=3, wait_jitter=0)
    rng = random.Random(0)
    assert next_delay(policy, _server_failure(), 2, 0.0, NOW, rng) is not None
    assert next_delay(policy, _server_failure(), 3, 0.0, NOW, rng) is None


def test_next_delay_gives_up_when_the_wait_would_overrun_the_time_budget() -> None:
    policy = RetryPolicy(attempts=100, timeout=10.0, wait_initial=1.0, wait_jitter=0)
    rng = random.Random(0)
    assert next_delay(policy, _server_failure(), 1, 8.5, NOW, rng) == pytest.approx(1.0)
    assert next_delay(policy, _server_failure(), 1, 9.5, NOW, rng) is None


def test_next_delay_never_retries_fatal_failures() -> None:
    fatal = failure_for_status(401, URL, JSON, b"", None)
    assert next_delay(RetryPolicy(), fatal, 1, 0.0, NOW, random.Random(0)) is None
    assert next_delay(NO_RETRIES, _server_failure(), 1, 0.0, NOW, random.Random(0)) is None


def test_a_429_waits_until_the_reset_of_the_exhausted_bucket() -> None:
    state = RateLimitState((Bucket("bearer", 1200, 0, NOW + 20),))
    failure = failure_for_status(429, URL, "", b"", state)
    policy = RetryPolicy(pacing=PacingPolicy(margin=0.25))
    assert next_delay(policy, failure, 1, 0.0, NOW, random.Random(0)) == pytest.approx(20.25)


def test_a_429_whose_reset_is_beyond_the_budget_gives_up_at_once() -> None:
    state = RateLimitState((Bucket("bearer", 1200, 0, NOW + 500),))
    failure = failure_for_status(429, URL, "", b"", state)
    assert next_delay(RetryPolicy(timeout=120), failure, 1, 0.0, NOW, random.Random(0)) is None


def test_a_429_without_headers_backs_off() -> None:
    failure = failure_for_status(429, URL, "", b"", None)
    policy = RetryPolicy(wait_initial=0.5, wait_jitter=0)
    assert next_delay(policy, failure, 2, 0.0, NOW, random.Random(0)) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "kwargs",
    [{"attempts": 0}, {"timeout": -1.0}, {"wait_initial": -0.1}, {"wait_exp_base": 0.5}],
)
def test_nonsense_policies_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"."):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_nobody_answering_is_tried_once_more_shortly_then_given_up() -> None:
    policy = RetryPolicy()  # ten attempts for transient faults, two for an address nobody answers at
    unreachable = failure_for_exception(httpx.ConnectError("[Errno 111] Connection refused"), URL)
    rng = random.Random(0)
    assert next_delay(policy, unreachable, 1, 0.0, NOW, rng) == policy.wait_initial
    assert next_delay(policy, unreachable, 2, 0.0, NOW, rng) is None
    assert next_delay(RetryPolicy(connect_attempts=1), unreachable, 1, 0.0, NOW, rng) is None
    assert str(unreachable.error).startswith(f"cannot reach {URL} ([Errno 111] Connection refused)")
