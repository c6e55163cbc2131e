from __future__ import annotations

import asyncio
import inspect

import pytest

from rollcall.client.async_client import AsyncCleverClient
from rollcall.client.sync_client import CleverClient
from rollcall.errors import UsageError


def _public(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(cls).items()
        if callable(member) and not name.startswith("_")
    }


def test_the_async_client_offers_every_method_of_the_sync_client_with_the_same_parameters() -> None:
    sync, concurrent = _public(CleverClient), _public(AsyncCleverClient)
    renamed = {"close": "aclose"}
    for name, signature in sync.items():
        twin = concurrent.get(renamed.get(name, name))
        assert twin is not None, f"AsyncCleverClient lacks {name}"
        assert list(twin.parameters) == list(signature.parameters), name
    assert set(concurrent) - {renamed.get(n, n) for n in sync} == {"collect", "fetch_all"}


def test_an_unknown_api_version_is_refused_before_any_connection() -> None:
    with pytest.raises(UsageError, match="unknown Clever API version 'v4'"):
        AsyncCleverClient("token", api_version="v4")


def test_a_v3_only_call_on_a_v21_client_is_refused_before_any_request() -> None:
    async def scenario() -> None:
        async with AsyncCleverClient("token", api_version="v2.1", base_url="http://127.0.0.1:9") as client:
            with pytest.raises(UsageError, match="/users exists only in API v3"):
                client.iter_users()
            with pytest.raises(UsageError, match=r"needs a v3\.0 or v3\.1 client"):
                await client.me()

    asyncio.run(scenario())
