"""rollcall: the Clever API v3 migration toolkit (emulator, client, sync, migration, access)."""

__version__ = "0.1.0"
