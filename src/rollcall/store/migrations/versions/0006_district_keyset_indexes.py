"""District-keyed indexes in keyset order: (district_id, id) on users, schools and sections replaces the
district_id-only index, and user_roles gains (district_id, user_id, role). Paging a district by id then reads
each page from the index; before, SQLite sorted the whole district for every page (reading 1 M users' roles
took minutes).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TABLES = ("schools", "sections", "users")


def upgrade() -> None:
    for table in _TABLES:
        op.drop_index(f"ix_{table}_district_id", table_name=table, if_exists=True)
        op.create_index(f"ix_{table}_district_id_id", table, ["district_id", "id"])
    op.create_index(
        "ix_user_roles_district_id_user_id_role", "user_roles", ["district_id", "user_id", "role"]
    )


def downgrade() -> None:
    op.drop_index("ix_user_roles_district_id_user_id_role", table_name="user_roles", if_exists=True)
    for table in _TABLES:
        op.drop_index(f"ix_{table}_district_id_id", table_name=table, if_exists=True)
        op.create_index(f"ix_{table}_district_id", table, ["district_id"])
