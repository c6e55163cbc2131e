"""The compiled index of one district's facts: one record per user (name, roles, schools per role, staff
roles, contacts' students, sections taught and enrolled in), one per section (name, school, teachers,
students), and by school (sections, members). Checks read it in a few dictionary lookups;
`replace_users`/`replace_sections` patch it."""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable, Mapping
from types import MappingProxyType
from typing import Final

import msgspec

from rollcall.access.facts import AccessFacts
from rollcall.domain.collector import paused_collector
from rollcall.domain.district import Section, primary_first
from rollcall.domain.record import Name
from rollcall.domain.user import RoleName, User

# The roles tied to schools: the index keeps each one's schools per user, in this order.
SCHOOL_ROLES: Final[tuple[RoleName, ...]] = ("student", "teacher", "staff")
_SCHOOL_SLOT: Final[dict[RoleName, int]] = {role: slot for slot, role in enumerate(SCHOOL_ROLES)}
_NO_IDS: Final[tuple[str, ...]] = ()
_NO_SCHOOLS: Final[tuple[tuple[str, ...], ...]] = (_NO_IDS,) * len(SCHOOL_ROLES)
_NO_SECTIONS: Final[frozenset[str]] = frozenset()
_NO_STAFF_ROLES: Final[frozenset[str]] = frozenset()
Tie = tuple[str | None, str | None]  # a contact's (relationship, type) to one student
_NO_CONTACTS: Final[Mapping[str, Tie]] = MappingProxyType({})
_NO_TIES: Final[tuple[frozenset[str], tuple[str, ...]]] = (_NO_SECTIONS, _NO_IDS)
_intern = sys.intern  # one string object per id: millions of enrollments point at the same few objects


def display_name(name: Name, fallback: str) -> str:
    """`First Last` (a v3 contact carries its whole name in `last`), or `fallback` when nameless."""
    parts = [part for part in (name.first, name.last) if part]
    return " ".join(parts) if parts else fallback


class UserFacts(msgspec.Struct, gc=False):
    """What the index keeps of one user, in one object: a check finds all of it with one dictionary lookup,
    where a dictionary per fact cost one lookup each (about a microsecond of cache misses apiece among the
    2.7 M users of the largest district). `teaches` and `enrolled` come from the sections, the rest from the
    user record. Never in a reference cycle, so the garbage collector need not track millions of them."""

    name: str
    roles: tuple[RoleName, ...]
    schools: tuple[tuple[str, ...], ...]  # per SCHOOL_ROLES, each sorted; () for a role not held
    staff_roles: frozenset[str]  # Clever's permission roles of a staff member (SchoolTechLead, …)
    contacts: Mapping[str, Tie]  # a contact's students
    teaches: frozenset[str]
    enrolled: tuple[str, ...]  # sorted: the first section a teacher shares with a student is the smallest

    def schools_as(self, role: RoleName) -> tuple[str, ...]:
        """The schools of one held role (() for a role without schools, or not held)."""
        slot = _SCHOOL_SLOT.get(role)
        return _NO_IDS if slot is None else self.schools[slot]


class SectionFacts(msgspec.Struct, frozen=True, gc=False):
    """What the index keeps of one section: its name, school, teachers (primary first) and students."""

    name: str
    school: str
    teachers: tuple[str, ...]
    students: tuple[str, ...]


NOBODY: Final = UserFacts("", (), _NO_SCHOOLS, _NO_STAFF_ROLES, _NO_CONTACTS, _NO_SECTIONS, _NO_IDS)


class FactIndex:
    """The facts of one district arranged for lookups. Mutable only through `replace_*`."""

    def __init__(self, district_id: str, district_name: str) -> None:
        self.district_id = district_id
        self.district_name = district_name
        self.school_names: dict[str, str] = {}
        self.users: dict[str, UserFacts] = {}
        self.sections: dict[str, SectionFacts] = {}
        # by school
        self.school_sections: dict[str, set[str]] = {}
        self.school_members: dict[str, set[str]] = {}
        # Sections taught and enrolled in by ids that have no user (Clever may name users the app cannot
        # see, and a deleted user's sections stay theirs until the sections change): kept for when they do.
        self._unlisted: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
        # One tuple object per distinct value: most users share their roles and their one school.
        self._tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._schools: dict[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]] = {}
        self._held: dict[tuple[RoleName, ...], tuple[RoleName, ...]] = {}
        self._relations: dict[Tie, Tie] = {}
        # Bumped after `replace_users` changes `users`; `users_by_name` keeps its order with the count it was
        # built at, so an order read while a refresh ran (and assigned after it) is not taken for the new one.
        self._user_changes = 0
        self._by_name: tuple[int, tuple[str, ...]] = (-1, ())

    @classmethod
    @paused_collector()  # millions of acyclic records and sets: see domain/collector.py
    def build(cls, facts: AccessFacts) -> FactIndex:
        """Read every fact once and arrange it (300 k students: 11.0 s with the cyclic collector on, 9.5 s
        with it paused)."""
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
        for teacher, ids in teaches.items():
            index._set_ties(teacher, frozenset(ids), index._ties(teacher)[1])
        for student, ids in enrolled.items():
            index._set_ties(student, index._ties(student)[0], tuple(sorted(ids)))
        return index

    # -- users -----------------------------------------------------------------------------------------

    def _add_user(self, user: User) -> None:
        user_id = _intern(user.id)
        held = user.role_names()
        roles = user.roles
        schools = list(_NO_SCHOOLS)
        if roles.student is not None:
            schools[0] = self._school_ids(user_id, primary_first(roles.student.school, roles.student.schools))
        if roles.teacher is not None:
            schools[1] = self._school_ids(user_id, primary_first(roles.teacher.school, roles.teacher.schools))
        staff_roles = _NO_STAFF_ROLES
        if roles.staff is not None:
            schools[2] = self._school_ids(user_id, roles.staff.schools)
            if roles.staff.roles:
                staff_roles = frozenset(roles.staff.roles)
        contacts = _NO_CONTACTS
        if roles.contact is not None:
            contacts = {
                _intern(tie.student): self._relation(tie.relationship, tie.type)
                for tie in roles.contact.student_relationships
            }
        previous = self.users.get(user_id)
        teaches, enrolled = (
            self._unlisted.pop(user_id, _NO_TIES)
            if previous is None
            else (previous.teaches, previous.enrolled)
        )
        by_role = tuple(schools)
        self.users[user_id] = UserFacts(
            display_name(user.name, user_id),
            self._held.setdefault(held, held),
            self._schools.setdefault(by_role, by_role),
            staff_roles,
            contacts,
            teaches,
            enrolled,
        )

    def _relation(self, relationship: str | None, kind: str | None) -> Tie:
        """One tuple object per distinct (relationship, type): a district has a dozen or so, and 2 M ties."""
        tie = (relationship, kind)
        return self._relations.setdefault(tie, tie)

    def _school_ids(self, user_id: str, schools: Iterable[str]) -> tuple[str, ...]:
        ids = tuple(sorted({_intern(school) for school in schools}))  # sorted: reasons name the same school
        for school in ids:
            self.school_members.setdefault(school, set()).add(user_id)
        return self._tuples.setdefault(ids, ids)

    def _remove_user(self, user_id: str) -> None:
        facts = self.users.pop(user_id, None)
        if facts is None:
            return
        for schools in facts.schools:
            for school in schools:
                self.school_members.get(school, set()).discard(user_id)
        if facts.teaches or facts.enrolled:
            self._unlisted[user_id] = (facts.teaches, facts.enrolled)

    def replace_users(self, ids: Collection[str], users: Iterable[User]) -> None:
        """Forget the users `ids` and add `users` (those of `ids` still live) as they are now."""
        for user_id in ids:
            self._remove_user(user_id)
        for user in users:
            self._add_user(user)
        # After the changes: an order read from them midway is tagged with the count before them.
        self._user_changes += 1

    def member_schools(self, user_id: str) -> Iterable[str]:
        """The schools where the user holds a student, teacher or staff role (student's first, then
        teacher's, then staff's)."""
        for schools in self.users.get(user_id, NOBODY).schools:
            yield from schools

    def user_name(self, user_id: str) -> str:
        """The user's display name, or the id of a user the district does not hold."""
        facts = self.users.get(user_id)
        return user_id if facts is None else facts.name

    def users_by_name(self) -> tuple[str, ...]:
        """Every user's id ordered by (display name, id), as a people page lists them: sorted once per state
        of the users (a district admin's page walks it rather than sorting the district per request)."""
        changes = self._user_changes  # read before the users: a change made meanwhile leaves this stale
        built, order = self._by_name
        if built == changes:
            return order
        # list() copies the dict in C, atomic for other Python threads (a refresh may be patching it); the
        # order is built into a local and assigned whole, so a reader never sees half of it.
        named = [(facts.name, user_id) for user_id, facts in list(self.users.items())]
        named.sort()
        order = tuple(user_id for _, user_id in named)
        self._by_name = (changes, order)
        return order

    # -- what sections give users ----------------------------------------------------------------------

    def _ties(self, user_id: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """The sections `user_id` teaches and is enrolled in, whether or not the district holds the user."""
        facts = self.users.get(user_id)
        if facts is None:
            return self._unlisted.get(user_id, _NO_TIES)
        return facts.teaches, facts.enrolled

    def _set_ties(self, user_id: str, teaches: frozenset[str], enrolled: tuple[str, ...]) -> None:
        teaches = teaches or _NO_SECTIONS  # one empty set and one empty tuple for everyone
        enrolled = enrolled or _NO_IDS
        facts = self.users.get(user_id)
        if facts is not None:
            facts.teaches, facts.enrolled = teaches, enrolled
        elif teaches or enrolled:
            self._unlisted[user_id] = (teaches, enrolled)
        else:
            self._unlisted.pop(user_id, None)

    # -- sections --------------------------------------------------------------------------------------

    def _add_section_record(self, section: Section) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        section_id, school = _intern(section.id), _intern(section.school)
        teachers = tuple(_intern(teacher) for teacher in section.teacher_ids())
        students = tuple(dict.fromkeys(_intern(student) for student in section.students))
        self.sections[section_id] = SectionFacts(section.name, school, teachers, students)
        self.school_sections.setdefault(school, set()).add(section_id)
        return section_id, teachers, students

    def _remove_section(self, section_id: str) -> None:
        facts = self.sections.pop(section_id, None)
        if facts is None:
            return
        self.school_sections.get(facts.school, set()).discard(section_id)
        for teacher in facts.teachers:
            teaches, enrolled = self._ties(teacher)
            self._set_ties(teacher, teaches - {section_id}, enrolled)
        for student in facts.students:
            teaches, enrolled = self._ties(student)
            self._set_ties(student, teaches, tuple(other for other in enrolled if other != section_id))

    def replace_sections(self, ids: Collection[str], sections: Iterable[Section]) -> None:
        """Forget the sections `ids` and add `sections` (those of `ids` still live) as they are now."""
        for section_id in ids:
            self._remove_section(section_id)
        for section in sections:
            section_id, teachers, students = self._add_section_record(section)
            for teacher in teachers:
                teaches, enrolled = self._ties(teacher)
                self._set_ties(teacher, teaches | {section_id}, enrolled)
            for student in students:
                teaches, enrolled = self._ties(student)
                self._set_ties(student, teaches, tuple(sorted((*enrolled, section_id))))

    def section_name(self, section_id: str) -> str:
        """The section's name, or its id when the district holds no such section."""
        facts = self.sections.get(section_id)
        return section_id if facts is None else facts.name

    # -- targets ---------------------------------------------------------------------------------------

    def has_target(self, kind: str, target_id: str) -> bool:
        """Whether the district holds a target of this kind and id."""
        if kind == "section":
            return target_id in self.sections
        if kind == "user":
            return target_id in self.users
        if kind == "school":
            return target_id in self.school_names
        return target_id == self.district_id

    def ids_of(self, kind: str) -> Iterable[str]:
        """Every id of one target kind in the district."""
        if kind == "section":
            return self.sections.keys()
        if kind == "user":
            return self.users.keys()
        if kind == "school":
            return self.school_names.keys()
        return (self.district_id,)

    def find_label(self, kind: str, target_id: str) -> str | None:
        """`label` of a target the district holds, None for one it does not: one lookup answers both."""
        if kind == "section":
            section = self.sections.get(target_id)
            return None if section is None else f"section {section.name}"
        if kind == "user":
            user = self.users.get(target_id)
            return None if user is None else user.name
        if kind == "school":
            name = self.school_names.get(target_id)
            return None if name is None else f"school {name}"
        return f"district {self.district_name}" if target_id == self.district_id else None

    def label(self, kind: str, target_id: str) -> str:
        """How a sentence names a target: `section Science 7`, `Jane Doe`, `school Oak Middle`."""
        if kind == "section":
            return f"section {self.section_name(target_id)}"
        if kind == "user":
            facts = self.users.get(target_id)
            return f"user {target_id}" if facts is None else facts.name
        if kind == "school":
            return f"school {self.school_names.get(target_id, target_id)}"
        return f"district {self.district_name if target_id == self.district_id else target_id}"
