"""Clever's primary-school rule (clever-api.md §8.3): a teacher's or student's `school` is the school where
they have the most sections; a tie goes to the school with the larger total enrolment across those sections,
then to the smallest school id; without sections, the school their file row names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rollcall.roster.build import RosterBuild

SchoolTally = dict[str, list[int]]  # school id -> [sections, total enrolment of those sections]


def primary_school(tally: Mapping[str, list[int]]) -> str:
    """The school Clever picks as primary from a non-empty tally of a person's sections."""
    return min(tally, key=lambda school: (-tally[school][0], -tally[school][1], school))


def _tally(sections: Iterable[tuple[str, int]]) -> SchoolTally:
    tally: SchoolTally = {}
    for school, size in sections:
        counts = tally.setdefault(school, [0, 0])
        counts[0] += 1
        counts[1] += size
    return tally


def assign_student_schools(build: RosterBuild) -> None:
    """Set every student's primary `school` and `schools` from the sections enrollments put them in."""
    only_school: dict[str, str] = {}  # student id -> the one school of its sections so far
    several: set[str] = set()
    for section in build.sections.values():
        school = section.school
        for student in section.students:
            if only_school.setdefault(student, school) != school:
                several.add(student)
    tallies: dict[str, list[tuple[str, int]]] = {student: [] for student in several}
    if tallies:
        for section in build.sections.values():
            size = len(section.students)
            for student in section.students:
                if student in tallies:
                    tallies[student].append((section.school, size))
    for user_id, user in build.students.items():
        role = user.roles.student
        assert role is not None  # every user in build.students is a student
        file_school = role.school
        if user_id in tallies:
            tally = _tally(tallies[user_id])
            role.school = primary_school(tally)
            schools = {*tally, file_school}
        elif user_id in only_school:
            role.school = only_school[user_id]
            schools = {role.school, file_school}
        else:
            schools = {file_school}
        schools.discard("")
        role.schools = sorted(schools)


def teacher_schools(build: RosterBuild) -> dict[str, tuple[str, list[str]]]:
    """Each Teacher_id's (primary school id, every school id), counting co-taught sections."""
    sections_of: dict[str, list[tuple[str, int]]] = {}
    for section in build.sections.values():
        size = len(section.students)
        for teacher in section.teachers:
            sections_of.setdefault(teacher, []).append((section.school, size))
    found: dict[str, tuple[str, list[str]]] = {}
    for sis_id, record in build.teachers.items():
        row_schools = {build.school_ids.get(school, "") for school in record.schools}
        file_school = build.school_ids.get(record.schools[0], "")
        taught = sections_of.get(sis_id)
        if taught:
            tally = _tally(taught)
            primary = primary_school(tally)
            schools = row_schools | tally.keys()
        else:
            primary = file_school
            schools = row_schools
        schools.discard("")
        found[sis_id] = (primary, sorted(schools))
    return found
