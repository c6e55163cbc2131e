"""Checked by mypy (strict) in `tests/client/test_typing.py`, never run: what the endpoint table's queries
give back through the generic verbs keeps its record type on both clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import assert_type

from rollcall.client import AsyncCleverClient, CleverClient, Page
from rollcall.domain.district import District, School, Section
from rollcall.domain.event import Event
from rollcall.domain.user import User
from rollcall.domain.v2 import V2Person, V2Student


def blocking(clever: CleverClient) -> None:
    table = clever.endpoints
    assert_type(clever.iter(table.users(role="teacher")), Iterator[User])
    assert_type(next(clever.iter(table.users())), User)
    assert_type(clever.get(table.user("u1")), User)
    assert_type(clever.get(table.section_district("s1")), District)
    assert_type(clever.iter_pages(table.school_sections("s1")), Iterator[Page[Section]])
    assert_type(clever.iter(table.teacher_students("t1")), Iterator[V2Student])
    assert_type(clever.get(table.v2_person("staff", "x")), V2Person)
    assert_type(clever.iter(table.events(), starting_after="e1"), Iterator[Event])


async def concurrent(clever: AsyncCleverClient) -> None:
    table = clever.endpoints
    assert_type(clever.iter(table.users()), AsyncIterator[User])
    assert_type(await clever.get(table.user("u1")), User)
    assert_type(await clever.collect(table.user_schools("u1")), list[School])
