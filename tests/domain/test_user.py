from __future__ import annotations

import msgspec

from rollcall.domain.user import Contact, User, role_key, to_v30
from rollcall.domain.v2 import V2Contact
from tests.factories.unit import guardian_of_two, student, teacher_staff_admin


def test_role_names_follow_clevers_order_whatever_the_construction_order() -> None:
    assert teacher_staff_admin().role_names() == ("teacher", "staff", "district_admin")


def test_role_key_sorts_and_joins_role_names() -> None:
    assert role_key(teacher_staff_admin().role_names()) == "district_admin+staff+teacher"


def test_each_role_keeps_its_own_legacy_id_and_a_student_keeps_its_id() -> None:
    assert teacher_staff_admin().legacy_ids() == {
        "teacher": "5a0000000000000000000077",
        "staff": "5a0000000000000000000078",
        "district_admin": "5a0000000000000000000079",
    }
    assert student().legacy_ids() == {"student": "5b0000000000000000000001"}


def test_school_ids_unites_every_school_scoped_role() -> None:
    assert teacher_staff_admin().school_ids() == {"5f00000000000000000000a1", "5f00000000000000000000b1"}


def test_wire_shape_omits_unset_fields_and_round_trips() -> None:
    user = teacher_staff_admin()
    wire = msgspec.json.decode(msgspec.json.encode(user))
    assert set(wire) == {"id", "district", "name", "roles", "email", "created", "last_modified"}
    assert set(wire["roles"]) == {"teacher", "staff", "district_admin"}
    assert "school" not in wire["roles"]["staff"]
    assert "schools" not in wire["roles"]["district_admin"]
    assert msgspec.json.decode(msgspec.json.encode(user), type=User) == user


def test_v30_drops_only_the_v31_additions() -> None:
    v30 = msgspec.to_builtins(to_v30(student()))
    assert "gifted_status" not in v30["roles"]["student"]
    assert v30["roles"]["student"]["grade"] == "5"


def test_v30_of_a_user_without_v31_fields_is_the_same_object() -> None:
    user = guardian_of_two()
    assert to_v30(user) is user


def test_a_contact_without_students_still_sends_its_empty_lists_in_v3_and_v21() -> None:
    """Clever keeps `student_relationships: []` (v3) and `students: []` (v2.1); msgspec must not drop them."""
    assert msgspec.json.encode(Contact()) == b'{"student_relationships":[]}'
    assert msgspec.json.decode(b"{}", type=Contact).student_relationships == []
    assert msgspec.json.encode(V2Contact(id="c", district="d", name="N")).endswith(b'"students":[]}')
