"""A `Batch`: records of one type flattened for the store, built outside any transaction (pure). The full
sync and the events both write through `StoreTransaction.write`; the `upsert_*` methods build one too."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from rollcall.domain.district import Course, District, School, Section, Term
from rollcall.domain.user import User
from rollcall.store import rows as flat


class Batch(msgspec.Struct, frozen=True, gc=False):
    """One row per record (each record once: the last version of a record named twice wins) and the rows
    of each child table, which are exactly the children those records have."""

    records: flat.Rows
    children: tuple[flat.Rows, ...] = ()

    def ids(self) -> list[str]:
        """The records' ids, in row order (every record row starts with its id)."""
        return [str(row[0]) for row in self.records.rows]


def district_batch(districts: Sequence[District], run_id: str) -> Batch:
    return Batch(flat.district_rows(flat.last_by_id(districts), run_id))


def school_batch(schools: Sequence[School], run_id: str) -> Batch:
    return Batch(flat.school_rows(flat.last_by_id(schools), run_id))


def term_batch(terms: Sequence[Term], run_id: str) -> Batch:
    return Batch(flat.term_rows(flat.last_by_id(terms), run_id))


def course_batch(courses: Sequence[Course], run_id: str) -> Batch:
    return Batch(flat.course_rows(flat.last_by_id(courses), run_id))


def section_batch(sections: Sequence[Section], run_id: str) -> Batch:
    """Sections with their teachers (primary first) and students."""
    records, teachers, students = flat.section_rows(flat.last_by_id(sections), run_id)
    return Batch(records, (teachers, students))


def user_batch(users: Sequence[User], run_id: str) -> Batch:
    """Users with their roles, role schools and contact relationships."""
    records, roles, schools, relationships = flat.user_rows(flat.last_by_id(users), run_id)
    return Batch(records, (roles, schools, relationships))
