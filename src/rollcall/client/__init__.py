"""The typed Clever API client (the only room that sends HTTP): one endpoint table bound to a version
(`Endpoints`), sync and async clients that send its queries through three generic verbs, paging by links,
one retry/pacing step both sessions drive, events, OAuth helpers."""

from rollcall.client.async_client import AsyncCleverClient, DistrictPull
from rollcall.client.me import Me, MeIdentity
from rollcall.client.oauth import (
    CLEVER_OAUTH_BASE,
    CodeGrant,
    DistrictToken,
    TokenResponse,
    authorize_url,
    exchange_code,
    exchange_code_async,
    list_district_tokens,
    oauth_base_for,
)
from rollcall.client.options import DEFAULT_BASE_URL, AsyncOptions, HttpOptions, SyncOptions
from rollcall.client.page_walk import Page, PageInfo
from rollcall.client.queries import Endpoints, ListQuery, SingleQuery
from rollcall.client.ratelimit import Bucket, PacingPolicy, RateLimitState, pacing_delay, parse_rate_limit
from rollcall.client.retry import NO_RETRIES, RetryPolicy
from rollcall.client.sync_client import CleverClient

__all__ = [
    "CLEVER_OAUTH_BASE",
    "DEFAULT_BASE_URL",
    "NO_RETRIES",
    "AsyncCleverClient",
    "AsyncOptions",
    "Bucket",
    "CleverClient",
    "CodeGrant",
    "DistrictPull",
    "DistrictToken",
    "Endpoints",
    "HttpOptions",
    "ListQuery",
    "Me",
    "MeIdentity",
    "PacingPolicy",
    "Page",
    "PageInfo",
    "RateLimitState",
    "RetryPolicy",
    "SingleQuery",
    "SyncOptions",
    "TokenResponse",
    "authorize_url",
    "exchange_code",
    "exchange_code_async",
    "list_district_tokens",
    "oauth_base_for",
    "pacing_delay",
    "parse_rate_limit",
]
