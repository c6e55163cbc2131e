"""Alembic environment: runs on the connection `rollcall.store.revision` hands over in `config.attributes`."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from rollcall.store.schema import metadata


def run_migrations_online(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("rollcall's migrations run online only, on a connection from rollcall.store")
bound = context.config.attributes.get("connection")
if bound is None:
    raise RuntimeError("open the store with rollcall.store.Store.open(url) to run its migrations")
run_migrations_online(bound)
