"""The compiled index of one district's facts: by user (roles, schools per role, sections taught, sections
enrolled in, contacts' students), by school (sections, members) and by section (school, teachers,
students). Checks read it in a few dictionary lookups; `replace_users`/`replace_sections` patch it."""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable
from typing import Final

from rollcall.access.facts import AccessFacts
from rollcall.domain.district import Section, primary_first
from rollcall.domain.record import Name
from rollcall.domain.user import RoleName, User

# The roles tied to schools: the index keeps each one's schools per user.
SCHOOL_ROLES: Final[tuple[RoleName, ...]] = ("student", "teacher", "staff")
_NO_SECTIONS: Final[frozenset[str]] = frozenset()
_intern = sys.intern  # one string object per id: millions of enrollments point at the same few objects


def display_name(name: Name, fallback: str) -> str:
    """`First Last` (a v3 contact carries its whole name in `last`), or `fallback` when nameless."""
    parts = [part for part in (name.first, name.last) if part]
    return " ".join(parts) if parts else fallback


class FactIndex:
    """The facts of one district arranged for lookups. Mutable only through `replace_*`."""

    def __init__(self, district_id: str, district_name: str) -> None:
        self.district_id = district_id
        self.district_name = district_name
        self.school_names: dict[str, str] = {}
        # by user
        self.names: dict[str, str] = {}
        self.roles: dict[str, tuple[RoleName, ...]] = {}
        self.schools_of: dict[RoleName, dict[str, tuple[str, ...]]] = {role: {} for role in SCHOOL_ROLES}
        self.staff_roles: dict[str, frozenset[str]] = {}
        self.contacts: dict[str, dict[str, tuple[str | None, str | None]]] = {}
        self.teaches: dict[str, frozenset[str]] = {}
        self.enrolled: dict[str, tuple[str, ...]] = {}
        # by section
        self.section_names: dict[str, str] = {}
        self.section_school: dict[str, str] = {}
        self.section_teachers: dict[str, tuple[str, ...]] = {}
        self.section_students: dict[str, tuple[str, ...]] = {}
        # by school
        self.school_sections: dict[str, set[str]] = {}
        self.school_members: dict[str, set[str]] = {}
        # One tuple object per distinct value: most users share their roles and their one school.
        self._tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._held: dict[tuple[RoleName, ...], tuple[RoleName, ...]] = {}

    @classmethod
    def build(cls, facts: AccessFacts) -> FactIndex:
        """Read every fact once and arrange it."""
        district = facts.district()
        index = cls(facts.district_id, district.name if district is not None else facts.district_id)
        for school in facts.schools():
            index.school_names[_intern(school.id)] = school.name
        for user in facts.users():
            index._add_user(user)
        teaches: dict[str, list[str]] = {}
        enrolled: dict[str, list[str]] = {}
        for section in facts.sections():
            section_id, teachers, students = index._add_section_record(section)
            for teacher in teachers:
                teaches.setdefault(teacher, []).append(section_id)
            for student in students:
                enrolled.setdefault(student, []).append(section_id)
        index.teaches = {teacher: frozenset(ids) for teacher, ids in teaches.items()}
        index.enrolled = {student: tuple(sorted(ids)) for student, ids in enrolled.items()}
        return index

    # -- users -----------------------------------------------------------------------------------------

    def _add_user(self, user: User) -> None:
        user_id = _intern(user.id)
        self.names[user_id] = display_name(user.name, user_id)
        held = user.role_names()
        self.roles[user_id] = self._held.setdefault(held, held)
        roles = user.roles
        if roles.student is not None:
            self._set_schools(user_id, "student", primary_first(roles.student.school, roles.student.schools))
        if roles.teacher is not None:
            self._set_schools(user_id, "teacher", primary_first(roles.teacher.school, roles.teacher.schools))
        if roles.staff is not None:
            self._set_schools(user_id, "staff", roles.staff.schools)
            if roles.staff.roles:
                self.staff_roles[user_id] = frozenset(roles.staff.roles)
        if roles.contact is not None:
            self.contacts[user_id] = {
                _intern(tie.student): (tie.relationship, tie.type)
                for tie in roles.contact.student_relationships
            }

    def _set_schools(self, user_id: str, role: RoleName, schools: Iterable[str]) -> None:
        ids = tuple(sorted({_intern(school) for school in schools}))  # sorted: reasons name the same school
        ids = self._tuples.setdefault(ids, ids)
        self.schools_of[role][user_id] = ids
        for school in ids:
            self.school_members.setdefault(school, set()).add(user_id)

    def _remove_user(self, user_id: str) -> None:
        self.names.pop(user_id, None)
        self.roles.pop(user_id, None)
        self.staff_roles.pop(user_id, None)
        self.contacts.pop(user_id, None)
        for role in SCHOOL_ROLES:
            for school in self.schools_of[role].pop(user_id, ()):
                self.school_members.get(school, set()).discard(user_id)

    def replace_users(self, ids: Collection[str], users: Iterable[User]) -> None:
        """Forget the users `ids` and add `users` (those of `ids` still live) as they are now."""
        for user_id in ids:
            self._remove_user(user_id)
        for user in users:
            self._add_user(user)

    def member_schools(self, user_id: str) -> Iterable[str]:
        """The schools where the user holds a student, teacher or staff role (student's first, then
        teacher's, then staff's). Only the roles held are looked up: each lookup in a dictionary of millions
        of users costs about a microsecond of cache misses at the largest district."""
        held = self.roles.get(user_id, ())
        for role in SCHOOL_ROLES:
            if role in held:
                yield from self.schools_of[role].get(user_id, ())

    # -- sections --------------------------------------------------------------------------------------

    def _add_section_record(self, section: Section) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        section_id, school = _intern(section.id), _intern(section.school)
        teachers = tuple(_intern(teacher) for teacher in section.teacher_ids())
        students = tuple(dict.fromkeys(_intern(student) for student in section.students))
        self.section_names[section_id] = section.name
        self.section_school[section_id] = school
        self.section_teachers[section_id] = teachers
        self.section_students[section_id] = students
        self.school_sections.setdefault(school, set()).add(section_id)
        return section_id, teachers, students

    def _remove_section(self, section_id: str) -> None:
        self.section_names.pop(section_id, None)
        school = self.section_school.pop(section_id, None)
        if school is not None:
            self.school_sections.get(school, set()).discard(section_id)
        for teacher in self.section_teachers.pop(section_id, ()):
            remaining = self.teaches.get(teacher, _NO_SECTIONS) - {section_id}
            if remaining:
                self.teaches[teacher] = remaining
            else:
                self.teaches.pop(teacher, None)
        for student in self.section_students.pop(section_id, ()):
            kept = tuple(other for other in self.enrolled.get(student, ()) if other != section_id)
            if kept:
                self.enrolled[student] = kept
            else:
                self.enrolled.pop(student, None)

    def replace_sections(self, ids: Collection[str], sections: Iterable[Section]) -> None:
        """Forget the sections `ids` and add `sections` (those of `ids` still live) as they are now."""
        for section_id in ids:
            self._remove_section(section_id)
        for section in sections:
            section_id, teachers, students = self._add_section_record(section)
            for teacher in teachers:
                self.teaches[teacher] = self.teaches.get(teacher, _NO_SECTIONS) | {section_id}
            for student in students:
                self.enrolled[student] = tuple(sorted((*self.enrolled.get(student, ()), section_id)))

    def has_target(self, kind: str, target_id: str) -> bool:
        """Whether the district holds a target of this kind and id."""
        if kind == "section":
            return target_id in self.section_school
        if kind == "user":
            return target_id in self.roles
        if kind == "school":
            return target_id in self.school_names
        return target_id == self.district_id

    def ids_of(self, kind: str) -> Iterable[str]:
        """Every id of one target kind in the district."""
        if kind == "section":
            return self.section_school.keys()
        if kind == "user":
            return self.roles.keys()
        if kind == "school":
            return self.school_names.keys()
        return (self.district_id,)

    def find_label(self, kind: str, target_id: str) -> str | None:
        """`label` of a target the district holds, None for one it does not: one lookup answers both (a
        user's name and a section's name are kept for exactly the ids `has_target` knows)."""
        if kind == "section":
            name = self.section_names.get(target_id)
            return None if name is None else f"section {name}"
        if kind == "user":
            return self.names.get(target_id)
        if kind == "school":
            name = self.school_names.get(target_id)
            return None if name is None else f"school {name}"
        return f"district {self.district_name}" if target_id == self.district_id else None

    def label(self, kind: str, target_id: str) -> str:
        """How a sentence names a target: `section Science 7`, `Jane Doe`, `school Oak Middle`."""
        if kind == "section":
            return f"section {self.section_names.get(target_id, target_id)}"
        if kind == "user":
            return self.names.get(target_id, f"user {target_id}")
        if kind == "school":
            return f"school {self.school_names.get(target_id, target_id)}"
        return f"district {self.district_name if target_id == self.district_id else target_id}"
