"""Resume points of unfinished full syncs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _text(name: str, *, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "sync_resume_points",
        _text("district_id", nullable=False),
        _text("api_version", nullable=False),
        _text("run_id", nullable=False),
        _text("collection", nullable=False),
        _text("resume_url"),
        _text("start_event_id"),
        _text("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("district_id", "api_version", name=op.f("pk_sync_resume_points")),
    )


def downgrade() -> None:
    op.drop_table("sync_resume_points")
