"""Fault injection: spec grammar, seeded determinism, count limits, effects in-process and over real HTTP."""

from __future__ import annotations

import datetime as dt
import random
import time

import httpx
import msgspec
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from rollcall.client import CleverClient, HttpOptions
from rollcall.emulator.data.state import EmulatorState
from rollcall.emulator.faults import (
    FaultPlan,
    FaultPlanHolder,
    FaultRule,
    InjectedConnectionReset,
    parse_fault_plan,
    parse_fault_spec,
)
from rollcall.emulator.server import serve_in_thread
from rollcall.errors import UsageError
from tests.emulator import identity_fixtures as served
from tests.factories import sign_in as fx


def build(plan: FaultPlan | None = None) -> tuple[Starlette, EmulatorState, FaultPlanHolder]:
    """The real emulator app with the identity layer, starting with `plan`; its live fault holder."""
    found = served.state()
    app, layer = served.app(found, fault_plan=plan)
    return app, found, layer.faults


def bearer(found: EmulatorState) -> dict[str, str]:
    return {"Authorization": f"Bearer {found.tokens.district_token(fx.DISTRICT)}"}


def test_spec_grammar() -> None:
    assert parse_fault_spec("500@/v3.1/users*:count=3") == FaultRule(
        path="/v3.1/users*", effect="status", status=500, count=3
    )
    assert parse_fault_spec("latency=250@/v3.1/*:p=0.5,method=get") == FaultRule(
        path="/v3.1/*", effect="latency", latency_ms=250, probability=0.5, method="GET"
    )
    assert parse_fault_spec("reset@re:^/v3\\.0/sections/[0-9a-f]{24}$") == FaultRule(
        path="^/v3\\.0/sections/[0-9a-f]{24}$", match="regex", effect="reset"
    )
    assert parse_fault_spec("truncate=10@/v2.1/*") == FaultRule(
        path="/v2.1/*", effect="truncate", keep_bytes=10
    )
    assert parse_fault_spec("truncate@/a:b").path == "/a:b"  # a tail that is not options stays in the path
    plan = parse_fault_plan(["429@/x", "503@/y:count=1"], seed=9)
    assert plan.seed == 9
    assert [rule.status for rule in plan.rules] == [429, 503]


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("500", "expected EFFECT@PATTERN"),
        ("404@/x", "status must be one of"),
        ("explode@/x", "unknown effect"),
        ("latency=0@/x", "latency_ms > 0"),
        ("500@/x:count=many", "needs a number"),
        ("500@/x:colour=red", "unknown option"),
        ("500@/x:p=2", "probability"),
        ("500@re:(unclosed", "does not compile"),
        ("500@:count=1", "path pattern is empty"),
    ],
)
def test_bad_specs_say_what_is_wrong(spec: str, problem: str) -> None:
    with pytest.raises(UsageError, match="fault") as caught:
        parse_fault_spec(spec)
    assert problem in str(caught.value)
    assert spec in str(caught.value)


def test_count_limited_rule_stops_firing_and_counts_what_it_saw() -> None:
    holder = FaultPlanHolder(FaultPlan(rules=[parse_fault_spec("503@/v3.1/users*:count=2")]))
    fired = [holder.decide("GET", "/v3.1/users").rule is not None for _ in range(4)]
    assert fired == [True, True, False, False]
    assert holder.decide("GET", "/v3.0/users").rule is None
    counter = holder.report().counters[0]
    assert (counter.matched, counter.fired) == (4, 2)


def test_probability_is_deterministic_under_the_seed() -> None:
    def sequence(seed: int) -> list[bool]:
        holder = FaultPlanHolder(parse_fault_plan(["500@/v3.1/*:p=0.3"], seed=seed))
        return [holder.decide("GET", "/v3.1/sections").rule is not None for _ in range(200)]

    first = sequence(42)
    assert first == sequence(42)
    assert first != sequence(43)
    assert 30 < sum(first) < 90  # about 60 of 200


def test_method_filter_and_regex_search() -> None:
    holder = FaultPlanHolder(
        FaultPlan(
            rules=[
                FaultRule(path="/v3.1/users", effect="status", status=502, method="post"),
                FaultRule(path="sections/[0-9]+$", match="regex", effect="status", status=503),
            ]
        )
    )
    assert holder.decide("GET", "/v3.1/users").rule is None
    assert holder.decide("POST", "/v3.1/users").rule_index == 0
    assert holder.decide("GET", "/v3.1/sections/12").rule_index == 1
    assert holder.decide("GET", "/v3.1/sections/12/users").rule is None


def test_latencies_add_up_before_a_terminal_rule() -> None:
    holder = FaultPlanHolder(parse_fault_plan(["latency=5@/v3.1/*", "latency=7@/v3.1/me", "500@/v3.1/*"]))
    decision = holder.decide("GET", "/v3.1/me")
    assert decision.latency_ms == 12
    assert decision.rule_index == 2


def test_status_fault_answers_json_and_429_carries_rate_limit_headers() -> None:
    app, found, _holder = build(parse_fault_plan(["503@/v3.1/me:count=1", "429@/v3.0/me:count=1"]))
    client = TestClient(app)
    failed = client.get("/v3.1/me", headers=bearer(found))
    assert failed.status_code == 503
    assert failed.headers["content-type"] == "application/json; charset=utf-8"
    assert "Service Unavailable" in failed.json()["message"]
    assert client.get("/v3.1/me", headers=bearer(found)).status_code == 200
    limited = client.get("/v3.0/me", headers=bearer(found))
    assert limited.status_code == 429
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert limited.headers["x-ratelimit-limit"] == "1200"
    next_minute = int(dt.datetime(2026, 9, 1, 8, 1, tzinfo=dt.UTC).timestamp())
    assert limited.headers["x-ratelimit-reset"] == str(next_minute)


def test_latency_fault_delays_then_answers() -> None:
    app, found, _holder = build(parse_fault_plan(["latency=150@/v3.1/me:count=1"]))
    client = TestClient(app)
    began = time.perf_counter()
    assert client.get("/v3.1/me", headers=bearer(found)).status_code == 200
    assert time.perf_counter() - began >= 0.15


def test_in_process_reset_raises_and_truncation_sends_a_short_body() -> None:
    app, found, _holder = build(parse_fault_plan(["reset@/v3.1/me:count=1", "truncate=20@/v3.0/me:count=1"]))
    client = TestClient(app)
    with pytest.raises(InjectedConnectionReset):
        client.get("/v3.1/me", headers=bearer(found))
    short = client.get("/v3.0/me", headers=bearer(found))
    full = client.get("/v3.0/me", headers=bearer(found))
    assert short.content == full.content[:20]
    assert short.headers["content-length"] == str(len(full.content))


def test_control_routes_set_add_read_and_clear_the_plan() -> None:
    app, found, _holder = build()
    client = TestClient(app)
    plan = {"seed": 3, "rules": [{"path": "/v3.1/*", "effect": "status", "status": 500, "count": 1}]}
    assert client.put("/_emulator/faults", json=plan).json()["rules"] == plan["rules"]
    added = client.post("/_emulator/faults", json={"spec": "502@/v2.1/*:count=1"})
    assert added.status_code == 201
    assert added.json()["rules"][1] == {"path": "/v2.1/*", "effect": "status", "status": 502, "count": 1}
    also = client.post("/_emulator/faults", json={"path": "/x", "effect": "reset"})
    assert also.status_code == 201
    assert client.get("/v3.1/me", headers=bearer(found)).status_code == 500
    report = client.get("/_emulator/faults").json()
    assert report["seed"] == 3
    assert report["counters"][0] == {"rule": 0, "matched": 1, "fired": 1}
    # A rule matching everything never blocks the control plane itself.
    client.post("/_emulator/faults", json={"spec": "503@*"})
    assert client.get("/_emulator/faults").status_code == 200
    cleared = client.delete("/_emulator/faults").json()
    assert cleared == {"seed": 3, "rules": [], "counters": []}
    assert client.get("/v3.1/me", headers=bearer(found)).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"seed": 1, "rules": [{"path": "/x", "effect": "status", "status": 404}]},
        {"rules": [{"path": "/x", "effect": "melt"}]},
        {"rules": [{"path": "/x", "effect": "reset", "colour": "red"}]},
    ],
)
def test_control_routes_reject_invalid_plans_with_a_message(body: dict[str, object]) -> None:
    app, _, holder = build()
    client = TestClient(app)
    response = client.put("/_emulator/faults", json=body)
    assert response.status_code == 400
    assert "invalid fault plan" in response.json()["message"]
    assert holder.plan == FaultPlan()
    bad_spec = client.post("/_emulator/faults", json={"spec": "404@/x"})
    assert bad_spec.status_code == 400
    assert "status must be one of" in bad_spec.json()["message"]


def test_real_socket_reset_and_truncation_break_the_http_client() -> None:
    plan = parse_fault_plan(["reset@/v3.1/me:count=1", "truncate@/v3.0/me:count=1", "502@/v2.1/me:count=1"])
    app, found, holder = build(plan)
    with (
        serve_in_thread(app) as base,
        httpx.Client(base_url=base, headers=bearer(found), timeout=5) as http,
    ):
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            http.get("/v3.1/me")
        with pytest.raises(httpx.RemoteProtocolError, match=r"incomplete|complete message|expected"):
            http.get("/v3.0/me")
        assert http.get("/v2.1/me").status_code == 502
        # Each fault fired once; afterwards the same connection pool gets whole answers again.
        for path in ("/v3.1/me", "/v3.0/me", "/v2.1/me"):
            response = http.get(path)
            assert response.status_code == 200
            assert msgspec.json.decode(response.content)["type"] == "district"
    assert [c.fired for c in holder.report().counters] == [1, 1, 1]


def test_rollcalls_client_retries_through_injected_failures_over_a_real_socket() -> None:
    plan = parse_fault_plan(
        [
            "503@/v3.1/users:count=2",
            "reset@/v3.1/users:count=1",
            "truncate@/v3.1/users:count=1",
            "429@/v3.1/users:count=1",
        ]
    )
    app, found, holder = build(plan)
    slept: list[float] = []
    token = found.tokens.district_token(fx.DISTRICT)
    with (
        serve_in_thread(app) as base,
        CleverClient(
            token, base_url=base, options=HttpOptions(sleep=slept.append, rng=random.Random(0))
        ) as client,
    ):
        users = list(client.iter(client.endpoints.users()))
    assert {user.id for user in users} == {user.id for user in fx.people()}
    assert [c.fired for c in holder.report().counters] == [2, 1, 1, 1]
    assert len(slept) >= 5  # one pause per failed attempt
