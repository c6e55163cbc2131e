"""The scopes a policy may name, each evaluated over the index: whether it covers a target (and the fact
that shows it, for the reason), which targets it covers, and its words for people."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Protocol

from rollcall.access.index import NOBODY, FactIndex
from rollcall.domain.user import RoleName

ROLE_WORDS: Final[dict[RoleName, str]] = {
    "student": "student",
    "teacher": "teacher",
    "staff": "staff",
    "district_admin": "district admin",
    "contact": "contact",
}


class Scope(Protocol):
    """One scope of the vocabulary. `covers` returns the witness (a school, section or user id that shows
    the target is in scope) or None."""

    def covers(self, index: FactIndex, user: str, role: RoleName, target: str) -> str | None: ...

    def visible(self, index: FactIndex, user: str, role: RoleName, kind: str) -> Iterable[str]: ...

    def because(self, index: FactIndex, user: str, role: RoleName, witness: str) -> str: ...

    def missing(self, index: FactIndex, role: RoleName, kind: str, target: str) -> str: ...

    def words(self, index: FactIndex, user: str, role: RoleName) -> str: ...


def _school_list(index: FactIndex, schools: Iterable[str]) -> str:
    names = [index.school_names.get(school, school) for school in schools]
    return ", ".join(names) if names else "no school"


class TaughtSections:
    def covers(self, index: FactIndex, user: str, role: RoleName, target: str) -> str | None:
        return target if target in index.users.get(user, NOBODY).teaches else None

    def visible(self, index: FactIndex, user: str, role: RoleName, kind: str) -> Iterable[str]:
        return index.users.get(user, NOBODY).teaches

    def because(self, index: FactIndex, user: str, role: RoleName, witness: str) -> str:
        return "teaches it"

    def missing(self, index: FactIndex, role: RoleName, kind: str, target: str) -> str:
        return "teaches no such section"

    def words(self, index: FactIndex, user: str, role: RoleName) -> str:
        return "sections they teach"


class TaughtStudents:
    def covers(self, index: FactIndex, user: str, role: RoleName, target: str) -> str | None:
        taught = index.users.get(user, NOBODY).teaches
        if not taught:
            return None
        for section in index.users.get(target, NOBODY).enrolled:
            if section in taught:
                return section
        return None

    def visible(self, index: FactIndex, user: str, role: RoleName, kind: str) -> Iterable[str]:
        found: dict[str, None] = {}
        for section in index.users.get(user, NOBODY).teaches:
            facts = index.sections.get(section)
            if facts is not None:
                found.update(dict.fromkeys(facts.students))
        return found.keys()

    def because(self, index: FactIndex, user: str, role: RoleName, witness: str) -> str:
        return f"teaches them in {index.section_name(witness)}"

    def missing(self, index: FactIndex, role: RoleName, kind: str, target: str) -> str:
        return "teaches them in no section"

    def words(self, index: FactIndex, user: str, role: RoleName) -> str:
        return "students enrolled in sections they teach"


class RoleSchools:
    def covers(self, index: FactIndex, user: str, role: RoleName, target: str) -> str | None:
        return target if target in index.users.get(user, NOBODY).schools_as(role) else None

    def visible(self, index: FactIndex, user: str, role: RoleName, kind: str) -> Iterable[str]:
        return index.users.get(user, NOBODY).schools_as(role)

    def because(self, index: FactIndex, user: str, role: RoleName, witness: str) -> str:
        return f"{ROLE_WORDS[role]} at {index.school_names.get(witness, witness)}"

    def missing(self, index: FactIndex, role: RoleName, kind: str, target: str) -> str:
        return f"not {ROLE_WORDS[role]} at {index.school_names.get(target, target)}"

    def words(self, index: FactIndex, user: str, role: RoleName) -> str:
        schools = _school_list(index, index.users.get(user, NOBODY).schools_as(role))
        return f"schools of their {ROLE_WORDS[role]} role ({schools})"


class SchoolSections:
    def covers(self, index: FactIndex, user: str, role: RoleName, target: str) -> str | None:
        section = index.sections.get(target)
        if section is None:
            return None
        return section.school if section.school in index.users.get(user, NOBODY).schools_as(role) else None

    def visible(self, index: FactIndex, user: str, role: RoleName, kind: str) -> Iterable[str]:
        found: list[str] = []
        for school in index.users.get(user, NOBODY).schools_as(role):
            found.extend(index.school_sections.get(school, ()))
        return found

    def because(self, index: FactIndex, user: str, role: RoleName, witness: str) -> str:
        return f"{ROLE_WORDS[role]} at {index.school_names.get(witness, witness)}"

    def missing(self, index: FactIndex, role: RoleName, kind: str, target: str) -> str:
        section = index.sections.get(target)
        school = "" if section is None else section.school
        return f"not {ROLE_WORDS[role]} at {index.school_names.get(school, school)}"

    def words(self, index: FactIndex, user: str, role: RoleName) -> str:
        schools = _school_list(index, index.users.get(user, NOBODY).schools_as(role))
        return f"every section at the schools of their {ROLE_WORDS[role]} role ({schools})"


class SchoolUsers:
    def covers(self, index: FactIndex, user: str, role: RoleName, target: str) -> str | None:
        mine = index.users.get(user, NOBODY).schools_as(role)
        if not mine:
            return None
        for schools in index.users.get(target, NOBODY).schools:  # member_schools, without a generator
            for school in schools:
                if school in mine:
                    return school
        return None

    def visible(self, index: FactIndex, user: str, role: RoleName, kind: str) -> Iterable[str]:
        schools = index.users.get(user, NOBODY).schools_as(role)
        if len(schools) == 1:  # most people: that school's members as the index holds them (read, not copied)
            return index.school_members.get(schools[0], ())
        found: dict[str, None] = {}
        for school in schools:
            found.update(dict.fromkeys(index.school_members.get(school, ())))
        return found.keys()

    def because(self, index: FactIndex, user: str, role: RoleName, witness: str) -> str:
        return f"{ROLE_WORDS[role]} at {index.school_names.get(witness, witness)}, one of their schools"

    def missing(self, index: FactIndex, role: RoleName, kind: str, target: str) -> str:
        return f"shares no school with them as {ROLE_WORDS[role]}"

    def words(self, index: FactIndex, user: str, role: RoleName) -> str:
        schools = _school_list(index, index.users.get(user, NOBODY).schools_as(role))
        return f"every student, teacher and staff at the schools of their {ROLE_WORDS[role]} role ({schools})"


class WholeDistrict:
    def covers(self, index: FactIndex, user: str, role: RoleName, target: str) -> str | None:
        return index.district_id  # the engine checked that the target is in the district

    def visible(self, index: FactIndex, user: str, role: RoleName, kind: str) -> Iterable[str]:
        return index.ids_of(kind)

    def because(self, index: FactIndex, user: str, role: RoleName, witness: str) -> str:
        return f"{ROLE_WORDS[role]} of {index.district_name}"

    def missing(self, index: FactIndex, role: RoleName, kind: str, target: str) -> str:
        return f"not in {index.district_name}"

    def words(self, index: FactIndex, user: str, role: RoleName) -> str:
        return f"everything in {index.district_name}"


class RelatedStudents:
    def covers(self, index: FactIndex, user: str, role: RoleName, target: str) -> str | None:
        return target if target in index.users.get(user, NOBODY).contacts else None

    def visible(self, index: FactIndex, user: str, role: RoleName, kind: str) -> Iterable[str]:
        return index.users.get(user, NOBODY).contacts.keys()

    def because(self, index: FactIndex, user: str, role: RoleName, witness: str) -> str:
        relationship = index.users.get(user, NOBODY).contacts.get(witness, (None, None))[0]
        tie = f" ({relationship})" if relationship else ""
        return f"contact of {index.user_name(witness)}{tie}"

    def missing(self, index: FactIndex, role: RoleName, kind: str, target: str) -> str:
        return "has no relationship with them"

    def words(self, index: FactIndex, user: str, role: RoleName) -> str:
        return "students they have a relationship with"


class Themselves:
    def covers(self, index: FactIndex, user: str, role: RoleName, target: str) -> str | None:
        return target if target == user else None

    def visible(self, index: FactIndex, user: str, role: RoleName, kind: str) -> Iterable[str]:
        return (user,)

    def because(self, index: FactIndex, user: str, role: RoleName, witness: str) -> str:
        return "it is their own record"

    def missing(self, index: FactIndex, role: RoleName, kind: str, target: str) -> str:
        return "not their own record"

    def words(self, index: FactIndex, user: str, role: RoleName) -> str:
        return "themselves"


class EnrolledSections:
    def covers(self, index: FactIndex, user: str, role: RoleName, target: str) -> str | None:
        return target if target in index.users.get(user, NOBODY).enrolled else None

    def visible(self, index: FactIndex, user: str, role: RoleName, kind: str) -> Iterable[str]:
        return index.users.get(user, NOBODY).enrolled

    def because(self, index: FactIndex, user: str, role: RoleName, witness: str) -> str:
        return "enrolled in it"

    def missing(self, index: FactIndex, role: RoleName, kind: str, target: str) -> str:
        return "not enrolled in it"

    def words(self, index: FactIndex, user: str, role: RoleName) -> str:
        return "sections they are enrolled in"


SCOPES: Final[dict[str, Scope]] = {
    "taught_sections": TaughtSections(),
    "taught_students": TaughtStudents(),
    "role_schools": RoleSchools(),
    "school_sections": SchoolSections(),
    "school_users": SchoolUsers(),
    "district": WholeDistrict(),
    "related_students": RelatedStudents(),
    "self": Themselves(),
    "enrolled_sections": EnrolledSections(),
}
