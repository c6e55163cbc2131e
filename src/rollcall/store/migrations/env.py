"""Alembic environment: runs on the connection `rollcall.store.revision` hands over in `config.attributes`,
or (for developers writing a new revision) on `sqlalchemy.url` from the Alembic config."""

from __future__ import annotations

import sqlalchemy as sa
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
if bound is not None:
    run_migrations_online(bound)
else:
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("open the store with rollcall.store.Store.open(url), or set sqlalchemy.url")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        run_migrations_online(connection)
    engine.dispose()
