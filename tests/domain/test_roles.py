"""The rules about roles, written once in the domain: legacy ids, the v2.1 collection of each role, the role a
person signs in as, a role's schools, acting as one role."""

from __future__ import annotations

import msgspec
import pytest

from rollcall.domain.acting_as import ActingAs
from rollcall.domain.user import (
    ROLE_NAMES,
    Roles,
    Staff,
    User,
    as_role_name,
    default_login_role,
)
from rollcall.domain.v2 import (
    ROLE_OF_V2_COLLECTION,
    V2_COLLECTION_OF_ROLE,
    V2_PERSON_TYPES,
    MissingLegacyId,
    to_v2_records,
)
from tests.factories.unit import SCHOOL_A, SCHOOL_B, guardian_of_two, student, teacher_staff_admin


def test_every_role_has_one_v2_collection_and_back() -> None:
    assert set(V2_COLLECTION_OF_ROLE) == set(ROLE_NAMES)
    assert sorted(V2_COLLECTION_OF_ROLE.values()) == sorted(V2_PERSON_TYPES)
    assert V2_COLLECTION_OF_ROLE["staff"] == "school_admins"
    assert all(ROLE_OF_V2_COLLECTION[V2_COLLECTION_OF_ROLE[role]] == role for role in ROLE_NAMES)


def test_v2_records_land_in_the_collection_of_their_role() -> None:
    robin = teacher_staff_admin()
    kinds = [kind for kind, _ in to_v2_records(robin)]
    assert kinds == [V2_COLLECTION_OF_ROLE[role] for role in robin.role_names()]


def test_a_student_without_legacy_id_keeps_the_user_id() -> None:
    ada = student()
    assert ada.roles.student is not None
    assert ada.roles.student.legacy_id is None
    assert ada.legacy_id("student") == ada.id


def test_a_non_student_role_without_legacy_id_has_none_not_the_user_id() -> None:
    # The emulator's directory once answered the user id here. That id names no v2.1 record: the staff role
    # below has no school admin in v2.1 at all (`to_v2_records` refuses it), so the right answer is "none".
    robin = teacher_staff_admin()
    staff = Staff(staff_id="S9", schools=[SCHOOL_B], roles=["PortalOnly"])
    newcomer = msgspec.structs.replace(robin, roles=Roles(staff=staff))
    assert newcomer.legacy_id("staff") is None
    assert newcomer.legacy_ids() == {}
    with pytest.raises(MissingLegacyId):
        to_v2_records(newcomer)


def test_legacy_id_of_a_role_not_held_is_an_error() -> None:
    with pytest.raises(ValueError, match="does not hold the teacher role"):
        student().legacy_id("teacher")


def test_default_login_role_is_the_first_employee_role_not_the_first_key() -> None:
    robin = teacher_staff_admin()
    assert default_login_role(robin) == "teacher"
    only_admin = msgspec.structs.replace(robin, roles=Roles(district_admin=robin.roles.district_admin))
    assert default_login_role(only_admin) == "district_admin"
    assert default_login_role(student()) == "student"
    assert default_login_role(guardian_of_two()) == "contact"
    with pytest.raises(ValueError, match="holds no role"):
        default_login_role(msgspec.structs.replace(robin, roles=Roles()))


def test_as_role_name_accepts_only_v3_role_names() -> None:
    assert as_role_name("staff") == "staff"
    assert as_role_name("school_admin") is None
    assert as_role_name("") is None


def test_role_schools_per_role() -> None:
    robin = teacher_staff_admin()
    assert robin.role_schools("teacher") == [SCHOOL_A]
    assert robin.role_schools("staff") == [SCHOOL_B]
    assert robin.role_schools("district_admin") == []
    assert guardian_of_two().role_schools("contact") == []


def test_acting_as_narrows_to_one_held_role() -> None:
    robin = teacher_staff_admin()
    acting = ActingAs(user=robin, role="staff")
    assert acting.district_id == robin.district
    assert acting.legacy_id == "5a0000000000000000000078"
    assert acting.v2_type == "school_admin"
    assert acting.schools == [SCHOOL_B]
    assert acting.other_roles == ("teacher", "district_admin")


def test_acting_as_a_role_not_held_is_refused() -> None:
    with pytest.raises(ValueError, match="does not hold the staff role"):
        ActingAs(user=student(), role="staff")


def test_a_user_without_a_role_is_a_user() -> None:
    assert User(id="u", district="d", name=student().name, roles=Roles()).role_names() == ()
