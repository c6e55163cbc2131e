"""The change log: what one write transaction touched, per district, written just before it commits (one
version bump per district, and the user and section ids touched at that version, or one `reset` row when
the transaction touched too much to list or something every reader depends on)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rollcall.store.schema import change_log, change_versions

LISTED_TYPES: Final = frozenset({"users", "sections"})  # changes readers refresh one record at a time
RESET_TYPES: Final = frozenset({"districts", "schools"})  # changes every derived fact may depend on
MAX_LISTED: Final = 5_000  # past this many ids in one transaction, a reader reads everything again anyway
RESET: Final = "reset"


class ChangeRecorder:
    """Collects what a transaction touched; `write` records it in the same transaction."""

    def __init__(self) -> None:
        self._touched: dict[str, dict[str, set[str]]] = {}
        self._reset: set[str] = set()

    def touch(self, record_type: str, pairs: Iterable[tuple[str, str]], count: int) -> None:
        """Note `count` records of `record_type` as (district id, record id) pairs."""
        if record_type in RESET_TYPES:
            for district_id, _ in pairs:
                self._reset.add(district_id)
            return
        if record_type not in LISTED_TYPES:
            return
        for district_id, record_id in pairs:
            if district_id in self._reset:
                continue
            by_type = self._touched.setdefault(district_id, {})
            ids = by_type.setdefault(record_type, set())
            ids.add(record_id)
            if count > MAX_LISTED or sum(map(len, by_type.values())) > MAX_LISTED:
                self.reset(district_id)

    def reset(self, district_id: str) -> None:
        """Readers must read everything of the district again."""
        self._reset.add(district_id)
        self._touched.pop(district_id, None)

    def write(self, connection: Connection) -> None:
        """Bump each touched district's version and log what changed at it."""
        for district_id in sorted(
            self._reset | self._touched.keys()
        ):  # sorted: the same lock order everywhere
            version = _bump(connection, district_id)
            if district_id in self._reset:
                connection.execute(
                    sa.delete(change_log).where(
                        change_log.c.district_id == district_id, change_log.c.version < version
                    )
                )
                rows = [
                    {"district_id": district_id, "version": version, "record_type": RESET, "record_id": ""}
                ]
            else:
                rows = [
                    {"district_id": district_id, "version": version, "record_type": kind, "record_id": key}
                    for kind, ids in self._touched[district_id].items()
                    for key in sorted(ids)
                ]
            connection.execute(sa.insert(change_log), rows)
        self._touched.clear()
        self._reset.clear()


def _bump(connection: Connection, district_id: str) -> int:
    """The district's next version, made current (a row lock on PostgreSQL orders concurrent writers)."""
    statement = (
        sa.update(change_versions)
        .where(change_versions.c.district_id == district_id)
        .values(version=change_versions.c.version + 1)
        .returning(change_versions.c.version)
    )
    version = connection.execute(statement).scalar_one_or_none()
    if version is not None:
        return int(version)
    connection.execute(sa.insert(change_versions).values(district_id=district_id, version=1))
    return 1


def current_version(connection: Connection, district_id: str) -> int:
    """The district's version now (0 before any write)."""
    statement = sa.select(change_versions.c.version).where(change_versions.c.district_id == district_id)
    return int(connection.execute(statement).scalar_one_or_none() or 0)


def changes_between(
    connection: Connection, district_id: str, after: int, upto: int
) -> tuple[frozenset[str], frozenset[str]] | None:
    """User and section ids changed at versions in (after, upto]; None when a reset lies in between."""
    statement = sa.select(change_log.c.record_type, change_log.c.record_id).where(
        change_log.c.district_id == district_id,
        change_log.c.version > after,
        change_log.c.version <= upto,
    )
    users: set[str] = set()
    sections: set[str] = set()
    for record_type, record_id in connection.execute(statement):
        if record_type == RESET:
            return None
        (users if record_type == "users" else sections).add(record_id)
    return frozenset(users), frozenset(sections)
