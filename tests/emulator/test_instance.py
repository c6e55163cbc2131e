"""The in-process `Emulator`: transports (sync, async, real loopback HTTP) and its app factory hooks."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from rollcall.emulator import Emulator
from rollcall.emulator.app import build_app
from rollcall.errors import UsageError
from tests.factories.maple import DISTRICT, ROBIN, sample_snapshot


def test_the_base_url_is_clever_test(emulator: Emulator) -> None:
    assert emulator.base_url == "http://clever.test"


def test_the_async_transport_serves_the_same_bytes_as_the_sync_one(emulator: Emulator) -> None:
    token = emulator.district_token(DISTRICT)
    headers = {"Authorization": f"Bearer {token}"}

    async def fetch() -> bytes:
        async with httpx.AsyncClient(
            transport=emulator.async_transport(), base_url=emulator.base_url
        ) as http:
            return (await http.get("/v3.1/users?limit=3", headers=headers)).content

    with httpx.Client(transport=emulator.sync_transport(), base_url=emulator.base_url) as http:
        sync_body = http.get("/v3.1/users?limit=3", headers=headers).content
    assert asyncio.run(fetch()) == sync_body


def test_serve_in_thread_answers_real_http_on_loopback_and_stops(emulator: Emulator) -> None:
    token = emulator.district_token(DISTRICT)
    with emulator.serve_in_thread() as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        response = httpx.get(f"{base_url}/v3.0/users/{ROBIN}", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        assert response.json()["data"]["id"] == ROBIN
        port = int(base_url.rsplit(":", 1)[1])
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/v3.0/users", timeout=2)


def test_serving_on_a_port_in_use_is_a_clear_error(emulator: Emulator) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(UsageError, match="already in use"), emulator.serve_in_thread(port=port):
            pass


def test_extra_routes_come_before_the_catch_all_and_middleware_wraps_everything() -> None:
    async def me(request: Request) -> Response:
        return PlainTextResponse("me")

    class Stamp(BaseHTTPMiddleware):
        async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
            response = await call_next(request)
            response.headers["x-stamp"] = "yes"
            return response

    emu = Emulator(extra_routes=[Route("/v3.0/me", me)], middleware=[Middleware(Stamp)])
    emu.load_snapshot(sample_snapshot())
    with emu, httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url) as http:
        assert http.get("/v3.0/me").text == "me"
        assert http.get("/v3.0/users").headers["x-stamp"] == "yes"
        assert http.get("/v3.0/users").status_code == 401
    assert build_app(emu.state).routes


def test_the_facade_serves_identity_rate_limits_and_faults() -> None:
    from rollcall.emulator.faults import parse_fault_plan

    emu = Emulator(rate_limit=2)
    district = emu.load_snapshot(sample_snapshot())
    token = emu.district_token(district)
    with emu, httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url) as http:
        headers = {"Authorization": f"Bearer {token}"}
        first = http.get("/v3.1/schools", headers=headers)
        assert first.headers["x-ratelimit-limit"] == "2"
        assert http.get("/v3.1/schools", headers=headers).status_code == 200
        assert http.get("/v3.1/schools", headers=headers).status_code == 429
        emu.set_faults(parse_fault_plan(["503@/v3.1/sections*:count=1"], seed=1))
        other = {
            "Authorization": f"Bearer {emu.mint_sso_token(next(iter(emu.state.snapshot(district).users)))}"
        }
        assert http.get("/v3.1/sections", headers=other).status_code == 503
        emu.set_faults(None)
        assert http.get("/oauth/tokeninfo", headers=other).status_code == 200


def test_the_sync_transport_works_from_inside_a_running_event_loop(emulator: Emulator) -> None:
    async def inside() -> int:
        with emulator.client(DISTRICT) as http:
            return http.get(f"/v3.0/users/{ROBIN}").status_code

    assert asyncio.run(inside()) == 200


def test_one_sync_transport_serves_several_threads(emulator: Emulator) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with emulator.client(DISTRICT) as http:

        def fetch(n: int) -> list[str]:
            return [http.get("/v3.0/users?limit=3").json()["data"][0]["data"]["id"] for _ in range(10)]

        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(fetch, range(4)))
    assert {user for batch in results for user in batch} == {min(sample_snapshot().users)}
