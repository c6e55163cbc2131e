"""The typed Clever API client (the only room that sends HTTP): sync and async clients, paging by links,
retries and rate-limit pacing, events, OAuth helpers."""

from rollcall.client.async_client import AsyncCleverClient, DistrictPull
from rollcall.client.identity import Me, MeIdentity
from rollcall.client.oauth import (
    DistrictToken,
    TokenResponse,
    authorize_url,
    exchange_code,
    exchange_code_async,
    list_district_tokens,
)
from rollcall.client.pages import Page, PageInfo
from rollcall.client.queries import ListQuery, SingleQuery, v2_person
from rollcall.client.ratelimit import Bucket, PacingPolicy, RateLimitState, pacing_delay, parse_rate_limit
from rollcall.client.retry import NO_RETRIES, RetryPolicy
from rollcall.client.sync_client import CleverClient

__all__ = [
    "NO_RETRIES",
    "AsyncCleverClient",
    "Bucket",
    "CleverClient",
    "DistrictPull",
    "DistrictToken",
    "ListQuery",
    "Me",
    "MeIdentity",
    "PacingPolicy",
    "Page",
    "PageInfo",
    "RateLimitState",
    "RetryPolicy",
    "SingleQuery",
    "TokenResponse",
    "authorize_url",
    "exchange_code",
    "exchange_code_async",
    "list_district_tokens",
    "pacing_delay",
    "parse_rate_limit",
    "v2_person",
]
