"""The per-district change log: a version bumped by every write transaction that touches users, sections or
schools, and the ids it touched, so the access engine refreshes only what changed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_versions",
        sa.Column("district_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("district_id", name=op.f("pk_change_versions")),
    )
    op.create_table(
        "change_log",
        sa.Column("district_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.Text(), nullable=False),
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint(
            "district_id", "version", "record_type", "record_id", name=op.f("pk_change_log")
        ),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("change_log")
    op.drop_table("change_versions")
