"""How a client talks (`HttpOptions`, one frozen value for what every session takes), and the checks both
clients run on their options and inputs before any request: API version, page size, resume checkpoints,
version-only features."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Final, Generic, TypeAlias, TypeVar
from urllib.parse import urlsplit

import httpx
import msgspec

from rollcall.client.me import MeResponse
from rollcall.client.page_walk import first_page_url, same_origin_path
from rollcall.client.queries import ListQuery
from rollcall.client.retry import RetryPolicy
from rollcall.domain.paging import MAX_LIMIT
from rollcall.domain.timestamps import Clock
from rollcall.domain.version import ApiVersion, parse_api_version
from rollcall.errors import UsageError

T = TypeVar("T")
TransportT = TypeVar("TransportT", covariant=True)
SleepT = TypeVar("SleepT", covariant=True)

Sleep = Callable[[float], None]
AsyncSleep = Callable[[float], Awaitable[None]]

DEFAULT_BASE_URL: Final = "https://api.clever.com"
DEFAULT_TIMEOUT: Final = httpx.Timeout(60.0, connect=10.0)
USER_AGENT: Final = "rollcall-client/0.1 (+https://github.com/rollcall)"

_me_decoder: Final = msgspec.json.Decoder(MeResponse)


@dataclass(frozen=True, slots=True)
class HttpOptions(Generic[TransportT, SleepT]):
    """How a session talks, one value for both clients and the OAuth helpers: the transport seam (the
    emulator plugs in here), the timeouts, the retry budget, and the clock, sleep and randomness its retry
    decisions use (tests inject them). `HttpOptions()` fits either side; a blocking transport or sleep makes
    it a `SyncOptions`, an asyncio one an `AsyncOptions`, and mypy keeps the two apart."""

    transport: TransportT | None = None
    timeout: httpx.Timeout | float = field(default_factory=lambda: DEFAULT_TIMEOUT)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    clock: Clock | None = None
    sleep: SleepT | None = None
    rng: random.Random | None = None
    concurrency: int = 4  # requests in flight at once (the asyncio side; a blocking session sends one)

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise UsageError(f"concurrency must be at least 1, got {self.concurrency}")


SyncOptions: TypeAlias = HttpOptions[httpx.BaseTransport, Sleep]
AsyncOptions: TypeAlias = HttpOptions[httpx.AsyncBaseTransport, AsyncSleep]


def resolve_version(text: str) -> ApiVersion:
    """`v3.1`/`3.1` → `"v3.1"`; `UsageError` for a version rollcall does not speak."""
    try:
        return parse_api_version(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def absolute_url(url: str, what: str = "base URL") -> str:
    """`url` without a trailing slash, once it has an http(s) scheme and a host; `UsageError` otherwise
    (a URL without a scheme is a mistake in the call, not a network fault)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(
            f"{what} {url!r} must be an absolute http(s) URL such as https://api.clever.com "
            f"or http://127.0.0.1:8080"
        )
    return url.strip().rstrip("/")


def api_base_url(url: str, version: ApiVersion) -> str:
    """The Data API base URL, to which rollcall adds `/<version>/<path>`. A URL that already ends in the
    client's version (`…/v3.1`, as Clever's docs write it) is accepted without it; one that ends in another
    version is refused, saying so, rather than asking for `/v3.1/v3.0/users`."""
    base, found = split_version(absolute_url(url))
    if found is not None and found != version:
        raise UsageError(
            f"base URL {url!r} ends in API version {found}, but the client speaks {version}: "
            f"drop the version from the URL (rollcall adds it to every path) or ask for API {found}"
        )
    return base


def split_version(base: str) -> tuple[str, str | None]:
    """`http://h/v3.1` → (`http://h`, `v3.1`): a last path segment shaped like an API version, split off."""
    head, _, last = base.rpartition("/")
    looks_like_version = last[:1] == "v" and last[1:].replace(".", "").isdigit()
    return (head, last) if looks_like_version and urlsplit(head).netloc else (base, None)


def check_page_size(size: int, *, enforce_max: bool = True) -> int:
    """A page size of 1 to 10 000. Per-call limits skip the upper bound so the API's own 413 can be seen."""
    if size < 1:
        raise UsageError(f"page size must be at least 1, got {size}")
    if enforce_max and size > MAX_LIMIT:
        raise UsageError(f"page size must be at most {MAX_LIMIT} (Clever answers 413 above it), got {size}")
    return size


def check_resume_url(base_url: str, list_path: str, url: str) -> str:
    """A stored `next_url` checkpoint, accepted only on the same origin and the same list path."""
    path = same_origin_path(base_url, url)
    if path.partition("?")[0] != list_path:
        raise UsageError(f"checkpoint {url!r} does not belong to {list_path}")
    return path


def start_url(
    base_url: str, query: ListQuery[T], page_size: int, starting_after: str | None, resume_url: str | None
) -> str:
    """Where a walk of `query` begins: a stored `resume_url` checkpoint, else the first page's URL."""
    if resume_url is not None:
        return check_resume_url(base_url, query.path, resume_url)
    size = check_page_size(page_size, enforce_max=False)
    return first_page_url(query.path, query.params, size, starting_after)


def v3_only(version: ApiVersion, what: str) -> None:
    """`UsageError` unless the client speaks v3.0 or v3.1."""
    if not version.startswith("v3"):
        raise UsageError(f"{what} needs a v3.0 or v3.1 client; this client speaks {version}")


def decode_me(body: bytes) -> MeResponse:
    """The `/me` body."""
    return _me_decoder.decode(body)
