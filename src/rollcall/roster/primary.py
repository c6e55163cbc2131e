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
    """Set every student's primary `school` and `schools`. The enrollment loop noted the one school of each
    student's sections; only students with sections at several schools need their sections tallied."""
    entries = build.student_ids.values()
    tallies: dict[str, list[tuple[str, int]]] = {entry.id: [] for entry in entries if entry.several}
    if tallies:
        for section in build.sections.values():
            size = len(section.students)
            for student in section.students:
                if student in tallies:
                    tallies[student].append((section.school, size))
    for entry in entries:
        role = entry.user.roles.student
        assert role is not None  # every entry is a student
        file_school, school = role.school, entry.school
        if entry.several:
            tally = _tally(tallies[entry.id])
            role.school = primary_school(tally)
            role.schools = sorted({*tally, file_school} - {""})
        elif school is None:
            role.schools = [file_school] if file_school else []
        else:
            role.school = school
            role.schools = (
                [school] if school == file_school or not file_school else sorted((school, file_school))
            )


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
