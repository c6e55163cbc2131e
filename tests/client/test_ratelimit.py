from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollcall.client.ratelimit import (
    Bucket,
    PacingPolicy,
    RateLimitState,
    pacing_delay,
    parse_rate_limit,
    reset_wait,
)

NOW = 1_700_000_000.0


def _headers(bucket: str | None, limit: str, remaining: str, reset: str) -> dict[str, str]:
    headers = {"X-RateLimit-Limit": limit, "X-RateLimit-Remaining": remaining, "X-RateLimit-Reset": reset}
    if bucket is not None:
        headers["X-RateLimit-Bucket"] = bucket
    return headers


def _state(*buckets: tuple[int, int, float]) -> RateLimitState:
    return RateLimitState(
        tuple(Bucket(f"b{i}", limit, remaining, reset) for i, (limit, remaining, reset) in enumerate(buckets))
    )


def test_single_bearer_bucket_is_read_from_lowercase_wire_headers() -> None:
    headers = {
        "x-ratelimit-bucket": "bearer",
        "x-ratelimit-limit": "1200",
        "x-ratelimit-remaining": "1184",
        "x-ratelimit-reset": "1700000060",
    }
    assert parse_rate_limit(headers, NOW) == RateLimitState((Bucket("bearer", 1200, 1184, 1_700_000_060.0),))


def test_multi_bucket_headers_give_one_bucket_per_list_position() -> None:
    headers = _headers("all, none", "200, 1200", "0, 5", "1700000135, 1700000031")
    state = parse_rate_limit(headers, NOW)
    assert state == RateLimitState(
        (Bucket("all", 200, 0, 1_700_000_135.0), Bucket("none", 1200, 5, 1_700_000_031.0))
    )


def test_small_reset_values_are_seconds_from_now() -> None:
    # The official SDK's fixture (`135136, 31634`) cannot be Unix times of a live answer.
    state = parse_rate_limit(_headers("all, none", "200, 1200", "0, 0", "135136, 31634"), NOW)
    assert state is not None
    assert [b.reset for b in state.buckets] == [NOW + 135136, NOW + 31634]


def test_the_most_restrictive_bucket_decides_the_pause() -> None:
    state = parse_rate_limit(_headers("all, none", "200, 1200", "0, 5", "1700000135, 1700000031"), NOW)
    # `all` is exhausted until +135 s; `none` alone would only space 5 requests over 31 s.
    assert pacing_delay(state, NOW) == pytest.approx(135 + PacingPolicy().margin)
    assert reset_wait(state, NOW, margin=0) == pytest.approx(135)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-RateLimit-Limit": "1200"},
        _headers(None, "abc", "10", "1700000060"),
        _headers(None, "1200", "-1", "1700000060"),
        _headers(None, "1200", "10", "soon"),
        _headers(None, "1200", "10", "nan"),
        _headers(None, "1200", "10", "-5"),
        _headers(None, "", "", ""),
    ],
)
def test_unusable_headers_give_no_state(headers: dict[str, str]) -> None:
    assert parse_rate_limit(headers, NOW) is None


def test_malformed_positions_are_dropped_and_the_rest_kept() -> None:
    state = parse_rate_limit(_headers("a, b, c", "100, x, 300", "1, 2, 3", "1700000001, 1700000002"), NOW)
    # position 1 has a bad limit, position 2 has no reset: only `a` survives.
    assert state == RateLimitState((Bucket("a", 100, 1, 1_700_000_001.0),))


def test_missing_bucket_names_are_numbered_and_remaining_is_capped_at_limit() -> None:
    state = parse_rate_limit(_headers(None, "10, 20", "50, 5", "1700000001, 1700000002"), NOW)
    assert state is not None
    assert [(b.name, b.remaining) for b in state.buckets] == [("bucket0", 10), ("bucket1", 5)]


def test_no_pause_while_plenty_is_left_or_without_state() -> None:
    assert pacing_delay(None, NOW) == 0.0
    assert pacing_delay(_state((1200, 1000, NOW + 30)), NOW) == 0.0
    assert pacing_delay(_state((1200, 241, NOW + 30)), NOW) == 0.0


def test_low_remaining_spreads_the_rest_until_reset() -> None:
    assert pacing_delay(_state((1200, 239, NOW + 48)), NOW) == pytest.approx(48 / 240)


def test_an_exhausted_bucket_waits_for_its_reset_plus_margin() -> None:
    assert pacing_delay(_state((1200, 0, NOW + 12)), NOW, PacingPolicy(margin=0.5)) == pytest.approx(12.5)


def test_a_window_that_already_reset_needs_no_pause() -> None:
    assert pacing_delay(_state((1200, 0, NOW - 1)), NOW) == 0.0


def test_pacing_can_be_switched_off() -> None:
    assert pacing_delay(_state((1200, 0, NOW + 12)), NOW, PacingPolicy(enabled=False)) == 0.0


def test_spend_lowers_every_bucket_without_going_negative() -> None:
    state = _state((10, 3, NOW), (100, 50, NOW))
    assert [b.remaining for b in state.spend(5).buckets] == [0, 45]
    assert state.spend(0) is state


def test_reset_wait_without_headers_leaves_the_choice_to_backoff() -> None:
    assert reset_wait(None, NOW) is None


def test_reset_wait_without_an_exhausted_bucket_trusts_the_tightest_one() -> None:
    state = _state((100, 50, NOW + 5), (1000, 10, NOW + 40))
    assert reset_wait(state, NOW, margin=0) == pytest.approx(40)


def test_reset_wait_never_goes_negative() -> None:
    assert reset_wait(_state((100, 0, NOW - 30)), NOW, margin=0.25) == pytest.approx(0.25)


bucket_values = st.tuples(
    st.integers(min_value=1, max_value=5000),
    st.integers(min_value=0, max_value=5000),
    st.floats(min_value=-120, max_value=120, allow_nan=False),
)


@given(st.lists(bucket_values, min_size=1, max_size=4), st.floats(min_value=0.0, max_value=1.0))
def test_pause_is_bounded_by_the_latest_reset(values: list[tuple[int, int, float]], low_water: float) -> None:
    policy = PacingPolicy(low_water=low_water, margin=0.25)
    state = _state(*((limit, min(rem, limit), NOW + offset) for limit, rem, offset in values))
    delay = pacing_delay(state, NOW, policy)
    latest = max(0.0, *(offset for _, _, offset in values))
    assert 0.0 <= delay <= latest + policy.margin + 1e-6  # float slack of NOW + offset - NOW


@given(
    st.integers(min_value=1, max_value=5000),
    st.integers(min_value=0, max_value=5000),
    st.floats(min_value=0.5, max_value=120, allow_nan=False),
)
def test_fewer_remaining_never_means_a_shorter_pause(limit: int, remaining: int, left: float) -> None:
    remaining = min(remaining, limit)
    more = pacing_delay(_state((limit, remaining, NOW + left)), NOW)
    fewer = pacing_delay(_state((limit, max(0, remaining - 1), NOW + left)), NOW)
    assert fewer >= more


@given(
    st.integers(min_value=10, max_value=2000),
    st.floats(min_value=0.05, max_value=0.5),
    st.floats(min_value=1.0, max_value=60.0),
)
def test_paced_requests_never_exhaust_the_window_early(limit: int, low_water: float, left: float) -> None:
    # Send as fast as pacing allows: no request may leave while the bucket is empty before Reset (a 429).
    policy = PacingPolicy(low_water=low_water, margin=0.001)
    now, remaining, reset = NOW, limit, NOW + left
    for _ in range(limit + 1):
        now += pacing_delay(_state((limit, remaining, reset)), now, policy)
        if now >= reset:
            break
        assert remaining > 0
        remaining -= 1
    assert now >= reset


header_text = st.one_of(
    st.text(max_size=30),
    st.lists(st.one_of(st.integers(-5, 2_000_000_000).map(str), st.text(max_size=5)), max_size=4).map(
        ", ".join
    ),
)


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "X-RateLimit-Bucket",
                "X-RateLimit-Limit",
                "X-RateLimit-Remaining",
                "X-RateLimit-Reset",
                "x-ratelimit-reset",
                "Other",
            ]
        ),
        header_text,
    )
)
def test_any_header_garbage_parses_to_sane_buckets_or_nothing(headers: dict[str, str]) -> None:
    state = parse_rate_limit(headers, NOW)
    if state is None:
        return
    assert state.buckets
    for bucket in state.buckets:
        assert 0 <= bucket.remaining <= bucket.limit
        assert bucket.reset >= 0
    assert pacing_delay(state, NOW) >= 0.0
