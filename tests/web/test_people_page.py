"""The people page lists exactly what sorting every visible user by (name, id) lists, page by page, whether
it sorts what the viewer sees (a teacher's few students) or walks the index's users in name order (a
district admin's whole district); the total is every user the viewer may see."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rollcall.access import AccessEngine, facts_from_snapshot
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import RoleName
from rollcall.web import views
from rollcall.web.session import COMBINED
from rollcall.web.viewer import role_label
from tests.access.test_index import _apply, _changes, renamed
from tests.access.test_properties import PEOPLE, districts
from tests.web import district
from tests.web.harness import Harness, build_harness

Row = tuple[str, str, tuple[RoleName, ...]]
ROW = re.compile(r'<tr><td><a href="/people/([^"]+)">([^<]*)</a></td><td>([^<]*)</td></tr>')
TOTAL = re.compile(r"<p>(\d+) (?:person|people)")


def _listed_before(engine: AccessEngine, user_id: str, roles: tuple[RoleName, ...]) -> list[Row]:
    """The page's rows as it defined them before it walked the index: every visible user, sorted."""
    visible = {seen for role in roles for seen in engine.visible(user_id, "user", acting_as=role)}
    rows = ((seen, engine.index.user_name(seen), engine.roles_of(seen)) for seen in visible)
    return sorted(rows, key=lambda row: (row[1], row[0]))


def _viewers(engine: AccessEngine) -> Iterator[tuple[str, tuple[RoleName, ...]]]:
    """Every person acting as each role they hold, and as all of them (the combined view)."""
    for user_id in PEOPLE:
        held = engine.roles_of(user_id)
        yield from ((user_id, (role,)) for role in held)
        if len(held) > 1:
            yield user_id, held


@settings(max_examples=40)
@given(districts().flatmap(renamed), districts().flatmap(renamed), st.data())
def test_sorted_and_walked_pages_are_the_pages_of_every_visible_user_sorted(
    first: DistrictSnapshot, other: DistrictSnapshot, data: st.DataObject
) -> None:
    facts = facts_from_snapshot(first)
    engine = AccessEngine(facts)
    engine.index.users_by_name()  # an order from before the changes, which the refresh must drop
    for change in data.draw(_changes(first)):  # removed users leave ids the district does not hold
        _apply(facts, other, change)
    engine.refresh()
    size = 3
    for user_id, roles in _viewers(engine):
        before = [row[0] for row in _listed_before(engine, user_id, roles)]
        visible = {seen for role in roles for seen in engine.visible_set(user_id, "user", acting_as=role)}
        assert len(visible) == len(before)
        assert views.sorted_by_name(engine, visible) == before
        for start in range(0, len(before) + size, size):
            shown = before[start : start + size]
            assert views.walked_by_name(engine, visible, start, size) == shown, (user_id, roles, start)
            assert views.people_by_name(engine, visible, start, size) == shown, (user_id, roles, start)


def _pages(web: Harness) -> tuple[list[Row], set[int]]:
    """Every row of /people, page after page, and the totals the pages state."""
    rows: list[Row] = []
    totals: set[int] = set()
    start = 0
    while True:
        page = web.browser.get(f"/people?start={start}").text
        found = TOTAL.search(page)
        assert found is not None, page
        totals.add(int(found.group(1)))
        listed = ROW.findall(page)
        assert len(listed) <= views.PAGE_SIZE
        rows.extend(
            (user_id, html.unescape(name), tuple(roles.split(", "))) for user_id, name, roles in listed
        )
        if f'href="/people?start={start + views.PAGE_SIZE}"' not in page:
            return rows, totals
        start += views.PAGE_SIZE


def _labelled(rows: list[Row]) -> list[Row]:
    return [(user_id, name, tuple(role_label(role) for role in roles)) for user_id, name, roles in rows]


@pytest.mark.parametrize("walk_share", [0, 10**9], ids=["sorted", "walked"])
@pytest.mark.parametrize(
    ("user_id", "role"),
    [
        (district.ROBIN, "teacher"),
        (district.ROBIN, "staff"),
        (district.TESS, "teacher"),
        (district.SAM, "staff"),
        (district.PAT, "district_admin"),
        (district.PAT, "teacher"),
        (district.GRACE, "contact"),
        (district.CY, "student"),
    ],
)
def test_people_pages_list_every_visible_user_sorted_by_name(
    web: Harness, monkeypatch: pytest.MonkeyPatch, walk_share: int, user_id: str, role: RoleName
) -> None:
    """A page of 2: the district admin's 9 people take 5 pages, the last one holding one row."""
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(views, "WALK_SHARE", walk_share)
    web.sign_in_as(user_id, role)
    engine = web.app.state.context.engines.find(district.DISTRICT)
    before = _listed_before(engine, user_id, (role,))
    assert before
    rows, totals = _pages(web)
    assert rows == _labelled(before)
    assert totals == {len(before)}


@pytest.mark.parametrize("walk_share", [0, 10**9], ids=["sorted", "walked"])
@pytest.mark.parametrize("user_id", [district.ROBIN, district.PAT])
def test_the_combined_view_lists_every_role_s_people_once_sorted_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, walk_share: int, user_id: str
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(views, "WALK_SHARE", walk_share)
    web = build_harness(tmp_path, combined_view=True)
    try:
        with web.browser:
            web.sign_in_as(user_id, "teacher")
            web.act_as(COMBINED)
            engine = web.app.state.context.engines.find(district.DISTRICT)
            before = _listed_before(engine, user_id, engine.roles_of(user_id))
            rows, totals = _pages(web)
    finally:
        web.store.close()
        web.emulator.close()
    assert rows == _labelled(before)
    assert totals == {len(before)}
