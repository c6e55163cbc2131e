"""A `Batch`: records of one type flattened for the store, built outside any transaction (pure). The full
sync and the events both write through `StoreTransaction.write`; the `upsert_*` methods build one too."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from rollcall.domain.district import Course, District, School, Section, Term
from rollcall.domain.user import User
from rollcall.store import rows as flat


class Batch(msgspec.Struct, frozen=True, gc=False):
    """One row per record (`ids` in the same order, each once: the last version of a record named twice
    wins) and the rows of each child table, which are exactly the children those records have."""

    records: flat.Rows
    ids: list[str]
    children: tuple[flat.Rows, ...] = ()


def district_batch(districts: Sequence[District], run_id: str) -> Batch:
    unique = flat.last_by_id(districts)
    return Batch(flat.district_rows(unique, run_id), [d.id for d in unique])


def school_batch(schools: Sequence[School], run_id: str) -> Batch:
    unique = flat.last_by_id(schools)
    return Batch(flat.school_rows(unique, run_id), [s.id for s in unique])


def term_batch(terms: Sequence[Term], run_id: str) -> Batch:
    unique = flat.last_by_id(terms)
    return Batch(flat.term_rows(unique, run_id), [t.id for t in unique])


def course_batch(courses: Sequence[Course], run_id: str) -> Batch:
    unique = flat.last_by_id(courses)
    return Batch(flat.course_rows(unique, run_id), [c.id for c in unique])


def section_batch(sections: Sequence[Section], run_id: str) -> Batch:
    """Sections with their teachers (primary first) and students."""
    unique = flat.last_by_id(sections)
    records, teachers, students = flat.section_rows(unique, run_id)
    return Batch(records, [s.id for s in unique], (teachers, students))


def user_batch(users: Sequence[User], run_id: str) -> Batch:
    """Users with their roles, role schools and contact relationships."""
    unique = flat.last_by_id(users)
    records, roles, schools, relationships = flat.user_rows(unique, run_id)
    return Batch(records, [u.id for u in unique], (roles, schools, relationships))
