"""The schema's Alembic revision: upgrade a database to head, or refuse one this rollcall does not know."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from rollcall.errors import StoreError

MIGRATIONS_DIR: Final = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config over the packaged migrations, bound to `connection` when given (see env.py)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this rollcall ships."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise StoreError(f"no Alembic revisions found in {MIGRATIONS_DIR}")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, None for a database without rollcall's schema."""
    return MigrationContext.configure(connection).get_current_revision()


def ensure_revision(connection: Connection, *, migrate: bool, where: str) -> None:
    """Bring the schema to head (`migrate`) or check it is there; StoreError says what to do otherwise."""
    scripts = ScriptDirectory.from_config(alembic_config())
    head = head_revision()
    current = current_revision(connection)
    if current is not None and current not in {script.revision for script in scripts.walk_revisions()}:
        raise StoreError(
            f"the database at {where} is at schema revision {current}, which this rollcall does not know "
            f"(its newest is {head}): a newer rollcall or another application migrated it; upgrade "
            "rollcall, or give rollcall a database (or PostgreSQL schema) of its own"
        )
    if current == head:
        return
    if not migrate:
        state = "has no rollcall schema" if current is None else f"is at schema revision {current}"
        raise StoreError(
            f"the database at {where} {state}, expected {head}: open it with migrate=True "
            "(or run the migrations) first"
        )
    command.upgrade(alembic_config(connection), "head")
