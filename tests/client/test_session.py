from __future__ import annotations

import gzip

import httpx
import pytest

from rollcall.client.pages import decode_list
from rollcall.client.retry import Failure, RetryPolicy
from rollcall.client.session import BearerAuth, RateTracker, evaluate
from rollcall.domain.district import Course
from rollcall.domain.paging import ListEnvelope
from rollcall.errors import CleverApiError, NotFound, TransportError

URL = "/v3.1/courses?limit=2"
PAGE = b'{"links":[],"data":[{"data":{"id":"c1","district":"d"},"uri":"/v3.1/courses/c1"}]}'


def _decode(body: bytes) -> ListEnvelope[Course]:
    return decode_list(Course, body)


def test_a_good_answer_decodes() -> None:
    result = evaluate(httpx.Response(200, content=PAGE), URL, _decode, None)
    assert isinstance(result, ListEnvelope)
    assert result.data[0].data.id == "c1"


def test_a_body_shorter_than_its_content_length_is_a_retryable_transport_failure() -> None:
    response = httpx.Response(200, content=PAGE[:40], headers={"Content-Length": str(len(PAGE))})
    result = evaluate(response, URL, _decode, None)
    assert isinstance(result, Failure)
    assert result.kind == "transport"
    assert "Content-Length" in str(result.error)


def test_a_truncated_body_without_content_length_is_a_retryable_transport_failure() -> None:
    response = httpx.Response(200, stream=httpx.ByteStream(PAGE[:40]))
    response.read()
    result = evaluate(response, URL, _decode, None)
    assert isinstance(result, Failure)
    assert isinstance(result.error, TransportError)


def test_damage_on_a_non_idempotent_request_is_not_retried() -> None:
    response = httpx.Response(200, content=PAGE[:40], headers={"Content-Length": str(len(PAGE))})
    result = evaluate(response, URL, _decode, None, method="POST", idempotent=False)
    assert isinstance(result, Failure)
    assert result.kind == "fatal"


def test_a_body_of_the_wrong_shape_is_raised_at_once() -> None:
    with pytest.raises(CleverApiError, match="expected shape"):
        evaluate(httpx.Response(200, content=b'{"data":[{"data":{"id":3}}]}'), URL, _decode, None)


def test_a_compressed_body_is_not_measured_against_its_decoded_length() -> None:
    packed = gzip.compress(PAGE)
    response = httpx.Response(200, content=packed, headers={"Content-Encoding": "gzip"})
    assert isinstance(evaluate(response, URL, _decode, None), ListEnvelope)


def test_error_statuses_become_failures() -> None:
    result = evaluate(httpx.Response(404, json={"message": "nope"}), URL, _decode, None)
    assert isinstance(result, Failure)
    assert isinstance(result.error, NotFound)


def test_bearer_auth_sets_the_header_and_hides_the_token() -> None:
    auth = BearerAuth("s3cret-token")
    request = next(auth.auth_flow(httpx.Request("GET", "https://api.clever.com/me")))
    assert request.headers["Authorization"] == "Bearer s3cret-token"
    assert "s3cret" not in repr(auth)
    with pytest.raises(ValueError, match="empty"):
        BearerAuth("")


def test_rate_tracker_keeps_the_last_usable_state_and_counts_requests_in_flight() -> None:
    tracker = RateTracker()
    now = 1_700_000_000.0
    headers = httpx.Headers({"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "2",
                             "X-RateLimit-Reset": str(int(now) + 9)})  # fmt: skip
    tracker.observe(headers, now)
    tracker.observe(httpx.Headers({}), now)  # an answer without headers keeps what we knew
    assert tracker.state is not None
    policy = RetryPolicy()
    assert tracker.delay(now, policy) == pytest.approx(9 / 3)
    tracker.in_flight = 2  # both remaining requests are already on their way
    assert tracker.delay(now, policy) == pytest.approx(9 + policy.pacing.margin)
