"""Rules about a district's non-person records."""

from __future__ import annotations

import msgspec

from rollcall.domain.district import Section
from tests.factories.unit import DISTRICT, SCHOOL_A


def _section(teacher: str | None, teachers: list[str]) -> Section:
    return Section(
        id="s", district=DISTRICT, school=SCHOOL_A, sis_id="1", name="n", teacher=teacher, teachers=teachers
    )


def test_primary_teacher_comes_first_and_each_teacher_once() -> None:
    section = Section(
        id="s",
        district=DISTRICT,
        school=SCHOOL_A,
        sis_id="1",
        name="n",
        teacher="b",
        teachers=["a", "b", "a", "c"],
    )
    assert section.teacher_ids() == ["b", "a", "c"]
    assert msgspec.structs.replace(section, teacher=None, teachers=[]).teacher_ids() == []


def test_a_lone_teacher_who_is_not_the_primary_comes_after_the_primary() -> None:
    assert _section("b", ["a"]).teacher_ids() == ["b", "a"]
    assert _section("b", ["b"]).teacher_ids() == ["b"]
    assert _section(None, ["a"]).teacher_ids() == ["a"]
