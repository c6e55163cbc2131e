"""The seeds' multi-role examples, one by one, against the default policy (facts built in memory)."""

from __future__ import annotations

import pytest

from rollcall.access import AccessEngine, Target, facts_from_snapshot, parse_target
from rollcall.errors import AccessUsageError
from tests.access.district import (
    ALGEBRA_9,
    ANN,
    ART_3,
    BEN,
    CAL,
    CARL,
    DANA,
    DANNY,
    DISTRICT,
    ELM,
    EVE,
    HISTORY_9,
    NOBODY,
    NORA,
    OAK,
    OLIVE,
    PAT,
    PINE,
    PORTIA,
    SAM,
    SCIENCE_7,
    SUE,
    TERRY,
    TERRY_PARENT,
    TESS,
    UNKNOWN,
    snapshot,
)


@pytest.fixture(scope="module")
def engine() -> AccessEngine:
    return AccessEngine(facts_from_snapshot(snapshot()))


def test_teacher_at_one_school_and_staff_at_another_edits_own_and_views_the_other(
    engine: AccessEngine,
) -> None:
    own = engine.check(DANNY, "edit", f"section:{ALGEBRA_9}")
    assert own.allowed
    assert own.role == "teacher"
    assert own.rule is not None
    assert own.rule.startswith("teacher-sections (default_policy.toml:")
    assert own.reason == "Danny Brakus may edit section Algebra 9: teaches it"
    other = engine.check(DANNY, "view", f"section:{SCIENCE_7}")
    assert other.allowed
    assert other.role == "staff"
    assert other.reason == "Danny Brakus may view section Science 7: staff at Oak Middle"
    no_edit = engine.check(DANNY, "edit", f"section:{SCIENCE_7}")
    assert not no_edit.allowed
    assert no_edit.role is None
    assert no_edit.rule is None
    assert no_edit.reason == (
        "Danny Brakus may not edit section Science 7: teaches no such section; staff grants view only"
    )


def test_acting_as_teacher_cannot_see_the_other_school(engine: AccessEngine) -> None:
    decision = engine.check(DANNY, "view", f"section:{SCIENCE_7}", acting_as="teacher")
    assert not decision.allowed
    assert decision.acting_as == "teacher"
    assert decision.reason == (
        "Danny Brakus, acting as teacher, may not view section Science 7: teaches no such section"
    )
    assert not engine.check(DANNY, "view", f"school:{OAK}", acting_as="teacher").allowed
    assert not engine.check(DANNY, "view", f"user:{ANN}", acting_as="teacher").allowed
    assert engine.check(DANNY, "edit", f"section:{ALGEBRA_9}", acting_as="teacher").allowed
    assert engine.visible(DANNY, "section", acting_as="teacher") == (ALGEBRA_9,)
    assert engine.visible(DANNY, "section", acting_as="staff") == (SCIENCE_7,)
    assert engine.visible(DANNY, "section") == (ALGEBRA_9, SCIENCE_7)


def test_school_tech_lead_may_manage_their_school_and_portal_only_may_not(engine: AccessEngine) -> None:
    lead = engine.check(TESS, "manage", f"school:{OAK}")
    assert lead.allowed
    assert lead.rule is not None
    assert lead.rule.startswith("tech-lead-schools")
    assert lead.reason == "Tess Techlead may manage school Oak Middle: staff at Oak Middle (SchoolTechLead)"
    assert not engine.check(TESS, "manage", f"school:{ELM}").allowed
    portal = engine.check(PORTIA, "manage", f"school:{OAK}")
    assert not portal.allowed
    assert portal.reason.endswith("staff may manage schools only as SchoolTechLead")
    assert engine.check(PORTIA, "view", f"school:{OAK}").allowed
    assert not engine.check(DANNY, "manage", f"school:{OAK}").allowed


def test_district_admin_who_teaches(engine: AccessEngine) -> None:
    for action in ("view", "edit", "manage"):
        for target in (f"district:{DISTRICT}", f"school:{PINE}", f"section:{SCIENCE_7}", f"user:{SUE}"):
            decision = engine.check(DANA, action, target)
            assert (decision.allowed, decision.role) == (True, "district_admin"), (action, target)
    assert engine.check(DANA, "edit", f"section:{HISTORY_9}").role == "district_admin"  # first counted role
    as_teacher = engine.check(DANA, "edit", f"section:{HISTORY_9}", acting_as="teacher")
    assert as_teacher.allowed
    assert as_teacher.role == "teacher"
    assert not engine.check(DANA, "view", f"section:{SCIENCE_7}", acting_as="teacher").allowed
    assert engine.roles_of(DANA) == ("teacher", "district_admin")


def test_district_admin_who_is_staff_acting_as_staff(engine: AccessEngine) -> None:
    assert engine.check(SAM, "edit", f"section:{SCIENCE_7}").allowed
    assert engine.check(SAM, "view", f"section:{ART_3}", acting_as="staff").allowed
    narrowed = engine.check(SAM, "edit", f"section:{ART_3}", acting_as="staff")
    assert not narrowed.allowed
    assert narrowed.reason.endswith("staff grants view only")
    assert not engine.check(SAM, "view", f"section:{SCIENCE_7}", acting_as="staff").allowed
    assert engine.check(SAM, "manage", f"district:{DISTRICT}", acting_as="district_admin").allowed


def test_co_teacher_teaches_as_fully_as_the_primary(engine: AccessEngine) -> None:
    for teacher in (OLIVE, CARL):
        assert engine.check(teacher, "edit", f"section:{SCIENCE_7}").allowed
        assert engine.check(teacher, "view", f"user:{ANN}").reason.endswith("teaches them in Science 7")
        assert not engine.check(teacher, "view", f"user:{CAL}").allowed
    assert engine.visible(CARL, "user") == (ANN, BEN)


def test_teacher_without_an_email(engine: AccessEngine) -> None:
    assert engine.check(NORA, "edit", f"section:{ART_3}").allowed
    assert engine.check(NORA, "view", f"user:{SUE}").allowed
    assert engine.check(NORA, "view", f"school:{PINE}").reason == (
        "Nora Noemail may view school Pine Elementary: teacher at Pine Elementary"
    )


def test_contact_with_three_students_sees_exactly_those(engine: AccessEngine) -> None:
    assert engine.visible(PAT, "user") == (ANN, BEN, CAL)
    grandchild = engine.check(PAT, "view", f"user:{CAL}")
    assert grandchild.allowed
    assert grandchild.reason == ("Pat Parent may view Cal Student: contact of Cal Student (Grandparent)")
    assert not engine.check(PAT, "view", f"user:{EVE}").allowed
    assert not engine.check(PAT, "edit", f"user:{ANN}").allowed
    assert not engine.check(PAT, "view", f"section:{SCIENCE_7}").allowed
    assert engine.visible(PAT, "section") == ()


def test_teacher_who_is_also_a_parent_is_two_users_inheriting_nothing(engine: AccessEngine) -> None:
    assert engine.check(TERRY_PARENT, "view", f"user:{SUE}").allowed
    assert not engine.check(TERRY, "view", f"user:{SUE}").allowed  # the teacher does not teach Sue
    assert engine.check(TERRY, "view", f"school:{PINE}").allowed
    assert not engine.check(TERRY_PARENT, "view", f"school:{PINE}").allowed
    assert not engine.check(TERRY_PARENT, "view", f"section:{ART_3}").allowed
    assert engine.roles_of(TERRY) == ("teacher",)
    assert engine.roles_of(TERRY_PARENT) == ("contact",)


def test_user_with_no_roles_or_unknown_user_is_denied_everything(engine: AccessEngine) -> None:
    targets = [f"district:{DISTRICT}", f"school:{OAK}", f"section:{SCIENCE_7}", f"user:{NOBODY}"]
    for user in (NOBODY, UNKNOWN):
        for action in ("view", "edit", "manage"):
            for target in targets:
                assert not engine.check(user, action, target).allowed
    assert (
        engine.check(NOBODY, "view", f"user:{NOBODY}").reason == "No Body may not view No Body: holds no role"
    )
    assert engine.check(UNKNOWN, "view", f"school:{OAK}").reason == (
        "user u-unknown may not view school Oak Middle: no such user in Springfield USD"
    )
    assert engine.roles_of(UNKNOWN) == ()
    assert engine.grants(UNKNOWN) == ()
    assert engine.grants(NOBODY) == ()


def test_acting_as_a_role_not_held_is_denied_never_widened(engine: AccessEngine) -> None:
    decision = engine.check(OLIVE, "view", f"section:{SCIENCE_7}", acting_as="district_admin")
    assert not decision.allowed
    assert decision.acting_as == "district_admin"
    assert decision.reason.endswith("they do not hold the district admin role")
    assert engine.grants(OLIVE, acting_as="district_admin") == ()
    assert engine.visible(OLIVE, "section", acting_as="staff") == ()
    with pytest.raises(AccessUsageError, match="does not hold the staff role"):
        engine.explain(OLIVE, acting_as="staff")


def test_students_see_themselves_and_their_sections(engine: AccessEngine) -> None:
    assert engine.check(ANN, "view", f"user:{ANN}").allowed
    assert engine.check(ANN, "view", f"section:{SCIENCE_7}").reason.endswith("enrolled in it")
    assert not engine.check(ANN, "view", f"user:{BEN}").allowed
    assert not engine.check(ANN, "edit", f"section:{SCIENCE_7}").allowed


def test_staff_see_the_people_of_their_school(engine: AccessEngine) -> None:
    assert engine.check(PORTIA, "view", f"user:{OLIVE}").allowed
    assert engine.check(PORTIA, "view", f"user:{ANN}").reason.endswith(
        "staff at Oak Middle, one of their schools"
    )
    assert not engine.check(PORTIA, "view", f"user:{CAL}").allowed
    assert not engine.check(PORTIA, "view", f"user:{PAT}").allowed  # contacts belong to no school


def test_targets_outside_the_district_are_denied(engine: AccessEngine) -> None:
    decision = engine.check(DANA, "view", "section:nowhere")
    assert not decision.allowed
    assert decision.reason.endswith("no such section in Springfield USD")
    assert not engine.check(DANA, "view", "district:another").allowed


def test_bad_input_is_a_usage_error(engine: AccessEngine) -> None:
    with pytest.raises(AccessUsageError, match="unknown action 'delete'"):
        engine.check(DANNY, "delete", f"section:{SCIENCE_7}")
    with pytest.raises(AccessUsageError, match="bad target 'class:1'"):
        engine.check(DANNY, "view", "class:1")
    with pytest.raises(AccessUsageError, match="unknown role 'principal'"):
        engine.check(DANNY, "view", f"section:{SCIENCE_7}", acting_as="principal")
    with pytest.raises(AccessUsageError, match="unknown user"):
        engine.explain(UNKNOWN)
    for text in ("section", "section:", ":x", "section:a b", "section:a:b"):
        with pytest.raises(AccessUsageError):
            parse_target(text)
    assert parse_target(" school:x ") == Target("school", "x")
    assert str(Target("user", "u")) == "user:u"


def test_explain_lists_every_role_with_grants_and_scopes(engine: AccessEngine) -> None:
    explanation = engine.explain(DANNY)
    assert explanation.name == "Danny Brakus"
    assert explanation.roles == ("teacher", "staff")
    assert explanation.counted_roles == ("staff", "teacher")
    assert explanation.staff_roles == ("PortalOnly",)
    assert explanation.role_schools == {"teacher": (ELM,), "staff": (OAK,)}
    by_rule = {grant.rule.split(" ")[0]: grant for grant in explanation.grants}
    assert by_rule["teacher-sections"].target_ids == (ALGEBRA_9,)
    assert by_rule["teacher-sections"].actions == ("view", "edit")
    assert by_rule["staff-sections"].scope == "every section at the schools of their staff role (Oak Middle)"
    assert by_rule["staff-people"].target_ids == tuple(
        sorted([ANN, BEN, CARL, DANNY, OLIVE, PORTIA, "u-tess"])
    )
    assert "tech-lead-schools" not in by_rule
    acting = engine.explain(DANNY, acting_as="staff")
    assert acting.acting_as == "staff"
    assert {g.role for g in acting.grants} == {"staff"}
    admin = {g.target_kind: g for g in engine.grants(DANA) if g.role == "district_admin"}
    assert admin["district"].district_wide
    assert admin["district"].target_ids == (DISTRICT,)
    assert len(admin["user"].target_ids) == len(snapshot().users)


def test_decision_json_shape(engine: AccessEngine) -> None:
    decision = engine.check(DANNY, "view", f"section:{SCIENCE_7}", acting_as="staff")
    assert decision.to_builtins() == {
        "allowed": True, "user": DANNY, "action": "view", "target": f"section:{SCIENCE_7}",
        "acting_as": "staff", "role": "staff", "rule": decision.rule, "reason": decision.reason,
    }  # fmt: skip
