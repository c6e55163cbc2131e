from __future__ import annotations

import datetime as dt

import pytest

from rollcall.emulator.data.state import EmulatorState
from rollcall.errors import NotFound, UsageError
from tests.factories.maple import (
    DISTRICT,
    OTHER_DISTRICT,
    ROBIN,
    STUDENTS,
    other_snapshot,
    sample_snapshot,
)


def _state() -> EmulatorState:
    state = EmulatorState(seed="test")
    state.add_district(sample_snapshot())
    state.add_district(other_snapshot())
    return state


def test_loaded_districts_are_listed_and_get_a_district_token() -> None:
    state = _state()
    assert state.district_ids() == [DISTRICT, OTHER_DISTRICT]
    assert state.district(DISTRICT).name == "Maple Unified"
    grant = state.tokens.resolve(state.tokens.district_token(DISTRICT))
    assert grant is not None
    assert grant.district_id == DISTRICT


def test_find_user_names_the_district_of_a_v3_id() -> None:
    state = _state()
    found = state.find_user(ROBIN)
    assert found is not None
    assert found[0] == DISTRICT
    assert found[1].id == ROBIN
    assert state.find_user("ffffffffffffffffffffffff") is None


def test_every_role_legacy_id_finds_the_person_and_the_role() -> None:
    state = _state()
    robin = state.snapshot(DISTRICT).users[ROBIN]
    for role, legacy_id in robin.legacy_ids().items():
        assert state.find_by_legacy_id(legacy_id) == (DISTRICT, robin, role)
    student = state.find_by_legacy_id(STUDENTS[0])
    assert student is not None
    assert student[2] == "student"


def test_an_unknown_district_is_not_found() -> None:
    with pytest.raises(NotFound, match="no district"):
        _state().district("ffffffffffffffffffffffff")


def test_loading_the_same_district_twice_is_refused() -> None:
    state = _state()
    with pytest.raises(UsageError, match="already loaded"):
        state.add_district(sample_snapshot())


def test_removing_a_district_forgets_its_people_and_tokens() -> None:
    state = _state()
    token = state.tokens.district_token(DISTRICT)
    state.remove_district(DISTRICT)
    assert state.find_user(ROBIN) is None
    assert state.tokens.resolve(token) is None
    assert state.district_ids() == [OTHER_DISTRICT]


def test_the_clock_starts_on_the_first_of_september_and_only_moves_forward() -> None:
    state = _state()
    assert state.clock.now() == dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    state.advance_clock(dt.timedelta(days=1))
    assert state.clock.now() == dt.datetime(2026, 9, 2, tzinfo=dt.UTC)
    with pytest.raises(UsageError):
        state.advance_clock(dt.timedelta(seconds=-1))
