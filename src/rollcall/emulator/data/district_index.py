"""The read indexes of one loaded district: sorted id lists per collection and per version, and every
relation Clever's paths walk (user→sections, school→users with the primary flag, term→schools, …).

Built once per snapshot in a few linear passes over ids visited in ascending order, so every list comes
out sorted without a sort per list. Rarely walked, fan-out-heavy relations (teacher→students,
student→teachers, the v2.1 legacy-id lists) are computed on first use and cached.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from heapq import merge
from typing import Final

from rollcall.domain.district import Section
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import RoleName, User
from rollcall.domain.v2 import V2_COLLECTION_OF_ROLE, V2_PERSON_TYPES, V2Person, V2PersonType, to_v2_records

SCHOOL_ROLES: Final[tuple[RoleName, ...]] = ("student", "teacher", "staff")
EMPTY: Final[list[str]] = []


def _role_lists() -> dict[RoleName, list[str]]:
    return {"student": [], "teacher": [], "staff": []}


def _sorted_unique(values: Iterable[str]) -> list[str]:
    return sorted(set(values))


def merge_sorted(lists: Iterable[list[str]]) -> list[str]:
    """The ascending union of already-ascending id lists."""
    out: list[str] = []
    for value in merge(*lists):
        if not out or out[-1] != value:
            out.append(value)
    return out


class DistrictIndex:
    """Everything a request needs to find records and relations of one district without scanning."""

    def __init__(self, snapshot: DistrictSnapshot) -> None:
        self.snapshot = snapshot
        self.district_id = snapshot.district.id
        self.user_ids = sorted(snapshot.users)
        self.school_ids = sorted(snapshot.schools)
        self.term_ids = sorted(snapshot.terms)
        self.course_ids = sorted(snapshot.courses)
        self.section_ids = sorted(snapshot.sections)
        self.resource_ids = sorted(snapshot.resources)
        self.users_by_role: dict[RoleName, list[str]] = {
            role: [] for role in ("student", "teacher", "staff", "district_admin", "contact")
        }
        # school → role → ascending user ids (every school the role lists) and the primary-school subset.
        self.school_users: dict[str, dict[RoleName, list[str]]] = {}
        self.school_primary: dict[str, dict[RoleName, list[str]]] = {}
        self.student_contacts: dict[str, list[str]] = {}
        # v2.1: legacy (v2) id → v3 user id, per person collection; and v3 user id → legacy id per role.
        self.v2_user_of: dict[V2PersonType, dict[str, str]] = {kind: {} for kind in V2_PERSON_TYPES}
        self.legacy_of: dict[RoleName, dict[str, str]] = {role: {} for role in V2_COLLECTION_OF_ROLE}
        self._index_users(snapshot)
        self._section_maps: tuple[dict[str, list[str]], ...] | None = None
        self.v2_ids: dict[V2PersonType, list[str]] = {
            kind: sorted(self.v2_user_of[kind]) for kind in V2_PERSON_TYPES
        }
        self._cache: dict[tuple[str, ...], list[str]] = {}
        self._v2_records: dict[tuple[V2PersonType, str], V2Person] = {}

    def _index_users(self, snapshot: DistrictSnapshot) -> None:
        # The hot loop of a load (millions of users): roles are checked directly rather than through
        # `Roles.names()`/`User.legacy_ids()`, and per-school lists come from defaultdicts.
        users = snapshot.users
        by_role = self.users_by_role
        note_legacy = self._note_legacy
        school_users: defaultdict[str, dict[RoleName, list[str]]] = defaultdict(_role_lists)
        school_primary: defaultdict[str, dict[RoleName, list[str]]] = defaultdict(_role_lists)
        student_contacts: defaultdict[str, list[str]] = defaultdict(list)
        for user_id in self.user_ids:
            user = users[user_id]
            roles = user.roles
            if (student := roles.student) is not None:
                by_role["student"].append(user_id)
                self._add_school_member(
                    school_users, school_primary, "student", user_id, student.school, student.schools
                )
                note_legacy("student", user.legacy_id("student"), user_id)
            if (teacher := roles.teacher) is not None:
                by_role["teacher"].append(user_id)
                self._add_school_member(
                    school_users, school_primary, "teacher", user_id, teacher.school, teacher.schools
                )
                note_legacy("teacher", teacher.legacy_id, user_id)
            if (staff := roles.staff) is not None:
                by_role["staff"].append(user_id)
                self._add_school_member(school_users, school_primary, "staff", user_id, None, staff.schools)
                note_legacy("staff", staff.legacy_id, user_id)
            if (admin := roles.district_admin) is not None:
                by_role["district_admin"].append(user_id)
                note_legacy("district_admin", admin.legacy_id, user_id)
            if (contact := roles.contact) is not None:
                by_role["contact"].append(user_id)
                for relationship in contact.student_relationships:
                    student_contacts[relationship.student].append(user_id)
                note_legacy("contact", contact.legacy_id, user_id)
        self.school_users = dict(school_users)
        self.school_primary = dict(school_primary)
        self.student_contacts = dict(student_contacts)

    def _note_legacy(self, role: RoleName, legacy_id: str | None, user_id: str) -> None:
        """Index one role's v2.1 id both ways (a role without one has no v2.1 record)."""
        if legacy_id is not None:
            self.v2_user_of[V2_COLLECTION_OF_ROLE[role]][legacy_id] = user_id
            self.legacy_of[role][user_id] = legacy_id

    @staticmethod
    def _add_school_member(
        school_users: defaultdict[str, dict[RoleName, list[str]]],
        school_primary: defaultdict[str, dict[RoleName, list[str]]],
        role: RoleName,
        user_id: str,
        primary: str | None,
        schools: list[str],
    ) -> None:
        for school_id in schools:
            school_users[school_id][role].append(user_id)
        if primary is not None:
            if primary not in schools:
                school_users[primary][role].append(user_id)
            school_primary[primary][role].append(user_id)

    # The section-side maps are built together on first use: a full sync never needs them, and for a
    # million-student district they are half the cost of a load (one pass over every enrollment).
    @property
    def user_sections(self) -> dict[str, list[str]]:
        """user → ascending ids of the sections the user teaches or attends."""
        return self._sections()[0]

    @property
    def school_sections(self) -> dict[str, list[str]]:
        return self._sections()[1]

    @property
    def term_sections(self) -> dict[str, list[str]]:
        return self._sections()[2]

    @property
    def course_sections(self) -> dict[str, list[str]]:
        return self._sections()[3]

    def section_maps_if_built(self) -> tuple[dict[str, list[str]], ...] | None:
        """The section-side maps if something already needed them (a patch then updates them)."""
        return self._section_maps

    def set_section_maps(self, maps: tuple[dict[str, list[str]], ...]) -> None:
        self._section_maps = maps

    def reset_caches(self) -> None:
        """Forget every relation computed on first use (the roster changed)."""
        self._cache = {}
        self._v2_records = {}

    def _sections(self) -> tuple[dict[str, list[str]], ...]:
        if self._section_maps is None:
            self._section_maps = self._index_sections(self.snapshot)
        return self._section_maps

    def _index_sections(self, snapshot: DistrictSnapshot) -> tuple[dict[str, list[str]], ...]:
        sections = snapshot.sections
        user_sections: defaultdict[str, list[str]] = defaultdict(list)
        school_sections: defaultdict[str, list[str]] = defaultdict(list)
        term_sections: defaultdict[str, list[str]] = defaultdict(list)
        course_sections: defaultdict[str, list[str]] = defaultdict(list)
        for section_id in self.section_ids:
            section = sections[section_id]
            school_sections[section.school].append(section_id)
            if section.term_id is not None:
                term_sections[section.term_id].append(section_id)
            if section.course is not None:
                course_sections[section.course].append(section_id)
            for user_id in section.teacher_ids():
                user_sections[user_id].append(section_id)
            for user_id in section.students:
                user_sections[user_id].append(section_id)
        return dict(user_sections), dict(school_sections), dict(term_sections), dict(course_sections)

    def cached(self, key: tuple[str, ...], compute: Callable[[], list[str]]) -> list[str]:
        """A relation list computed on first use and kept until the district changes."""
        found = self._cache.get(key)
        if found is None:
            found = compute()
            self._cache[key] = found
        return found

    # ---- v3 relations -------------------------------------------------------------------------------

    def users_of_school(self, school_id: str, roles: tuple[RoleName, ...], primary: bool) -> list[str]:
        """Ascending ids of users tied to a school in any of `roles` (only where it is primary if asked)."""
        table = self.school_primary if primary else self.school_users
        per_role = table.get(school_id, {})
        if len(roles) == 1:
            return per_role.get(roles[0], EMPTY)
        key = ("school_users", school_id, "+".join(roles), "primary" if primary else "")
        return self.cached(key, lambda: merge_sorted(per_role.get(role, EMPTY) for role in roles))

    def users_of_section(self, section: Section, roles: tuple[RoleName, ...]) -> list[str]:
        """Ascending ids of a section's teachers and/or students."""
        found: set[str] = set()
        if "teacher" in roles:
            found.update(section.teacher_ids())
        if "student" in roles:
            found.update(section.students)
        return sorted(found)

    def schools_of_user(self, user: User, primary: bool) -> list[str]:
        """Ascending ids of a user's schools, or only its primary school(s)."""
        roles = user.roles
        if primary:
            return _sorted_unique(
                record.school for record in (roles.student, roles.teacher) if record is not None
            )
        return sorted(user.school_ids() | self._primary_schools(user))

    @staticmethod
    def _primary_schools(user: User) -> set[str]:
        roles = user.roles
        return {record.school for record in (roles.student, roles.teacher) if record is not None}

    def terms_of_school(self, school_id: str) -> list[str]:
        sections = self.snapshot.sections
        return self.cached(
            ("school_terms", school_id),
            lambda: _sorted_unique(
                term for s in self.school_sections.get(school_id, EMPTY) if (term := sections[s].term_id)
            ),
        )

    def courses_of_school(self, school_id: str) -> list[str]:
        sections = self.snapshot.sections
        return self.cached(
            ("school_courses", school_id),
            lambda: _sorted_unique(
                course for s in self.school_sections.get(school_id, EMPTY) if (course := sections[s].course)
            ),
        )

    def schools_of_term(self, term_id: str) -> list[str]:
        sections = self.snapshot.sections
        return self.cached(
            ("term_schools", term_id),
            lambda: _sorted_unique(sections[s].school for s in self.term_sections.get(term_id, EMPTY)),
        )

    def schools_of_course(self, course_id: str) -> list[str]:
        sections = self.snapshot.sections
        return self.cached(
            ("course_schools", course_id),
            lambda: _sorted_unique(sections[s].school for s in self.course_sections.get(course_id, EMPTY)),
        )

    def students_of_teacher(self, user_id: str) -> list[str]:
        """Students in the sections a user teaches."""
        sections = self.snapshot.sections

        def compute() -> list[str]:
            taught = (sections[s] for s in self.user_sections.get(user_id, EMPTY))
            return _sorted_unique(
                student
                for section in taught
                if user_id in section.teacher_ids()
                for student in section.students
            )

        return self.cached(("teacher_students", user_id), compute)

    def teachers_of_student(self, user_id: str) -> list[str]:
        """Every teacher (co-teachers included) of the sections a student attends."""
        sections = self.snapshot.sections

        def compute() -> list[str]:
            attended = (sections[s] for s in self.user_sections.get(user_id, EMPTY))
            return _sorted_unique(
                teacher
                for section in attended
                if user_id in section.students
                for teacher in section.teacher_ids()
            )

        return self.cached(("student_teachers", user_id), compute)

    def students_of_contact(self, user: User) -> list[str]:
        contact = user.roles.contact
        if contact is None:
            return EMPTY
        users = self.snapshot.users
        return _sorted_unique(r.student for r in contact.student_relationships if r.student in users)

    def my_students(self, user: User) -> list[str]:
        """`/users/{id}/mystudents`: a teacher's students and a contact's students."""
        lists = []
        if user.roles.teacher is not None:
            lists.append(self.students_of_teacher(user.id))
        if user.roles.contact is not None:
            lists.append(self.students_of_contact(user))
        return merge_sorted(lists) if len(lists) != 1 else lists[0]

    # ---- v2.1 ---------------------------------------------------------------------------------------

    def v2_record(self, kind: V2PersonType, v2_id: str) -> V2Person | None:
        """The v2.1 person record with this (legacy) id, or None."""
        key = (kind, v2_id)
        found = self._v2_records.get(key)
        if found is not None:
            return found
        user_id = self.v2_user_of[kind].get(v2_id)
        if user_id is None:
            return None
        for record_kind, record in to_v2_records(self.snapshot.users[user_id]):
            self._v2_records[(record_kind, record.id)] = record
        return self._v2_records.get(key)

    def to_legacy(self, role: RoleName, user_ids: Iterable[str]) -> list[str]:
        """The v2.1 ids of these users' `role` records, ascending (users without that role are skipped)."""
        legacy = self.legacy_of[role]
        return _sorted_unique(found for user_id in user_ids if (found := legacy.get(user_id)) is not None)

    def v2_cached(
        self, key: tuple[str, ...], role: RoleName, user_ids: Callable[[], Iterable[str]]
    ) -> list[str]:
        """A cached v2.1 id list of `role` records for the users `user_ids()` yields."""
        return self.cached(("v2", *key), lambda: self.to_legacy(role, user_ids()))
