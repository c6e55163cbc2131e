"""The collections a sync writes, each with its Data API query, its record type and its store upsert; shared
by the full sync (pages of a collection) and the incremental sync (events about a record type)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

from rollcall.client import queries as q
from rollcall.client.queries import ListQuery
from rollcall.domain.district import Course, District, School, Section, Term
from rollcall.domain.user import User
from rollcall.domain.version import ApiVersion
from rollcall.store import StoreTransaction

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Collection(Generic[T]):
    """One record collection: `name` is both its path and its event record type."""

    name: str
    kind: type[T]
    query: Callable[[ApiVersion], ListQuery[T]]
    write: Callable[[StoreTransaction, Sequence[T], str], int]


def _write_districts(tx: StoreTransaction, records: Sequence[District], run_id: str) -> int:
    for district in records:
        tx.upsert_district(district, run_id=run_id)
    return len(records)


def _write_schools(tx: StoreTransaction, records: Sequence[School], run_id: str) -> int:
    return tx.upsert_schools(records, run_id=run_id)


def _write_terms(tx: StoreTransaction, records: Sequence[Term], run_id: str) -> int:
    return tx.upsert_terms(records, run_id=run_id)


def _write_courses(tx: StoreTransaction, records: Sequence[Course], run_id: str) -> int:
    return tx.upsert_courses(records, run_id=run_id)


def _write_sections(tx: StoreTransaction, records: Sequence[Section], run_id: str) -> int:
    return tx.upsert_sections(records, run_id=run_id)


def _write_users(tx: StoreTransaction, records: Sequence[User], run_id: str) -> int:
    return tx.upsert_users(records, run_id=run_id)


def _users(version: ApiVersion) -> ListQuery[User]:
    return q.users(version)


# Keyed by name; `Any` stays inside this room: each entry is checked where it is built.
COLLECTIONS: Final[dict[str, Collection[Any]]] = {
    c.name: c
    for c in (
        Collection("districts", District, q.districts, _write_districts),
        Collection("schools", School, q.schools, _write_schools),
        Collection("terms", Term, q.terms, _write_terms),
        Collection("courses", Course, q.courses, _write_courses),
        Collection("sections", Section, q.sections, _write_sections),
        Collection("users", User, _users, _write_users),
    )
}
# Event record types Clever sends that rollcall does not store (v3 `resources`).
IGNORED_RECORD_TYPES: Final = frozenset({"resources"})
