"""The index patched by refreshes decides exactly as one built from scratch, and lists its users in the same
name order, whatever changed in between: users deleted and restored, sections naming users the district does
not hold (yet), sections moved."""

from __future__ import annotations

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from rollcall.access import AccessEngine, MemoryFacts, facts_from_snapshot
from rollcall.domain.record import Name
from rollcall.domain.snapshot import DistrictSnapshot
from tests.access.district import OLIVE, SCIENCE_7, snapshot
from tests.access.test_properties import PEOPLE, districts, questions

Change = tuple[str, str]  # (what, id): put_user, remove_user, put_section, remove_section


def _apply(facts: MemoryFacts, other: DistrictSnapshot, change: Change) -> None:
    what, key = change
    if what == "put_user":
        facts.put_user(other.users[key])
    elif what == "remove_user":
        facts.remove_user(key)
    elif what == "put_section":
        facts.put_section(other.sections[key])
    else:
        facts.remove_section(key)


def _changes(first: DistrictSnapshot) -> st.SearchStrategy[list[Change]]:
    users = sorted(first.users)
    sections = sorted(first.sections)
    one = st.one_of(
        st.tuples(st.sampled_from(["put_user", "remove_user"]), st.sampled_from(users)),
        st.tuples(st.sampled_from(["put_section", "remove_section"]), st.sampled_from(sections)),
    )
    return st.lists(one, max_size=12)


@st.composite
def renamed(draw: st.DrawFn, district: DistrictSnapshot) -> DistrictSnapshot:
    """The district with its users renamed from a few names, some shared (ordered by id then) and some
    empty (named by their id)."""
    names = st.sampled_from(["Ann", "Bo", "e1", ""])
    users = {
        key: msgspec.structs.replace(user, name=Name(first=draw(names)))
        for key, user in district.users.items()
    }
    return msgspec.structs.replace(district, users=users)


def test_a_user_deleted_and_restored_teaches_their_sections_again() -> None:
    district = snapshot()
    facts = facts_from_snapshot(district)
    engine = AccessEngine(facts)
    facts.remove_user(OLIVE)
    engine.refresh()
    assert "no such user" in engine.check(OLIVE, "edit", f"section:{SCIENCE_7}").reason
    facts.put_user(district.users[OLIVE])
    engine.refresh()
    assert engine.check(OLIVE, "edit", f"section:{SCIENCE_7}").allowed


@settings(max_examples=40)
@given(districts(), districts().flatmap(renamed), st.data())
def test_refreshed_index_decides_as_one_built_from_scratch(
    first: DistrictSnapshot, other: DistrictSnapshot, data: st.DataObject
) -> None:
    facts = facts_from_snapshot(first)
    engine = AccessEngine(facts)
    engine.index.users_by_name()  # kept from here on, unless a refresh that changes users drops it
    for change in data.draw(_changes(first)):
        _apply(facts, other, change)
        if data.draw(st.booleans()):
            engine.refresh()
            engine.index.users_by_name()
    engine.refresh()
    fresh = AccessEngine(facts)
    index = fresh.index
    assert engine.index.users_by_name() == index.users_by_name()
    assert index.users_by_name() == tuple(sorted(index.users, key=lambda user: (index.user_name(user), user)))
    for user, action, target in questions():
        for role in (None, *fresh.roles_of(user)):
            assert engine.check(user, action, target, role) == fresh.check(user, action, target, role)
    for user in PEOPLE:
        assert engine.grants(user) == fresh.grants(user)
        if fresh.index.has_target("user", user):
            assert engine.explain(user) == fresh.explain(user)
