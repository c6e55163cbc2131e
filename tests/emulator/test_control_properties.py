"""Property (issue 8 §4): any sequence of control-plane operations, valid or not, leaves every v2.1/v3.x path
answering 2xx/4xx, never 5xx, and the event log consistent with the state (replaying the events onto the
roster as loaded gives the roster as served)."""

from __future__ import annotations

from typing import Any

import httpx
import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollcall.domain.event import V2_EVENT_RECORD_TYPE
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.v2 import split_into_v2
from rollcall.domain.version import API_VERSIONS
from rollcall.emulator import Emulator
from rollcall.emulator.data.routes import collections
from tests.factories.maple import (
    DISTRICT,
    NORTH,
    OTHER_DISTRICT,
    SECTION_MATH_N,
    SOUTH,
    other_snapshot,
    sample_snapshot,
)

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BASE = sample_snapshot()
USER_IDS = sorted(BASE.users)
LEGACY_IDS = sorted({legacy for user in BASE.users.values() for legacy in user.legacy_ids().values()})
SCHOOLS = [NORTH, SOUTH, "ffffffffffffffffffffff01"]
V3_COLLECTIONS = ("users", "sections", "schools", "terms", "courses", "resources")
V2_KIND_OF_EVENT = {event_type: kind for kind, event_type in V2_EVENT_RECORD_TYPE.items()}


def _role(draw: st.DrawFn, name: str) -> dict[str, Any] | None:
    # mostly none (to be minted) or fresh; sometimes one already held (to be refused)
    legacy = draw(st.sampled_from([None, None, "5b" * 12, "held"]))
    if legacy == "held":
        legacy = draw(st.sampled_from(LEGACY_IDS + USER_IDS))
    school = draw(st.sampled_from(SCHOOLS))
    role: dict[str, Any] = {
        "teacher": {
            "sis_id": draw(st.sampled_from(["", "T1", "T77"])),
            "school": school,
            "schools": [school],
        },
        "staff": {"staff_id": draw(st.sampled_from(["", "ST1", "ST77"])), "schools": [school]},
        "district_admin": {"title": "Dean"},
        "contact": {
            "student_relationships": [{"student": s} for s in draw(st.sets(st.sampled_from(USER_IDS)))]
        },
        "student": {"sis_id": "S99", "school": school},
    }[name]
    if legacy is not None:
        role["legacy_id"] = legacy
    return role


@st.composite
def roster_operation(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(["upsert_user", "delete_user", "upsert_section", "delete", "district", "junk"])
    )
    if kind == "upsert_user":
        user_id = draw(st.sampled_from([*USER_IDS, "6500000000000000000000ff"]))
        held = draw(st.sets(st.sampled_from(["teacher", "staff", "district_admin", "contact", "student"])))
        base = msgspec.to_builtins(BASE.users.get(user_id, BASE.users[USER_IDS[0]]))
        record = {**base, "id": user_id, "roles": {name: _role(draw, name) for name in held}}
        return {"op": "upsert", "type": "users", "record": record}
    if kind == "delete_user":
        return {"op": "delete", "type": "users", "id": draw(st.sampled_from([*USER_IDS, "nobody"]))}
    if kind == "upsert_section":
        section = msgspec.to_builtins(BASE.sections[SECTION_MATH_N])
        section["teachers"] = draw(st.lists(st.sampled_from([*USER_IDS, "ghost"]), max_size=3))
        section["teacher"] = section["teachers"][0] if section["teachers"] else None
        section["students"] = draw(st.lists(st.sampled_from(USER_IDS), max_size=4, unique=True))
        section["school"] = draw(st.sampled_from(SCHOOLS))
        return {"op": "upsert", "type": "sections", "record": section}
    if kind == "delete":
        collection = draw(st.sampled_from(["schools", "sections", "terms", "courses"]))
        ids = sorted(getattr(BASE, collection))
        return {"op": "delete", "type": collection, "id": draw(st.sampled_from(ids))}
    if kind == "district":
        name = draw(st.sampled_from(["Maple Unified", "Renamed"]))
        district_id = draw(st.sampled_from([DISTRICT, OTHER_DISTRICT]))
        return {"op": "upsert", "type": "district", "record": {"id": district_id, "name": name}}
    return draw(st.sampled_from([{"op": "explode"}, {"op": "upsert", "type": "users"}, {"op": "delete"}]))


control_step = st.one_of(
    st.tuples(st.just("operations"), st.lists(roster_operation(), min_size=1, max_size=3)),
    st.tuples(st.just("snapshot"), st.sets(st.sampled_from(USER_IDS), max_size=4)),
    st.tuples(st.just("clock"), st.integers(0, 5)),
    st.tuples(st.just("reload"), st.just(None)),
    st.tuples(st.just("sso"), st.sampled_from([*USER_IDS, "nobody"])),
)


def _send(anonymous: httpx.Client, step: tuple[str, Any]) -> httpx.Response:
    what, value = step
    roster = f"/_emulator/districts/{DISTRICT}/roster"
    if what == "operations":
        return anonymous.post(roster, json={"operations": value})
    if what == "snapshot":
        kept = {k: u for k, u in BASE.users.items() if k not in value}
        return anonymous.post(
            roster, json={"snapshot": msgspec.to_builtins(msgspec.structs.replace(BASE, users=kept))}
        )
    if what == "clock":
        return anonymous.post("/_emulator/clock", json={"days": value})
    if what == "reload":
        anonymous.delete(f"/_emulator/districts/{DISTRICT}")
        return anonymous.post("/_emulator/districts", json={"snapshot": msgspec.to_builtins(BASE)})
    return anonymous.post("/_emulator/sso-tokens", json={"user_id": value})


def _paths(snapshot: DistrictSnapshot, version: str) -> list[str]:
    """Every list, some records and every relation of them, plus a missing record, in one version."""
    paths = []
    for name, collection in collections(version).items():  # type: ignore[arg-type]
        paths.append(f"/{version}/{name}")
        known = sorted(getattr(snapshot, name, {}))[:2] if name in V3_COLLECTIONS else []
        if name == "districts":
            known = [snapshot.district.id]
        if version == "v2.1" and name in V2_EVENT_RECORD_TYPE:
            known = sorted(split_into_v2(snapshot.users.values())[name])[:2]  # type: ignore[index]
        for record_id in [*known, "ffffffffffffffffffffffff"]:
            paths.append(f"/{version}/{name}/{record_id}")
            paths += [f"/{version}/{name}/{record_id}/{relation}" for relation in collection.relations]
    return [*paths, f"/{version}/events"]


def _replayed(start: dict[str, dict[str, Any]], events: list[dict[str, Any]], kind_of: Any) -> dict[str, Any]:
    tables = {name: dict(records) for name, records in start.items()}
    for event in events:
        record_type, _, action = event["type"].rpartition(".")
        table = tables.setdefault(kind_of(record_type), {})
        record = event["data"]["object"]
        if action == "deleted":
            table.pop(record["id"], None)
        else:
            table[record["id"]] = record
    return tables


def _all_events(http: httpx.Client, version: str) -> list[dict[str, Any]]:
    body = http.get(f"/{version}/events?limit=10000").json()
    return [item["data"] for item in body["data"]]


@SETTINGS
@given(st.lists(control_step, min_size=1, max_size=6))
def test_any_control_sequence_keeps_every_path_below_500_and_events_true_to_the_state(
    steps: list[tuple[str, Any]],
) -> None:
    with Emulator(seed="tests") as emulator:
        emulator.load_snapshot(BASE)
        emulator.load_snapshot(other_snapshot())
        anonymous = httpx.Client(transport=emulator.sync_transport(), base_url=emulator.base_url)
        loaded = msgspec.to_builtins(BASE)
        for step in steps:
            answer = _send(anonymous, step)
            assert answer.status_code < 500, (step, answer.text)
            assert answer.headers["content-type"].startswith("application/json")
            if step[0] == "reload":
                loaded = msgspec.to_builtins(BASE)
        served = emulator.state.snapshot(DISTRICT)
        http = emulator.client(DISTRICT)
        for version in API_VERSIONS:
            for path in _paths(served, version):
                status = http.get(path).status_code
                assert status < 500, (path, status)
        start = {name: loaded[name] for name in V3_COLLECTIONS}
        v31 = _replayed(
            {**start, "districts": {DISTRICT: loaded["district"]}}, _all_events(http, "v3.1"), str
        )
        expected = {name: msgspec.to_builtins(getattr(served, name)) for name in V3_COLLECTIONS}
        assert v31 == {**expected, "districts": {DISTRICT: msgspec.to_builtins(served.district)}}
        people = {
            kind: msgspec.to_builtins(records) for kind, records in split_into_v2(BASE.users.values()).items()
        }
        v21_events = [e for e in _all_events(http, "v2.1") if e["type"].partition(".")[0] in V2_KIND_OF_EVENT]
        v21 = _replayed(people, v21_events, lambda t: V2_KIND_OF_EVENT[t])
        assert v21 == {k: msgspec.to_builtins(r) for k, r in split_into_v2(served.users.values()).items()}
