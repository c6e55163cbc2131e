"""Drop `user_roles.payload`: the user's own payload already holds every role in full (118 MB of a 617 MB
SQLite database at 100k students, and one JSON encode per role on every sync).

On SQLite the batch operation copies the table without the column (the freed pages return to the file at the
next VACUUM); PostgreSQL only marks the column dropped, and a row's old bytes go when the row is rewritten
(or at once with `VACUUM FULL user_roles`).

Downgrade re-adds the column as nullable and leaves it empty (NULL): the role payloads are gone, and revision
0002's rollcall writes them again as it rewrites each user's roles.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# A frozen copy of the payload type of 0001 (a migration must not change when schema.py does).
PAYLOAD = sa.Text().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("user_roles") as batch:
        batch.drop_column("payload")


def downgrade() -> None:
    with op.batch_alter_table("user_roles") as batch:
        batch.add_column(sa.Column("payload", PAYLOAD, nullable=True))
