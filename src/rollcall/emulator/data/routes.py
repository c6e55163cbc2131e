"""The Data API's path table per version: collections, their relations, and how each relation is found in
a district's indexes (clever-api.md §2.1, §3.1). Pure lookups; the HTTP layer lives in `api`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from rollcall.domain.user import RoleName, User
from rollcall.domain.version import ApiVersion
from rollcall.emulator.data.district_index import EMPTY, DistrictIndex


@dataclass(frozen=True, slots=True)
class Filters:
    """`role` (empty: every role the path allows) and `primary` query filters."""

    roles: tuple[RoleName, ...] = ()
    primary: bool = False


ListResolver = Callable[[DistrictIndex, str, Filters], Sequence[str]]
SingleResolver = Callable[[DistrictIndex, str], str | None]


@dataclass(frozen=True, slots=True)
class Relation:
    """`/<collection>/{id}/<name>`: a list (`many`) or a single record (`single`) of kind `target`."""

    target: str
    many: ListResolver | None = None
    single: SingleResolver | None = None
    roles: tuple[RoleName, ...] = ()
    primary: bool = False


@dataclass(frozen=True, slots=True)
class Collection:
    """`/<name>` and `/<name>/{id}` plus its relations. `roles`: the `role` values the list accepts."""

    name: str
    top: Callable[[DistrictIndex, Filters], Sequence[str]]
    exists: Callable[[DistrictIndex, str], bool]
    relations: dict[str, Relation]
    roles: tuple[RoleName, ...] = ()


def _user(index: DistrictIndex, user_id: str) -> User:
    return index.snapshot.users[user_id]


def _district(index: DistrictIndex, _: str) -> str | None:
    return index.district_id


def _none(index: DistrictIndex, record_id: str, filters: Filters) -> Sequence[str]:
    # The snapshot carries no content mappings, so resource relations are empty lists.
    return EMPTY


def _section_field(field: str) -> SingleResolver:
    def resolve(index: DistrictIndex, section_id: str) -> str | None:
        value = getattr(index.snapshot.sections[section_id], field)
        return value if isinstance(value, str) else None

    return resolve


def _in(attribute: str) -> Callable[[DistrictIndex, str], bool]:
    def exists(index: DistrictIndex, record_id: str) -> bool:
        return record_id in getattr(index.snapshot, attribute)

    return exists


def _top(attribute: str) -> Callable[[DistrictIndex, Filters], Sequence[str]]:
    def ids(index: DistrictIndex, filters: Filters) -> Sequence[str]:
        found: Sequence[str] = getattr(index, attribute)
        return found

    return ids


def _users_top(index: DistrictIndex, filters: Filters) -> Sequence[str]:
    if not filters.roles:
        return index.user_ids
    return index.users_by_role[filters.roles[0]]


def _districts_top(index: DistrictIndex, filters: Filters) -> Sequence[str]:
    return [index.district_id]


ALL_PEOPLE: Final[tuple[RoleName, ...]] = ("contact", "district_admin", "staff", "student", "teacher")
SCHOOL_PEOPLE: Final[tuple[RoleName, ...]] = ("staff", "student", "teacher")
CLASS_PEOPLE: Final[tuple[RoleName, ...]] = ("student", "teacher")


def _school_users(index: DistrictIndex, school_id: str, filters: Filters) -> Sequence[str]:
    return index.users_of_school(school_id, filters.roles or SCHOOL_PEOPLE, filters.primary)


def _section_users(index: DistrictIndex, section_id: str, filters: Filters) -> Sequence[str]:
    return index.users_of_section(index.snapshot.sections[section_id], filters.roles or CLASS_PEOPLE)


def _my_contacts(index: DistrictIndex, user_id: str, filters: Filters) -> Sequence[str]:
    return index.student_contacts.get(user_id, EMPTY) if _user(index, user_id).roles.student else EMPTY


def _my_teachers(index: DistrictIndex, user_id: str, filters: Filters) -> Sequence[str]:
    return index.teachers_of_student(user_id) if _user(index, user_id).roles.student else EMPTY


V3_COLLECTIONS: Final[dict[str, Collection]] = {
    "users": Collection(
        "users", _users_top, _in("users"), roles=ALL_PEOPLE,
        relations={
            "district": Relation("districts", single=_district),
            "schools": Relation(
                "schools", many=lambda ix, i, f: ix.schools_of_user(_user(ix, i), f.primary), primary=True
            ),
            "sections": Relation("sections", many=lambda ix, i, f: ix.user_sections.get(i, EMPTY)),
            "mycontacts": Relation("users", many=_my_contacts),
            "mystudents": Relation("users", many=lambda ix, i, f: ix.my_students(_user(ix, i))),
            "myteachers": Relation("users", many=_my_teachers),
            "resources": Relation("resources", many=_none),
        },
    ),
    "schools": Collection(
        "schools", _top("school_ids"), _in("schools"),
        relations={
            "users": Relation("users", many=_school_users, roles=SCHOOL_PEOPLE, primary=True),
            "sections": Relation("sections", many=lambda ix, i, f: ix.school_sections.get(i, EMPTY)),
            "terms": Relation("terms", many=lambda ix, i, f: ix.terms_of_school(i)),
            "courses": Relation("courses", many=lambda ix, i, f: ix.courses_of_school(i)),
            "district": Relation("districts", single=_district),
        },
    ),
    "sections": Collection(
        "sections", _top("section_ids"), _in("sections"),
        relations={
            "users": Relation("users", many=_section_users, roles=CLASS_PEOPLE),
            "course": Relation("courses", single=_section_field("course")),
            "district": Relation("districts", single=_district),
            "school": Relation("schools", single=_section_field("school")),
            "term": Relation("terms", single=_section_field("term_id")),
            "resources": Relation("resources", many=_none),
        },
    ),
    "terms": Collection(
        "terms", _top("term_ids"), _in("terms"),
        relations={
            "district": Relation("districts", single=_district),
            "schools": Relation("schools", many=lambda ix, i, f: ix.schools_of_term(i)),
            "sections": Relation("sections", many=lambda ix, i, f: ix.term_sections.get(i, EMPTY)),
        },
    ),
    "courses": Collection(
        "courses", _top("course_ids"), _in("courses"),
        relations={
            "district": Relation("districts", single=_district),
            "schools": Relation("schools", many=lambda ix, i, f: ix.schools_of_course(i)),
            "sections": Relation("sections", many=lambda ix, i, f: ix.course_sections.get(i, EMPTY)),
            "resources": Relation("resources", many=_none),
        },
    ),
    "resources": Collection(
        "resources", _top("resource_ids"), _in("resources"),
        relations={
            "courses": Relation("courses", many=_none),
            "sections": Relation("sections", many=_none),
            "users": Relation("users", many=_none, roles=CLASS_PEOPLE),
        },
    ),
    "districts": Collection(
        "districts", _districts_top, lambda ix, i: i == ix.district_id, relations={}
    ),
}  # fmt: skip


# ---- v2.1: one collection per role; people are addressed by their v2 (legacy) ids -------------------


def _v2_user(index: DistrictIndex, kind: str, v2_id: str) -> User:
    return index.snapshot.users[index.v2_user_of[kind][v2_id]]  # type: ignore[index]


def _v2_exists(kind: str) -> Callable[[DistrictIndex, str], bool]:
    return lambda index, v2_id: v2_id in index.v2_user_of[kind]  # type: ignore[index]


def _v2_top(kind: str) -> Callable[[DistrictIndex, Filters], Sequence[str]]:
    return lambda index, filters: index.v2_ids[kind]  # type: ignore[index]


def _v2_school(kind: str) -> SingleResolver:
    def resolve(index: DistrictIndex, v2_id: str) -> str | None:
        roles = _v2_user(index, kind, v2_id).roles
        record = roles.student if kind == "students" else roles.teacher
        return record.school if record is not None else None

    return resolve


def _v2_schools(kind: str) -> ListResolver:
    def resolve(index: DistrictIndex, v2_id: str, filters: Filters) -> Sequence[str]:
        roles = _v2_user(index, kind, v2_id).roles
        record = {"students": roles.student, "teachers": roles.teacher, "school_admins": roles.staff}[kind]
        if record is None:
            return EMPTY
        primary = getattr(record, "school", None)
        return sorted({*record.schools, *([primary] if primary else [])})

    return resolve


def _v2_student_sections(index: DistrictIndex, v2_id: str, filters: Filters) -> Sequence[str]:
    return index.user_sections.get(v2_id, EMPTY)


def _v2_teacher_sections(index: DistrictIndex, v2_id: str, filters: Filters) -> Sequence[str]:
    user_id = index.v2_user_of["teachers"][v2_id]
    sections = index.snapshot.sections
    return index.cached(
        ("v2_teacher_sections", user_id),
        lambda: [s for s in index.user_sections.get(user_id, EMPTY) if user_id in sections[s].teacher_ids()],
    )


def _v2_section_teacher(index: DistrictIndex, section_id: str) -> str | None:
    teacher = index.snapshot.sections[section_id].teacher
    return index.legacy_of["teacher"].get(teacher) if teacher is not None else None


V2_COLLECTIONS: Final[dict[str, Collection]] = {
    "students": Collection(
        "students", _v2_top("students"), _v2_exists("students"),
        relations={
            "contacts": Relation("contacts", many=lambda ix, i, f: ix.v2_cached(
                ("student_contacts", i), "contact", lambda: ix.student_contacts.get(i, EMPTY))),
            "district": Relation("districts", single=_district),
            "school": Relation("schools", single=_v2_school("students")),
            "schools": Relation("schools", many=_v2_schools("students")),
            "sections": Relation("sections", many=_v2_student_sections),
            "teachers": Relation("teachers", many=lambda ix, i, f: ix.v2_cached(
                ("student_teachers", i), "teacher", lambda: ix.teachers_of_student(i))),
        },
    ),
    "teachers": Collection(
        "teachers", _v2_top("teachers"), _v2_exists("teachers"),
        relations={
            "district": Relation("districts", single=_district),
            "school": Relation("schools", single=_v2_school("teachers")),
            "schools": Relation("schools", many=_v2_schools("teachers")),
            "sections": Relation("sections", many=_v2_teacher_sections),
            "students": Relation("students", many=lambda ix, i, f: ix.students_of_teacher(
                ix.v2_user_of["teachers"][i])),
        },
    ),
    "school_admins": Collection(
        "school_admins", _v2_top("school_admins"), _v2_exists("school_admins"),
        relations={
            "district": Relation("districts", single=_district),
            "schools": Relation("schools", many=_v2_schools("school_admins")),
        },
    ),
    "district_admins": Collection(
        "district_admins", _v2_top("district_admins"), _v2_exists("district_admins"),
        relations={"district": Relation("districts", single=_district)},
    ),
    "contacts": Collection(
        "contacts", _v2_top("contacts"), _v2_exists("contacts"),
        relations={
            "district": Relation("districts", single=_district),
            "students": Relation("students", many=lambda ix, i, f: ix.students_of_contact(
                _v2_user(ix, "contacts", i))),
        },
    ),
    "sections": Collection(
        "sections", _top("section_ids"), _in("sections"),
        relations={
            "course": Relation("courses", single=_section_field("course")),
            "district": Relation("districts", single=_district),
            "school": Relation("schools", single=_section_field("school")),
            "students": Relation("students", many=lambda ix, i, f: sorted(ix.snapshot.sections[i].students)),
            "teacher": Relation("teachers", single=_v2_section_teacher),
            "teachers": Relation("teachers", many=lambda ix, i, f: ix.to_legacy(
                "teacher", ix.users_of_section(ix.snapshot.sections[i], ("teacher",)))),
            "term": Relation("terms", single=_section_field("term_id")),
        },
    ),
    "schools": Collection(
        "schools", _top("school_ids"), _in("schools"),
        relations={
            "district": Relation("districts", single=_district),
            "sections": Relation("sections", many=lambda ix, i, f: ix.school_sections.get(i, EMPTY)),
            "students": Relation("students", many=lambda ix, i, f: ix.users_of_school(i, ("student",), True)),
            "teachers": Relation("teachers", many=lambda ix, i, f: ix.v2_cached(
                ("school_teachers", i), "teacher", lambda: ix.users_of_school(i, ("teacher",), True))),
        },
    ),
    "courses": Collection(
        "courses", _top("course_ids"), _in("courses"),
        relations={
            "district": Relation("districts", single=_district),
            "sections": Relation("sections", many=lambda ix, i, f: ix.course_sections.get(i, EMPTY)),
        },
    ),
    "terms": Collection(
        "terms", _top("term_ids"), _in("terms"),
        relations={
            "district": Relation("districts", single=_district),
            "sections": Relation("sections", many=lambda ix, i, f: ix.term_sections.get(i, EMPTY)),
        },
    ),
    "districts": Collection(
        "districts", _districts_top, lambda ix, i: i == ix.district_id, relations={}
    ),
}  # fmt: skip


def collections(version: ApiVersion) -> dict[str, Collection]:
    """The Data API collections of a version (events are routed separately)."""
    return V2_COLLECTIONS if version == "v2.1" else V3_COLLECTIONS


def served_paths(version: ApiVersion) -> list[str]:
    """Every path template the emulator serves for a version, spelled as in Clever's Swagger files."""
    paths = ["/events", "/events/{id}"]
    for name, collection in collections(version).items():
        paths += [f"/{name}", f"/{name}/{{id}}"]
        paths += [f"/{name}/{{id}}/{relation}" for relation in collection.relations]
    return sorted(paths)
