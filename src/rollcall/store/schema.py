"""The SQL schema of a synced district (SQLAlchemy Core): record tables keep the full JSON payload plus the
columns lookups need; child tables hold a parent's lists (enrollments, roles, schools, relationships)."""

from __future__ import annotations

from typing import Final

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

NAMING_CONVENTION: Final = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

# A record's whole JSON as Clever sent it: TEXT on SQLite, JSONB on PostgreSQL. Writes always send encoded
# JSON text (COPY and executemany bypass SQLAlchemy's JSON processors); reads cast to text and decode with
# msgspec, so both databases take one code path.
Payload: Final = sa.Text().with_variant(postgresql.JSONB(), "postgresql")


def _record_columns() -> list[sa.Column[str]]:
    """The bookkeeping every record table carries: payload, soft delete and mark-and-sweep."""
    return [
        sa.Column("payload", Payload, nullable=False),
        sa.Column("deleted_at", sa.Text, nullable=True),
        sa.Column("last_seen_run", sa.Text, nullable=False),
    ]


districts = sa.Table(
    "districts",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("district_id", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    *_record_columns(),
)

schools = sa.Table(
    "schools",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("district_id", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("sis_id", sa.Text, nullable=False),
    sa.Column("school_number", sa.Text, nullable=False),
    *_record_columns(),
    # (district, id): a district's rows in id order straight from the index, so keyset pages cost their own
    # length (a district_id-only index made SQLite sort the whole district for every page).
    sa.Index("ix_schools_district_id_id", "district_id", "id"),
)

terms = sa.Table(
    "terms",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("district_id", sa.Text, nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=True),
    sa.Column("start_date", sa.Text, nullable=True),
    sa.Column("end_date", sa.Text, nullable=True),
    *_record_columns(),
)

courses = sa.Table(
    "courses",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("district_id", sa.Text, nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=True),
    sa.Column("number", sa.Text, nullable=True),
    *_record_columns(),
)

sections = sa.Table(
    "sections",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("district_id", sa.Text, nullable=False),
    sa.Column("school_id", sa.Text, nullable=False, index=True),
    sa.Column("sis_id", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("term_id", sa.Text, nullable=True),
    sa.Column("course_id", sa.Text, nullable=True),
    sa.Column("teacher_id", sa.Text, nullable=True),
    *_record_columns(),
    sa.Index("ix_sections_district_id_id", "district_id", "id"),
)

# Child tables carry no foreign keys: they are only ever written together with their parent (replaced in
# the same call), Clever may name users the app cannot see, and per-row FK checks tripled the cost of
# loading 8.6 M enrollments. Their district_id is for purging, so it has no index. On SQLite the narrow
# ones live inside their primary-key b-tree (WITHOUT ROWID): one b-tree less to maintain per row.
section_teachers = sa.Table(
    "section_teachers",
    metadata,
    sa.Column("section_id", sa.Text, primary_key=True),
    sa.Column("teacher_id", sa.Text, primary_key=True, index=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("district_id", sa.Text, nullable=False),
    sqlite_with_rowid=False,
)

section_students = sa.Table(
    "section_students",
    metadata,
    sa.Column("section_id", sa.Text, primary_key=True),
    sa.Column("student_id", sa.Text, primary_key=True, index=True),
    sa.Column("district_id", sa.Text, nullable=False),
    sqlite_with_rowid=False,
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("district_id", sa.Text, nullable=False),
    sa.Column("name_first", sa.Text, nullable=True),
    sa.Column("name_middle", sa.Text, nullable=True),
    sa.Column("name_last", sa.Text, nullable=True),
    sa.Column("email", sa.Text, nullable=True, index=True),
    sa.Column("created", sa.Text, nullable=True),
    sa.Column("last_modified", sa.Text, nullable=True),
    *_record_columns(),
    sa.Index("ix_users_district_id_id", "district_id", "id"),
)

user_roles = sa.Table(
    "user_roles",
    metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("role", sa.Text, primary_key=True),
    sa.Column("district_id", sa.Text, nullable=False),
    sa.Column("legacy_id", sa.Text, nullable=True, index=True),
    sa.Column("sis_id", sa.Text, nullable=True),
    sa.Column("staff_id", sa.Text, nullable=True),
    sa.Column("title", sa.Text, nullable=True),
    sa.Column("school_id", sa.Text, nullable=True, index=True),
    sa.Column("staff_roles", sa.Text, nullable=True),  # JSON array of Clever permission roles (staff only)
    # No payload: the role is in full in its user's payload. Still a rowid table on SQLite, unlike the other
    # child tables: its two secondary indexes would each carry (user_id, role) instead of an 8-byte rowid,
    # and WITHOUT ROWID measured 14% larger and ~15% slower to first-load at 100k students.
    # A district's roles in (user, role) order for keyset paging (see schools).
    sa.Index("ix_user_roles_district_id_user_id_role", "district_id", "user_id", "role"),
)

role_schools = sa.Table(
    "role_schools",
    metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("role", sa.Text, primary_key=True),
    sa.Column("school_id", sa.Text, primary_key=True, index=True),
    sa.Column("district_id", sa.Text, nullable=False),
    sqlite_with_rowid=False,
)

contact_relationships = sa.Table(
    "contact_relationships",
    metadata,
    sa.Column("contact_id", sa.Text, primary_key=True),
    sa.Column("student_id", sa.Text, primary_key=True, index=True),
    sa.Column("relationship", sa.Text, nullable=True),
    sa.Column("type", sa.Text, nullable=True),
    sa.Column("district_id", sa.Text, nullable=False),
    sqlite_with_rowid=False,
)

sync_checkpoints = sa.Table(
    "sync_checkpoints",
    metadata,
    sa.Column("district_id", sa.Text, primary_key=True),
    sa.Column("api_version", sa.Text, primary_key=True),
    sa.Column("last_event_id", sa.Text, nullable=True),
    sa.Column("last_full_sync_run_id", sa.Text, nullable=True),
    sa.Column("updated_at", sa.Text, nullable=False),
)

sync_runs = sa.Table(
    "sync_runs",
    metadata,
    sa.Column("run_id", sa.Text, primary_key=True),
    sa.Column("district_id", sa.Text, nullable=False, index=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("api_version", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("started_at", sa.Text, nullable=False),
    sa.Column("finished_at", sa.Text, nullable=True),
    sa.Column("counts", sa.Text, nullable=True),  # JSON object: table → rows written
)

# At most one unfinished full sync per district and API version: where it resumes (see values.ResumePoint).
sync_resume_points = sa.Table(
    "sync_resume_points",
    metadata,
    sa.Column("district_id", sa.Text, primary_key=True),
    sa.Column("api_version", sa.Text, primary_key=True),
    sa.Column("run_id", sa.Text, nullable=False),
    sa.Column("collection", sa.Text, nullable=False),
    sa.Column("resume_url", sa.Text, nullable=True),
    sa.Column("start_event_id", sa.Text, nullable=True),
    sa.Column("updated_at", sa.Text, nullable=False),
)

# The fleet's ledger (rollcall.fleet): one row per district the app is connected to, with the state its
# last sync job left it in, and one row per sync job attempt (who ran it, when it held the district's fence).
fleet_districts = sa.Table(
    "fleet_districts",
    metadata,
    sa.Column("district_id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("state", sa.Text, nullable=False),  # never | running | ok | retrying | failed
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("worker", sa.Text, nullable=True),
    sa.Column("updated_at", sa.Text, nullable=False),
)

sync_attempts = sa.Table(
    "sync_attempts",
    metadata,
    sa.Column("attempt_id", sa.Text, primary_key=True),
    sa.Column("district_id", sa.Text, nullable=False, index=True),
    sa.Column("job_id", sa.Integer, nullable=True),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("worker", sa.Text, nullable=False),
    sa.Column("started_at", sa.Text, nullable=False),  # when it acquired the district's fence
    sa.Column("finished_at", sa.Text, nullable=True),  # NULL: still running, or its worker died
    sa.Column("outcome", sa.Text, nullable=True),  # succeeded | retrying | failed
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("run_id", sa.Text, nullable=True),
)

# What changed, per district, for readers that keep derived state (the access engine's index): each write
# transaction touching users, sections or schools bumps the district's version once and records the user and
# section ids it touched at that version; a transaction touching more than a page of them, or schools, the
# district or a sweep, records one `reset` row instead (read everything again), and drops the older rows.
change_versions = sa.Table(
    "change_versions",
    metadata,
    sa.Column("district_id", sa.Text, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)

change_log = sa.Table(
    "change_log",
    metadata,
    sa.Column("district_id", sa.Text, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("record_type", sa.Text, primary_key=True),  # users | sections | reset
    sa.Column("record_id", sa.Text, primary_key=True),
    sqlite_with_rowid=False,
)

# Tables holding whole records (payload, soft delete, sweep), keyed by the event record type naming them.
RECORD_TABLES: Final[dict[str, sa.Table]] = {
    table.name: table for table in (districts, schools, terms, courses, sections, users)
}
RECORD_TYPES: Final[tuple[str, ...]] = tuple(RECORD_TABLES)  # what `StoreTransaction.delete` accepts
# Child tables: (table, the column naming the parent, the parent table).
CHILD_TABLES: Final[dict[str, tuple[sa.Table, str, sa.Table]]] = {
    "section_teachers": (section_teachers, "section_id", sections),
    "section_students": (section_students, "section_id", sections),
    "user_roles": (user_roles, "user_id", users),
    "role_schools": (role_schools, "user_id", users),
    "contact_relationships": (contact_relationships, "contact_id", users),
}
# Every table holding a district's data, parents before children.
DISTRICT_TABLES: Final[tuple[sa.Table, ...]] = (
    *RECORD_TABLES.values(),
    *(table for table, _, _ in CHILD_TABLES.values()),
)
