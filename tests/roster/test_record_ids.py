from __future__ import annotations

import pytest

from rollcall.domain.ids import IdFactory
from rollcall.roster.record_ids import T0_UNIX, T1_UNIX, RosterIds, contact_key


@pytest.mark.parametrize("key", ["S1", "", "é ü 漢字", "a\x1fb"])
def test_roster_ids_equal_the_domain_id_factory(key: str) -> None:
    ids = RosterIds("seed", "Springfield")
    factory = IdFactory(namespace="seed/Springfield")
    assert ids.school(key) == factory.make(T0_UNIX, "school", key)
    assert ids.student(key) == factory.make(T0_UNIX, "student", key)
    assert ids.section(key) == factory.make(T0_UNIX, "section", key)
    assert ids.legacy("teacher", key) == factory.make(T0_UNIX, "teacher", key)
    assert ids.legacy("contact", key) == factory.make(T0_UNIX, "contact", key)
    assert ids.employee_user(key) == factory.make(T1_UNIX, "user", key)
    assert ids.contact_user(key) == factory.make(T1_UNIX, "contact-user", key)
    assert ids.solo_employee_user("staff", key) == factory.make(T1_UNIX, "user", f"staff\x1f{key}")


def test_contact_identity_falls_back_from_sis_id_to_email_to_phone_to_type_and_relationship() -> None:
    assert contact_key("C1", "Pat", "p@x.org", "555", "Primary", "Parent", "Cell") == "sis\x1fC1"
    assert contact_key("", "Pat", " P@X.org", "555", "Primary", "Parent", "Cell") == "email\x1fPat\x1fp@x.org"
    assert contact_key("", "Pat", "", "555", "Primary", "Parent", "Cell") == "phone\x1fPat\x1f555"
    assert (
        contact_key("", "Pat", "", "", "Primary", "Parent", "Cell")
        == "name\x1fPat\x1fPrimary\x1fParent\x1fCell"
    )
