"""District records, their child tables, sync checkpoints and sync runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copies of the schema's building blocks: a migration must not change when schema.py does.
PAYLOAD = sa.Text().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
RECORD_TABLES = ("districts", "schools", "terms", "courses", "sections", "users")


def _text(name: str, *, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _record(table: str, *columns: sa.Column[str]) -> None:
    """A record table: id, district_id, its own columns, payload, soft delete and mark-and-sweep."""
    op.create_table(
        table,
        _text("id", nullable=False),
        _text("district_id", nullable=False),
        *columns,
        sa.Column("payload", PAYLOAD, nullable=False),
        _text("deleted_at"),
        _text("last_seen_run", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )


# Child rows live inside their primary-key b-tree on SQLite; PostgreSQL ignores the option.
WITHOUT_ROWID = {"sqlite_with_rowid": False}


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns), unique=False)


def upgrade() -> None:
    _record("districts", _text("name", nullable=False))
    _record(
        "schools", _text("name", nullable=False), _text("sis_id", nullable=False),
        _text("school_number", nullable=False),
    )  # fmt: skip
    _record("terms", _text("name"), _text("start_date"), _text("end_date"))
    _record("courses", _text("name"), _text("number"))
    _record(
        "sections", _text("school_id", nullable=False), _text("sis_id", nullable=False),
        _text("name", nullable=False), _text("term_id"), _text("course_id"), _text("teacher_id"),
    )  # fmt: skip
    _record(
        "users", _text("name_first"), _text("name_middle"), _text("name_last"), _text("email"),
        _text("created"), _text("last_modified"),
    )  # fmt: skip
    for table in RECORD_TABLES[1:]:
        _index(table, "district_id")
    _index("sections", "school_id")
    _index("users", "email")

    op.create_table(
        "section_teachers",
        _text("section_id", nullable=False),
        _text("teacher_id", nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _text("district_id", nullable=False),
        sa.PrimaryKeyConstraint("section_id", "teacher_id", name=op.f("pk_section_teachers")),
        **WITHOUT_ROWID,
    )
    op.create_table(
        "section_students",
        _text("section_id", nullable=False),
        _text("student_id", nullable=False),
        _text("district_id", nullable=False),
        sa.PrimaryKeyConstraint("section_id", "student_id", name=op.f("pk_section_students")),
        **WITHOUT_ROWID,
    )
    op.create_table(
        "user_roles",
        _text("user_id", nullable=False),
        _text("role", nullable=False),
        _text("district_id", nullable=False),
        _text("legacy_id"),
        _text("sis_id"),
        _text("staff_id"),
        _text("title"),
        _text("school_id"),
        _text("staff_roles"),
        sa.Column("payload", PAYLOAD, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_roles")),
    )
    op.create_table(
        "role_schools",
        _text("user_id", nullable=False),
        _text("role", nullable=False),
        _text("school_id", nullable=False),
        _text("district_id", nullable=False),
        sa.PrimaryKeyConstraint("user_id", "role", "school_id", name=op.f("pk_role_schools")),
        **WITHOUT_ROWID,
    )
    op.create_table(
        "contact_relationships",
        _text("contact_id", nullable=False),
        _text("student_id", nullable=False),
        _text("relationship"),
        _text("type"),
        _text("district_id", nullable=False),
        sa.PrimaryKeyConstraint("contact_id", "student_id", name=op.f("pk_contact_relationships")),
        **WITHOUT_ROWID,
    )
    _index("section_teachers", "teacher_id")
    _index("section_students", "student_id")
    _index("user_roles", "legacy_id")
    _index("user_roles", "school_id")
    _index("role_schools", "school_id")
    _index("contact_relationships", "student_id")

    op.create_table(
        "sync_checkpoints",
        _text("district_id", nullable=False),
        _text("api_version", nullable=False),
        _text("last_event_id"),
        _text("last_full_sync_run_id"),
        _text("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("district_id", "api_version", name=op.f("pk_sync_checkpoints")),
    )
    op.create_table(
        "sync_runs",
        _text("run_id", nullable=False),
        _text("district_id", nullable=False),
        _text("kind", nullable=False),
        _text("api_version", nullable=False),
        _text("status", nullable=False),
        _text("started_at", nullable=False),
        _text("finished_at"),
        _text("counts"),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_sync_runs")),
    )
    _index("sync_runs", "district_id")


def downgrade() -> None:
    for table in (
        "sync_runs", "sync_checkpoints", "contact_relationships", "role_schools", "user_roles",
        "section_students", "section_teachers", *reversed(RECORD_TABLES),
    ):  # fmt: skip
        op.drop_table(table)
