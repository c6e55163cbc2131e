"""A patched index equals an index rebuilt from scratch, for any small change to any district."""

from __future__ import annotations

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollcall.domain.district import Section
from rollcall.domain.record import Name
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import Staff
from rollcall.emulator.data.district_index import DistrictIndex
from rollcall.emulator.data.index_patch import patch_index
from rollcall.emulator.data.roster_changes import Operation, apply_operations
from tests.emulator.strategies import DISTRICT_ID, districts


def _clean(value: object) -> object:
    """Drop empty lists and maps: a rebuild never creates them, a patch may leave them behind."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in ([], {})}
    return value


def _view(index: DistrictIndex) -> dict[str, object]:
    return {
        name: _clean(getattr(index, name))
        for name in (
            "user_ids", "school_ids", "term_ids", "course_ids", "section_ids", "resource_ids",
            "users_by_role", "school_users", "school_primary", "student_contacts", "v2_user_of",
            "legacy_of", "v2_ids",
            "user_sections", "school_sections", "term_sections", "course_sections",
        )
    }  # fmt: skip


@st.composite
def _operations(draw: st.DrawFn, snapshot: DistrictSnapshot) -> list[Operation]:
    operations: list[Operation] = []
    users = sorted(snapshot.users)
    schools = sorted(snapshot.schools)
    for user_id in draw(st.lists(st.sampled_from(users), max_size=3, unique=True)):
        user = snapshot.users[user_id]
        action = draw(st.sampled_from(["delete", "rename", "staff"]))
        if action == "delete":
            operations.append(Operation(op="delete", type="users", id=user_id))
            continue
        if action == "rename":
            user = msgspec.structs.replace(user, name=Name(first="Re", last="Named"))
        elif user.roles.student is None and user.roles.contact is None:
            staff_schools = draw(st.lists(st.sampled_from(schools), min_size=1, unique=True))
            staff = Staff(staff_id="X", schools=staff_schools, legacy_id=f"ee{user_id[2:]}")
            user = msgspec.structs.replace(user, roles=msgspec.structs.replace(user.roles, staff=staff))
        operations.append(Operation(op="upsert", type="users", record=msgspec.to_builtins(user)))
    if snapshot.sections and draw(st.booleans()):
        operations.append(
            Operation(op="delete", type="sections", id=draw(st.sampled_from(sorted(snapshot.sections))))
        )
    students = [u for u in users if snapshot.users[u].roles.student is not None]
    teachers = [u for u in users if snapshot.users[u].roles.teacher is not None]
    if teachers and draw(st.booleans()):
        section = Section(
            id=f"ffff{draw(st.integers(0, 2**40)):020x}", district=DISTRICT_ID,
            school=draw(st.sampled_from(schools)),
            sis_id="NEW", name="New", teacher=teachers[0], teachers=[teachers[0]],
            students=draw(st.lists(st.sampled_from(students), max_size=4, unique=True)),
        )  # fmt: skip
        operations.append(Operation(op="upsert", type="sections", record=msgspec.to_builtins(section)))
    return operations


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(districts(), st.data(), st.booleans())
def test_a_patched_index_equals_a_rebuilt_one(
    snapshot: DistrictSnapshot, data: st.DataObject, warm: bool
) -> None:
    old = DistrictIndex(snapshot)
    if warm:  # the section maps exist before the change, so the patch must update them
        assert isinstance(old.user_sections, dict)
    before = _view(DistrictIndex(snapshot))
    changed, touched = apply_operations(snapshot, data.draw(_operations(snapshot)))
    patched = patch_index(old, changed, touched)
    assert _view(patched) == _view(DistrictIndex(changed))
    assert _view(old) == before  # copy-on-write: the old index still describes the old snapshot
