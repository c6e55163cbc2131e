from __future__ import annotations

import asyncio
import inspect

import httpx
import pytest

from rollcall.client.async_client import AsyncCleverClient, DistrictPull
from rollcall.client.queries import Endpoints
from rollcall.client.sync_client import CleverClient
from rollcall.domain.v2 import split_into_v2
from rollcall.errors import NotFound, Unauthorized, UsageError
from tests.client.emulated import Emulated


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
                client.iter(client.endpoints.users())
            with pytest.raises(UsageError, match=r"needs a v3\.0 or v3\.1 client"):
                await client.me()

    asyncio.run(scenario())


# ---- against the in-process emulator ------------------------------------------------------------------


class ConcurrencyProbe(httpx.AsyncBaseTransport):
    """Passes requests to the emulator and records how many were in flight at once."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.current = 0
        self.peak = 0
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.current += 1
        self.peak = max(self.peak, self.current)
        self.paths.append(request.url.path)
        try:
            await asyncio.sleep(0.001)  # let the other tasks reach the gate
            return await self.inner.handle_async_request(request)
        finally:
            self.current -= 1


def test_fetch_all_pulls_every_collection_concurrently_within_the_bound(emulated: Emulated) -> None:
    probe = ConcurrencyProbe(emulated.emu.async_transport())

    async def scenario() -> DistrictPull:
        async with emulated.async_client(transport=probe, concurrency=3) as clever:
            return await clever.fetch_all()

    pull = asyncio.run(scenario())
    snap = emulated.snapshot
    assert pull.district == snap.district
    assert pull.users == [snap.users[u] for u in sorted(snap.users)]
    assert pull.sections == [snap.sections[s] for s in sorted(snap.sections)]
    assert [s.id for s in pull.schools] == sorted(snap.schools)
    assert [t.id for t in pull.terms] == sorted(snap.terms)
    assert [c.id for c in pull.courses] == sorted(snap.courses)
    assert pull.v2_people == {}
    assert 1 < probe.peak <= 3
    assert {
        "/v3.1/districts",
        "/v3.1/schools",
        "/v3.1/terms",
        "/v3.1/courses",
        "/v3.1/sections",
        "/v3.1/users",
    } <= set(probe.paths)


def test_fetch_all_on_v21_pulls_the_people_by_collection(emulated: Emulated) -> None:
    async def scenario() -> DistrictPull:
        async with emulated.async_client("v2.1") as clever:
            return await clever.fetch_all()

    pull = asyncio.run(scenario())
    expected = split_into_v2(emulated.snapshot.users.values())
    assert pull.users == []
    assert {kind: [p.id for p in people] for kind, people in pull.v2_people.items()} == {
        kind: sorted(records) for kind, records in expected.items()
    }


def test_async_iteration_pages_and_lookups_match_the_sync_client(emulated: Emulated) -> None:
    teacher_id = next(uid for uid, u in emulated.snapshot.users.items() if u.roles.teacher is not None)

    async def scenario() -> tuple[list[str], list[int], str, list[str]]:
        async with emulated.async_client() as clever:
            ids = [u.id async for u in clever.iter(clever.endpoints.users())]
            sizes = [page.info.count async for page in clever.iter_pages(Endpoints("v3.1").users(), limit=9)]
            name = (await clever.get(clever.endpoints.user(teacher_id))).id
            sections = [s.id async for s in clever.iter(clever.endpoints.user_sections(teacher_id))]
            return ids, sizes, name, sections

    ids, sizes, name, sections = asyncio.run(scenario())
    with emulated.client() as clever:
        assert ids == [u.id for u in clever.iter(clever.endpoints.users())]
        assert sum(sizes) == len(ids)
        assert all(size == 9 for size in sizes[:-1])
        assert name == teacher_id
        assert sections == [s.id for s in clever.iter(clever.endpoints.user_sections(teacher_id))]


def test_async_errors_are_raised_like_the_sync_ones(emulated: Emulated) -> None:
    async def scenario() -> None:
        async with emulated.async_client(token="f" * 40) as clever:
            with pytest.raises(Unauthorized):
                await clever.get_district()
            with pytest.raises(Unauthorized) as info:  # the first failure, not an ExceptionGroup
                await clever.fetch_all()
            assert isinstance(info.value.__cause__, ExceptionGroup)
        async with emulated.async_client() as clever:
            with pytest.raises(NotFound):
                await clever.get(clever.endpoints.section("5f0000000000000000000bad"))
            assert await clever.latest_event_id() is None

    asyncio.run(scenario())
