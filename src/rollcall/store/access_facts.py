"""The facts of one district as the access engine reads them (`rollcall.access.AccessFacts`, satisfied
structurally: the store does not import the access room), read with indexed queries, plus the change
log's version and what changed since one."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import AbstractContextManager
from typing import Final, TypeVar

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rollcall.domain.district import District, School, Section
from rollcall.domain.user import User
from rollcall.store.change_log import changes_between, current_version
from rollcall.store.schema import districts, schools, sections, users

PAGE_SIZE: Final = 5_000
ID_CHUNK: Final = 500  # ids per IN (…) list: well under SQLite's bound-parameter limit
T = TypeVar("T", User, Section, School)
Reading = Callable[[str, str | None], AbstractContextManager[Connection]]


class StoreAccessFacts:
    """AccessFacts of one district read from a store (see `Store.access_facts`)."""

    def __init__(self, reading: Reading, district_id: str) -> None:
        self._reading = reading
        self._district_id = district_id

    @property
    def district_id(self) -> str:
        return self._district_id

    def district(self) -> District | None:
        statement = sa.select(sa.cast(districts.c.payload, sa.Text)).where(
            districts.c.id == self._district_id, districts.c.deleted_at.is_(None)
        )
        with self._reading("read", "districts") as connection:
            payload = connection.execute(statement).scalar_one_or_none()
        return None if payload is None else msgspec.json.decode(payload, type=District)

    def schools(self) -> Iterator[School]:
        return self._records(schools, School, None)

    def users(self, ids: Collection[str] | None = None) -> Iterator[User]:
        return self._records(users, User, ids)

    def sections(self, ids: Collection[str] | None = None) -> Iterator[Section]:
        return self._records(sections, Section, ids)

    def version(self) -> int:
        with self._reading("read the change version", "change_versions") as connection:
            return current_version(connection, self._district_id)

    def changes_since(self, version: int) -> tuple[int, frozenset[str], frozenset[str]] | None:
        with self._reading("read the change log", "change_log") as connection:
            now = current_version(connection, self._district_id)  # first: later commits are read next time
            if version > now:
                return None
            changed = changes_between(connection, self._district_id, version, now)
        return None if changed is None else (now, *changed)

    def _records(self, table: sa.Table, kind: type[T], ids: Collection[str] | None) -> Iterator[T]:
        """Live records of the district: all of them in one streamed query, or those among `ids` in chunks."""
        decoder = msgspec.json.Decoder(kind)
        live = [table.c.district_id == self._district_id, table.c.deleted_at.is_(None)]
        payload = sa.cast(table.c.payload, sa.Text)
        if ids is not None:
            wanted = sorted(ids)
            for start in range(0, len(wanted), ID_CHUNK):
                chunk = wanted[start : start + ID_CHUNK]
                statement = sa.select(payload).where(*live, table.c.id.in_(chunk))
                with self._reading("read", table.name) as connection:
                    found = connection.execute(statement).scalars().all()
                yield from (decoder.decode(text) for text in found)
            return
        # One streamed query, not keyset pages: with `district_id = ?` SQLite picks the district index and
        # sorts every row of the district for each `ORDER BY id` page (quadratic in the district's size).
        statement = sa.select(payload).where(*live)
        with self._reading("read", table.name) as connection:
            streamed = connection.execution_options(stream_results=True, max_row_buffer=PAGE_SIZE)
            for rows in streamed.execute(statement).scalars().partitions(PAGE_SIZE):
                yield from (decoder.decode(text) for text in rows)
