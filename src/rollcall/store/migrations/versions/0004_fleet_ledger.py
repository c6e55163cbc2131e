"""The fleet's ledger: per district the state its last sync job left (fleet_districts), and every sync job
attempt with the worker that ran it and when it held the district's fence (sync_attempts).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _text(name: str, *, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "fleet_districts",
        _text("district_id", nullable=False),
        _text("name", nullable=False),
        _text("state", nullable=False),
        _text("reason"),
        _text("worker"),
        _text("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("district_id", name=op.f("pk_fleet_districts")),
    )
    op.create_table(
        "sync_attempts",
        _text("attempt_id", nullable=False),
        _text("district_id", nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        _text("kind", nullable=False),
        _text("worker", nullable=False),
        _text("started_at", nullable=False),
        _text("finished_at"),
        _text("outcome"),
        _text("reason"),
        _text("run_id"),
        sa.PrimaryKeyConstraint("attempt_id", name=op.f("pk_sync_attempts")),
    )
    op.create_index(op.f("ix_sync_attempts_district_id"), "sync_attempts", ["district_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sync_attempts_district_id"), table_name="sync_attempts")
    op.drop_table("sync_attempts")
    op.drop_table("fleet_districts")
