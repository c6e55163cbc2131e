"""The collections a sync writes, each with its Data API query, its record type and its store batch; shared
by the full sync (pages of a collection) and the incremental sync (events about a record type)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

from rollcall.client import Endpoints, ListQuery
from rollcall.domain.district import Course, District, School, Section, Term
from rollcall.domain.user import User
from rollcall.store import (
    Batch,
    course_batch,
    district_batch,
    school_batch,
    section_batch,
    term_batch,
    user_batch,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Collection(Generic[T]):
    """One record collection: `name` is both its path and its event record type; `prepare` flattens a page
    of its records into the batch a store transaction writes."""

    name: str
    kind: type[T]
    query: Callable[[Endpoints], ListQuery[T]]
    prepare: Callable[[Sequence[T], str], Batch]


def _users(endpoints: Endpoints) -> ListQuery[User]:
    return endpoints.users()  # every role: the table's `users` takes an optional role filter


# Keyed by name; `Any` stays inside this room: each entry is checked where it is built.
COLLECTIONS: Final[dict[str, Collection[Any]]] = {
    c.name: c
    for c in (
        Collection("districts", District, Endpoints.districts, district_batch),
        Collection("schools", School, Endpoints.schools, school_batch),
        Collection("terms", Term, Endpoints.terms, term_batch),
        Collection("courses", Course, Endpoints.courses, course_batch),
        Collection("sections", Section, Endpoints.sections, section_batch),
        Collection("users", User, _users, user_batch),
    )
}
# Event record types Clever sends that rollcall does not store (v3 `resources`).
IGNORED_RECORD_TYPES: Final = frozenset({"resources"})
