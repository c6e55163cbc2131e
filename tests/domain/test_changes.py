from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from msgspec import structs

from rollcall.domain.changes import diff, previous_attributes
from rollcall.domain.district import District, School
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import Staff
from tests.factories.unit import DISTRICT, SCHOOL_A, guardian_of_two, student, teacher_staff_admin


def _snapshot(*, users: list, schools: list[School] | None = None) -> DistrictSnapshot:  # type: ignore[type-arg]
    return DistrictSnapshot(
        district=District(id=DISTRICT, name="Demo"),
        schools={s.id: s for s in schools or []},
        terms={},
        courses={},
        sections={},
        users={u.id: u for u in users},
    )


def test_previous_attributes_keeps_only_changed_leaves_nested() -> None:
    old = {
        "name": "A",
        "ext": {"charter": "", "same": 1},
        "roles": {"student": {"gender": "X", "grade": "5"}},
    }
    new = {
        "name": "A",
        "ext": {"charter": "Y", "same": 1},
        "roles": {"student": {"gender": "F", "grade": "5"}},
    }
    assert previous_attributes(old, new) == {"ext": {"charter": ""}, "roles": {"student": {"gender": "X"}}}


def test_a_gained_role_shows_as_null_and_a_lost_one_as_its_old_value() -> None:
    assert previous_attributes(
        {"roles": {"teacher": {"a": 1}}}, {"roles": {"teacher": {"a": 1}, "staff": {}}}
    ) == {"roles": {"staff": None}}
    assert previous_attributes({"roles": {"staff": {"x": 1}}}, {"roles": {}}) == {
        "roles": {"staff": {"x": 1}}
    }


def test_diff_reports_created_updated_deleted_in_dependency_order() -> None:
    robin, ada, grace = teacher_staff_admin(), student(), guardian_of_two()
    school = School(id=SCHOOL_A, district=DISTRICT, name="A", sis_id="1", school_number="1")
    old = _snapshot(users=[robin, grace])
    new_robin = structs.replace(
        robin,
        roles=structs.replace(
            robin.roles, staff=Staff(staff_id="S77", schools=[SCHOOL_A], roles=["PortalOnly"])
        ),
    )
    new = _snapshot(users=[new_robin, ada], schools=[school])
    changes = diff(old, new)
    assert [(c.event_type, c.id) for c in changes.changes] == [
        ("schools.created", SCHOOL_A),
        ("users.created", ada.id),
        ("users.updated", robin.id),
        ("users.deleted", grace.id),
    ]
    updated = changes.changes[2]
    assert updated.previous_attributes == {
        "roles": {
            "staff": {
                "legacy_id": "5a0000000000000000000078",
                "roles": ["SchoolTechLead"],
                "schools": ["5f00000000000000000000b1"],
            }
        }
    }
    assert changes.changes[3].record == grace
    assert changes.counts() == {
        "schools.created": 1,
        "users.created": 1,
        "users.updated": 1,
        "users.deleted": 1,
    }


def test_diff_of_a_snapshot_with_itself_is_empty() -> None:
    snap = _snapshot(users=[teacher_staff_admin(), student()])
    assert len(diff(snap, snap)) == 0


json_leaf = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
json_obj = st.recursive(
    st.dictionaries(st.text(max_size=3), json_leaf, max_size=4),
    lambda inner: st.dictionaries(st.text(max_size=3), json_leaf | inner, max_size=4),
    max_leaves=12,
)


def _apply(new: dict, previous: dict) -> dict:  # type: ignore[type-arg]
    """Rebuild the old object from the new one and its previous_attributes (None = the key was absent)."""
    rebuilt = dict(new)
    for key, old_value in previous.items():
        if isinstance(old_value, dict) and isinstance(new.get(key), dict):
            rebuilt[key] = _apply(new[key], old_value)
        elif old_value is None:
            rebuilt.pop(key, None)
        else:
            rebuilt[key] = old_value
    return rebuilt


def _drop_nones(obj: dict) -> dict:  # type: ignore[type-arg]
    return {k: _drop_nones(v) if isinstance(v, dict) else v for k, v in obj.items() if v is not None}


@given(json_obj, json_obj)
def test_previous_attributes_recovers_the_old_object(old: dict, new: dict) -> None:  # type: ignore[type-arg]
    # Records omit None fields on the wire, so "absent" and "null" are the same value here.
    old, new = _drop_nones(old), _drop_nones(new)
    assert _drop_nones(_apply(new, previous_attributes(old, new))) == old
