"""Alembic migrations of the store schema, run programmatically by `rollcall.store.revision`.

A new revision after changing `schema.py` (then freeze its content by hand, as 0001 is):
    cfg = rollcall.store.revision.alembic_config(); cfg.set_main_option("sqlalchemy.url", "sqlite:///x.db")
    alembic.command.upgrade(cfg, "head"); alembic.command.revision(cfg, "what changed", autogenerate=True)
"""
