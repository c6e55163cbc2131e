"""Every response of every Data and Events API path of v2.1, v3.0 and v3.1, validated against Clever's
Swagger files, walking each path template over every real id of a multi-role district."""

from __future__ import annotations

import re
from typing import Any

import msgspec
import pytest

from rollcall.domain.district import Section
from rollcall.domain.user import Staff
from rollcall.domain.version import ApiVersion
from rollcall.emulator import Emulator, Operation
from rollcall.emulator.data.routes import served_paths
from tests.emulator.swagger import assert_valid, data_paths, response_definition
from tests.factories.maple import DISTRICT, NORTH, SAM, SECTION_ART_N, SOUTH, STUDENTS, sample_snapshot

VERSIONS: tuple[ApiVersion, ...] = ("v2.1", "v3.0", "v3.1")


def _ids_of(emulator: Emulator, district_id: str, version: ApiVersion, collection: str) -> list[str]:
    district = emulator.state.district_state(district_id)
    index = district.index
    if version == "v2.1" and collection in index.v2_ids:
        return list(index.v2_ids[collection])  # type: ignore[index]
    if collection == "events":
        return list(district.events.ids(version, None, ()))
    if collection == "districts":
        return [district_id]
    return sorted(getattr(index.snapshot, collection))


def _with_events(emulator: Emulator) -> None:
    """Create, update and delete records of several types so the events walk has every shape."""
    snapshot = sample_snapshot()
    sam = snapshot.users[SAM]
    roles = msgspec.structs.replace(
        sam.roles, staff=Staff(staff_id="S9", schools=[SOUTH], legacy_id="5a00000000000000000000cc")
    )
    section = msgspec.structs.replace(snapshot.sections[SECTION_ART_N], name="Art (renamed)")
    new_section = Section(
        id="64f0000000000000000000d9", district=DISTRICT, school=NORTH, sis_id="NEW", name="New", teacher=SAM,
        teachers=[SAM], students=[STUDENTS[0]],
    )  # fmt: skip
    school = msgspec.structs.replace(snapshot.schools[NORTH], low_grade="1")
    emulator.apply_roster(
        [
            Operation(
                op="upsert",
                type="users",
                record=msgspec.to_builtins(msgspec.structs.replace(sam, roles=roles)),
            ),
            Operation(op="upsert", type="sections", record=msgspec.to_builtins(section)),
            Operation(op="upsert", type="sections", record=msgspec.to_builtins(new_section)),
            Operation(op="upsert", type="schools", record=msgspec.to_builtins(school)),
            Operation(op="delete", type="users", id=STUDENTS[7]),
            Operation(
                op="upsert",
                type="district",
                record=msgspec.to_builtins(snapshot.district) | {"name": "Maple USD"},
            ),
        ],
        district_id=DISTRICT,
    )


def _expand(
    emulator: Emulator, district_id: str, version: ApiVersion, template: str, per_template: int | None
) -> list[str]:
    if "{id}" not in template:
        return [template, f"{template}?limit=2"] if template != "/districts" else [template]
    collection = template.split("/")[1]
    ids = _ids_of(emulator, district_id, version, collection)
    if per_template is not None and len(ids) > per_template:  # spread the sample over the id range
        ids = ids[:: len(ids) // per_template][:per_template]
    return [template.replace("{id}", record_id) for record_id in ids]


def _spec_name(version: ApiVersion, template: str) -> str:
    return f"{version}-events.yml" if template.startswith("/events") else f"{version}.yml"


def _validate(version: ApiVersion, template: str, body: Any, where: str) -> None:
    spec = _spec_name(version, template)
    if template.startswith("/events"):
        # Swagger models events with a discriminator on `type`: validate each against its own definition.
        events = [item["data"] for item in body["data"]] if template == "/events" else [body["data"]]
        for event in events:
            assert_valid(spec, event["type"], event, f"{where} ({event['type']})")
    assert_valid(spec, response_definition(spec, template), body, where)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_router_serves_every_data_path_of_the_spec_and_no_other(version: ApiVersion) -> None:
    spec_paths = set(data_paths(f"{version}.yml")) | set(data_paths(f"{version}-events.yml"))
    ours = set(served_paths(version))
    assert not spec_paths - ours, f"{version} paths the emulator does not serve: {sorted(spec_paths - ours)}"
    assert not ours - spec_paths, f"{version} paths the emulator invents: {sorted(ours - spec_paths)}"


def _walk_all_paths(
    emulator: Emulator, district_id: str, version: ApiVersion, per_template: int | None
) -> int:
    http = emulator.client(district_id)
    walked = 0
    for template in served_paths(version):
        answered = 0
        expanded = _expand(emulator, district_id, version, template, per_template)
        for path in expanded:
            response = http.get(f"/{version}{path}")
            where = f"GET /{version}{path}"
            if response.status_code == 404 and response.headers["content-type"].startswith(
                "application/json"
            ):
                # A singular relation that does not exist for this record (e.g. a section without a term).
                assert re.search(r"/(course|term|school|teacher)$", path), f"{where}: {response.text}"
                continue
            assert response.status_code == 200, f"{where}: {response.status_code} {response.text[:200]}"
            _validate(version, template, response.json(), where)
            answered += 1
        if expanded:
            assert answered, f"/{version}{template} never answered 200 for any id"
        walked += answered
    return walked


@pytest.mark.parametrize("version", VERSIONS)
def test_every_response_of_every_path_matches_the_swagger_schema(version: ApiVersion) -> None:
    with Emulator(seed="conformance") as emulator:
        emulator.load_snapshot(sample_snapshot())
        _with_events(emulator)
        assert _walk_all_paths(emulator, DISTRICT, version, per_template=None) > 100


@pytest.mark.parametrize("version", VERSIONS)
def test_a_generated_district_matches_the_swagger_schema_too(version: ApiVersion) -> None:
    with Emulator(seed="conformance") as emulator:
        district_id = emulator.load_generated(students=60, seed=11)
        assert _walk_all_paths(emulator, district_id, version, per_template=6) > 100


def test_the_schema_check_catches_a_v31_field_leaking_into_v30() -> None:
    with Emulator() as emulator:
        emulator.load_snapshot(sample_snapshot())
        body = emulator.client(DISTRICT).get(f"/v3.1/users/{STUDENTS[0]}").json()
    assert_valid("v3.1.yml", "UserResponse", body, "v3.1 user")
    with pytest.raises(AssertionError, match="gifted_status"):
        assert_valid("v3.0.yml", "UserResponse", body, "v3.1 user as v3.0")
