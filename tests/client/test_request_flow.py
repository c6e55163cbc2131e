"""The one retry/pacing step, driven by hand: no server, no clock, no sleeping — what the sessions do with
each step is their only part (tests/client/test_session.py drives them against the emulator)."""

from __future__ import annotations

import datetime as dt
import gzip
import random
from collections.abc import Generator

import httpx
import pytest

from rollcall.client import RetryPolicy
from rollcall.client.page_walk import decode_list
from rollcall.client.request_flow import (
    HOLD,
    Pacer,
    RateTracker,
    Reply,
    Send,
    Step,
    Wait,
    evaluate,
    full_url,
    request_flow,
)
from rollcall.client.retry import Failure
from rollcall.domain.district import Course
from rollcall.domain.paging import ListEnvelope
from rollcall.domain.timestamps import FixedClock
from rollcall.errors import CleverApiError, NotFound, ServerError, TransportError

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


def test_rate_tracker_keeps_the_last_usable_state_and_counts_requests_in_flight() -> None:
    tracker = RateTracker()
    now = 1_700_000_000.0
    headers = httpx.Headers(
        {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "2", "X-RateLimit-Reset": str(int(now) + 9)}
    )
    tracker.observe(headers, now)
    tracker.observe(httpx.Headers({}), now)  # an answer without headers keeps what we knew
    assert tracker.state is not None
    policy = RetryPolicy()
    assert tracker.delay(now, policy) == pytest.approx(9 / 3)
    tracker.in_flight = 2  # both remaining requests are already on their way
    assert tracker.delay(now, policy) == pytest.approx(9 + policy.pacing.margin)


# ---- retries, rate limits and pacing against the emulator's faults --------------------------------------


BASE = "http://127.0.0.1:9"


Flow = Generator[Step, Reply, ListEnvelope[Course]]


def _flow(retry: RetryPolicy | None = None) -> tuple[Flow, Pacer]:
    clock = FixedClock(dt.datetime(2026, 9, 1, tzinfo=dt.UTC))
    pacer = Pacer(retry or RetryPolicy(), clock, random.Random(1), RateTracker())
    return request_flow(pacer, Send("GET", URL, None), _decode, base_url=BASE), pacer


def test_a_503_then_a_good_answer_is_hold_send_wait_hold_send_then_the_records() -> None:
    flow, pacer = _flow()
    assert next(flow) is HOLD
    assert flow.send(None) == Send("GET", URL, None)
    assert pacer.rate.in_flight == 1
    wait = flow.send(httpx.Response(503))
    assert isinstance(wait, Wait)
    assert 0 < wait.seconds <= RetryPolicy().wait_max
    assert pacer.rate.in_flight == 0
    assert flow.send(None) is HOLD
    assert flow.send(None) == Send("GET", URL, None)
    with pytest.raises(StopIteration) as done:
        flow.send(httpx.Response(200, content=PAGE))
    assert done.value.value.data[0].data.id == "c1"


def test_a_spent_budget_raises_the_last_error_naming_the_full_url() -> None:
    flow, pacer = _flow(RetryPolicy(attempts=1))
    next(flow)
    flow.send(None)
    with pytest.raises(ServerError, match=r"GET http://127\.0\.0\.1:9/v3\.1/courses\?limit=2 → 503"):
        flow.send(httpx.Response(503))
    assert pacer.rate.in_flight == 0


def test_a_transport_exception_is_chained_as_the_cause() -> None:
    flow, _ = _flow(RetryPolicy(attempts=1))
    next(flow)
    flow.send(None)
    reset = httpx.ReadError("reset by peer")
    with pytest.raises(TransportError) as info:
        flow.send(reset)
    assert info.value.__cause__ is reset


def test_a_driver_that_stops_mid_send_leaves_no_request_counted_in_flight() -> None:
    flow, pacer = _flow()
    next(flow)
    flow.send(None)
    assert pacer.rate.in_flight == 1
    flow.close()  # what a session does when its task is cancelled while the request is on the wire
    assert pacer.rate.in_flight == 0


def test_a_low_budget_pauses_while_holding_the_slot_before_sending() -> None:
    flow, pacer = _flow()
    now = pacer.now()
    headers = {
        "X-RateLimit-Limit": "10",
        "X-RateLimit-Remaining": "1",
        "X-RateLimit-Reset": str(int(now) + 8),
    }
    pacer.rate.observe(httpx.Headers(headers), now)
    assert next(flow) is HOLD
    pause = flow.send(None)
    assert pause == Wait(pytest.approx(4.0))
    assert flow.send(None) == Send("GET", URL, None)


def test_errors_name_the_full_url() -> None:
    assert full_url("http://h:1/", "/v3.1/users") == "http://h:1/v3.1/users"
    assert full_url("", "https://clever.com/oauth/tokens") == "https://clever.com/oauth/tokens"
